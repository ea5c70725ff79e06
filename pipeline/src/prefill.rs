//! Prefill: of the fields a procedure needs, those the registry already holds verified for
//! the subject, each with its source, and those still missing. And the reuse report, which
//! measures over past dossiers how much of what procedures needed came from the registry
//! instead of from new documents.

use std::collections::BTreeSet;

use hoso_extractors::{DocumentType, Method};
use serde::Serialize;

use crate::access::{Action, Caller};
use crate::procedures::FieldRef;
use crate::records::{
    check_applicant, find_procedure, latest_by_type, parse_subject, ServiceError,
};
use crate::registry::{Record, RecordQuery, RecordStatus, SubjectId};
use crate::service::Service;
use crate::telemetry;
use crate::ContentHash;

/// Requests past this many fields are refused: no procedure's form is that long.
const MAX_FIELDS: usize = 200;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrefillRequest {
    pub subject_id: String,
    /// The procedure whose fields are wanted ...
    pub procedure_code: Option<String>,
    /// ... or the fields themselves, as `document_type.key`.
    pub fields: Vec<String>,
}

/// A value the registry holds, with the record and original it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownField {
    pub field: FieldRef,
    pub value: String,
    pub confidence: f32,
    pub method: Method,
    pub record_id: String,
    pub document_id: Option<String>,
    pub sha256: Option<String>,
    pub verified_at_ms: Option<i64>,
    pub verified_by: Option<String>,
    /// A place's stored conversion to today's units (with a clerk's choice), when it is
    /// of this value.
    pub place: Option<crate::registry::StoredPlace>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prefill {
    pub subject: SubjectId,
    pub procedure_code: Option<&'static str>,
    pub known: Vec<KnownField>,
    pub missing: Vec<FieldRef>,
    /// Fields of document types the caller may not read: neither known nor missing to
    /// it. A procedure system gets what its token covers instead of nothing.
    pub not_permitted: Vec<FieldRef>,
}

impl Service {
    /// What the registry already knows of the fields a procedure needs. A procedure
    /// system reads only fields of its token's types; the others are listed as not
    /// permitted (all of them out of its types is a refusal). The read is logged like a
    /// lookup, with the types actually read.
    pub async fn prefill(
        &self,
        caller: &Caller,
        request: &PrefillRequest,
        endpoint: &str,
    ) -> Result<Prefill, ServiceError> {
        self.authorize(caller, Action::Prefill)?;
        let subject = parse_subject(&request.subject_id)?;
        let (procedure_code, fields) = match (&request.procedure_code, request.fields.is_empty()) {
            (Some(code), true) => {
                let p = find_procedure(code)?;
                check_applicant(p, &subject)?;
                (Some(p.code), p.fields())
            }
            (None, false) => {
                if request.fields.len() > MAX_FIELDS {
                    return Err(ServiceError::Invalid(format!(
                        "at most {MAX_FIELDS} fields may be asked at once"
                    )));
                }
                let mut fields: Vec<FieldRef> = Vec::new();
                for raw in &request.fields {
                    let f: FieldRef = raw.trim().parse()?;
                    if !fields.contains(&f) {
                        fields.push(f);
                    }
                }
                (None, fields)
            }
            _ => {
                return Err(ServiceError::Invalid(
                    "give either procedure_code or a non-empty fields list, not both".to_string(),
                ))
            }
        };
        let (fields, not_permitted): (Vec<FieldRef>, Vec<FieldRef>) = fields
            .into_iter()
            .partition(|f| caller.may_read_type(f.document_type));
        if fields.is_empty() {
            let first = not_permitted.first().map(|f| f.document_type);
            return Err(ServiceError::TypeOutOfScope(
                first.map_or("none", |t| t.as_str()),
            ));
        }
        let types: Vec<DocumentType> = fields
            .iter()
            .map(|f| f.document_type)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let records = self
            .registry_or_err()?
            .subject_records(
                &subject,
                &RecordQuery {
                    document_types: types.clone(),
                    statuses: vec![RecordStatus::Verified],
                },
            )
            .await?;
        let latest = latest_by_type(&records);
        let mut known = Vec::new();
        let mut missing = Vec::new();
        let mut used: BTreeSet<String> = BTreeSet::new();
        for field in fields {
            let found = latest
                .get(&field.document_type)
                .and_then(|r| r.fields.get(&field.key).map(|f| (*r, f)));
            let Some((record, value)) = found else {
                missing.push(field);
                continue;
            };
            used.insert(record.id.clone());
            // The values were read from the record's first document.
            let first = record.documents.first();
            known.push(KnownField {
                value: value.value.clone(),
                confidence: value.confidence,
                method: value.method,
                record_id: record.id.clone(),
                document_id: first.map(|d| d.id.clone()),
                sha256: first.map(|d| d.sha256.clone()),
                verified_at_ms: record.verified_at_ms,
                verified_by: record.verified_by.clone(),
                place: None,
                field,
            });
        }
        let registry = self.registry_or_err()?;
        for id in &used {
            let places = registry.stored_places(Some(id)).await?;
            for k in known.iter_mut().filter(|k| &k.record_id == id) {
                k.place = places
                    .iter()
                    .find(|p| p.key == k.field.key && p.printed == k.value)
                    .cloned();
            }
        }
        let records_used = used.len();
        self.log_read(
            caller,
            &subject,
            &types,
            used.into_iter().collect(),
            endpoint,
        )
        .await?;
        telemetry::emit(telemetry::RecordsReused {
            via: "prefill",
            records: records_used,
        });
        telemetry::emit(telemetry::PrefillAnswered {
            known: known.len(),
            missing: missing.len(),
        });
        Ok(Prefill {
            subject,
            procedure_code,
            known,
            missing,
            not_permitted,
        })
    }

