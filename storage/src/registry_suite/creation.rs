//! How records come to be: one per typed document when a job completes, one per content
//! however often it is scanned, and a dossier's subject for records that name nobody.

use super::*;

pub(super) async fn records_are_made_when_a_job_completes<C: Catalog + Registry>(c: &C) {
    let first = card("001099000101", "NGUYỄN VĂN AN", "2021-04-12");
    let business = doc(
        DocumentType::BusinessRegistration,
        &[
            ("enterprise_code", "0100000101"),
            ("enterprise_name", "CÔNG TY TNHH AN BÌNH"),
            ("legal_representative_id_number", "001099000101"),
        ],
    );
    let hash = process(
        c,
        "made on completion",
        vec![first.clone(), unknown(), business.clone()],
    )
    .await;

    let records = c.records_of_original(&hash).await.unwrap();
    assert_eq!(
        records.len(),
        2,
        "one record per typed document, none for unknown"
    );
    let (card_rec, biz_rec) = (&records[0], &records[1]);
    assert!(
        card_rec.id.starts_with("r-") && card_rec.id.len() == 18,
        "{}",
        card_rec.id
    );
    assert_ne!(card_rec.id, biz_rec.id);
    assert_eq!(card_rec.document_type, DocumentType::CitizenId);
    assert_eq!(card_rec.status, RecordStatus::Extracted);
    assert_eq!(card_rec.subjects, vec![citizen("001099000101")]);
    assert_eq!(card_rec.fields, first.fields);
    assert_eq!(card_rec.documents, vec![linked(&hash, 1)]);
    assert_eq!(card_rec.verified_at_ms, None);
    assert_eq!(card_rec.verified_by, None);
    assert_eq!(card_rec.superseded_by, None);
    assert_eq!(card_rec.revoked_reason, None);
    assert!(card_rec.created_at_ms > 1_600_000_000_000);
    assert_eq!(card_rec.content_key.len(), 64);

    assert_eq!(biz_rec.document_type, DocumentType::BusinessRegistration);
    assert_eq!(
        biz_rec.subjects,
        vec![citizen("001099000101"), enterprise("0100000101")]
    );
    assert_eq!(biz_rec.documents, vec![linked(&hash, 3)]);
    assert_eq!(biz_rec.fields, business.fields);

    let history = c.history(&card_rec.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].actor, "system");
    assert_eq!(history[0].record_id, card_rec.id);
    assert_eq!(
        history[0].kind,
        RecordEventKind::Created {
            document_id: format!("{}-1", hash.short())
        }
    );
    assert_eq!(
        c.record(&card_rec.id).await.unwrap().as_ref(),
        Some(card_rec)
    );
    assert!(c.record("r-0000000000000000").await.unwrap().is_none());
    assert!(matches!(
        c.history("r-0000000000000000").await,
        Err(RegistryError::RecordNotFound(id)) if id == "r-0000000000000000"
    ));

    // The documents are there as before: records come in addition to them.
    assert_eq!(c.documents_of(&hash).await.unwrap().len(), 3);
    // An original with nothing typed makes no record.
    let blank = process(c, "only unknown pages", vec![unknown()]).await;
    assert!(c.records_of_original(&blank).await.unwrap().is_empty());
    assert!(c
        .records_of_original(&ContentHash::of(b"never seen"))
        .await
        .unwrap()
        .is_empty());
}

pub(super) async fn the_same_content_links_to_one_record<C: Catalog + Registry>(c: &C) {
    let a = process(
        c,
        "dedupe first scan",
        vec![card("001099000202", "TRẦN THỊ BÌNH", "2022-05-06")],
    )
    .await;
    // Rescanned: the same content up to case, spacing and normal form, read by other means.
    let mut rescan = card(
        "001099000202",
        "  tra\u{0302}\u{0300}n thị   BÌNH ",
        "2022-05-06",
    );
    rescan.fields.get_mut(&FieldKey::Sex).unwrap().value = "female".to_string();
    let b = process(c, "dedupe second scan", vec![unknown(), rescan]).await;

    let first = only_record(c, &a).await;
    let second = only_record(c, &b).await;
    assert_eq!(first.id, second.id, "one record for one content");
    assert_eq!(
        second.documents,
        vec![linked(&a, 1), linked(&b, 2)],
        "both documents, each with its own original, first one first"
    );
    assert_eq!(
        second.fields[&FieldKey::FullName].value,
        "TRẦN THỊ BÌNH",
        "the record keeps the values it was made with"
    );
    assert_eq!(
        kinds(&c.history(&first.id).await.unwrap()),
        vec![
            RecordEventKind::Created {
                document_id: format!("{}-1", a.short())
            },
            RecordEventKind::Linked {
                document_id: format!("{}-2", b.short())
            },
        ]
    );
    let all = RecordQuery {
        document_types: vec![],
        statuses: all_statuses(),
    };
    // The subject lookup returns the documents with their originals too: procedure
    // systems get the provenance without a read of the catalog per record.
    assert_eq!(
        c.subject_records(&citizen("001099000202"), &all)
            .await
            .unwrap(),
        vec![second.clone()]
    );

    // Twice in one file: still one record, with both documents.
    let twice = process(
        c,
        "dedupe twice in one file",
        vec![
            card("001099000203", "LÊ VĂN CƯỜNG", "2023-01-01"),
            card("001099000203", "LÊ VĂN CƯỜNG", "2023-01-01"),
        ],
    )
    .await;
    let rec = only_record(c, &twice).await;
    assert_eq!(rec.documents, vec![linked(&twice, 1), linked(&twice, 2)]);

    // Unreadable documents of a type never merge with each other.
    let blank = process(
        c,
        "dedupe nothing readable",
        vec![
            doc(DocumentType::CitizenId, &[("sex", "male")]),
            doc(DocumentType::CitizenId, &[("sex", "male")]),
        ],
    )
    .await;
    assert_eq!(c.records_of_original(&blank).await.unwrap().len(), 2);
}

