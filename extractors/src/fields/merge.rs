//! Reconciling one field read from several sources (QR, MRZ, printed text).

use super::common::{round3, Output};
use crate::model::{Field, Method};
use crate::spec::FieldKey;
use crate::text::{clean, fold, label_key, levenshtein};

/// Where a candidate value came from (its field's method says how far it is trusted: `trust`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Qr,
    Mrz,
    Printed,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub source: Source,
    pub field: Field,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreement {
    Same,
    /// Equal up to OCR noise (a tone mark, a letter in a long address): not a conflict,
    /// but not independent confirmation either.
    Near,
    Conflict,
}

/// How far a value obtained by `method` is trusted for `key`, most trusted (0) first:
/// the one order both the sources of one reading (`merge`) and several readings of a
/// page (`readings`) are ranked by. A clerk's value, then a code's payload, then a
/// checked zone, then print (a PDF's text before OCR); except for a name, which the zone
/// spells without its tone marks and with no check digit, so print outranks it there.
pub(super) fn trust(key: FieldKey, method: Method) -> u8 {
    let name = key == FieldKey::FullName;
    match method {
        Method::Manual => 0,
        Method::Qr => 1,
        Method::Mrz if !name => 2,
        Method::TextLayer => 3,
        Method::Ocr => 4,
        Method::Mrz => 5,
    }
}

/// The letters and digits of `s` without tone marks or case: a name as the MRZ spells it.
pub(super) fn compact_fold(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

fn compare(key: FieldKey, a: &Candidate, b: &Candidate) -> Agreement {
    let (va, vb) = (&a.field.value, &b.field.value);
    if va == vb {
        return Agreement::Same;
    }
    match key {
        FieldKey::FullName => {
            if clean(va).to_lowercase() == clean(vb).to_lowercase() {
                Agreement::Same
            } else if compact_fold(va) == compact_fold(vb) {
                // The MRZ cannot carry tone marks: equal letters are full agreement.
                if a.source == Source::Mrz || b.source == Source::Mrz {
                    Agreement::Same
                } else {
                    Agreement::Near
                }
            } else {
                Agreement::Conflict
            }
        }
        k if super::citizen_id::is_place(k) || k == FieldKey::Nationality => {
            let (ka, kb) = (label_key(va), label_key(vb));
            if ka == kb {
                Agreement::Same
            } else if levenshtein(&ka, &kb) <= (ka.len().max(kb.len()) / 10).max(1) {
                Agreement::Near
            } else {
                Agreement::Conflict
            }
        }
        _ => Agreement::Conflict,
    }
}

/// The name a warning gives a candidate's source.
pub fn source_name(c: &Candidate) -> &'static str {
    match c.source {
        Source::Qr => "qr",
        Source::Mrz => "mrz",
        Source::Printed => match c.field.method {
            Method::TextLayer => "text_layer",
            _ => "ocr",
        },
    }
}

