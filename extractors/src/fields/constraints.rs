//! The constraints a document's values must meet together, as a table per type
//! (`DocumentSpec::constraints`). A constraint may rank a field's values (`Ranking`:
//! the solver, `fields/solve`, picks one that keeps it where one was read), reject a
//! value it shows misread, and raise or lower the confidence of the values picked and
//! warn (`check`); it never puts another value in its place.

use std::collections::BTreeMap;

use super::common::{round3, Output};
use crate::codes::mrz::century_from_id;
use crate::model::{Field, Method};
use crate::spec::FieldKey;

fn method(out: &Output, key: FieldKey) -> &'static str {
    out.fields
        .get(&key)
        .map(|f| f.method.as_str())
        .unwrap_or("?")
}

fn adjust(out: &mut Output, key: FieldKey, agree: bool) {
    if let Some(f) = out.fields.get_mut(&key) {
        f.confidence = round3(if agree {
            f.confidence + (1.0 - f.confidence) * 0.3
        } else {
            f.confidence * 0.7
        });
    }
}

/// One constraint: what it relates, how it ranks the values read, and how it checks
/// the values picked.
pub struct Constraint {
    pub name: &'static str,
    /// The fields it relates (for the rule table and its tests).
    pub fields: &'static [FieldKey],
    /// How it ranks one field's values, if it does.
    pub ranks: Option<Ranking>,
    /// Checks the values the solver picked: raises or lowers their confidence and warns.
    pub check: Option<fn(&mut Output)>,
}

/// A constraint's say in which of a field's values is picked: a value that breaks it,
/// against what was picked for the other fields, ranks below every value that keeps it.
/// When every value breaks it, a rejecting constraint leaves the field unread.
pub struct Ranking {
    pub key: FieldKey,
    /// Why `value` breaks the constraint, or `None` when it keeps it.
    pub breaks: fn(value: &Proposal, context: &Context) -> Option<String>,
    pub rejects: bool,
}

/// One value of a field as the solver weighs it.
pub struct Proposal<'a> {
    pub field: &'a Field,
    /// How many independent sources gave it (the print, the QR code, the zone).
    pub sources: usize,
}

/// What the solver has picked so far, and what the codes gave.
pub struct Context<'a> {
    pub chosen: &'a BTreeMap<FieldKey, Field>,
    pub coded: &'a BTreeMap<FieldKey, String>,
}

impl Context<'_> {
    pub fn chosen(&self, key: FieldKey) -> Option<&str> {
        self.chosen.get(&key).map(|f| f.value.as_str())
    }

    /// The value a code (QR or zone) gave for `key`: not read from the same print.
    pub fn coded(&self, key: FieldKey) -> Option<&str> {
        self.coded.get(&key).map(String::as_str)
    }
}

/// The constraints of an ID card, in the order they are checked.
pub const CARD: &[Constraint] = &[
    Constraint {
        name: "expiry_on_a_renewal_birthday",
        fields: &[
            FieldKey::DateOfExpiry,
            FieldKey::DateOfBirth,
            FieldKey::DateOfIssue,
        ],
        ranks: Some(Ranking {
            key: FieldKey::DateOfExpiry,
            breaks: super::citizen_id::expiry_off_the_coded_birthday,
            rejects: false,
        }),
        check: Some(super::citizen_id::warn_expiry_off_the_birthday),
    },
    Constraint {
        name: "issued_within_the_cards_life",
        fields: &[
            FieldKey::DateOfIssue,
            FieldKey::DateOfBirth,
            FieldKey::DateOfExpiry,
        ],
        ranks: Some(Ranking {
            key: FieldKey::DateOfIssue,
            breaks: issued_outside_the_cards_life,
            rejects: true,
        }),
        check: None,
    },
    Constraint {
        name: "id_digits_give_the_birth_year",
        fields: &[FieldKey::IdNumber, FieldKey::DateOfBirth],
        ranks: None,
        check: Some(check_id_birth_year),
    },
    Constraint {
        name: "id_digit_gives_the_sex",
        fields: &[FieldKey::IdNumber, FieldKey::Sex],
        ranks: None,
        check: Some(check_id_sex),
    },
];

/// The id's digit 4 (century and sex), when the id has its 12 digits.
fn id_code(out: &Output) -> Option<(String, u32)> {
    let id = out
        .fields
        .get(&FieldKey::IdNumber)
        .map(|f| f.value.clone())?;
    if id.len() != 12 {
        return None;
    }
    let code = id.chars().nth(3).and_then(|c| c.to_digit(10))?;
    Some((id, code))
}

