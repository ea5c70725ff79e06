//! The solver's cases: one field read by several sources, several readings, and the
//! constraints' ranking.

use super::*;
use crate::model::{BBox, Evidence};

/// A candidate of `source` reading `value` at a box of its own.
fn cand(source: Source, value: &str, confidence: f32) -> Candidate {
    let method = match source {
        Source::Qr => Method::Qr,
        Source::Mrz => Method::Mrz,
        Source::Printed => Method::Ocr,
    };
    let x = match source {
        Source::Qr => 0.0,
        Source::Mrz => 0.3,
        Source::Printed => 0.6,
    };
    Candidate {
        source,
        field: Field {
            value: value.into(),
            confidence,
            method,
            evidence: vec![Evidence {
                page: 1,
                bbox: BBox::new(x, 0.0, x + 0.1, 0.1),
                raw: value.to_string(),
            }],
        },
    }
}

fn reading(cands: &[(FieldKey, Source, &str, f32)], warnings: &[&str]) -> Reading {
    let mut r = Reading::default();
    for &(key, source, value, confidence) in cands {
        let c = cand(source, value, confidence);
        r.push(key, c.source, c.field);
    }
    r.warnings = warnings.iter().map(|w| w.to_string()).collect();
    r
}

use FieldKey::*;
use Source::{Mrz, Printed, Qr};

fn card() -> Option<&'static DocumentSpec> {
    Some(&crate::fields::citizen_id::SPEC)
}

// One reading, several sources.

#[test]
fn agreement_raises_confidence_and_keeps_all_evidence() {
    let out = solve(
        None,
        vec![reading(
            &[
                (DateOfBirth, Printed, "1999-03-05", 0.8),
                (DateOfBirth, Qr, "1999-03-05", 0.99),
            ],
            &[],
        )],
    );
    let f = &out.fields[&DateOfBirth];
    assert_eq!(f.method, Method::Qr);
    assert_eq!(f.evidence.len(), 2);
    assert!(f.confidence > 0.99);
    assert!(out.warnings.is_empty());
}

#[test]
fn conflict_prefers_checked_source_and_warns() {
    let out = solve(
        None,
        vec![reading(
            &[
                (DateOfBirth, Printed, "1999-03-06", 0.8),
                (DateOfBirth, Mrz, "1999-03-05", 0.95),
            ],
            &[],
        )],
    );
    let f = &out.fields[&DateOfBirth];
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
    let out = solve(
        None,
        vec![reading(
            &[
                (FullName, Mrz, "NGUYEN VAN AN", 0.8),
                (FullName, Printed, "NGUYỄN VĂN AN", 0.85),
                (FullName, Qr, "Nguyễn Văn An", 0.99),
            ],
            &[],
        )],
    );
    let f = &out.fields[&FullName];
    assert_eq!(f.value, "NGUYỄN VĂN AN");
    assert_eq!(f.method, Method::Qr);
    assert_eq!(f.evidence.len(), 3);
    assert!(out.warnings.is_empty());
}

#[test]
fn printed_name_outranks_mrz() {
    let out = solve(
        None,
        vec![reading(
            &[
                (FullName, Mrz, "NGUYEN VAN AN", 0.8),
                (FullName, Printed, "NGUYỄN VĂN AN", 0.85),
            ],
            &[],
        )],
    );
    assert_eq!(out.fields[&FullName].value, "NGUYỄN VĂN AN");
    assert_eq!(out.fields[&FullName].method, Method::Ocr);
}

#[test]
fn a_place_near_another_sources_is_no_conflict_and_no_confirmation() {
    let out = solve(
        None,
        vec![reading(
            &[
                (
                    PlaceOfResidence,
                    Qr,
                    "Xã Phú Lợi, Huyện Châu Thành, Tỉnh Bình Thuận",
                    0.99,
                ),
                (
                    PlaceOfResidence,
                    Printed,
                    "Xã Phú Lợi, Huyện Châu Thènh, Tỉnh Bình Thuận",
                    0.9,
                ),
            ],
            &[],
        )],
    );
    let f = &out.fields[&PlaceOfResidence];
    assert_eq!(f.method, Method::Qr);
    assert_eq!(f.confidence, 0.99);
    assert_eq!(f.evidence.len(), 2);
    assert!(out.warnings.is_empty());
}

// Several readings of the same pixels.

