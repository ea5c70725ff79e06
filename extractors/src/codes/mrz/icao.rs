//! A general ICAO 9303 MRZ parser: TD1 (3x30), TD2 (2x36), TD3 (2x44) and the
//! MRV-A (2x44) / MRV-B (2x36) visas. Every check digit is reported on its own,
//! and OCR confusions are repaired only where a check digit confirms the repair.

use std::fmt;
use std::ops::Range;

use super::{check_digit, mrz_chars};
use crate::text::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrzFormat {
    Td1,
    Td2,
    Td3,
    Mrva,
    Mrvb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    /// TD3's personal number (optional data); MRV visas have none.
    PersonalNumber,
    Composite,
}

/// One check digit as printed and as recomputed with the 7-3-1 rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub kind: CheckKind,
    /// The check character on the document (after confirmed repairs).
    pub printed: char,
    /// `None` when the covered field holds a character outside the MRZ alphabet.
    pub computed: Option<u32>,
    pub ok: bool,
}

/// A character replaced because the field there must be numeric and the check
/// digit covering it holds only with the replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repair {
    /// 0-based line and column in the normalised zone.
    pub line: usize,
    pub column: usize,
    pub from: char,
    pub to: char,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MrzIssue {
    LineLength {
        line: usize,
        found: usize,
        expected: usize,
    },
    /// A field holds characters its type forbids (e.g. a digit in a name) and no
    /// check digit could confirm a repair.
    InvalidCharacters {
        field: &'static str,
    },
    NotADate {
        field: &'static str,
    },
}

impl fmt::Display for MrzIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzIssue::LineLength {
                line,
                found,
                expected,
            } => write!(
                f,
                "mrz line {} has {found} characters, expected {expected}",
                line + 1
            ),
            MrzIssue::InvalidCharacters { field } => {
                write!(f, "mrz {field} holds invalid characters")
            }
            MrzIssue::NotADate { field } => write!(f, "mrz {field} is not a calendar date"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MrzError {
    LineCount(usize),
    EmptyLine(usize),
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::LineCount(n) => write!(f, "mrz has {n} lines, expected 2 or 3"),
            MrzError::EmptyLine(i) => write!(f, "mrz line {} is empty", i + 1),
        }
    }
}

impl std::error::Error for MrzError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrzSex {
    Male,
    Female,
    /// `X` or `<`.
    Unspecified,
}

/// A decoded zone. Values are reported even when checks fail, so a caller can
/// decide per field; `is_valid` is the strict verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMrz {
    pub format: MrzFormat,
    /// The normalised lines, with confirmed repairs applied.
    pub lines: Vec<String>,
    pub document_code: String,
    pub issuing_state: String,
    /// Including a TD1/TD2 long number's overflow from the optional data.
    pub document_number: String,
    /// Line 1 optional data for TD1, the optional data / personal number otherwise;
    /// inner fillers become spaces.
    pub optional_data: String,
    /// TD1 line 2 optional data.
    pub optional_data_2: Option<String>,
    /// `YYMMDD` as printed.
    pub birth_date: String,
    pub sex: Option<MrzSex>,
    pub expiry_date: String,
    pub nationality: String,
    pub surname: String,
    pub given_names: String,
    pub checks: Vec<CheckResult>,
    pub repairs: Vec<Repair>,
    pub issues: Vec<MrzIssue>,
}

