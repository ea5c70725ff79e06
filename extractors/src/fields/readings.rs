//! Reconciling the fields of one document read several times: the page as it came,
//! and the rereadings of an unsure card (`PageText::rereadings`).
//!
//! The readings are OCR of the same pixels, so they are not independent sources: their
//! agreement does not raise confidence the way a QR code agreeing with the print does.
//! What a rereading adds is the lines the first reading lost (a faded label, print too
//! small for Tesseract at the scan's resolution), and a vote where readings differ.

use crate::spec::FieldKey;
use std::collections::BTreeMap;

use super::common::{round3, Output};
use super::merge::{compact_fold, trust};
use crate::model::{Field, Method};
use crate::text::{clean, extends_place, unreal_parts};

/// Whether two readings gave the same value: equal as compared for accuracy, or, for a
/// name, equal letters where one of them comes from the zone, which has no tone marks.
fn same_value(key: FieldKey, a: &Field, b: &Field) -> bool {
    let plain = |f: &Field| clean(&f.value).to_lowercase();
    if plain(a) == plain(b) {
        return true;
    }
    key == FieldKey::FullName
        && (a.method == Method::Mrz || b.method == Method::Mrz)
        && compact_fold(&a.value) == compact_fold(&b.value)
}

/// Whether a reading's value was given alike by two of its sources: `merge` keeps the
/// evidence of every source that agreed, each from its own region.
fn confirmed_within_a_reading(f: &Field) -> bool {
    f.evidence
        .iter()
        .skip(1)
        .any(|e| e.bbox != f.evidence[0].bbox || e.page != f.evidence[0].page)
}

/// Multiplier on a value's confidence when another reading of the same page read
/// something else there.
const DISAGREEMENT_FACTOR: f32 = 0.8;

/// One value of a field, the readings that gave it, and the first of them.
struct Vote {
    field: Field,
    readings: usize,
    from: usize,
}

impl Vote {
    /// Better-sourced first, then read by more readings, then more confident.
    fn rank(&self, key: FieldKey) -> (u8, std::cmp::Reverse<usize>, std::cmp::Reverse<u32>) {
        (
            trust(key, self.field.method),
            std::cmp::Reverse(self.readings),
            std::cmp::Reverse((self.field.confidence * 1000.0) as u32),
        )
    }
}

