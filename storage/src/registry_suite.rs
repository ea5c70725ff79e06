//! The behaviour every `Registry` backend must show. Records come from real job
//! completions, so the suite drives the backend's `Catalog` as the workers do.

use std::time::Duration;

use hoso_extractors::{BBox, DocumentType, Evidence, ExtractedDocument, Field, FieldKey, Method};
use hoso_pipeline::ports::Catalog;
use hoso_pipeline::registry::{
    AccessEntry, NewDossier, NewToken, Record, RecordDocument, RecordEventKind, RecordQuery,
    RecordStatus, Registry, RegistryError, Role, SubjectId, SubjectKind,
};
use hoso_pipeline::{ContentHash, ExtractionResult, SourceInfo};

use crate::catalog_suite::new_original;

const LEASE: Duration = Duration::from_secs(60);

pub async fn run<C: Catalog + Registry>(c: &C) {
    records_are_made_when_a_job_completes(c).await;
    the_same_content_links_to_one_record(c).await;
    dossiers_name_the_subject_of_records_that_name_nobody(c).await;
    the_lifecycle_keeps_its_history(c).await;
    forbidden_transitions_and_unknown_fields_are_refused(c).await;
    a_business_registration_supersedes_by_its_enterprise(c).await;
    subject_records_filter_by_type_and_status(c).await;
    tokens_are_found_by_secret_until_revoked(c).await;
    the_access_log_is_read_newest_first(c).await;
}

pub fn citizen(v: &str) -> SubjectId {
    SubjectId {
        kind: SubjectKind::Citizen,
        value: v.to_string(),
    }
}

fn enterprise(v: &str) -> SubjectId {
    SubjectId {
        kind: SubjectKind::Enterprise,
        value: v.to_string(),
    }
}

fn field(value: &str, page: u32) -> Field {
    Field {
        value: value.to_string(),
        confidence: 0.875,
        method: Method::Ocr,
        evidence: vec![Evidence {
            page,
            bbox: BBox::new(0.125, 0.25, 0.5, 0.375),
            raw: format!("raw {value}"),
        }],
    }
}

fn doc(t: DocumentType, fields: &[(&str, &str)]) -> ExtractedDocument {
    ExtractedDocument {
        document_type: t,
        pages: vec![1],
        confidence: 0.9,
        fields: fields
            .iter()
            .map(|(k, v)| (FieldKey::parse(k).expect("a field key"), field(v, 1)))
            .collect(),
        warnings: vec![],
    }
}

pub fn card(id: &str, name: &str, issued: &str) -> ExtractedDocument {
    doc(
        DocumentType::CitizenId,
        &[
            ("id_number", id),
            ("full_name", name),
            ("date_of_birth", "1999-01-02"),
            ("date_of_issue", issued),
            ("sex", "male"),
        ],
    )
}

fn unknown() -> ExtractedDocument {
    doc(DocumentType::Unknown, &[])
}

/// Registers an original made of `label`'s bytes and completes its job with `docs`, as a
/// worker would.
pub(crate) async fn process<C: Catalog + Registry>(
    c: &C,
    label: &str,
    docs: Vec<ExtractedDocument>,
) -> ContentHash {
    let hash = ContentHash::of(label.as_bytes());
    register(c, &hash).await;
    complete(c, &hash, docs).await;
    hash
}

async fn register<C: Catalog + Registry>(c: &C, hash: &ContentHash) {
    c.register_original(&new_original(hash)).await.unwrap();
}

async fn complete<C: Catalog + Registry>(c: &C, hash: &ContentHash, docs: Vec<ExtractedDocument>) {
    let job = c
        .claim_job("w", LEASE)
        .await
        .unwrap()
        .expect("a queued job");
    assert_eq!(job.hash, *hash, "the suite keeps one job queued at a time");
    let result = ExtractionResult {
        source: SourceInfo {
            sha256: hash.to_hex(),
            file_name: "scan.pdf".to_string(),
            media_type: "image/jpeg".to_string(),
            pages: docs.len() as u32,
        },
        documents: docs,
    };
    c.complete_job(&job, &result, "test-engine").await.unwrap();
    // Distinct creation times, so "newest first" has one right answer.
    tokio::time::sleep(Duration::from_millis(3)).await;
}

pub(crate) async fn only_record<C: Registry>(c: &C, hash: &ContentHash) -> Record {
    let mut records = c.records_of_original(hash).await.unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    records.remove(0)
}

/// The `n`th document of an original (from 1), as a record links it.
fn linked(hash: &ContentHash, n: usize) -> RecordDocument {
    RecordDocument {
        id: format!("{}-{n}", hash.short()),
        sha256: hash.to_hex(),
    }
}

fn kinds(events: &[hoso_pipeline::registry::RecordEvent]) -> Vec<RecordEventKind> {
    events.iter().map(|e| e.kind.clone()).collect()
}

fn all_statuses() -> Vec<RecordStatus> {
    vec![
        RecordStatus::Extracted,
        RecordStatus::Verified,
        RecordStatus::Superseded,
        RecordStatus::Revoked,
    ]
}

fn ids(records: &[Record]) -> Vec<String> {
    records.iter().map(|r| r.id.clone()).collect()
}

async fn records_are_made_when_a_job_completes<C: Catalog + Registry>(c: &C) {
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

async fn the_same_content_links_to_one_record<C: Catalog + Registry>(c: &C) {
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

async fn dossiers_name_the_subject_of_records_that_name_nobody<C: Catalog + Registry>(c: &C) {
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

async fn the_lifecycle_keeps_its_history<C: Catalog + Registry>(c: &C) {
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

async fn forbidden_transitions_and_unknown_fields_are_refused<C: Catalog + Registry>(c: &C) {
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

async fn a_business_registration_supersedes_by_its_enterprise<C: Catalog + Registry>(c: &C) {
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

async fn subject_records_filter_by_type_and_status<C: Catalog + Registry>(c: &C) {
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

async fn tokens_are_found_by_secret_until_revoked<C: Registry>(c: &C) {
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

async fn the_access_log_is_read_newest_first<C: Registry>(c: &C) {
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