impl ParsedMrz {
    /// Every check digit holds and nothing is malformed.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    pub fn check(&self, kind: CheckKind) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.kind == kind)
    }

    pub fn check_ok(&self, kind: CheckKind) -> Option<bool> {
        self.check(kind).map(|c| c.ok)
    }

    /// Birth and expiry dates with their centuries resolved. `birth_century` (e.g.
    /// 1900) comes from elsewhere on the document when known (a Vietnamese id's
    /// fourth digit); otherwise expiry years 70-99 are read as 19xx, since no document
    /// valid today expires then, and the birth year is the latest one not after
    /// the expiry, since nobody is born after their document expires.
    pub fn dates(&self, birth_century: Option<i32>) -> (Option<Date>, Option<Date>) {
        let birth = yymmdd(&self.birth_date);
        let expiry = yymmdd(&self.expiry_date);
        let birth_year = birth_century
            .zip(birth)
            .and_then(|(c, (yy, _, _))| c.checked_add(yy));
        let expiry_year = expiry.and_then(|(yy, _, _)| {
            let y = if yy < 70 { 2000 + yy } else { 1900 + yy };
            match birth_year {
                // The first year with those two digits not before the birth, however
                // many centuries later; out of range, the expiry is left unread.
                Some(b) if y < b => {
                    let centuries = (i64::from(b) - i64::from(y) + 99) / 100;
                    i32::try_from(i64::from(y) + centuries * 100).ok()
                }
                _ => Some(y),
            }
        });
        let birth_year = birth_year.or_else(|| {
            let (yy, _, _) = birth?;
            let e = expiry_year?;
            let y = e - e.rem_euclid(100) + yy;
            Some(if y <= e { y } else { y - 100 })
        });
        let birth = birth
            .zip(birth_year)
            .and_then(|((_, m, d), y)| Date::new(y, m, d));
        let expiry = expiry
            .zip(expiry_year)
            .and_then(|((_, m, d), y)| Date::new(y, m, d));
        (birth, expiry)
    }
}

pub(super) fn yymmdd(s: &str) -> Option<(i32, u32, u32)> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((
        s[0..2].parse().ok()?,
        s[2..4].parse().ok()?,
        s[4..6].parse().ok()?,
    ))
}

