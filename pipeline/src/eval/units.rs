//! Scoring places as units: for each place field whose truth names its units (codes
//! before and after 1 July 2025), how many of the units a reading gives are right, and
//! whether a split commune was ever narrowed to one of its parts (a guess).
//!
//! A unit counts right when the reading has the truth's code; absent, it is missed; with
//! another code, it is wrong. Today's unit is right when the one current commune is the
//! truth's, or, for a commune split between several, when every candidate is offered
//! and the truth's is among them.

use std::collections::BTreeMap;

use serde::Deserialize;

use hoso_units::{Merge, PlaceUnits, Unit};

use super::Tally;

#[derive(Debug, Clone, Deserialize)]
pub struct TruthUnits {
    pub printed: TruthPrinted,
    pub current: TruthCurrent,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthPrinted {
    pub period: String,
    pub commune: TruthUnit,
    #[serde(default)]
    pub district: Option<TruthUnit>,
    pub province: TruthUnit,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthCurrent {
    pub commune: TruthUnit,
    pub province: TruthUnit,
    pub merge: String,
    /// How many new communes the old one went into.
    pub candidates: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthUnit {
    pub code: String,
    pub name: String,
}

/// Units scored over many place fields.
#[derive(Debug, Clone, Default)]
pub struct UnitsScore {
    /// Every unit: printed commune, district and province, and today's commune.
    pub units: Tally,
    pub per_quality: BTreeMap<String, Tally>,
    /// By unit level (`commune`, `district`, `province`, `current`).
    pub per_level: BTreeMap<&'static str, Tally>,
    /// Units given a code other than the truth's.
    pub wrong: u64,
    /// Place fields of a split commune printed in old units, and how many of them the
    /// reading narrowed to a single current commune.
    pub splits: u64,
    pub split_guesses: u64,
    pub misses: Vec<UnitsMiss>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitsMiss {
    pub file: String,
    /// `document_type.field_key`.
    pub field: String,
    pub level: &'static str,
    pub value: String,
    pub expected: String,
    pub got: Option<String>,
}

enum Verdict {
    Right,
    Missed,
    Wrong,
}

fn verdict(expected: &TruthUnit, got: Option<&Unit>) -> Verdict {
    match got {
        Some(u) if u.code == expected.code => Verdict::Right,
        Some(_) => Verdict::Wrong,
        None => Verdict::Missed,
    }
}

impl UnitsScore {
    /// Scores one place field: `read` is what reading `value` gave, `None` when not even
    /// the province was identified (or the field was not read at all).
    pub fn record(
        &mut self,
        file: &str,
        field: &str,
        quality: &str,
        value: &str,
        truth: &TruthUnits,
        read: Option<&PlaceUnits>,
    ) {
        let printed = read.map(|r| &r.printed);
        let mut checks: Vec<(&'static str, &TruthUnit, Option<&Unit>)> = vec![
            (
                "commune",
                &truth.printed.commune,
                printed.and_then(|p| p.commune.as_ref()),
            ),
            (
                "province",
                &truth.printed.province,
                printed.and_then(|p| p.province.as_ref()),
            ),
        ];
        if let Some(district) = &truth.printed.district {
            checks.push((
                "district",
                district,
                printed.and_then(|p| p.district.as_ref()),
            ));
        }
        for (level, expected, got) in checks {
            let v = verdict(expected, got);
            self.tally(file, field, quality, value, level, expected, got, v);
        }
        let current = read.map(|r| r.current.as_slice()).unwrap_or_default();
        let split = truth.current.candidates > 1 && truth.current.merge == "partial";
        let current_verdict = if split {
            self.splits += 1;
            let offered = current.iter().any(|c| {
                c.commune
                    .as_ref()
                    .is_some_and(|u| u.code == truth.current.commune.code)
            });
            match current {
                [] => Verdict::Missed,
                [_] => {
                    self.split_guesses += 1;
                    Verdict::Wrong
                }
                _ if offered && current.iter().all(|c| c.merge == Merge::Partial) => Verdict::Right,
                _ => Verdict::Wrong,
            }
        } else {
            match current {
                [] => Verdict::Missed,
                [only] => verdict(&truth.current.commune, only.commune.as_ref()),
                _ => Verdict::Wrong,
            }
        };
        let got_current = current.first().and_then(|c| c.commune.as_ref());
        self.tally(
            file,
            field,
            quality,
            value,
            "current",
            &truth.current.commune,
            got_current,
            current_verdict,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn tally(
        &mut self,
        file: &str,
        field: &str,
        quality: &str,
        value: &str,
        level: &'static str,
        expected: &TruthUnit,
        got: Option<&Unit>,
        v: Verdict,
    ) {
        let right = matches!(v, Verdict::Right);
        self.units.add(right);
        self.per_quality
            .entry(quality.to_string())
            .or_default()
            .add(right);
        self.per_level.entry(level).or_default().add(right);
        if matches!(v, Verdict::Wrong) {
            self.wrong += 1;
        }
        if !right {
            self.misses.push(UnitsMiss {
                file: file.to_string(),
                field: field.to_string(),
                level,
                value: value.to_string(),
                expected: format!("{} ({})", expected.name, expected.code),
                got: got.map(|u| format!("{} ({})", u.name, u.code)),
            });
        }
    }
}