    /// Over every dossier, oldest first: for each field its procedure needs, whether the
    /// registry already held it verified for the subject before the dossier came in
    /// (reused), only the dossier's own documents brought it (new), or neither (missing).
    pub async fn reuse_report(&self, caller: &Caller) -> Result<ReuseReport, ServiceError> {
        self.authorize(caller, Action::ReadDossier)?;
        self.audit(crate::audit::by_caller(
            caller,
            "report.exported",
            None,
            None,
            serde_json::json!({"report": "reuse"}),
        ))
        .await?;
        Ok(self.reuse_of_dossiers().await?.0)
    }

    /// The reuse report's computation, unaudited (the open statistics publish it only
    /// aggregated), with the dossier behind each of its rows, in the same order.
    pub(crate) async fn reuse_of_dossiers(
        &self,
    ) -> Result<(ReuseReport, Vec<crate::registry::Dossier>), ServiceError> {
        let registry = self.registry_or_err()?;
        let mut dossiers = registry.dossiers().await?;
        dossiers.sort_by(|a, b| {
            a.created_at_ms
                .cmp(&b.created_at_ms)
                .then_with(|| a.code.cmp(&b.code))
        });
        let mut report = ReuseReport::default();
        let mut behind = Vec::new();
        for dossier in dossiers {
            // A dossier of a procedure that is no longer in the table is not counted.
            let Ok(procedure) = find_procedure(&dossier.procedure_code) else {
                continue;
            };
            let mut own: Vec<Record> = Vec::new();
            for hex in &dossier.originals {
                let Ok(hash) = hex.parse::<ContentHash>() else {
                    continue;
                };
                own.extend(registry.records_of_original(&hash).await?);
            }
            own.retain(|r| r.status != RecordStatus::Revoked);
            let own_ids: BTreeSet<&str> = own.iter().map(|r| r.id.as_str()).collect();
            let earlier = registry
                .subject_records(
                    &dossier.subject,
                    &RecordQuery {
                        document_types: procedure.document_types(),
                        statuses: vec![RecordStatus::Verified, RecordStatus::Superseded],
                    },
                )
                .await?;
            let earlier: Vec<&Record> = earlier
                .iter()
                .filter(|r| !own_ids.contains(r.id.as_str()))
                .filter(|r| r.verified_at_ms.is_some_and(|v| v < dossier.created_at_ms))
                .collect();
            let mut fields = Vec::new();
            for field in procedure.fields() {
                let provides = |r: &Record| {
                    r.document_type == field.document_type && r.fields.contains_key(&field.key)
                };
                let origin = if let Some(r) = earlier.iter().find(|r| provides(r)) {
                    report.reused += 1;
                    FieldOrigin::Reused {
                        record_id: r.id.clone(),
                    }
                } else if let Some(r) = own.iter().find(|r| provides(r)) {
                    report.new += 1;
                    FieldOrigin::New {
                        record_id: r.id.clone(),
                    }
                } else {
                    report.missing += 1;
                    FieldOrigin::Missing
                };
                fields.push(FieldUse { field, origin });
            }
            report.dossiers.push(DossierReuse {
                code: dossier.code.clone(),
                procedure_code: dossier.procedure_code.clone(),
                subject: dossier.subject.value.clone(),
                created_at_ms: dossier.created_at_ms,
                fields,
            });
            behind.push(dossier);
        }
        Ok((report, behind))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum FieldOrigin {
    /// A verified record from an earlier dossier provided it.
    Reused {
        record_id: String,
    },
    /// This dossier's own documents provided it.
    New {
        record_id: String,
    },
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldUse {
    pub field: FieldRef,
    #[serde(flatten)]
    pub origin: FieldOrigin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DossierReuse {
    pub code: String,
    pub procedure_code: String,
    pub subject: String,
    pub created_at_ms: i64,
    pub fields: Vec<FieldUse>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ReuseReport {
    pub dossiers: Vec<DossierReuse>,
    pub reused: usize,
    pub new: usize,
    pub missing: usize,
}

impl ReuseReport {
    pub fn needed(&self) -> usize {
        self.reused + self.new + self.missing
    }

    /// The share of needed fields that came from the registry; `None` with no dossiers.
    pub fn reuse_share(&self) -> Option<f64> {
        let needed = self.needed();
        (needed > 0).then(|| self.reused as f64 / needed as f64)
    }
}
