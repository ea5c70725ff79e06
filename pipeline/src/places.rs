//! Places as units in the registry. A place field's conversion to today's units is stored
//! with the version of the crosswalk that made it, so that installing a newer table
//! changes no answer until [`Service::reconvert_places`] re-converts and reports what
//! changed. A commune split between several new ones keeps every candidate until a clerk
//! chooses ([`Service::choose_place_unit`]); the choice is kept like a correction.

use serde::Serialize;
use serde_json::{json, Value};

use hoso_extractors::{FieldKey, Format};
use hoso_units::{Crosswalk, PlaceUnits};

use crate::access::{Action, Caller};
use crate::records::{check_text, normalise_text, ServiceError};
use crate::registry::{Record, RegistryError, StoredPlace};
use crate::service::Service;

/// What re-converting did to one place field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceChange {
    pub record_id: String,
    pub key: String,
    /// The crosswalk of the earlier conversion; `None` when the field had none.
    pub before: Option<String>,
    /// Today's commune codes before and after (empty: unknown).
    pub current_before: Vec<String>,
    pub current_after: Vec<String>,
    /// A clerk's choice that the new table no longer offers, and so was dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice_dropped: Option<String>,
}

/// `hoso units reconvert`'s report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReconvertReport {
    pub crosswalk: String,
    pub records: usize,
    pub fields: usize,
    /// Fields converted for the first time.
    pub converted: usize,
    /// Fields whose units changed (listed in `changes`, with the first conversions).
    pub changed: usize,
    pub unchanged: usize,
    /// Fields no unit of which could be identified.
    pub unidentified: usize,
    pub changes: Vec<PlaceChange>,
}

