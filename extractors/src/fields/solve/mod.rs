//! One solver for a document's fields. Every candidate its sources gave (the print, by
//! label or by its place in the template; the QR code; the zone) in every reading of its
//! pages (the pages as they came, then their rereadings) is weighed at once:
//!
//! - **Values.** Candidates of a field that agree are one value. Two sources agree up
//!   to OCR noise (a tone mark, a letter of a long place); two readings of the same
//!   source agree only when equal, since they read the same pixels.
//! - **Ranking.** The constraints of the type's table come first: a value that breaks
//!   one ranks below every value that keeps it (`Ranking`). Then the trust order of the
//!   value's best source (`trust`); for a place, the whole before a part of it and real
//!   names before misspellings; then how many readings gave it; then its confidence.
//! - **Confidence** grows with each independent source that gave the value, and falls
//!   when another value was read: more when an independent source read it than when a
//!   source misread itself in another reading.
//! - **Warnings** name every value that lost, and why.
//!
//! The solver only picks: no value comes out that no candidate gave. The constraints'
//! checks then run once on what was picked (`Constraint::check`).

use std::collections::BTreeMap;

use super::common::{round3, Output};
use super::constraints::{Constraint, Context, Proposal};
use crate::model::{Field, Method};
use crate::spec::{format_of, DocumentSpec, FieldKey, Format};
use crate::text::{clean, extends_place, fold, label_key, levenshtein, unreal_parts};

#[cfg(test)]
mod tests;

/// Where a candidate value came from; its field's method says how far it is trusted
/// (`trust`). Candidates of different sources are independent evidence; readings of one
/// source are not.
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

/// What one reading of a document's pages gave: candidates per field, its warnings, and
/// the warnings that stand only if no reading gave their field (a label found with no
/// value readable after it).
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub candidates: BTreeMap<FieldKey, Vec<Candidate>>,
    pub warnings: Vec<String>,
    pub unread: Vec<(FieldKey, String)>,
}

impl Reading {
    pub fn push(&mut self, key: FieldKey, source: Source, field: Field) {
        self.candidates
            .entry(key)
            .or_default()
            .push(Candidate { source, field });
    }

    /// Whether `source` gave a candidate for `key`.
    pub fn has(&self, key: FieldKey, source: Source) -> bool {
        self.candidates
            .get(&key)
            .is_some_and(|list| list.iter().any(|c| c.source == source))
    }

    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
}

impl From<Output> for Reading {
    /// A reading of the print alone: each field is one printed candidate.
    fn from(out: Output) -> Reading {
        let mut reading = Reading {
            warnings: out.warnings,
            ..Reading::default()
        };
        for (key, field) in out.fields {
            reading.push(key, Source::Printed, field);
        }
        reading
    }
}

/// How far a value obtained by `method` is trusted for `key`, most trusted (0) first. A
/// clerk's value, then a code's payload, then a checked zone, then print (a PDF's text
/// before OCR); except for a name, which the zone spells without its tone marks and with
/// no check digit, so print outranks it there.
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

/// Multiplier on a value's confidence when an independent source read another.
const CONFLICT_FACTOR: f32 = 0.6;

/// Multiplier on a value's confidence when a source that gave it read another value in
/// another reading, or a value that outranked it was set aside by a constraint.
const DISAGREEMENT_FACTOR: f32 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreement {
    Same,
    /// Equal up to OCR noise (a tone mark, a letter in a long address): not a conflict,
    /// but not independent confirmation either.
    Near,
    Conflict,
}

/// One candidate as the solver holds it.
#[derive(Debug, Clone, Copy)]
struct Member<'a> {
    source: Source,
    field: &'a Field,
    reading: usize,
    near: bool,
}

