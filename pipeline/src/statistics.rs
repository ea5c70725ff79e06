//! The facts the open statistics are made of (`open_data` aggregates and suppresses
//! them): every dossier reduced to its procedure, month, current province and reuse, every
//! document to its type and month, every file to the time it took to reach the registry.
//! Nothing personal leaves this module: no subject, code, name or address.

use std::collections::HashMap;

use hoso_extractors::spec::home_fields;
use hoso_extractors::{DocumentType, FieldKey};

use crate::open_data::{DocumentFact, DossierFact, Facts, ProvinceRef, UploadFact};
use crate::ports::OriginalStatus;
use crate::prefill::FieldOrigin;
use crate::records::ServiceError;
use crate::registry::{Record, RecordQuery, RecordStatus};
use crate::service::Service;
use crate::ContentHash;

/// `YYYY-MM` of a time in milliseconds since the epoch, UTC.
pub fn month_of(ms: i64) -> String {
    let mut stamp = hoso_audit::time::rfc3339(ms);
    stamp.truncate(7);
    stamp
}

/// A number standing for a subject within one release, to count people: never published,
/// and not kept.
fn pseudonym(subject: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    subject.hash(&mut hasher);
    hasher.finish()
}

/// The subject's current province from the newest record that places them.
fn home_province(
    homes: &[(DocumentType, FieldKey)],
    records: &[Record],
    province_of: &(dyn Fn(&str) -> Option<ProvinceRef> + Sync),
) -> Option<ProvinceRef> {
    homes.iter().find_map(|(document_type, key)| {
        records
            .iter()
            .filter(|r| r.document_type == *document_type)
            .max_by_key(|r| r.created_at_ms)
            .and_then(|r| r.fields.get(key))
            .and_then(|f| province_of(&f.value))
    })
}

impl Service {
    /// The facts of the open statistics. `province_of` turns a printed place into its
    /// current province (the caller holds the unit table).
    pub async fn open_data_facts(
        &self,
        province_of: &(dyn Fn(&str) -> Option<ProvinceRef> + Sync),
    ) -> Result<Facts, ServiceError> {
        let registry = self.registry_or_err()?;
        let catalog = self.catalog();
        let originals = catalog.originals().await?;
        let status: HashMap<String, OriginalStatus> = originals
            .iter()
            .map(|o| (o.hash.to_hex(), o.status))
            .collect();
        let received: HashMap<String, i64> = originals
            .iter()
            .map(|o| (o.hash.to_hex(), o.received_at_ms))
            .collect();

        let (reuse, dossiers) = self.reuse_of_dossiers().await?;
        let home_fields = home_fields();
        let homes: Vec<DocumentType> = home_fields.iter().map(|(t, _)| *t).collect();
        let mut facts = Facts::default();
        for (row, dossier) in reuse.dossiers.iter().zip(&dossiers) {
            let records = registry
                .subject_records(
                    &dossier.subject,
                    &RecordQuery {
                        document_types: homes.clone(),
                        statuses: vec![
                            RecordStatus::Extracted,
                            RecordStatus::Verified,
                            RecordStatus::Superseded,
                        ],
                    },
                )
                .await?;
            let all_read = dossier
                .originals
                .iter()
                .all(|hex| status.get(hex) == Some(&OriginalStatus::Processed));
            let missing = row
                .fields
                .iter()
                .filter(|f| matches!(f.origin, FieldOrigin::Missing))
                .count();
            let reused = row
                .fields
                .iter()
                .filter(|f| matches!(f.origin, FieldOrigin::Reused { .. }))
                .count();
            facts.dossiers.push(DossierFact {
                procedure_code: row.procedure_code.clone(),
                month: month_of(row.created_at_ms),
                province: home_province(&home_fields, &records, province_of),
                needed_fields: row.fields.len() as u64,
                reused_fields: reused as u64,
                fully_digitised: all_read && missing == 0 && !dossier.originals.is_empty(),
                subject: pseudonym(&dossier.subject.qualified()),
            });
        }

        for document in catalog.documents().await? {
            let Some(at) = received.get(&document.source.to_hex()) else {
                continue;
            };
            facts.documents.push(DocumentFact {
                document_type: document.document.document_type.as_str().to_string(),
                month: month_of(*at),
            });
        }

        for original in &originals {
            let hash: &ContentHash = &original.hash;
            let first = registry
                .records_of_original(hash)
                .await?
                .iter()
                .map(|r| r.created_at_ms)
                .min();
            if let Some(registered) = first {
                facts.uploads.push(UploadFact {
                    month: month_of(original.received_at_ms),
                    seconds_to_registered: (registered - original.received_at_ms).max(0) as f64
                        / 1000.0,
                });
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn months_are_utc() {
        for (ms, month) in [
            (0, "1970-01"),
            (951_782_400_123, "2000-02"),
            (1_767_225_599_999, "2025-12"),
            (1_767_225_600_000, "2026-01"),
        ] {
            assert_eq!(month_of(ms), month, "{ms}");
        }
    }
}