/// Digit 4 (century) and digits 5-6 (birth year) of `id_number` against
/// `date_of_birth`: agreement raises the confidence of both, a conflict lowers it and
/// is reported. No value is changed.
fn check_id_birth_year(out: &mut Output) {
    let Some((id, _)) = id_code(out) else {
        return;
    };
    if let Some(dob) = out
        .fields
        .get(&FieldKey::DateOfBirth)
        .map(|f| f.value.clone())
    {
        let year: Option<i32> = dob.get(0..4).and_then(|y| y.parse().ok());
        let id_year = century_from_id(&id)
            .zip(id.get(4..6).and_then(|y| y.parse::<i32>().ok()))
            .map(|(c, y)| c + y);
        if let (Some(year), Some(id_year)) = (year, id_year) {
            let agree = year == id_year;
            adjust(out, FieldKey::IdNumber, agree);
            adjust(out, FieldKey::DateOfBirth, agree);
            if !agree {
                let w = format!(
                    "id_number ({}) digits 4-6 give birth year {id_year}, date_of_birth ({}) says {year}",
                    method(out, FieldKey::IdNumber),
                    method(out, FieldKey::DateOfBirth)
                );
                out.warn(w);
            }
        }
    }
}

/// Digit 4 of `id_number` (even for men, odd for women) against `sex`.
fn check_id_sex(out: &mut Output) {
    let Some((_, code)) = id_code(out) else {
        return;
    };
    if let Some(sex) = out.fields.get(&FieldKey::Sex).map(|f| f.value.clone()) {
        let id_sex = if code % 2 == 0 { "male" } else { "female" };
        let agree = sex == id_sex;
        adjust(out, FieldKey::Sex, agree);
        if !agree {
            adjust(out, FieldKey::IdNumber, false);
            let w = format!(
                "id_number ({}) digit 4 gives sex {id_sex}, sex ({}) says {sex}",
                method(out, FieldKey::IdNumber),
                method(out, FieldKey::Sex)
            );
            out.warn(w);
        }
    }
}

/// A card is issued after its holder's birth and before it expires: a printed date of
/// issue outside that span is a misread (often the expiry below it, read in its place).
fn issued_outside_the_cards_life(issue: &Proposal, context: &Context) -> Option<String> {
    if issue.field.method != Method::Ocr {
        return None;
    }
    let value = issue.field.value.as_str();
    let date = |key: FieldKey| {
        context
            .chosen(key)
            .filter(|v| v.len() == 10 && v.as_bytes()[4] == b'-')
    };
    match (date(FieldKey::DateOfBirth), date(FieldKey::DateOfExpiry)) {
        (Some(birth), _) if value <= birth => Some(format!("not after date_of_birth {birth}")),
        (_, Some(expiry)) if value >= expiry => Some(format!("not before date_of_expiry {expiry}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::field;

    fn output(id: &str, dob: &str, sex: &str) -> Output {
        let mut out = Output::default();
        out.fields
            .insert(FieldKey::IdNumber, field(id, Method::Ocr));
        out.fields
            .insert(FieldKey::DateOfBirth, field(dob, Method::Qr));
        out.fields.insert(FieldKey::Sex, field(sex, Method::Ocr));
        out
    }

    #[test]
    fn agreement_raises_confidence() {
        let mut out = output("001099012345", "1999-03-05", "male");
        check_id_birth_year(&mut out);
        check_id_sex(&mut out);
        assert!(out.warnings.is_empty());
        assert!(out.fields[&FieldKey::IdNumber].confidence > 0.8);
        assert!(out.fields[&FieldKey::Sex].confidence > 0.8);
    }

    #[test]
    fn female_born_2001() {
        let mut out = output("079301004567", "2001-11-21", "female");
        check_id_birth_year(&mut out);
        check_id_sex(&mut out);
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn conflicts_are_named_and_lower_confidence() {
        let mut out = output("001099012345", "1998-03-05", "female");
        check_id_birth_year(&mut out);
        check_id_sex(&mut out);
        assert_eq!(
            out.warnings,
            [
                "id_number (ocr) digits 4-6 give birth year 1999, date_of_birth (qr) says 1998",
                "id_number (ocr) digit 4 gives sex male, sex (ocr) says female"
            ]
        );
        assert!(out.fields[&FieldKey::DateOfBirth].confidence < 0.8);
        assert!(out.fields[&FieldKey::IdNumber].confidence < 0.5);
        assert_eq!(out.fields[&FieldKey::DateOfBirth].value, "1998-03-05");
    }

    #[test]
    fn each_types_constraints_relate_its_own_fields_under_names_of_their_own() {
        for t in crate::model::DocumentType::ALL {
            let Some(spec) = t.spec() else { continue };
            let mut names: Vec<&str> = spec.constraints.iter().map(|c| c.name).collect();
            for c in spec.constraints {
                for key in c.fields {
                    assert!(
                        spec.field(*key).is_some(),
                        "{}: {key} is no field of {t:?}",
                        c.name
                    );
                }
            }
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "{t:?}");
        }
    }
}
