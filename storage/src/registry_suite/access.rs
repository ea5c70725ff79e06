//! What procedure systems read and under which token: subject lookups by type and
//! status, tokens found by their secret until revoked, and the access log.

use super::*;

pub(super) async fn subject_records_filter_by_type_and_status<C: Catalog + Registry>(c: &C) {
    let person = citizen("001099000707");
    let card_hash = process(
        c,
        "filters card",
        vec![card("001099000707", "NGÔ THỊ LAN", "2021-01-01")],
    )
    .await;
    let residence_hash = process(
        c,
        "filters residence",
        vec![doc(
            DocumentType::ResidenceConfirmation,
            &[("id_number", "001099000707"), ("current_residence", "Huế")],
        )],
    )
    .await;
    let birth_hash = process(
        c,
        "filters birth",
        vec![doc(
            DocumentType::BirthCertificate,
            &[
                ("personal_id_number", "001099000707"),
                ("certificate_number", "7/2000"),
            ],
        )],
    )
    .await;
    let card_rec = only_record(c, &card_hash).await;
    let residence = only_record(c, &residence_hash).await;
    let birth = only_record(c, &birth_hash).await;
    c.verify(&card_rec.id, "clerk").await.unwrap();
    c.verify(&residence.id, "clerk").await.unwrap();
    c.revoke(&birth.id, "wrong person", "clerk").await.unwrap();

    let query = |types: Vec<DocumentType>, statuses: Vec<RecordStatus>| RecordQuery {
        document_types: types,
        statuses,
    };
    let cases = [
        (query(vec![], vec![]), vec![&residence.id, &card_rec.id]),
        (
            query(vec![DocumentType::CitizenId], vec![]),
            vec![&card_rec.id],
        ),
        (
            query(
                vec![DocumentType::CitizenId, DocumentType::BirthCertificate],
                vec![],
            ),
            vec![&card_rec.id],
        ),
        (query(vec![], vec![RecordStatus::Revoked]), vec![&birth.id]),
        (
            query(vec![], all_statuses()),
            vec![&birth.id, &residence.id, &card_rec.id],
        ),
        (
            query(
                vec![DocumentType::BirthCertificate],
                vec![RecordStatus::Verified],
            ),
            vec![],
        ),
        (
            query(vec![DocumentType::MarriageCertificate], all_statuses()),
            vec![],
        ),
        (
            query(
                vec![],
                vec![RecordStatus::Extracted, RecordStatus::Superseded],
            ),
            vec![],
        ),
    ];
    for (q, want) in cases {
        let got = c.subject_records(&person, &q).await.unwrap();
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(ids(&got), want, "{q:?}");
        for r in &got {
            assert!(r.subjects.contains(&person));
        }
    }
    // The same digits as another kind of subject are someone else.
    assert!(c
        .subject_records(
            &SubjectId {
                kind: SubjectKind::Enterprise,
                value: "001099000707".to_string()
            },
            &query(vec![], all_statuses())
        )
        .await
        .unwrap()
        .is_empty());
    assert!(c
        .subject_records(&citizen("001099000708"), &query(vec![], all_statuses()))
        .await
        .unwrap()
        .is_empty());
}