/// How `b` stands to `a`, candidates of one field.
fn agreement(key: FieldKey, a: &Member, b: &Member) -> Agreement {
    let (va, vb) = (&a.field.value, &b.field.value);
    if va == vb || clean(va).to_lowercase() == clean(vb).to_lowercase() {
        return Agreement::Same;
    }
    let zone = a.source == Source::Mrz || b.source == Source::Mrz;
    if key == FieldKey::FullName && compact_fold(va) == compact_fold(vb) {
        // The zone cannot carry tone marks: equal letters are full agreement. Two other
        // sources that differ in tone marks only are near.
        return if zone {
            Agreement::Same
        } else if a.source == b.source {
            Agreement::Conflict
        } else {
            Agreement::Near
        };
    }
    // One source read twice gave two values: a misreading, however small.
    if a.source == b.source {
        return Agreement::Conflict;
    }
    if matches!(format_of(key), Some(Format::Place | Format::Country)) {
        let (ka, kb) = (label_key(va), label_key(vb));
        if ka == kb {
            return Agreement::Same;
        }
        if levenshtein(&ka, &kb) <= (ka.len().max(kb.len()) / 10).max(1) {
            return Agreement::Near;
        }
    }
    Agreement::Conflict
}

/// The candidates of one field that agree, the most trusted first.
struct Value<'a> {
    members: Vec<Member<'a>>,
    /// Why a constraint ranks it last, if one does.
    broken: Option<String>,
}

impl<'a> Value<'a> {
    fn top(&self) -> &Member<'a> {
        &self.members[0]
    }

    fn same(&self) -> impl Iterator<Item = &Member<'a>> {
        self.members.iter().filter(|m| !m.near)
    }

    /// How many independent sources gave it.
    fn sources(&self) -> usize {
        distinct(self.same().map(|m| m.source))
    }

    fn readings(&self) -> usize {
        distinct(self.members.iter().map(|m| m.reading))
    }

    fn confidence(&self) -> f32 {
        self.same().map(|m| m.field.confidence).fold(0.0, f32::max)
    }

    fn has_source(&self, source: Source) -> bool {
        self.members.iter().any(|m| m.source == source)
    }

    /// The value as reported: the top candidate's, with the evidence of the best
    /// candidate of each other source that agreed, and its confidence from them.
    fn field(&self, key: FieldKey) -> Field {
        let top = *self.top();
        let mut field = top.field.clone();
        let mut seen = vec![top.source];
        for m in &self.members[1..] {
            if seen.contains(&m.source) {
                continue;
            }
            seen.push(m.source);
            for e in &m.field.evidence {
                if !field.evidence.contains(e) {
                    field.evidence.push(e.clone());
                }
            }
            if key == FieldKey::FullName && m.source == Source::Printed {
                if !m.near && top.source == Source::Qr {
                    // The name as printed on the card (capitals) when the QR agrees.
                    field.value = m.field.value.clone();
                } else if m.near && all_upper(&m.field.value) {
                    field.value = field.value.to_uppercase();
                }
            }
        }
        // The best of each source, combined as independent evidence.
        let mut best: BTreeMap<Source, f32> = BTreeMap::new();
        for m in self.same() {
            let c = best.entry(m.source).or_insert(0.0);
            *c = c.max(m.field.confidence);
        }
        let doubt: f32 = best.values().map(|c| 1.0 - c).product();
        field.confidence = round3((1.0 - doubt).min(0.999).max(self.confidence()));
        field
    }
}

fn distinct<T: Ord>(items: impl Iterator<Item = T>) -> usize {
    items.collect::<std::collections::BTreeSet<T>>().len()
}

/// Whether `key` is a place (a card prints one down to its province).
fn is_place(key: FieldKey) -> bool {
    format_of(key) == Some(Format::Place)
}

fn all_upper(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// The name a warning gives a candidate's source.
fn source_name(m: &Member) -> &'static str {
    match m.source {
        Source::Qr => "qr",
        Source::Mrz => "mrz",
        Source::Printed => m.field.method.as_str(),
    }
}

/// The candidates of `key` in every reading, grouped into values.
fn values<'a>(key: FieldKey, readings: &'a [Reading]) -> Vec<Value<'a>> {
    let mut members: Vec<Member<'a>> = readings
        .iter()
        .enumerate()
        .flat_map(|(reading, r)| {
            r.candidates
                .get(&key)
                .into_iter()
                .flatten()
                .map(move |c| Member {
                    source: c.source,
                    field: &c.field,
                    reading,
                    near: false,
                })
        })
        .collect();
    members.sort_by_key(|m| (trust(key, m.field.method), m.reading));
    let mut values: Vec<Value<'a>> = Vec::new();
    for mut m in members {
        let joined = values.iter_mut().find_map(|v| {
            let how = agreement(key, v.top(), &m);
            (how != Agreement::Conflict).then_some((v, how))
        });
        match joined {
            Some((v, how)) => {
                m.near = how == Agreement::Near;
                v.members.push(m);
            }
            None => values.push(Value {
                members: vec![m],
                broken: None,
            }),
        }
    }
    values
}