fn current_codes(units: &Value) -> Vec<String> {
    units["current"]
        .as_array()
        .map(|current| {
            current
                .iter()
                .map(|c| {
                    c["commune"]["code"]
                        .as_str()
                        .or_else(|| c["province"]["code"].as_str())
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The contract's `units` object of a stored conversion: a clerk's choice narrows the
/// candidates to the one chosen, marked `manual`.
pub fn units_json(place: &StoredPlace) -> Value {
    let mut units = place.units.clone();
    if let (Some(chosen), Some(current)) = (&place.chosen, units["current"].as_array()) {
        let kept: Vec<Value> = current
            .iter()
            .filter(|c| c["commune"]["code"].as_str() == Some(chosen.as_str()))
            .cloned()
            .collect();
        units["current"] = Value::Array(kept);
        units["method"] = json!("manual");
    }
    units
}

/// The units without the name of the table that converted them: what a newer table
/// may change.
fn without_version(units: &Value) -> Value {
    let mut units = units.clone();
    if let Value::Object(m) = &mut units {
        m.remove("crosswalk");
    }
    units
}

type StoredByField = std::collections::HashMap<(String, FieldKey), StoredPlace>;

/// Records converted per batch.
const BATCH: u32 = 500;

fn merge_reports(crosswalk: &str, reports: Vec<ReconvertReport>) -> ReconvertReport {
    let mut all = ReconvertReport {
        crosswalk: crosswalk.to_string(),
        ..Default::default()
    };
    for r in reports {
        all.records += r.records;
        all.fields += r.fields;
        all.converted += r.converted;
        all.changed += r.changed;
        all.unchanged += r.unchanged;
        all.unidentified += r.unidentified;
        all.changes.extend(r.changes);
    }
    all
}

fn place_fields(record: &Record) -> impl Iterator<Item = (FieldKey, &str)> {
    record
        .fields
        .iter()
        .filter(|(key, _)| record.document_type.format_of(**key) == Some(Format::Place))
        .map(|(key, field)| (*key, field.value.as_str()))
}

fn to_value(units: &PlaceUnits) -> Result<Value, ServiceError> {
    serde_json::to_value(units)
        .map_err(|e| ServiceError::Invalid(format!("place units could not be written: {e}")))
}

impl Service {
    fn crosswalk_or_err(&self) -> Result<&Crosswalk, ServiceError> {
        self.crosswalk()
            .map(|c| c.as_ref())
            .ok_or(ServiceError::NoUnitTable)
    }

    /// Converts every place field of every live record with the installed table and
    /// stores the conversions (none with `dry_run`), reporting what changed. A clerk's
    /// choice is kept while the new conversion still offers it.
    pub async fn reconvert_places(
        &self,
        caller: &Caller,
        now_ms: i64,
        dry_run: bool,
    ) -> Result<ReconvertReport, ServiceError> {
        let report = self.convert_places(caller, now_ms, dry_run, false).await?;
        if dry_run {
            return Ok(report);
        }
        // A choice the new table no longer offers is dropped from the stored state; the
        // log says so beside the choice it keeps.
        for change in report.changes.iter().filter(|c| c.choice_dropped.is_some()) {
            self.audit(crate::audit::by_caller(
                caller,
                "record.unit_choice_dropped",
                Some(&change.record_id),
                None,
                json!({"key": change.key, "commune_code": change.choice_dropped,
                       "crosswalk": report.crosswalk, "before": change.before}),
            ))
            .await?;
        }
        self.audit(crate::audit::by_caller(
            caller,
            "units.reconverted",
            None,
            None,
            json!({"crosswalk": report.crosswalk, "fields": report.fields,
                   "converted": report.converted, "changed": report.changed}),
        ))
        .await?;
        Ok(report)
    }

    /// Converts the places of records not converted yet (new records, and records
    /// corrected since) with the installed table, leaving earlier conversions of the
    /// same values as they are: what `hoso serve` runs every minute.
    pub async fn convert_new_places(
        &self,
        caller: &Caller,
        now_ms: i64,
    ) -> Result<ReconvertReport, ServiceError> {
        self.convert_places(caller, now_ms, false, true).await
    }

    async fn convert_places(
        &self,
        caller: &Caller,
        now_ms: i64,
        dry_run: bool,
        only_new: bool,
    ) -> Result<ReconvertReport, ServiceError> {
        self.authorize(caller, Action::CorrectRecord)?;
        let crosswalk = self.crosswalk_or_err()?;
        let registry = self.registry_or_err()?;
        // Records come in batches, each converted and stored before the next is read: new
        // ones (each batch marks what it converted, so the next finds the rest), or every
        // live one in id order.
        let mut all = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut after: Option<String> = None;
        loop {
            let batch = if only_new {
                registry.unconverted_records(BATCH).await?
            } else {
                registry.live_records(after.as_deref(), BATCH).await?
            };
            after = batch.last().map(|r| r.id.clone());
            let fresh: Vec<Record> = batch
                .into_iter()
                .filter(|r| seen.insert(r.id.clone()))
                .collect();
            if fresh.is_empty() {
                break;
            }
            let mut stored = StoredByField::new();
            for record in &fresh {
                for place in registry.stored_places(Some(&record.id)).await? {
                    stored.insert((place.record_id.clone(), place.key), place);
                }
            }
            let report = self
                .convert_records(&fresh, &stored, crosswalk, now_ms, only_new, dry_run)
                .await?;
            all.push(report);
        }
        Ok(merge_reports(crosswalk.version(), all))
    }

    async fn convert_records(
        &self,
        records: &[Record],
        stored: &StoredByField,
        crosswalk: &Crosswalk,
        now_ms: i64,
        only_new: bool,
        dry_run: bool,
    ) -> Result<ReconvertReport, ServiceError> {
        let registry = self.registry_or_err()?;
        let mut report = ReconvertReport::default();
        let mut writes = Vec::new();
        for record in records {
            let mut any = false;
            for (key, printed) in place_fields(record) {
                any = true;
                report.fields += 1;
                let before = stored.get(&(record.id.clone(), key));
                if only_new && before.is_some_and(|b| b.printed == printed) {
                    report.unchanged += 1;
                    continue;
                }
                let after = match crosswalk.place(printed) {
                    Some(units) => to_value(&units)?,
                    None => {
                        report.unidentified += 1;
                        Value::Null
                    }
                };
                let same_table = before.is_some_and(|b| b.crosswalk == crosswalk.version());
                let same = before.is_some_and(|b| {
                    b.printed == printed && without_version(&b.units) == without_version(&after)
                });
                let chosen = before
                    .and_then(|b| b.chosen.clone())
                    .filter(|_| before.is_some_and(|b| b.printed == printed));
                let choice_kept = chosen.clone().filter(|c| current_codes(&after).contains(c));
                if same && same_table {
                    report.unchanged += 1;
                    continue;
                }
                if same && chosen == choice_kept {
                    report.unchanged += 1;
                } else {
                    if before.is_none() {
                        report.converted += 1;
                    } else {
                        report.changed += 1;
                    }
                    report.changes.push(PlaceChange {
                        record_id: record.id.clone(),
                        key: key.as_str().to_string(),
                        before: before.map(|b| b.crosswalk.clone()),
                        current_before: before.map(|b| current_codes(&b.units)).unwrap_or_default(),
                        current_after: current_codes(&after),
                        choice_dropped: chosen.filter(|c| choice_kept.as_ref() != Some(c)),
                    });
                }
                writes.push(StoredPlace {
                    record_id: record.id.clone(),
                    key,
                    printed: printed.to_string(),
                    crosswalk: crosswalk.version().to_string(),
                    units: after,
                    chosen: choice_kept,
                    converted_at_ms: now_ms,
                });
            }
            report.records += usize::from(any);
        }
        if !dry_run {
            let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
            // The minute's conversion of new records leaves alone a place of the same
            // value written meanwhile (a clerk's choice); `reconvert` replaces them all.
            registry.store_places(&writes, &ids, only_new).await?;
        }
        Ok(report)
    }

    /// A clerk's choice of the current commune a place of a split commune is in: one of
    /// the candidates its conversion offers, with a reason, kept in the record's history.
    pub async fn choose_place_unit(
        &self,
        caller: &Caller,
        id: &str,
        key: &str,
        commune_code: &str,
        reason: &str,
        now_ms: i64,
    ) -> Result<crate::records::RecordView, ServiceError> {
        self.authorize(caller, Action::CorrectRecord)?;
        if normalise_text(reason).is_empty() {
            return Err(ServiceError::Invalid(
                "a choice of unit needs a reason".to_string(),
            ));
        }
        let reason = check_text("the reason", reason, 1000)?;
        let crosswalk = self.crosswalk_or_err()?;
        let registry = self.registry_or_err()?;
        let record = registry
            .record(id)
            .await?
            .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))?;
        let Some((key, printed)) = place_fields(&record).find(|(k, _)| k.as_str() == key) else {
            return Err(ServiceError::Invalid(format!(
                "{key} is not a place field of record {id}"
            )));
        };
        // The candidates the clerk was shown: the stored conversion of this value, or
        // the installed table's when there is none yet.
        let stored = registry
            .stored_places(Some(id))
            .await?
            .into_iter()
            .find(|p| p.key == key && p.printed == printed && !p.units.is_null());
        let (units, version) = match stored {
            Some(p) => (p.units, p.crosswalk),
            None => {
                let units = crosswalk.place(printed).ok_or_else(|| {
                    ServiceError::Invalid(format!(
                        "the units of {} could not be identified: correct the value instead",
                        key.as_str()
                    ))
                })?;
                (to_value(&units)?, crosswalk.version().to_string())
            }
        };
        let codes = current_codes(&units);
        if codes.len() < 2 {
            return Err(ServiceError::Invalid(format!(
                "{} converts to one current unit: there is nothing to choose",
                key.as_str()
            )));
        }
        if !codes.iter().any(|c| c == commune_code) {
            return Err(ServiceError::Invalid(format!(
                "commune {commune_code:?} is not one of the candidates ({})",
                codes.join(", ")
            )));
        }
        let place = StoredPlace {
            record_id: record.id.clone(),
            key,
            printed: printed.to_string(),
            crosswalk: version,
            units,
            chosen: Some(commune_code.to_string()),
            converted_at_ms: now_ms,
        };
        registry
            .choose_place_unit(&place, &reason, &caller.name)
            .await?;
        self.record_view(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(units: Value, chosen: Option<&str>) -> StoredPlace {
        StoredPlace {
            record_id: "r".into(),
            key: FieldKey::PlaceOfResidence,
            printed: "p".into(),
            crosswalk: "v1".into(),
            units,
            chosen: chosen.map(str::to_string),
            converted_at_ms: 0,
        }
    }

    #[test]
    fn a_choice_narrows_the_candidates_to_the_one_chosen() {
        let units = json!({"current": [
            {"commune": {"code": "00008", "name": "Phường Ngọc Hà"}, "province": {"code": "01", "name": "Thành phố Hà Nội"}, "merge": "partial"},
            {"commune": {"code": "00004", "name": "Phường Ba Đình"}, "province": {"code": "01", "name": "Thành phố Hà Nội"}, "merge": "partial"}
        ]});
        let open = units_json(&stored(units.clone(), None));
        assert_eq!(current_codes(&open), ["00008", "00004"]);
        assert!(open.get("method").is_none());
        let chosen = units_json(&stored(units, Some("00004")));
        assert_eq!(current_codes(&chosen), ["00004"]);
        assert_eq!(chosen["method"], "manual");
    }
}