pub(super) async fn tokens_are_found_by_secret_until_revoked<C: Registry>(c: &C) {
    let secret = "a".repeat(64);
    let token = c
        .create_token(&NewToken {
            name: "civil-status-system".to_string(),
            role: Role::ProcedureSystem,
            document_types: vec![DocumentType::CitizenId, DocumentType::BirthCertificate],
            secret_sha256: secret.clone(),
        })
        .await
        .unwrap();
    assert_eq!(token.name, "civil-status-system");
    assert_eq!(token.role, Role::ProcedureSystem);
    assert_eq!(
        token.document_types,
        vec![DocumentType::CitizenId, DocumentType::BirthCertificate]
    );
    assert_eq!(token.revoked_at_ms, None);
    assert_eq!(
        c.token_by_secret(&secret).await.unwrap(),
        Some(token.clone())
    );
    assert_eq!(c.token_by_secret(&"b".repeat(64)).await.unwrap(), None);

    assert!(matches!(
        c.create_token(&NewToken {
            name: "civil-status-system".to_string(),
            role: Role::Admin,
            document_types: vec![],
            secret_sha256: "c".repeat(64),
        })
        .await,
        Err(RegistryError::TokenExists(name)) if name == "civil-status-system"
    ));
    assert_eq!(c.token_by_secret(&"c".repeat(64)).await.unwrap(), None);

    let clerk = c
        .create_token(&NewToken {
            name: "clerk-a".to_string(),
            role: Role::Clerk,
            document_types: vec![],
            secret_sha256: "d".repeat(64),
        })
        .await
        .unwrap();
    assert_ne!(clerk.id, token.id);

    c.revoke_token("civil-status-system").await.unwrap();
    assert_eq!(c.token_by_secret(&secret).await.unwrap(), None);
    assert_eq!(
        c.token_by_secret(&"d".repeat(64)).await.unwrap(),
        Some(clerk.clone())
    );
    let listed = c.tokens().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].name, "civil-status-system");
    let revoked_at = listed[0].revoked_at_ms.expect("revoked");
    assert!(revoked_at >= token.created_at_ms);
    assert_eq!(listed[1], clerk);
    // Revoking again keeps the first revocation time.
    c.revoke_token("civil-status-system").await.unwrap();
    assert_eq!(c.tokens().await.unwrap()[0].revoked_at_ms, Some(revoked_at));
    // The name stays taken: the access log names tokens.
    assert!(matches!(
        c.create_token(&NewToken {
            name: "civil-status-system".to_string(),
            role: Role::ProcedureSystem,
            document_types: vec![],
            secret_sha256: "e".repeat(64),
        })
        .await,
        Err(RegistryError::TokenExists(_))
    ));
}

pub(super) async fn the_access_log_is_read_newest_first<C: Registry>(c: &C) {
    let an = citizen("001099000808");
    let firm = enterprise("0100000808");
    let entry = |subject: &SubjectId, at_ms: i64, purpose: &str| AccessEntry {
        token_name: "civil-status-system".to_string(),
        role: Role::ProcedureSystem,
        subject: subject.clone(),
        document_types: vec![DocumentType::CitizenId],
        record_ids: vec![
            "r-00000000000000aa".to_string(),
            "r-00000000000000bb".to_string(),
        ],
        purpose: purpose.to_string(),
        endpoint: "GET /api/v1/subjects/{id}/records".to_string(),
        at_ms,
    };
    let entries = [
        entry(&an, 1_700_000_000_000, "birth registration"),
        entry(&firm, 1_700_000_000_500, "licence renewal"),
        entry(&an, 1_700_000_001_000, "marriage registration"),
        entry(&an, 1_700_000_002_000, "residence 'check'; --"),
    ];
    for e in &entries {
        c.log_access(e).await.unwrap();
    }
    assert_eq!(
        c.access_log(Some(&an), 10).await.unwrap(),
        vec![entries[3].clone(), entries[2].clone(), entries[0].clone()]
    );
    assert_eq!(
        c.access_log(Some(&an), 2).await.unwrap(),
        vec![entries[3].clone(), entries[2].clone()]
    );
    assert_eq!(
        c.access_log(Some(&firm), 10).await.unwrap(),
        vec![entries[1].clone()]
    );
    assert!(c
        .access_log(Some(&citizen("001099000809")), 10)
        .await
        .unwrap()
        .is_empty());
    let everything = c.access_log(None, 100).await.unwrap();
    assert_eq!(
        everything,
        vec![
            entries[3].clone(),
            entries[2].clone(),
            entries[1].clone(),
            entries[0].clone()
        ]
    );
    assert_eq!(
        c.access_log(None, 1).await.unwrap(),
        vec![entries[3].clone()]
    );
    assert!(c.access_log(None, 0).await.unwrap().is_empty());
}