#[test]
fn one_reading_is_itself() {
    let only = reading(&[(Sex, Printed, "male", 0.9)], &["w"]);
    let out = solve(None, vec![only]);
    assert_eq!(out.fields[&Sex].value, "male");
    assert_eq!(out.fields[&Sex].confidence, 0.9);
    assert_eq!(out.warnings, ["w"]);
    assert!(solve(None, Vec::new()).fields.is_empty());
}

#[test]
fn a_rereading_fills_what_the_first_lost_and_brings_its_warnings() {
    let first = reading(&[(Sex, Printed, "male", 0.9)], &["first"]);
    let second = reading(
        &[
            (Sex, Printed, "male", 0.95),
            (DateOfIssue, Printed, "2022-01-02", 0.8),
        ],
        &["second"],
    );
    let out = solve(None, vec![first, second]);
    // Agreement of two readings of the same pixels is no new evidence.
    assert_eq!(out.fields[&Sex].confidence, 0.95);
    assert_eq!(out.fields[&DateOfIssue].value, "2022-01-02");
    assert_eq!(out.warnings, ["first", "second"]);
}

#[test]
fn a_rereading_that_adds_nothing_keeps_its_warnings_to_itself() {
    let first = reading(&[(Sex, Printed, "male", 0.9)], &[]);
    let second = reading(&[(Sex, Printed, "male", 0.9)], &["noise"]);
    assert!(solve(None, vec![first, second]).warnings.is_empty());
}