/// Field positions over the zone's lines concatenated into one string.
struct Spec {
    format: MrzFormat,
    line_len: usize,
    line_count: usize,
    code: Range<usize>,
    state: Range<usize>,
    names: Range<usize>,
    doc: Range<usize>,
    doc_check: usize,
    optional: Range<usize>,
    optional2: Option<Range<usize>>,
    /// Whether a long document number may continue into `optional` (TD1, TD2).
    overflow: bool,
    dob: Range<usize>,
    dob_check: usize,
    sex: usize,
    exp: Range<usize>,
    exp_check: usize,
    nat: Range<usize>,
    personal_check: Option<usize>,
    composite: Option<(&'static [Range<usize>], usize)>,
}

const TD1: Spec = Spec {
    format: MrzFormat::Td1,
    line_len: 30,
    line_count: 3,
    code: 0..2,
    state: 2..5,
    doc: 5..14,
    doc_check: 14,
    optional: 15..30,
    overflow: true,
    dob: 30..36,
    dob_check: 36,
    sex: 37,
    exp: 38..44,
    exp_check: 44,
    nat: 45..48,
    optional2: Some(48..59),
    personal_check: None,
    composite: Some((&[5..30, 30..37, 38..45, 48..59], 59)),
    names: 60..90,
};

const TD2: Spec = Spec {
    format: MrzFormat::Td2,
    line_len: 36,
    line_count: 2,
    code: 0..2,
    state: 2..5,
    names: 5..36,
    doc: 36..45,
    doc_check: 45,
    nat: 46..49,
    dob: 49..55,
    dob_check: 55,
    sex: 56,
    exp: 57..63,
    exp_check: 63,
    optional: 64..71,
    optional2: None,
    overflow: true,
    personal_check: None,
    composite: Some((&[36..46, 49..56, 57..71], 71)),
};

const TD3: Spec = Spec {
    format: MrzFormat::Td3,
    line_len: 44,
    line_count: 2,
    code: 0..2,
    state: 2..5,
    names: 5..44,
    doc: 44..53,
    doc_check: 53,
    nat: 54..57,
    dob: 57..63,
    dob_check: 63,
    sex: 64,
    exp: 65..71,
    exp_check: 71,
    optional: 72..86,
    optional2: None,
    overflow: false,
    personal_check: Some(86),
    composite: Some((&[44..54, 57..64, 65..87], 87)),
};

const MRVA: Spec = Spec {
    format: MrzFormat::Mrva,
    optional: 72..88,
    personal_check: None,
    composite: None,
    ..TD3
};

const MRVB: Spec = Spec {
    format: MrzFormat::Mrvb,
    optional: 64..72,
    overflow: false,
    composite: None,
    ..TD2
};

/// Letters OCR reads where a digit must be. Kept to the confusions that are
/// common and unambiguous, since each one still needs a check digit to agree.
fn as_digit(c: char) -> Option<char> {
    Some(match c {
        'O' => '0',
        'I' => '1',
        'S' => '5',
        'B' => '8',
        'Z' => '2',
        'G' => '6',
        _ => return None,
    })
}

/// Parses a zone given as its text lines (spaces and guillemets from OCR are
/// tolerated; lines of the wrong length are padded or cut and reported).
pub fn parse(lines: &[&str]) -> Result<ParsedMrz, MrzError> {
    let norm: Vec<String> = lines.iter().map(|l| mrz_chars(l)).collect();
    if let Some(i) = norm.iter().position(|l| l.is_empty()) {
        return Err(MrzError::EmptyLine(i));
    }
    let spec = match norm.len() {
        3 => &TD1,
        2 => {
            let long = norm.iter().map(|l| l.chars().count()).max().unwrap_or(0) >= 40;
            let visa = norm[0].starts_with('V');
            match (long, visa) {
                (true, false) => &TD3,
                (true, true) => &MRVA,
                (false, false) => &TD2,
                (false, true) => &MRVB,
            }
        }
        n => return Err(MrzError::LineCount(n)),
    };
    let mut issues = Vec::new();
    let mut flat: Vec<char> = Vec::with_capacity(spec.line_len * spec.line_count);
    for (i, line) in norm.iter().enumerate() {
        let mut chars: Vec<char> = line.chars().collect();
        if chars.len() != spec.line_len {
            issues.push(MrzIssue::LineLength {
                line: i,
                found: chars.len(),
                expected: spec.line_len,
            });
        }
        chars.resize(spec.line_len, '<');
        flat.extend(chars);
    }

    let repairs = repair(spec, &mut flat);
    let s: String = flat.iter().collect();
    let field = |r: &Range<usize>| &s[r.clone()];

    let (document_number, doc_check_field, doc_check_char) = document_number(spec, &s);
    let mut checks = vec![
        check(CheckKind::DocumentNumber, &doc_check_field, doc_check_char),
        check(CheckKind::BirthDate, field(&spec.dob), flat[spec.dob_check]),
        check(
            CheckKind::ExpiryDate,
            field(&spec.exp),
            flat[spec.exp_check],
        ),
    ];
    if let Some(p) = spec.personal_check {
        checks.push(check(
            CheckKind::PersonalNumber,
            field(&spec.optional),
            flat[p],
        ));
    }
    if let Some((ranges, p)) = spec.composite {
        let covered: String = ranges.iter().map(&field).collect();
        checks.push(check(CheckKind::Composite, &covered, flat[p]));
    }

    let code = field(&spec.code);
    if !code.starts_with(|c: char| c.is_ascii_uppercase()) || !alpha(code) {
        issues.push(MrzIssue::InvalidCharacters {
            field: "document code",
        });
    }
    for (name, r) in [("issuing state", &spec.state), ("nationality", &spec.nat)] {
        if !alpha(field(r)) {
            issues.push(MrzIssue::InvalidCharacters { field: name });
        }
    }
    if !alpha(field(&spec.names)) {
        issues.push(MrzIssue::InvalidCharacters { field: "name" });
    }
    for (name, r) in [("birth date", &spec.dob), ("expiry date", &spec.exp)] {
        // Year 2000 is a leap year, so 29 February passes whatever the century.
        let ok = yymmdd(field(r)).is_some_and(|(_, m, d)| Date::new(2000, m, d).is_some());
        if !ok {
            issues.push(MrzIssue::NotADate { field: name });
        }
    }
    let sex = match flat[spec.sex] {
        'M' => Some(MrzSex::Male),
        'F' => Some(MrzSex::Female),
        'X' | '<' => Some(MrzSex::Unspecified),
        _ => {
            issues.push(MrzIssue::InvalidCharacters { field: "sex" });
            None
        }
    };
    let (surname, given_names) = names(field(&spec.names));

    Ok(ParsedMrz {
        format: spec.format,
        lines: flat
            .chunks(spec.line_len)
            .map(|c| c.iter().collect())
            .collect(),
        document_code: code.trim_matches('<').to_string(),
        issuing_state: field(&spec.state).trim_matches('<').to_string(),
        document_number,
        optional_data: spaced(field(&spec.optional)),
        optional_data_2: spec.optional2.as_ref().map(|r| spaced(field(r))),
        birth_date: field(&spec.dob).to_string(),
        sex,
        expiry_date: field(&spec.exp).to_string(),
        nationality: field(&spec.nat).trim_matches('<').to_string(),
        surname,
        given_names,
        checks,
        repairs,
        issues,
    })
}

fn alpha(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_uppercase() || c == '<')
}