pub(super) async fn dossiers_name_the_subject_of_records_that_name_nobody<C: Catalog + Registry>(
    c: &C,
) {
    let birth = |number: &str| {
        doc(
            DocumentType::BirthCertificate,
            &[
                ("full_name", "PHẠM MINH ĐỨC"),
                ("certificate_number", number),
                ("registration_date", "2010-03-04"),
            ],
        )
    };
    let applicant = citizen("001099000303");
    let created = c
        .create_dossier(
            &NewDossier {
                code: "HS-0303".to_string(),
                procedure_code: "1.001234".to_string(),
                subject: applicant.clone(),
            },
            "clerk-a",
        )
        .await
        .unwrap();
    assert_eq!(created.code, "HS-0303");
    assert_eq!(created.procedure_code, "1.001234");
    assert_eq!(created.subject, applicant);
    assert_eq!(created.created_by, "clerk-a");
    assert!(created.originals.is_empty());
    assert!(matches!(
        c.create_dossier(
            &NewDossier {
                code: "HS-0303".to_string(),
                procedure_code: "other".to_string(),
                subject: citizen("001099000399"),
            },
            "clerk-b",
        )
        .await,
        Err(RegistryError::DossierExists(code)) if code == "HS-0303"
    ));

    // Attached before the worker finishes.
    let early = ContentHash::of(b"dossier attached first");
    register(c, &early).await;
    c.attach_original("HS-0303", &early).await.unwrap();
    complete(c, &early, vec![birth("101/2010")]).await;
    let rec = only_record(c, &early).await;
    assert_eq!(rec.subjects, vec![applicant.clone()]);

    // Attached after the worker finished.
    let late = process(c, "dossier attached second", vec![birth("102/2010")]).await;
    assert!(only_record(c, &late).await.subjects.is_empty());
    c.attach_original("HS-0303", &late).await.unwrap();
    let late_rec = only_record(c, &late).await;
    assert_eq!(late_rec.subjects, vec![applicant.clone()]);

    // Idempotent, in upload order, and only the first dossier's subject is given.
    c.attach_original("HS-0303", &early).await.unwrap();
    let dossier = c.dossier("HS-0303").await.unwrap().unwrap();
    assert_eq!(dossier.originals, vec![early.to_hex(), late.to_hex()]);
    assert_eq!(dossier.created_by, "clerk-a");
    assert_eq!(dossier.created_at_ms, created.created_at_ms);
    c.create_dossier(
        &NewDossier {
            code: "HS-0304".to_string(),
            procedure_code: "1.001234".to_string(),
            subject: citizen("001099000304"),
        },
        "clerk-b",
    )
    .await
    .unwrap();
    c.attach_original("HS-0304", &late).await.unwrap();
    assert_eq!(
        only_record(c, &late).await.subjects,
        vec![applicant.clone()]
    );
    assert_eq!(
        c.dossier("HS-0304").await.unwrap().unwrap().originals,
        vec![late.to_hex()]
    );

    // A record that names its own subject keeps it alone.
    let own = process(
        c,
        "dossier record with its own subject",
        vec![card("001099000305", "VŨ THỊ EM", "2021-01-01")],
    )
    .await;
    c.attach_original("HS-0303", &own).await.unwrap();
    assert_eq!(
        only_record(c, &own).await.subjects,
        vec![citizen("001099000305")]
    );

    let all = RecordQuery {
        document_types: vec![],
        statuses: all_statuses(),
    };
    let found = c.subject_records(&applicant, &all).await.unwrap();
    assert_eq!(ids(&found), vec![late_rec.id.clone(), rec.id.clone()]);

    assert!(matches!(
        c.attach_original("HS-none", &late).await,
        Err(RegistryError::DossierNotFound(code)) if code == "HS-none"
    ));
    assert!(c.dossier("HS-none").await.unwrap().is_none());
    let listed: Vec<String> = c
        .dossiers()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(listed, vec!["HS-0303".to_string(), "HS-0304".to_string()]);
}
