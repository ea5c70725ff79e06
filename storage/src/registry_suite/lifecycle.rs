//! A record's lifecycle: verification, correction, supersession and revocation with
//! their history, the transitions refused, and supersession by enterprise.

use super::*;

pub(super) async fn the_lifecycle_keeps_its_history<C: Catalog + Registry>(c: &C) {
    let person = citizen("001099000404");
    let old_card = process(
        c,
        "lifecycle old card",
        vec![card("001099000404", "HOÀNG VĂN GIANG", "2016-01-01")],
    )
    .await;
    let r1 = only_record(c, &old_card).await;
    let evidence = r1.fields[&FieldKey::FullName].evidence.clone();

    // Corrected while extracted: a manual value, the reading's evidence kept.
    let corrected = c
        .correct_field(
            &r1.id,
            "full_name",
            "  Hoàng   Văn Giang ",
            Some("ocr dropped a diacritic"),
            "clerk-a",
        )
        .await
        .unwrap();
    let name = &corrected.fields[&FieldKey::FullName];
    assert_eq!(name.value, "Hoàng Văn Giang");
    assert_eq!(name.method, Method::Manual);
    assert_eq!(name.confidence, 1.0);
    assert_eq!(name.evidence, evidence);
    assert_eq!(corrected.status, RecordStatus::Extracted);
    assert_eq!(corrected.content_key, r1.content_key);
    assert_eq!(
        corrected.fields[&FieldKey::IdNumber],
        r1.fields[&FieldKey::IdNumber]
    );
    assert_eq!(c.record(&r1.id).await.unwrap().unwrap(), corrected);

    // A field the reading missed can be added; it has no evidence.
    let added = c
        .correct_field(&r1.id, "nationality", "Việt Nam", None, "clerk-a")
        .await
        .unwrap();
    assert_eq!(added.fields[&FieldKey::Nationality].value, "Việt Nam");
    assert!(added.fields[&FieldKey::Nationality].evidence.is_empty());

    let verified = c.verify(&r1.id, "clerk-b").await.unwrap();
    assert_eq!(verified.status, RecordStatus::Verified);
    assert_eq!(verified.verified_by.as_deref(), Some("clerk-b"));
    assert!(verified.verified_at_ms.unwrap() >= verified.created_at_ms);

    // Still correctable once verified.
    c.correct_field(&r1.id, "sex", "male", Some("checked"), "clerk-b")
        .await
        .unwrap();

    // A newer card of the same person, verified, supersedes the old one.
    let new_card = process(
        c,
        "lifecycle new card",
        vec![card("001099000404", "HOÀNG VĂN GIANG", "2024-07-01")],
    )
    .await;
    let r2 = only_record(c, &new_card).await;
    assert_ne!(r2.id, r1.id);
    // Another type about the same person, verified too, is untouched by it.
    let residence = process(
        c,
        "lifecycle residence",
        vec![doc(
            DocumentType::ResidenceConfirmation,
            &[
                ("id_number", "001099000404"),
                ("permanent_residence", "Hà Nội"),
            ],
        )],
    )
    .await;
    let r3 = only_record(c, &residence).await;
    c.verify(&r3.id, "clerk-b").await.unwrap();
    let r2v = c.verify(&r2.id, "clerk-c").await.unwrap();
    assert_eq!(r2v.status, RecordStatus::Verified);

    let r1s = c.record(&r1.id).await.unwrap().unwrap();
    assert_eq!(r1s.status, RecordStatus::Superseded);
    assert_eq!(r1s.superseded_by.as_deref(), Some(r2.id.as_str()));
    assert_eq!(r1s.verified_by.as_deref(), Some("clerk-b"));
    assert_eq!(
        c.record(&r3.id).await.unwrap().unwrap().status,
        RecordStatus::Verified
    );

    let verified_only = c
        .subject_records(&person, &RecordQuery::default())
        .await
        .unwrap();
    assert_eq!(ids(&verified_only), vec![r3.id.clone(), r2.id.clone()]);

    let revoked = c
        .revoke(&r2.id, "the card was reported stolen", "auditor-a")
        .await
        .unwrap();
    assert_eq!(revoked.status, RecordStatus::Revoked);
    assert_eq!(
        revoked.revoked_reason.as_deref(),
        Some("the card was reported stolen")
    );
    assert_eq!(
        ids(&c
            .subject_records(&person, &RecordQuery::default())
            .await
            .unwrap()),
        vec![r3.id.clone()]
    );

    let history = c.history(&r1.id).await.unwrap();
    let actors: Vec<&str> = history.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(
        actors,
        vec!["system", "clerk-a", "clerk-a", "clerk-b", "clerk-b", "clerk-c"]
    );
    assert!(history.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    assert_eq!(
        kinds(&history),
        vec![
            RecordEventKind::Created {
                document_id: format!("{}-1", old_card.short())
            },
            RecordEventKind::Corrected {
                key: "full_name".to_string(),
                old_value: Some("HOÀNG VĂN GIANG".to_string()),
                new_value: "Hoàng Văn Giang".to_string(),
                reason: Some("ocr dropped a diacritic".to_string()),
            },
            RecordEventKind::Corrected {
                key: "nationality".to_string(),
                old_value: None,
                new_value: "Việt Nam".to_string(),
                reason: None,
            },
            RecordEventKind::Verified,
            RecordEventKind::Corrected {
                key: "sex".to_string(),
                old_value: Some("male".to_string()),
                new_value: "male".to_string(),
                reason: Some("checked".to_string()),
            },
            RecordEventKind::Superseded { by: r2.id.clone() },
        ]
    );
    assert_eq!(
        kinds(&c.history(&r2.id).await.unwrap()),
        vec![
            RecordEventKind::Created {
                document_id: format!("{}-1", new_card.short())
            },
            RecordEventKind::Verified,
            RecordEventKind::Revoked {
                reason: "the card was reported stolen".to_string()
            },
        ]
    );

    // The revoked content, scanned again, makes a fresh record instead of reviving it.
    let again = process(
        c,
        "lifecycle new card rescanned",
        vec![card("001099000404", "HOÀNG VĂN GIANG", "2024-07-01")],
    )
    .await;
    let r4 = only_record(c, &again).await;
    assert_ne!(r4.id, r2.id);
    assert_eq!(r4.status, RecordStatus::Extracted);
    assert_eq!(r4.content_key, r2.content_key);

    // A corrected id number moves the record to the right person.
    let moved = c
        .correct_field(&r4.id, "id_number", "001099000405", None, "clerk-a")
        .await
        .unwrap();
    assert_eq!(moved.subjects, vec![citizen("001099000405")]);
    let all = RecordQuery {
        document_types: vec![],
        statuses: all_statuses(),
    };
    assert_eq!(
        ids(&c
            .subject_records(&citizen("001099000405"), &all)
            .await
            .unwrap()),
        vec![r4.id.clone()]
    );
    assert!(!ids(&c.subject_records(&person, &all).await.unwrap()).contains(&r4.id));
}

pub(super) async fn forbidden_transitions_and_unknown_fields_are_refused<C: Catalog + Registry>(
    c: &C,
) {
    let hash = process(
        c,
        "transitions",
        vec![
            card("001099000505", "ĐỖ VĂN HẢI", "2021-01-01"),
            card("001099000505", "ĐỖ VĂN HẢI", "2024-01-01"),
        ],
    )
    .await;
    let records = c.records_of_original(&hash).await.unwrap();
    assert_eq!(records.len(), 2);
    let (older, newer) = (&records[0].id, &records[1].id);
    c.verify(older, "clerk").await.unwrap();

    let invalid = |r: Result<Record, RegistryError>, status: &str, action: &str| match r {
        Err(RegistryError::InvalidTransition {
            id,
            status: s,
            action: a,
        }) => {
            assert_eq!((s, a), (status, action));
            id
        }
        other => panic!("expected an invalid transition, got {other:?}"),
    };
    assert_eq!(
        invalid(c.verify(older, "clerk").await, "verified", "verify"),
        *older
    );
    c.verify(newer, "clerk").await.unwrap();
    // The older one is superseded now: nothing more may happen to it.
    invalid(c.verify(older, "clerk").await, "superseded", "verify");
    invalid(c.revoke(older, "x", "clerk").await, "superseded", "revoke");
    invalid(
        c.correct_field(older, "full_name", "X", None, "clerk")
            .await,
        "superseded",
        "correct",
    );
    c.revoke(newer, "duplicate", "clerk").await.unwrap();
    invalid(c.revoke(newer, "again", "clerk").await, "revoked", "revoke");
    invalid(c.verify(newer, "clerk").await, "revoked", "verify");
    invalid(
        c.correct_field(newer, "full_name", "X", None, "clerk")
            .await,
        "revoked",
        "correct",
    );
    // Refusals leave no trace.
    assert_eq!(c.history(older).await.unwrap().len(), 3);
    assert_eq!(c.history(newer).await.unwrap().len(), 3);

    let fresh = process(
        c,
        "unknown fields",
        vec![card("001099000506", "ĐỖ THỊ KIM", "2021-01-01")],
    )
    .await;
    let rec = only_record(c, &fresh).await;
    for key in [
        "favourite_colour",
        "enterprise_code",
        "",
        "ID_NUMBER",
        "id_number ",
    ] {
        match c.correct_field(&rec.id, key, "x", None, "clerk").await {
            Err(RegistryError::UnknownField { id, key: k }) => {
                assert_eq!((id.as_str(), k.as_str()), (rec.id.as_str(), key));
            }
            other => panic!("{key:?}: expected an unknown field, got {other:?}"),
        }
    }
    assert_eq!(c.record(&rec.id).await.unwrap().unwrap(), rec);
    assert_eq!(c.history(&rec.id).await.unwrap().len(), 1);

    for r in [
        c.verify("r-missing", "clerk").await,
        c.revoke("r-missing", "x", "clerk").await,
        c.correct_field("r-missing", "full_name", "x", None, "clerk")
            .await,
    ] {
        assert!(
            matches!(&r, Err(RegistryError::RecordNotFound(id)) if id == "r-missing"),
            "{r:?}"
        );
    }
}

pub(super) async fn a_business_registration_supersedes_by_its_enterprise<C: Catalog + Registry>(
    c: &C,
) {
    let registration = |code: &str, name: &str| {
        doc(
            DocumentType::BusinessRegistration,
            &[
                ("enterprise_code", code),
                ("enterprise_name", name),
                ("legal_representative_id_number", "001099000606"),
            ],
        )
    };
    let one = process(
        c,
        "enterprise one",
        vec![registration("0100000601", "CÔNG TY MỘT")],
    )
    .await;
    let two = process(
        c,
        "enterprise two",
        vec![registration("0100000602", "CÔNG TY HAI")],
    )
    .await;
    let one = only_record(c, &one).await;
    let two = only_record(c, &two).await;
    c.verify(&one.id, "clerk").await.unwrap();
    c.verify(&two.id, "clerk").await.unwrap();
    assert_eq!(
        c.record(&one.id).await.unwrap().unwrap().status,
        RecordStatus::Verified,
        "sharing a legal representative does not make them the same enterprise"
    );
    let renamed = process(
        c,
        "enterprise one renamed",
        vec![registration("0100000601", "CÔNG TY MỘT MỚI")],
    )
    .await;
    let renamed = only_record(c, &renamed).await;
    c.verify(&renamed.id, "clerk").await.unwrap();
    let one = c.record(&one.id).await.unwrap().unwrap();
    assert_eq!(one.status, RecordStatus::Superseded);
    assert_eq!(one.superseded_by, Some(renamed.id.clone()));
    assert_eq!(
        c.record(&two.id).await.unwrap().unwrap().status,
        RecordStatus::Verified
    );
    assert_eq!(
        ids(&c
            .subject_records(&citizen("001099000606"), &RecordQuery::default())
            .await
            .unwrap()),
        vec![renamed.id.clone(), two.id.clone()]
    );
}