/// The fields of several readings of one document (the first reading first) as one
/// output. A field one reading has alone is taken from it; where readings differ, the
/// value with the better source wins, then the one more readings gave, then the more
/// confident, with its confidence lowered and a warning naming both values. The first
/// reading's warnings stand, and a rereading's are added when a field came from it.
pub fn merge_readings(outputs: Vec<Output>) -> Output {
    let mut outputs = outputs.into_iter();
    let Some(first) = outputs.next() else {
        return Output::default();
    };
    let rest: Vec<Output> = outputs.collect();
    if rest.is_empty() {
        return first;
    }
    let mut votes: BTreeMap<FieldKey, Vec<Vote>> = BTreeMap::new();
    for (i, out) in std::iter::once(&first).chain(rest.iter()).enumerate() {
        for (&key, field) in &out.fields {
            let list = votes.entry(key).or_default();
            match list.iter_mut().find(|v| same_value(key, &v.field, field)) {
                Some(v) => {
                    v.readings += 1;
                    let confidence = v.field.confidence.max(field.confidence);
                    // The better-sourced spelling stands for the group (a printed name
                    // with its tone marks for the zone's).
                    if trust(key, field.method) < trust(key, v.field.method) {
                        v.field = field.clone();
                    }
                    v.field.confidence = confidence;
                }
                None => list.push(Vote {
                    field: field.clone(),
                    readings: 1,
                    from: i,
                }),
            }
        }
    }
    let mut out = Output {
        fields: BTreeMap::new(),
        warnings: first.warnings.clone(),
    };
    // A birth date a code gave, which a card's expiry must fall on at a renewal age,
    // after the issue date a code gave.
    let coded = |key: FieldKey| {
        votes.get(&key).and_then(|list| {
            list.iter()
                .filter(|v| matches!(v.field.method, Method::Qr | Method::Mrz))
                .min_by_key(|v| trust(key, v.field.method))
                .map(|v| v.field.value.clone())
        })
    };
    let (coded_birth, coded_issue) = (coded(FieldKey::DateOfBirth), coded(FieldKey::DateOfIssue));
    let mut from_rereading = vec![false; rest.len()];
    for (key, list) in votes {
        // A reading that lost a line of a place reads part of what another read whole:
        // the whole one ranks first among those of its method.
        let part_of_another: Vec<bool> = list
            .iter()
            .map(|v| {
                list.iter().any(|o| {
                    o.field.method == v.field.method
                        && extends_place(&o.field.value, &v.field.value)
                })
            })
            .collect();
        // Readings of a place that differ in a name: the one whose names are real,
        // spelled as the gazetteer spells them, read it better (`Phú Lợi`, not `Phứ
        // Lợi`) than any number of readings of the same pixels that agree on a misspelling.
        let unreal = |v: &Vote| {
            if super::citizen_id::is_place(key) {
                unreal_parts(&v.field.value)
            } else {
                0
            }
        };
        // An expiry off the holder's renewal birthdays that one source alone gave was
        // likely misread (a zone's date whose check digit a misread happened to
        // satisfy); one that two sources of a reading gave alike (the print and the
        // zone, their evidence merged) stands: the rule ranks, it does not overrule.
        let impossible = |v: &Vote| {
            key == FieldKey::DateOfExpiry
                && !confirmed_within_a_reading(&v.field)
                && coded_birth.as_deref().is_some_and(|birth| {
                    super::citizen_id::expires_off_the_birthday(
                        &v.field.value,
                        birth,
                        coded_issue.as_deref(),
                    )
                })
        };
        let mut list: Vec<(bool, Vote)> = part_of_another.into_iter().zip(list).collect();
        list.sort_by_key(|(part, v)| {
            let (method, readings, confidence) = v.rank(key);
            (
                impossible(v),
                method,
                *part,
                unreal(v),
                readings,
                confidence,
            )
        });
        let mut list = list.into_iter().map(|(_, v)| v);
        let Some(mut win) = list.next() else {
            continue;
        };
        let losers: Vec<Vote> = list.collect();
        if !losers.is_empty() {
            let others: Vec<String> = losers
                .iter()
                .map(|v| format!("{:?} ({})", v.field.value, v.field.method.as_str()))
                .collect();
            out.warn(format!(
                "the page's ocr readings disagree on {key}: {:?} ({}) against {}",
                win.field.value,
                win.field.method.as_str(),
                others.join(", ")
            ));
            win.field.confidence = round3(win.field.confidence * DISAGREEMENT_FACTOR);
        }
        if win.from > 0 {
            from_rereading[win.from - 1] = true;
        }
        out.fields.insert(key, win.field);
    }
    for (out_i, used) in rest.into_iter().zip(from_rereading) {
        if used {
            for w in out_i.warnings {
                out.warn(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;

    fn field(value: &str, method: Method, confidence: f32) -> Field {
        Field {
            value: value.to_string(),
            confidence,
            method,
            evidence: vec![Evidence {
                page: 1,
                bbox: crate::model::BBox::new(0.0, 0.0, 1.0, 1.0),
                raw: value.to_string(),
            }],
        }
    }

    fn output(fields: &[(FieldKey, Field)], warnings: &[&str]) -> Output {
        Output {
            fields: fields.iter().map(|(k, f)| (*k, f.clone())).collect(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn an_expiry_off_the_coded_birthday_loses_to_one_on_it() {
        // The zone's misread expiry whose check digit held outranks print, but a card
        // expires on its holder's birthday, which the QR code's birth date gives.
        let birth = (FieldKey::DateOfBirth, field("1981-09-20", Method::Qr, 0.99));
        let zone = output(
            &[
                birth.clone(),
                (
                    FieldKey::DateOfExpiry,
                    field("2041-09-26", Method::Mrz, 0.85),
                ),
            ],
            &[],
        );
        let print = output(
            &[
                birth.clone(),
                (
                    FieldKey::DateOfExpiry,
                    field("2041-09-20", Method::Ocr, 0.9),
                ),
            ],
            &[],
        );
        let merged = merge_readings(vec![zone.clone(), print.clone()]);
        assert_eq!(merged.fields[&FieldKey::DateOfExpiry].value, "2041-09-20");
        assert!(merged.fields[&FieldKey::DateOfExpiry].confidence < 0.9);
        // Without a coded birth date the zone's stands.
        let unsure = |mut o: Output| {
            o.fields
                .insert(FieldKey::DateOfBirth, field("1981-09-20", Method::Ocr, 0.9));
            o
        };
        let merged = merge_readings(vec![unsure(zone), unsure(print)]);
        assert_eq!(merged.fields[&FieldKey::DateOfExpiry].value, "2041-09-26");
    }

    #[test]
    fn an_expiry_print_and_zone_gave_alike_stands_off_the_birthday() {
        // The card prints 14/04/2039 and its zone says so under a valid check digit; a
        // rereading misread the print as 2038, the holder's fortieth birthday. What two
        // sources read alike wins: no rule turns 2039 into 2038.
        let birth = (
            FieldKey::DateOfBirth,
            field("1998-04-14", Method::Mrz, 0.99),
        );
        let mut both = field("2039-04-14", Method::Mrz, 0.99);
        both.evidence.push(Evidence {
            page: 1,
            bbox: crate::model::BBox::new(0.5, 0.4, 0.7, 0.45),
            raw: "14/04/2039".into(),
        });
        let first = output(&[birth.clone(), (FieldKey::DateOfExpiry, both)], &[]);
        let reread = output(
            &[
                birth,
                (
                    FieldKey::DateOfExpiry,
                    field("2038-04-14", Method::Ocr, 0.9),
                ),
            ],
            &[],
        );
        let merged = merge_readings(vec![first, reread]);
        assert_eq!(merged.fields[&FieldKey::DateOfExpiry].value, "2039-04-14");
    }

    #[test]
    fn an_expiry_before_the_coded_issue_loses_though_on_a_birthday() {
        // 2016 is the holder's fortieth birthday, but the card was issued in 2021.
        let reading = |expiry: &str| {
            output(
                &[
                    (FieldKey::DateOfBirth, field("1976-04-10", Method::Qr, 0.99)),
                    (FieldKey::DateOfIssue, field("2021-12-19", Method::Qr, 0.99)),
                    (FieldKey::DateOfExpiry, field(expiry, Method::Ocr, 0.9)),
                ],
                &[],
            )
        };
        let merged = merge_readings(vec![reading("2016-04-10"), reading("2036-04-10")]);
        assert_eq!(merged.fields[&FieldKey::DateOfExpiry].value, "2036-04-10");
    }

    #[test]
    fn one_reading_is_itself() {
        let only = output(&[(FieldKey::Sex, field("male", Method::Ocr, 0.9))], &["w"]);
        let merged = merge_readings(vec![only.clone()]);
        assert_eq!(merged.fields, only.fields);
        assert_eq!(merged.warnings, only.warnings);
        assert!(merge_readings(Vec::new()).fields.is_empty());
    }

    #[test]
    fn a_rereading_fills_what_the_first_lost_and_brings_its_warnings() {
        let first = output(
            &[(FieldKey::Sex, field("male", Method::Ocr, 0.9))],
            &["first"],
        );
        let second = output(
            &[
                (FieldKey::Sex, field("male", Method::Ocr, 0.95)),
                (FieldKey::DateOfIssue, field("2022-01-02", Method::Ocr, 0.8)),
            ],
            &["second"],
        );
        let merged = merge_readings(vec![first, second]);
        // Agreement of two readings of the same pixels is no new evidence.
        assert_eq!(merged.fields[&FieldKey::Sex].confidence, 0.95);
        assert_eq!(merged.fields[&FieldKey::DateOfIssue].value, "2022-01-02");
        assert_eq!(merged.warnings, ["first", "second"]);
    }

    #[test]
    fn a_rereading_that_adds_nothing_keeps_its_warnings_to_itself() {
        let first = output(&[(FieldKey::Sex, field("male", Method::Ocr, 0.9))], &[]);
        let second = output(
            &[(FieldKey::Sex, field("male", Method::Ocr, 0.9))],
            &["noise"],
        );
        assert!(merge_readings(vec![first, second]).warnings.is_empty());
    }

    #[test]
    fn a_place_read_whole_wins_over_the_reading_that_lost_a_line_of_it() {
        let whole = "Thị trấn Phú Lợi, Huyện Châu Thành, Tỉnh Bình Thuận";
        let lost = output(
            &[(
                FieldKey::PlaceOfOrigin,
                field("Tỉnh Bình Thuận", Method::Ocr, 0.92),
            )],
            &[],
        );
        let read = output(
            &[(FieldKey::PlaceOfOrigin, field(whole, Method::Ocr, 0.91))],
            &[],
        );
        let merged = merge_readings(vec![lost, read]);
        assert_eq!(merged.fields[&FieldKey::PlaceOfOrigin].value, whole);
        // Still a disagreement between readings, and said so.
        assert_eq!(merged.warnings.len(), 1);
    }

    #[test]
    fn a_place_whose_names_are_real_wins_over_readings_that_agree_on_a_misspelling() {
        let misread = || {
            output(
                &[(
                    FieldKey::PlaceOfOrigin,
                    field("Phường Phứ Lợi, Bà Rịa, Đắk Nông", Method::Ocr, 0.95),
                )],
                &[],
            )
        };
        let real = output(
            &[(
                FieldKey::PlaceOfOrigin,
                field("Phường Phú Lợi, Bà Rịa, Đắk Nông", Method::Ocr, 0.8),
            )],
            &[],
        );
        let merged = merge_readings(vec![misread(), misread(), real]);
        assert_eq!(
            merged.fields[&FieldKey::PlaceOfOrigin].value,
            "Phường Phú Lợi, Bà Rịa, Đắk Nông"
        );
    }

    #[test]
    fn disagreements_go_to_the_source_then_the_majority_then_confidence() {
        let a = output(
            &[
                (FieldKey::IdNumber, field("079093088921", Method::Ocr, 0.9)),
                (FieldKey::DateOfIssue, field("2036-05-16", Method::Ocr, 0.9)),
                (FieldKey::FullName, field("PHAM XUAN VU", Method::Mrz, 0.75)),
            ],
            &[],
        );
        let b = output(
            &[
                (FieldKey::IdNumber, field("079093088821", Method::Ocr, 0.95)),
                (FieldKey::DateOfIssue, field("2026-05-16", Method::Ocr, 0.6)),
                (FieldKey::FullName, field("PHẠM XUÂN VŨ", Method::Ocr, 0.9)),
            ],
            &[],
        );
        let c = output(
            &[(FieldKey::DateOfIssue, field("2026-05-16", Method::Ocr, 0.5))],
            &[],
        );
        let merged = merge_readings(vec![a, b, c]);
        // The more confident of two single readings, lowered for the doubt.
        assert_eq!(merged.fields[&FieldKey::IdNumber].value, "079093088821");
        assert_eq!(merged.fields[&FieldKey::IdNumber].confidence, 0.76);
        // Two readings against one.
        assert_eq!(merged.fields[&FieldKey::DateOfIssue].value, "2026-05-16");
        // The zone's name without tone marks is the printed name with them.
        assert_eq!(merged.fields[&FieldKey::FullName].value, "PHẠM XUÂN VŨ");
        assert_eq!(merged.warnings.len(), 2);
        assert!(merged.warnings[0].contains("\"2026-05-16\" (ocr) against \"2036-05-16\" (ocr)"));
    }
}
