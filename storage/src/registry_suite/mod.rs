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

mod access;
mod creation;
mod lifecycle;
mod places;

use access::{
    subject_records_filter_by_type_and_status, the_access_log_is_read_newest_first,
    tokens_are_found_by_secret_until_revoked,
};
use creation::{
    dossiers_name_the_subject_of_records_that_name_nobody, records_are_made_when_a_job_completes,
    the_same_content_links_to_one_record,
};
use lifecycle::{
    a_business_registration_supersedes_by_its_enterprise,
    forbidden_transitions_and_unknown_fields_are_refused, the_lifecycle_keeps_its_history,
};
use places::places_are_stored_with_their_table_and_choices;

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
    places_are_stored_with_their_table_and_choices(c).await;
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
