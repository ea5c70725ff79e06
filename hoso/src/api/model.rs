//! The JSON shapes of the API, with their OpenAPI schemas. Service-layer values are
//! converted here and nowhere else.

use std::collections::BTreeMap;

use hoso_pipeline::prefill::Prefill;
use hoso_pipeline::records::{DossierView, RecordSource, RecordView, UploadedFile};
use hoso_pipeline::registry::{AccessEntry, Dossier, RecordEvent, SubjectId, Token};
use hoso_pipeline::service::IngestOutcome;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::schemas::{FieldRefIn, OptionalText, RecordTypeIn, Text};

/// Milliseconds since the epoch as RFC 3339 UTC (`2026-01-31T08:15:00.123Z`).
pub fn iso(ms: i64) -> String {
    hoso_audit::time::rfc3339(ms)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    /// `citizen` or `enterprise`.
    pub kind: &'static str,
    pub value: String,
}

impl From<&SubjectId> for SubjectOut {
    fn from(s: &SubjectId) -> Self {
        Self {
            kind: match s.kind {
                hoso_pipeline::registry::SubjectKind::Citizen => "citizen",
                hoso_pipeline::registry::SubjectKind::Enterprise => "enterprise",
            },
            value: s.value.clone(),
        }
    }
}

/// One document a record was read from, and the original (by SHA-256) it is part of.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOut {
    pub document_id: String,
    /// The original's SHA-256, hex (`GET /originals/{sha256}`).
    pub sha256: String,
    /// The original's file name: only in the answers about one record (`/records/{id}`),
    /// and absent there too when a reprocessing no longer yields the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The document's pages in the original, like `file_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<u32>>,
}