/// `values` of `key`, best first.
fn rank(key: FieldKey, values: Vec<Value>) -> Vec<Value> {
    let place = is_place(key);
    // A reading that lost a line of a place reads part of what another read whole.
    let part: Vec<bool> = values
        .iter()
        .map(|v| {
            place
                && values.iter().any(|o| {
                    o.top().field.method == v.top().field.method
                        && extends_place(&o.top().field.value, &v.top().field.value)
                })
        })
        .collect();
    let mut keyed: Vec<_> = values
        .into_iter()
        .zip(part)
        .map(|(v, part)| {
            let order = (
                v.broken.is_some(),
                trust(key, v.top().field.method),
                part,
                // Readings of a place that differ in a name: the one whose names are
                // real (`Phú Lợi`, not `Phứ Lợi`) read it better than any number of
                // readings of the same pixels that agree on a misspelling.
                if place {
                    unreal_parts(&v.top().field.value)
                } else {
                    0
                },
                std::cmp::Reverse(v.readings()),
                std::cmp::Reverse((v.confidence() * 1000.0) as u32),
            );
            (order, v)
        })
        .collect();
    // Stable: equal values keep the order they were first read in.
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, v)| v).collect()
}

/// The value a code gave for each field (QR or zone), the most trusted.
fn coded(keys: &[FieldKey], readings: &[Reading]) -> BTreeMap<FieldKey, String> {
    keys.iter()
        .filter_map(|&key| {
            readings
                .iter()
                .flat_map(|r| r.candidates.get(&key).into_iter().flatten())
                .filter(|c| matches!(c.source, Source::Qr | Source::Mrz))
                .min_by_key(|c| trust(key, c.field.method))
                .map(|c| (key, c.field.value.clone()))
        })
        .collect()
}

/// Whether `warning` says that a code's value won over another source's: a reading of
/// the print cannot change that pick, the code outranking it (the warning's form is
/// `solve`'s, below).
pub fn code_outranked_another(warning: &str) -> bool {
    warning
        .split_once(": qr '")
        .is_some_and(|(key, _)| FieldKey::parse(key).is_some())
}

/// The fields of a document from its readings (the first is the pages as they came),
/// checked against the type's constraints.
pub fn solve(spec: Option<&DocumentSpec>, readings: Vec<Reading>) -> Output {
    let constraints: &[Constraint] = spec.map_or(&[], |s| s.constraints);
    // The type's fields in the contract's order, then any other a reading gave.
    let mut keys: Vec<FieldKey> = spec.map(|s| s.keys().collect()).unwrap_or_default();
    for r in &readings {
        for key in r.candidates.keys() {
            if !keys.contains(key) {
                keys.push(*key);
            }
        }
    }
    let mut all: BTreeMap<FieldKey, Vec<Value>> = keys
        .iter()
        .map(|&key| (key, values(key, &readings)))
        .filter(|(_, list)| !list.is_empty())
        .map(|(key, list)| (key, rank(key, list)))
        .collect();
    let rejected = apply_rankings(constraints, &mut all, &coded(&keys, &readings));

    let mut out = Output::default();
    let mut used = vec![false; readings.len()];
    let mut solved: Vec<String> = Vec::new();
    for &key in &keys {
        let Some(list) = all.get(&key) else {
            continue;
        };
        // A rereading's warnings count when it gave a value no earlier reading gave.
        let first_reading = list[0].members.iter().map(|m| m.reading).min();
        used[first_reading.unwrap_or(0)] = true;
        out.fields.insert(key, pick(key, list, &mut solved));
    }
    let mut warnings: Vec<String> = Vec::new();
    if let Some(first) = readings.first() {
        warnings.extend(first.warnings.iter().cloned());
    }
    warnings.extend(solved);
    for (r, used) in readings.iter().zip(&used).skip(1) {
        if *used {
            warnings.extend(r.warnings.iter().cloned());
        }
    }
    for (i, r) in readings.iter().enumerate() {
        if i == 0 || used[i] {
            for (key, w) in &r.unread {
                if !out.fields.contains_key(key) {
                    warnings.push(w.clone());
                }
            }
        }
    }
    warnings.extend(rejected);
    for w in warnings {
        out.warn(w);
    }
    for check in constraints.iter().filter_map(|c| c.check) {
        check(&mut out);
    }
    out
}