fn all_upper(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// Multiplier on the preferred value's confidence when another source contradicts it.
const CONFLICT_FACTOR: f32 = 0.6;

/// Picks the most trusted candidate for `key`, folds in the evidence and confidence of
/// agreeing ones, and reports contradicting ones.
pub fn merge(key: FieldKey, mut cands: Vec<Candidate>, out: &mut Output) {
    cands.sort_by_key(|c| trust(key, c.field.method));
    let Some(top) = cands.first().cloned() else {
        return;
    };
    let mut field = top.field.clone();
    let mut doubt = 1.0 - field.confidence;
    let mut conflicted = false;
    for other in &cands[1..] {
        match compare(key, &top, other) {
            Agreement::Same => {
                doubt *= 1.0 - other.field.confidence;
                field.evidence.extend(other.field.evidence.iter().cloned());
                if key == FieldKey::FullName
                    && other.source == Source::Printed
                    && top.source == Source::Qr
                {
                    // Keep the name as printed on the card (capitals) when the QR agrees.
                    field.value = other.field.value.clone();
                }
            }
            Agreement::Near => {
                field.evidence.extend(other.field.evidence.iter().cloned());
                if key == FieldKey::FullName
                    && other.source == Source::Printed
                    && all_upper(&other.field.value)
                {
                    field.value = field.value.to_uppercase();
                }
            }
            Agreement::Conflict => {
                conflicted = true;
                out.warn(format!(
                    "{key}: {} '{}' disagrees with {} '{}'",
                    source_name(&top),
                    top.field.value,
                    source_name(other),
                    other.field.value
                ));
            }
        }
    }
    let mut confidence = (1.0 - doubt).min(0.999);
    if conflicted {
        confidence *= CONFLICT_FACTOR;
    }
    field.confidence = round3(confidence);
    out.fields.insert(key, field);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Evidence};

    fn cand(source: Source, value: &str, confidence: f32) -> Candidate {
        let method = match source {
            Source::Qr => Method::Qr,
            Source::Mrz => Method::Mrz,
            Source::Printed => Method::Ocr,
        };
        let evidence = vec![Evidence {
            page: 1,
            bbox: BBox::new(0.0, 0.0, 0.1, 0.1),
            raw: value.to_string(),
        }];
        Candidate {
            source,
            field: Field {
                value: value.into(),
                confidence,
                method,
                evidence,
            },
        }
    }

    #[test]
    fn agreement_raises_confidence_and_keeps_all_evidence() {
        let mut out = Output::default();
        merge(
            FieldKey::DateOfBirth,
            vec![
                cand(Source::Printed, "1999-03-05", 0.8),
                cand(Source::Qr, "1999-03-05", 0.99),
            ],
            &mut out,
        );
        let f = &out.fields[&FieldKey::DateOfBirth];
        assert_eq!(f.method, Method::Qr);
        assert_eq!(f.evidence.len(), 2);
        assert!(f.confidence > 0.99);
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn conflict_prefers_checked_source_and_warns() {
        let mut out = Output::default();
        merge(
            FieldKey::DateOfBirth,
            vec![
                cand(Source::Printed, "1999-03-06", 0.8),
                cand(Source::Mrz, "1999-03-05", 0.95),
            ],
            &mut out,
        );
        let f = &out.fields[&FieldKey::DateOfBirth];
        assert_eq!(f.value, "1999-03-05");
        assert_eq!(f.method, Method::Mrz);
        assert_eq!(f.evidence.len(), 1);
        assert!(f.confidence < 0.6);
        assert_eq!(
            out.warnings,
            ["date_of_birth: mrz '1999-03-05' disagrees with ocr '1999-03-06'"]
        );
    }

    #[test]
    fn names_keep_printed_capitals_and_mrz_agrees_without_tones() {
        let mut out = Output::default();
        merge(
            FieldKey::FullName,
            vec![
                cand(Source::Mrz, "NGUYEN VAN AN", 0.8),
                cand(Source::Printed, "NGUYỄN VĂN AN", 0.85),
                cand(Source::Qr, "Nguyễn Văn An", 0.99),
            ],
            &mut out,
        );
        let f = &out.fields[&FieldKey::FullName];
        assert_eq!(f.value, "NGUYỄN VĂN AN");
        assert_eq!(f.method, Method::Qr);
        assert_eq!(f.evidence.len(), 3);
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn printed_name_outranks_mrz() {
        let mut out = Output::default();
        merge(
            FieldKey::FullName,
            vec![
                cand(Source::Mrz, "NGUYEN VAN AN", 0.8),
                cand(Source::Printed, "NGUYỄN VĂN AN", 0.85),
            ],
            &mut out,
        );
        assert_eq!(out.fields[&FieldKey::FullName].value, "NGUYỄN VĂN AN");
        assert_eq!(out.fields[&FieldKey::FullName].method, Method::Ocr);
    }
}