impl From<&RecordSource> for SourceOut {
    fn from(s: &RecordSource) -> Self {
        Self {
            document_id: s.document_id.clone(),
            sha256: s.sha256.clone(),
            file_name: s.file_name.clone(),
            pages: s.pages.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordOut {
    pub id: String,
    pub document_type: String,
    /// `extracted`, `verified`, `superseded` or `revoked`.
    pub status: &'static str,
    pub subjects: Vec<SubjectOut>,
    /// Field key → `{value, confidence, method, evidence, source}`; `source` names the
    /// document and original the value was read from (`method` is `manual` after a
    /// correction). A place field also has `units`: the contract's "Places as units".
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, Value>,
    pub sources: Vec<SourceOut>,
    pub created_at: String,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
    pub superseded_by: Option<String>,
    pub revoked_reason: Option<String>,
    /// Every correction, verification, supersession and revocation, oldest first (only
    /// on `GET /records/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub history: Option<Vec<Value>>,
}

impl RecordOut {
    pub fn new(view: &RecordView, with_history: bool) -> Self {
        let r = &view.record;
        let first = view.sources.first();
        let fields = r
            .fields
            .iter()
            .map(|(k, f)| {
                let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert(
                        "source".to_string(),
                        json!({
                            "document_id": first.map(|s| s.document_id.clone()),
                            "sha256": first.map(|s| s.sha256.clone()),
                        }),
                    );
                    // A place also as administrative units, printed and today's: as
                    // stored (with the crosswalk that converted it, and a clerk's choice)
                    // while the value is the one converted, else by the installed table.
                    let stored = view.places.iter().find(|p| p.key == *k);
                    if let Some(units) =
                        crate::units::units_for(r.document_type, *k, &f.value, stored)
                    {
                        m.insert("units".to_string(), units);
                    }
                }
                (k.to_string(), v)
            })
            .collect();
        Self {
            id: r.id.clone(),
            document_type: r.document_type.as_str().to_string(),
            status: r.status.as_str(),
            subjects: r.subjects.iter().map(SubjectOut::from).collect(),
            fields,
            sources: view.sources.iter().map(SourceOut::from).collect(),
            created_at: iso(r.created_at_ms),
            verified_at: r.verified_at_ms.map(iso),
            verified_by: r.verified_by.clone(),
            superseded_by: r.superseded_by.clone(),
            revoked_reason: r.revoked_reason.clone(),
            history: with_history.then(|| view.history.iter().map(event).collect()),
        }
    }

    /// The same record with each place's `value` in the units asked for (as a prefill
    /// gives it), the value as printed in `printed` and `in_units` saying which.
    pub fn with_places_in(mut self, choice: UnitsChoice) -> Self {
        for field in self.fields.values_mut() {
            let Some(units) = field.get("units").cloned() else {
                continue;
            };
            let printed = field["value"].as_str().unwrap_or_default().to_string();
            let (value, in_units) = place_answer(choice, &printed, &units);
            field["value"] = Value::String(value);
            field["printed"] = Value::String(printed);
            field["in_units"] = serde_json::to_value(in_units).unwrap_or(Value::Null);
        }
        self
    }

    /// A record listed under a dossier's original: its sources as the registry holds
    /// them, without the catalog's file names and pages.
    pub fn listed(r: &hoso_pipeline::registry::Record) -> Self {
        Self::new(&RecordView::listed(r.clone()), false)
    }
}

fn event(e: &RecordEvent) -> Value {
    let mut v = serde_json::to_value(&e.kind).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("at".to_string(), json!(iso(e.at_ms)));
        m.insert("actor".to_string(), json!(e.actor));
    }
    v
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: String,
    pub document_type: String,
    pub pages: Vec<u32>,
    pub confidence: f32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierOriginalOut {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    /// `queued`, `processed` or `failed`.
    pub status: &'static str,
    pub error: Option<String>,
    pub pages: Option<u32>,
    pub documents: Vec<DocumentOut>,
    pub records: Vec<RecordOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierOut {
    pub code: String,
    pub procedure_code: String,
    pub subject: SubjectOut,
    pub created_at: String,
    pub created_by: String,
    /// `processing`, `processed` or `failed`.
    pub status: &'static str,
    pub originals: Vec<DossierOriginalOut>,
}

impl From<&DossierView> for DossierOut {
    fn from(v: &DossierView) -> Self {
        let d = &v.dossier;
        Self {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            subject: SubjectOut::from(&d.subject),
            created_at: iso(d.created_at_ms),
            created_by: d.created_by.clone(),
            status: v.status,
            originals: v
                .originals
                .iter()
                .map(|o| DossierOriginalOut {
                    sha256: o.original.hash.to_hex(),
                    file_name: o.original.file_name.clone(),
                    media_type: o.original.media_type.as_mime().to_string(),
                    status: o.original.status.as_str(),
                    error: o.original.error.clone(),
                    pages: o.original.pages,
                    documents: o
                        .documents
                        .iter()
                        .map(|doc| DocumentOut {
                            id: doc.id.clone(),
                            document_type: doc.document.document_type.as_str().to_string(),
                            pages: doc.document.pages.clone(),
                            confidence: doc.document.confidence,
                        })
                        .collect(),
                    records: o.records.iter().map(RecordOut::listed).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadedFileOut {
    pub file_name: String,
    pub sha256: String,
    /// `queued` (new bytes), `duplicate` (known bytes, not processed again) or
    /// `retried` (had failed, queued again).
    pub outcome: &'static str,
}

pub fn outcome(o: &IngestOutcome) -> (&'static str, String) {
    match o {
        IngestOutcome::Queued(h) => ("queued", h.to_hex()),
        IngestOutcome::Retried(h) => ("retried", h.to_hex()),
        IngestOutcome::Duplicate(rec) => ("duplicate", rec.hash.to_hex()),
    }
}

impl From<&UploadedFile> for UploadedFileOut {
    fn from(f: &UploadedFile) -> Self {
        let (outcome, sha256) = outcome(&f.outcome);
        Self {
            file_name: f.file_name.clone(),
            sha256,
            outcome,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierCreatedOut {
    pub code: String,
    pub procedure_code: String,
    pub subject: SubjectOut,
    pub created_at: String,
    pub created_by: String,
    pub files: Vec<UploadedFileOut>,
}

impl DossierCreatedOut {
    pub fn new(d: &Dossier, files: &[UploadedFile]) -> Self {
        Self {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            subject: SubjectOut::from(&d.subject),
            created_at: iso(d.created_at_ms),
            created_by: d.created_by.clone(),
            files: files.iter().map(UploadedFileOut::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRecordsOut {
    pub subject: SubjectOut,
    /// The types the answer covers; empty means every type.
    pub document_types: Vec<String>,
    pub records: Vec<RecordOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CorrectionIn {
    /// The corrected value, in the format of its key.
    #[schema(value_type = Text)]
    pub value: String,
    /// Why; kept in the record's history.
    #[schema(value_type = Option<OptionalText>)]
    pub reason: Option<String>,
}

/// A clerk's choice of the current commune a place of a split commune is in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UnitChoiceIn {
    /// The current commune's code: one of the candidates in the field's `units.current`.
    #[schema(pattern = "^[0-9]{5}$", example = "00004")]
    pub commune_code: String,
    /// Why this one (the street or hamlet, a document); kept in the record's history.
    #[schema(value_type = Text)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevocationIn {
    #[schema(value_type = Text)]
    pub reason: String,
}

/// `POST /api/v1/prefill`; its schema is `schemas::PrefillRequest`.
#[derive(Debug, Deserialize)]
pub struct PrefillIn {
    pub subject_id: String,
    pub procedure_code: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldRefIn>,
    /// The units places are answered in.
    #[serde(default)]
    pub units: UnitsChoice,
}

/// The units a place is answered in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitsChoice {
    /// Today's, after 1 July 2025, where the place converts to one commune.
    #[default]
    Current,
    /// As printed on the document.
    Printed,
}

/// Where a known value comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnownSourceOut {
    pub record_id: String,
    pub document_id: Option<String>,
    pub sha256: Option<String>,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
    pub method: String,
    pub confidence: f32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KnownOut {
    /// The value; for a place, in the units asked for (`in_units` says which it is).
    pub value: String,
    /// As printed on the document the record was read from.
    pub printed: String,
    /// For a place: `current` when `value` is in today's units (printed in them
    /// already, or converted to one commune), `printed` when it is as printed (asked
    /// for, or not convertible to one commune: a split not chosen yet or a place the
    /// table does not know; `units` says which).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_units: Option<UnitsChoice>,
    /// For a place: its units as printed and as they are today (the contract's "Places
    /// as units"), when the server has a unit table.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub units: Option<Value>,
    pub source: KnownSourceOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrefillOut {
    pub subject: SubjectOut,
    pub procedure_code: Option<String>,
    pub known: BTreeMap<String, KnownOut>,
    /// The needed fields no verified record provides: ask the citizen for these.
    pub missing: Vec<String>,
    /// The needed fields of document types this token may not read: neither known nor
    /// missing to the caller (another system, or the citizen, provides them).
    pub not_permitted: Vec<String>,
}

impl PrefillOut {
    pub fn new(p: &Prefill, choice: UnitsChoice) -> Self {
        Self {
            subject: SubjectOut::from(&p.subject),
            procedure_code: p.procedure_code.map(str::to_string),
            known: p
                .known
                .iter()
                .map(|k| {
                    let units = crate::units::units_for(
                        k.field.document_type,
                        k.field.key,
                        &k.value,
                        k.place.as_ref(),
                    );
                    let (value, in_units) = match &units {
                        Some(u) => {
                            let (value, in_units) = place_answer(choice, &k.value, u);
                            (value, Some(in_units))
                        }
                        None => (k.value.clone(), None),
                    };
                    (
                        k.field.to_string(),
                        KnownOut {
                            value,
                            printed: k.value.clone(),
                            in_units,
                            units,
                            source: KnownSourceOut {
                                record_id: k.record_id.clone(),
                                document_id: k.document_id.clone(),
                                sha256: k.sha256.clone(),
                                verified_at: k.verified_at_ms.map(iso),
                                verified_by: k.verified_by.clone(),
                                method: k.method.as_str().to_string(),
                                confidence: k.confidence,
                            },
                        },
                    )
                })
                .collect(),
            missing: p.missing.iter().map(ToString::to_string).collect(),
            not_permitted: p.not_permitted.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A place's value in the units asked for, and the units it is in: today's when it
/// converts to one commune, else as printed.
fn place_answer(choice: UnitsChoice, printed: &str, units: &Value) -> (String, UnitsChoice) {
    match (choice, crate::units::in_current_units(printed, units)) {
        (UnitsChoice::Current, Some(current)) => (current, UnitsChoice::Current),
        _ => (printed.to_string(), UnitsChoice::Printed),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntryOut {
    pub token_name: String,
    pub role: &'static str,
    pub subject: SubjectOut,
    pub document_types: Vec<String>,
    pub record_ids: Vec<String>,
    pub purpose: String,
    pub endpoint: String,
    pub at: String,
}

impl From<&AccessEntry> for AccessEntryOut {
    fn from(e: &AccessEntry) -> Self {
        Self {
            token_name: e.token_name.clone(),
            role: e.role.as_str(),
            subject: SubjectOut::from(&e.subject),
            document_types: e
                .document_types
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            record_ids: e.record_ids.clone(),
            purpose: e.purpose.clone(),
            endpoint: e.endpoint.clone(),
            at: iso(e.at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub name: String,
    pub role: &'static str,
    pub document_types: Vec<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl From<&Token> for TokenOut {
    fn from(t: &Token) -> Self {
        Self {
            name: t.name.clone(),
            role: t.role.as_str(),
            document_types: t
                .document_types
                .iter()
                .map(|d| d.as_str().to_string())
                .collect(),
            created_at: iso(t.created_at_ms),
            revoked_at: t.revoked_at_ms.map(iso),
        }
    }
}

/// `POST /api/v1/tokens`; its schema is `schemas::TokenRequest`.
#[derive(Debug, Deserialize)]
pub struct TokenIn {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub document_types: Vec<RecordTypeIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreatedOut {
    pub token: TokenOut,
    /// The bearer secret: shown this once, stored only as its SHA-256.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalUploadOut {
    pub sha256: String,
    pub outcome: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalOut {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub byte_size: u64,
    pub status: &'static str,
    pub error: Option<String>,
    pub pages: Option<u32>,
    pub attempts: u32,
    /// Each document with its producer and the extraction JSON of the spec.
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueOut {
    pub queued: u64,
    pub running: u64,
    pub done: u64,
    pub failed: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusOut {
    pub status: &'static str,
}