/// Ranks again, constraint by constraint in the table's order, the values of the field
/// each ranks, against what was picked for the others so far; a rejecting constraint
/// that every value breaks leaves its field unread. The warnings of what was dropped.
fn apply_rankings(
    constraints: &[Constraint],
    all: &mut BTreeMap<FieldKey, Vec<Value>>,
    coded: &BTreeMap<FieldKey, String>,
) -> Vec<String> {
    let mut rejected = Vec::new();
    for ranking in constraints.iter().filter_map(|c| c.ranks.as_ref()) {
        let chosen: BTreeMap<FieldKey, Field> = all
            .iter()
            .map(|(k, list)| (*k, list[0].top().field.clone()))
            .collect();
        let context = Context {
            chosen: &chosen,
            coded,
        };
        let Some(mut list) = all.remove(&ranking.key) else {
            continue;
        };
        for v in list.iter_mut().filter(|v| v.broken.is_none()) {
            let proposal = Proposal {
                field: v.top().field,
                sources: v.sources(),
            };
            v.broken = (ranking.breaks)(&proposal, &context);
        }
        let list = rank(ranking.key, list);
        if !(ranking.rejects && list[0].broken.is_some()) {
            all.insert(ranking.key, list);
            continue;
        }
        for v in list {
            let top = v.top();
            rejected.push(format!(
                "{} ({}) {} dropped: {}",
                ranking.key,
                source_name(top),
                top.field.value,
                v.broken.as_deref().unwrap_or_default()
            ));
        }
    }
    rejected
}

/// The field `key` reports from its ranked values: the first, its confidence lowered
/// for the values that lost, each named in `warnings`.
fn pick(key: FieldKey, list: &[Value], warnings: &mut Vec<String>) -> Field {
    let (win, losers) = (&list[0], &list[1..]);
    let mut field = win.field(key);
    // A value a constraint ranked below the winner was set aside; of the others, one a
    // source gave that did not give the winner contradicts it, and one only the
    // winner's sources gave is their misreading in another reading.
    let set_aside = |v: &&Value| v.broken.is_some() && win.broken.is_none();
    let (set_aside, contested): (Vec<&Value>, Vec<&Value>) = losers.iter().partition(set_aside);
    let (misread, independent): (Vec<&Value>, Vec<&Value>) = contested
        .into_iter()
        .partition(|v| v.members.iter().all(|m| win.has_source(m.source)));
    for v in &independent {
        warnings.push(format!(
            "{key}: {} '{}' disagrees with {} '{}'",
            source_name(win.top()),
            field.value,
            source_name(v.top()),
            v.top().field.value
        ));
    }
    if !misread.is_empty() {
        let others: Vec<String> = misread
            .iter()
            .map(|v| {
                let top = v.top().field;
                format!("{:?} ({})", top.value, top.method.as_str())
            })
            .collect();
        warnings.push(format!(
            "the page's ocr readings disagree on {key}: {:?} ({}) against {}",
            field.value,
            field.method.as_str(),
            others.join(", ")
        ));
    }
    for v in &set_aside {
        warnings.push(format!(
            "{key}: {} '{}' set aside: {}",
            source_name(v.top()),
            v.top().field.value,
            v.broken.as_deref().unwrap_or_default()
        ));
    }
    let win_trust = trust(key, win.top().field.method);
    let outranked = set_aside
        .iter()
        .any(|v| trust(key, v.top().field.method) < win_trust);
    let factor = if !independent.is_empty() {
        CONFLICT_FACTOR
    } else if !misread.is_empty() || outranked {
        DISAGREEMENT_FACTOR
    } else {
        1.0
    };
    if factor < 1.0 {
        field.confidence = round3(field.confidence * factor);
    }
    field
}