#[test]
fn a_rereading_that_confirms_a_value_read_before_keeps_its_warnings_to_itself() {
    // Its zone, which failed three check digits, gives the expiry the print gave: the
    // zone outranks the print, but the value came from the first reading.
    let first = reading(&[(DateOfExpiry, Printed, "2027-04-27", 0.9)], &[]);
    let again = reading(
        &[(DateOfExpiry, Mrz, "2027-04-27", 0.85)],
        &["mrz document number check digit mismatch"],
    );
    let out = solve(None, vec![first, again]);
    assert_eq!(out.fields[&DateOfExpiry].method, Method::Mrz);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn a_label_read_without_its_value_warns_only_if_no_reading_gave_the_field() {
    let mut first = reading(&[], &[]);
    first
        .unread
        .push((Sex, "sex: label without a value".into()));
    let second = reading(&[(Sex, Printed, "male", 0.9)], &[]);
    assert!(solve(None, vec![first.clone(), second]).warnings.is_empty());
    assert_eq!(
        solve(None, vec![first]).warnings,
        ["sex: label without a value"]
    );
}

#[test]
fn a_place_read_whole_wins_over_the_reading_that_lost_a_line_of_it() {
    let whole = "Thị trấn Phú Lợi, Huyện Châu Thành, Tỉnh Bình Thuận";
    let lost = reading(&[(PlaceOfOrigin, Printed, "Tỉnh Bình Thuận", 0.92)], &[]);
    let read = reading(&[(PlaceOfOrigin, Printed, whole, 0.91)], &[]);
    let out = solve(None, vec![lost, read]);
    assert_eq!(out.fields[&PlaceOfOrigin].value, whole);
    // Still a disagreement between readings, and said so.
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn a_place_whose_names_are_real_wins_over_readings_that_agree_on_a_misspelling() {
    let misread = || {
        reading(
            &[(
                PlaceOfOrigin,
                Printed,
                "Phường Phứ Lợi, Bà Rịa, Đắk Nông",
                0.95,
            )],
            &[],
        )
    };
    let real = reading(
        &[(
            PlaceOfOrigin,
            Printed,
            "Phường Phú Lợi, Bà Rịa, Đắk Nông",
            0.8,
        )],
        &[],
    );
    let out = solve(None, vec![misread(), misread(), real]);
    assert_eq!(
        out.fields[&PlaceOfOrigin].value,
        "Phường Phú Lợi, Bà Rịa, Đắk Nông"
    );
}

#[test]
fn disagreements_go_to_the_source_then_the_majority_then_confidence() {
    let a = reading(
        &[
            (IdNumber, Printed, "079093088921", 0.9),
            (DateOfIssue, Printed, "2036-05-16", 0.9),
            (FullName, Mrz, "PHAM XUAN VU", 0.75),
        ],
        &[],
    );
    let b = reading(
        &[
            (IdNumber, Printed, "079093088821", 0.95),
            (DateOfIssue, Printed, "2026-05-16", 0.6),
            (FullName, Printed, "PHẠM XUÂN VŨ", 0.9),
        ],
        &[],
    );
    let c = reading(&[(DateOfIssue, Printed, "2026-05-16", 0.5)], &[]);
    let out = solve(None, vec![a, b, c]);
    // The more confident of two single readings, lowered for the doubt.
    assert_eq!(out.fields[&IdNumber].value, "079093088821");
    assert_eq!(out.fields[&IdNumber].confidence, 0.76);
    // Two readings against one.
    assert_eq!(out.fields[&DateOfIssue].value, "2026-05-16");
    // The zone's name without tone marks is the printed name with them.
    assert_eq!(out.fields[&FullName].value, "PHẠM XUÂN VŨ");
    assert_eq!(out.warnings.len(), 2);
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("\"2026-05-16\" (ocr) against \"2036-05-16\" (ocr)")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn a_source_misreading_itself_costs_less_than_an_independent_contradiction() {
    let coded = |printed_again: &str| {
        let first = reading(
            &[
                (DateOfBirth, Qr, "1999-03-05", 0.99),
                (DateOfBirth, Printed, "1999-03-05", 0.9),
            ],
            &[],
        );
        let again = reading(&[(DateOfBirth, Printed, printed_again, 0.9)], &[]);
        solve(None, vec![first, again]).fields[&DateOfBirth].clone()
    };
    let agreed = coded("1999-03-05");
    // The print read 1999-03-08 once: it misread itself, the QR stands.
    let misread = coded("1999-03-08");
    assert_eq!(misread.value, "1999-03-05");
    assert_eq!(
        misread.confidence,
        round3(agreed.confidence * DISAGREEMENT_FACTOR)
    );
    // A zone that no other source confirms contradicts it.
    let out = solve(
        None,
        vec![reading(
            &[
                (DateOfBirth, Qr, "1999-03-05", 0.99),
                (DateOfBirth, Mrz, "1999-03-08", 0.95),
            ],
            &[],
        )],
    );
    assert_eq!(
        out.fields[&DateOfBirth].confidence,
        round3(0.99 * CONFLICT_FACTOR)
    );
}

// The constraints' ranking (the card's table).

/// What the solver makes of a card's expiries (source, value), against the QR code's
/// birth date 1981-09-20.
fn expiry_of(expiries: &[(Source, &str)]) -> Output {
    let mut cands = vec![(DateOfBirth, Qr, "1981-09-20", 0.99)];
    cands.extend(expiries.iter().map(|&(s, v)| (DateOfExpiry, s, v, 0.9)));
    solve(card(), vec![reading(&cands, &[])])
}

#[test]
fn a_zone_expiry_off_the_coded_birthday_is_set_aside_for_the_printed_one() {
    let out = expiry_of(&[(Mrz, "2041-09-26"), (Printed, "2041-09-20")]);
    let expiry = &out.fields[&DateOfExpiry];
    assert_eq!(expiry.value, "2041-09-20");
    assert!(expiry.confidence < 0.9);
    assert!(
        out.warnings[0].contains("'2041-09-26' set aside"),
        "{:?}",
        out.warnings
    );
    // None on the birthday: nothing to prefer, the sources' ranks decide, and the
    // zone's stands as read with a warning.
    let out = expiry_of(&[(Mrz, "2041-09-26"), (Printed, "2041-09-28")]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2041-09-26");
    assert!(out.warnings.iter().all(|w| !w.contains("set aside")));
}

#[test]
fn an_expiry_two_sources_read_alike_is_kept_off_the_birthday() {
    // The print and the zone both say 2042; a rereading on the birthday does not
    // outvote them.
    let mut both = reading(
        &[
            (DateOfBirth, Qr, "1981-09-20", 0.99),
            (DateOfExpiry, Mrz, "2042-09-20", 0.9),
            (DateOfExpiry, Printed, "2042-09-20", 0.9),
        ],
        &[],
    );
    both.warnings.clear();
    let again = reading(&[(DateOfExpiry, Printed, "2041-09-20", 0.9)], &[]);
    let out = solve(card(), vec![both, again]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2042-09-20");
}

#[test]
fn an_expiry_off_the_coded_birthday_loses_to_a_rereading_on_it() {
    // The zone's misread expiry whose check digit held outranks print, but a card
    // expires on its holder's birthday, which the QR code's birth date gives.
    let zone = reading(
        &[
            (DateOfBirth, Qr, "1981-09-20", 0.99),
            (DateOfExpiry, Mrz, "2041-09-26", 0.85),
        ],
        &[],
    );
    let print = reading(&[(DateOfExpiry, Printed, "2041-09-20", 0.9)], &[]);
    let out = solve(card(), vec![zone, print]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2041-09-20");
    assert!(out.fields[&DateOfExpiry].confidence < 0.9);
    // Without a coded birth date the zone's stands.
    let zone = reading(
        &[
            (DateOfBirth, Printed, "1981-09-20", 0.9),
            (DateOfExpiry, Mrz, "2041-09-26", 0.85),
        ],
        &[],
    );
    let print = reading(&[(DateOfExpiry, Printed, "2041-09-20", 0.9)], &[]);
    let out = solve(card(), vec![zone, print]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2041-09-26");
}

#[test]
fn an_expiry_print_and_zone_gave_alike_stands_off_the_birthday() {
    // The card prints 14/04/2039 and its zone says so under a valid check digit; a
    // rereading misread the print as 2038, the holder's fortieth birthday. What two
    // sources read alike wins: no rule turns 2039 into 2038.
    let first = reading(
        &[
            (DateOfBirth, Mrz, "1998-04-14", 0.99),
            (DateOfExpiry, Mrz, "2039-04-14", 0.99),
            (DateOfExpiry, Printed, "2039-04-14", 0.9),
        ],
        &[],
    );
    let reread = reading(&[(DateOfExpiry, Printed, "2038-04-14", 0.9)], &[]);
    let out = solve(card(), vec![first, reread]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2039-04-14");
}

#[test]
fn an_expiry_before_the_coded_issue_loses_though_on_a_birthday() {
    // 2016 is the holder's fortieth birthday, but the card was issued in 2021.
    let read = |expiry: &str| {
        reading(
            &[
                (DateOfBirth, Qr, "1976-04-10", 0.99),
                (DateOfIssue, Qr, "2021-12-19", 0.99),
                (DateOfExpiry, Printed, expiry, 0.9),
            ],
            &[],
        )
    };
    let out = solve(card(), vec![read("2016-04-10"), read("2036-04-10")]);
    assert_eq!(out.fields[&DateOfExpiry].value, "2036-04-10");
}

#[test]
fn a_printed_issue_outside_the_cards_life_loses_or_is_dropped() {
    let card_dates = |issues: &[&str]| {
        let mut readings = vec![reading(
            &[
                (DateOfBirth, Qr, "1990-01-02", 0.99),
                (DateOfExpiry, Printed, "2030-01-02", 0.9),
            ],
            &[],
        )];
        for issue in issues {
            readings.push(reading(&[(DateOfIssue, Printed, issue, 0.9)], &[]));
        }
        solve(card(), readings)
    };
    // The expiry read in the issue's place loses to the issue another reading read.
    let out = card_dates(&["2030-01-02", "2021-05-06"]);
    assert_eq!(out.fields[&DateOfIssue].value, "2021-05-06");
    // Alone, it is no date of issue at all.
    let out = card_dates(&["2030-01-02"]);
    assert!(!out.fields.contains_key(&DateOfIssue));
    assert!(
        out.warnings.contains(
            &"date_of_issue (ocr) 2030-01-02 dropped: not before date_of_expiry 2030-01-02"
                .to_string()
        ),
        "{:?}",
        out.warnings
    );
}

#[test]
fn the_solver_picks_only_values_a_candidate_gave() {
    let cases: &[&[(FieldKey, Source, &str, f32)]] = &[
        &[
            (DateOfBirth, Qr, "1998-04-14", 0.99),
            (DateOfExpiry, Printed, "2039-04-14", 0.9),
        ],
        &[
            (DateOfBirth, Qr, "1998-04-14", 0.99),
            (DateOfExpiry, Mrz, "2038-04-15", 0.9),
            (DateOfExpiry, Printed, "2039-04-16", 0.9),
            (IdNumber, Printed, "001098012345", 0.9),
            (Sex, Printed, "female", 0.9),
        ],
    ];
    for cands in cases {
        let out = solve(card(), vec![reading(cands, &[])]);
        for (key, field) in &out.fields {
            assert!(
                cands.iter().any(|(k, _, v, _)| k == key
                    && (*v == field.value || compact_fold(v) == compact_fold(&field.value))),
                "{key}: {} was never read",
                field.value
            );
        }
    }
}