fn spaced(s: &str) -> String {
    s.trim_matches('<').replace('<', " ")
}

/// `SURNAME<<GIVEN<NAMES`: the first double filler ends the primary identifier.
fn names(s: &str) -> (String, String) {
    let words = |p: &str| {
        p.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match s.split_once("<<") {
        Some((sur, given)) => (words(sur), words(given)),
        None => (words(s), String::new()),
    }
}

/// The number, the text its check digit covers, and that check digit. A filler
/// where the check digit belongs means the number continues at the start of
/// the optional data, up to the next filler, whose last character is the check.
fn document_number(spec: &Spec, s: &str) -> (String, String, char) {
    let head = &s[spec.doc.clone()];
    let printed = s[spec.doc_check..].chars().next().unwrap_or('<');
    if spec.overflow && printed == '<' {
        let opt = &s[spec.optional.clone()];
        let tail = opt.split('<').next().unwrap_or("");
        if let Some(check) = tail.chars().last() {
            let rest = &tail[..tail.len() - check.len_utf8()];
            let full = format!("{head}{rest}");
            return (full.trim_end_matches('<').to_string(), full, check);
        }
    }
    (
        head.trim_end_matches('<').to_string(),
        head.to_string(),
        printed,
    )
}

fn check(kind: CheckKind, field: &str, printed: char) -> CheckResult {
    let computed = check_digit(field);
    // ICAO lets an empty optional field carry a filler as its check digit.
    let ok = if printed == '<' {
        field.chars().all(|c| c == '<')
    } else {
        printed.is_ascii_digit() && printed.to_digit(10) == computed
    };
    CheckResult {
        kind,
        printed,
        computed,
        ok,
    }
}

/// Replaces letters in numeric positions by their look-alike digits, one check
/// group at a time, keeping a group's replacements only when its check digit
/// then holds. The composite check digit's own position goes last, confirmed by
/// the composite over the already confirmed fields.
fn repair(spec: &Spec, flat: &mut [char]) -> Vec<Repair> {
    let mut repairs = Vec::new();
    let mut groups: Vec<(Vec<usize>, Range<usize>, usize)> = vec![
        (vec![spec.doc_check], spec.doc.clone(), spec.doc_check),
        (
            spec.dob.clone().chain([spec.dob_check]).collect(),
            spec.dob.clone(),
            spec.dob_check,
        ),
        (
            spec.exp.clone().chain([spec.exp_check]).collect(),
            spec.exp.clone(),
            spec.exp_check,
        ),
    ];
    if let Some(p) = spec.personal_check {
        groups.push((vec![p], spec.optional.clone(), p));
    }
    let mut commit = |flat: &mut [char], cand: &[char], positions: &[usize]| {
        for &p in positions {
            if flat[p] != cand[p] {
                repairs.push(Repair {
                    line: p / spec.line_len,
                    column: p % spec.line_len,
                    from: flat[p],
                    to: cand[p],
                });
                flat[p] = cand[p];
            }
        }
    };
    for (positions, covered, check_pos) in groups {
        let mut cand = flat.to_vec();
        let mut changed = false;
        for &p in &positions {
            if let Some(d) = as_digit(cand[p]) {
                cand[p] = d;
                changed = true;
            }
        }
        if !changed {
            continue;
        }
        let text: String = cand[covered].iter().collect();
        if check(CheckKind::DocumentNumber, &text, cand[check_pos]).ok {
            commit(flat, &cand, &positions);
        }
    }
    if let Some((ranges, p)) = spec.composite {
        if let Some(d) = as_digit(flat[p]) {
            let mut cand = flat.to_vec();
            cand[p] = d;
            let covered: String = ranges.iter().flat_map(|r| cand[r.clone()].iter()).collect();
            if check(CheckKind::Composite, &covered, d).ok {
                commit(flat, &cand, &[p]);
            }
        }
    }
    repairs
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD3_UTO: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];

    #[test]
    fn td3_specimen() {
        let m = parse(&TD3_UTO).unwrap();
        assert_eq!(m.format, MrzFormat::Td3);
        assert!(m.is_valid(), "{:?}", m);
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.optional_data, "ZE184226B");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        let (b, e) = m.dates(None);
        assert_eq!(b.map(|d| d.iso()).as_deref(), Some("1974-08-12"));
        assert_eq!(e.map(|d| d.iso()).as_deref(), Some("2012-04-15"));
        assert!(m.repairs.is_empty());
    }

    #[test]
    fn td1_long_document_number() {
        let m = parse(&[
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
            "STEVENSON<<PETER<JOHN<<<<<<<<<",
        ])
        .unwrap();
        assert_eq!(m.document_number, "D23145890734");
        assert_eq!(m.check_ok(CheckKind::DocumentNumber), Some(true));
        assert!(m.is_valid(), "{:?}", m);
        let (b, e) = m.dates(None);
        assert_eq!(b.map(|d| d.iso()).as_deref(), Some("1934-07-12"));
        assert_eq!(e.map(|d| d.iso()).as_deref(), Some("1995-07-12"));
    }

    #[test]
    fn repairs_need_the_check_digit() {
        // Birth date 740812 read as 74O8I2: the check digit confirms the repair.
        let m = parse(&[TD3_UTO[0], "L898902C36UTO74O8I22F1204159ZE184226B<<<<<10"]).unwrap();
        assert_eq!(m.birth_date, "740812");
        assert_eq!(m.repairs.len(), 2);
        assert!(m.is_valid());
        // Same misreading but 740813 would not match the check digit: no repair.
        let m = parse(&[TD3_UTO[0], "L898902C36UTO74O8I32F1204159ZE184226B<<<<<10"]).unwrap();
        assert_eq!(m.birth_date, "74O8I3");
        assert!(m.repairs.is_empty());
        assert_eq!(m.check_ok(CheckKind::BirthDate), Some(false));
        assert!(!m.is_valid());
    }

    #[test]
    fn digits_in_names_are_reported_not_guessed() {
        let m = parse(&["P<UTOERIK55ON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3_UTO[1]]).unwrap();
        assert_eq!(m.surname, "ERIK55ON");
        assert!(m
            .issues
            .contains(&MrzIssue::InvalidCharacters { field: "name" }));
        assert!(!m.is_valid());
    }

    /// Found by `fuzz/` (target `mrz`): with a birth century from elsewhere (2100 here), a
    /// birth in 2174 took an expiry of "12" to 2112, still before the birth.
    #[test]
    fn fuzz_regression_expiry_never_before_a_late_birth() {
        let m = parse(&[
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO74O8I22F1204159<<<<<<<6",
        ])
        .unwrap();
        let (b, e) = m.dates(Some(2100));
        assert_eq!(b.map(|d| d.iso()).as_deref(), Some("2174-08-12"));
        // 2212-04-15 is past the years a document date can carry: not read.
        assert_eq!(e, None);
        let (b, e) = m.dates(Some(1900));
        assert_eq!(b.map(|d| d.iso()).as_deref(), Some("1974-08-12"));
        assert_eq!(e.map(|d| d.iso()).as_deref(), Some("2012-04-15"));
    }

    /// Any century a caller passes is total: no overflow, nothing out of range. Seen
    /// while writing the `mrz` fuzz target, which now passes these centuries too.
    #[test]
    fn extreme_centuries_do_not_overflow() {
        let m = parse(&TD3_UTO).unwrap();
        for c in [i32::MIN, -100, 0, 2200, i32::MAX - 50, i32::MAX] {
            let (b, e) = m.dates(Some(c));
            if let (Some(b), Some(e)) = (b, e) {
                assert!(b <= e, "{c}: {b:?} {e:?}");
            }
        }
    }

    #[test]
    fn visas_and_line_counts() {
        let m = parse(&[
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
        ])
        .unwrap();
        assert_eq!(m.format, MrzFormat::Mrva);
        assert!(m.check(CheckKind::Composite).is_none());
        assert!(m.is_valid(), "{:?}", m);
        assert_eq!(parse(&["P<UTO"]), Err(MrzError::LineCount(1)));
        assert_eq!(
            MrzError::LineCount(4).to_string(),
            "mrz has 4 lines, expected 2 or 3"
        );
    }
}
