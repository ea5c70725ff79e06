//! Machine-readable zones: the general ICAO 9303 parser in [`icao`], and the
//! Vietnamese card's TD1 zone (3 lines of 30) found in a page layout and decoded
//! into citizen-id fields.

pub mod icao;

pub use icao::{
    parse, CheckKind, CheckResult, MrzError, MrzFormat, MrzIssue, MrzSex, ParsedMrz, Repair,
};

use crate::layout::Layout;
use crate::model::BBox;
use crate::text::{has_province_code, levenshtein, Date, Sex};
use icao::yymmdd;

/// ICAO 7-3-1 check digit over `s`: digits count as themselves, `A`..`Z` as 10..35,
/// `<` as 0. `None` for any other character.
pub fn check_digit(s: &str) -> Option<u32> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in s.chars().enumerate() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            '<' => 0,
            _ => return None,
        };
        sum += v * WEIGHTS[i % 3];
    }
    Some(sum % 10)
}

/// One MRZ line as read: `text` is normalised to 30 MRZ characters.
#[derive(Debug, Clone, PartialEq)]
pub struct MrzLine {
    pub text: String,
    pub raw: String,
    pub page: u32,
    pub bbox: BBox,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mrz {
    pub lines: [MrzLine; 3],
}

/// Keeps MRZ characters only; OCR reads `<<` as a guillemet and splits the line at
/// filler runs.
pub(crate) fn mrz_chars(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        match c {
            '«' => out.push_str("<<"),
            '‹' | '〈' | '<' => out.push('<'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => {}
        }
    }
    out
}

fn to_30(s: &str) -> String {
    let mut t: String = s.chars().take(30).collect();
    while t.chars().count() < 30 {
        t.push('<');
    }
    t
}

/// Whether a line reads like the first TD1 line of a Vietnamese card.
pub fn looks_like_line1(raw: &str) -> bool {
    let s = align_line1(&mrz_chars(raw));
    s.len() >= 24 && s.len() <= 34 && s.get(..5).is_some_and(|p| levenshtein(p, "IDVNM") <= 1)
}

/// Where TD1 prints the country code on line 1 (`IDVNM`) and the nationality on line 2.
const LINE1_COUNTRY: usize = 2;
const LINE2_NATIONALITY: usize = 15;

/// Line 1 (MRZ characters) with its country code back at its place: a reading that lost
/// the document code's letters at the card's edge (`DVNM…`, as a phone photo reads) or
/// took a speck before them (`4IDVNM…`) is shifted back, so that the fixed positions
/// of the number and the id hold again. The letters put back are the card's code, `ID`.
fn align_line1(s: &str) -> String {
    match s.get(..LINE1_COUNTRY + 4).and_then(|head| head.find("VNM")) {
        Some(i) if i < LINE1_COUNTRY => format!("{}{s}", &"ID"[..LINE1_COUNTRY - i]),
        Some(i) if i > LINE1_COUNTRY => s[i - LINE1_COUNTRY..].to_string(),
        _ => s.to_string(),
    }
}

/// Line 2 (MRZ characters) with one character OCR lost or added before the nationality
/// mended, when exactly one way to do it makes both dates real dates whose check digits
/// hold, with a sex between them. The check digit decides a lost digit (its weight is
/// prime to 10), so nothing is guessed: a line that no single mend confirms, or two do,
/// stays as read and its checks fail as before.
fn align_line2(s: &str) -> String {
    let found = s
        .get(LINE2_NATIONALITY - 2..LINE2_NATIONALITY + 4)
        .and_then(|around| around.find("VNM"))
        .map(|i| i + LINE2_NATIONALITY - 2);
    let mends: Vec<String> = match found {
        Some(i) if i + 1 == LINE2_NATIONALITY => (0..=i)
            .flat_map(|at| {
                let fill: &[char] = if at == 7 { &['M', 'F', '<'] } else { &DIGITS };
                fill.iter()
                    .map(move |c| format!("{}{c}{}", &s[..at], &s[at..]))
            })
            .collect(),
        Some(i) if i == LINE2_NATIONALITY + 1 => (0..i)
            .map(|at| format!("{}{}", &s[..at], &s[at + 1..]))
            .collect(),
        _ => return s.to_string(),
    };
    let mut confirmed: Vec<String> = mends.into_iter().filter(|t| dates_confirm(t)).collect();
    confirmed.sort();
    confirmed.dedup();
    match confirmed.as_slice() {
        [one] => one.clone(),
        _ => s.to_string(),
    }
}

const DIGITS: [char; 10] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/// Whether line 2's birth and expiry are dates and their check digits hold (or the
/// expiry is fillers), and a sex (or a filler) sits between them.
fn dates_confirm(line2: &str) -> bool {
    let l2 = numeric_positions(line2, &[0..7, 8..15]);
    let date = |r: std::ops::Range<usize>| {
        is_date(&l2[r.clone()]) && checked(&l2[r.clone()], &l2[r.end..r.end + 1])
    };
    matches!(&l2[7..8], "M" | "F" | "<") && date(0..6) && (no_expiry(&l2) || date(8..14))
}

/// Whether `yymmdd` is a calendar date (any century: 2000 is a leap year).
fn is_date(yymmdd_text: &str) -> bool {
    yymmdd(yymmdd_text).is_some_and(|(y, m, d)| Date::new(2000 + y, m, d).is_some())
}

/// Whether line 2's expiry and its check are fillers: a card with no expiry date
/// (`Không thời hạn`), which has no date to code.
fn no_expiry(line2: &str) -> bool {
    matches!(line2.get(8..15), Some("<<<<<<<" | "<<<<<<0"))
}

/// The three MRZ lines, when the first one is found and two more lines follow it.
pub fn find_mrz(layout: &Layout) -> Option<Mrz> {
    for (i, line) in layout.lines.iter().enumerate() {
        let raw = line.text();
        if !looks_like_line1(&raw) {
            continue;
        }
        let next: Vec<&crate::layout::Line> = layout.lines[i + 1..]
            .iter()
            .take(2)
            .filter(|l| l.page == line.page && mrz_chars(&l.text()).len() >= 20)
            .collect();
        if next.len() < 2 {
            continue;
        }
        let mk = |l: &crate::layout::Line, align: fn(&str) -> String| MrzLine {
            text: to_30(&align(&mrz_chars(&l.text()))),
            raw: l.text(),
            page: l.page,
            bbox: l.bbox,
        };
        return Some(Mrz {
            lines: [
                mk(line, align_line1),
                mk(next[0], align_line2),
                mk(next[1], str::to_string),
            ],
        });
    }
    None
}

/// Repairs letters OCR reads in a field that must be numeric.
fn numeric(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'O' | 'Q' | 'D' | 'U' => '0',
            'I' | 'L' | 'J' => '1',
            'Z' => '2',
            'S' => '5',
            'B' => '8',
            'G' => '6',
            'T' => '7',
            c => c,
        })
        .collect()
}

fn checked(field: &str, check: &str) -> bool {
    let Some(expected) = check.chars().next().and_then(|c| c.to_digit(10)) else {
        return false;
    };
    check_digit(field) == Some(expected)
}

/// The zone's `YYMMDD` date `field`, whose `check` digit fails, mended: when it is no
/// date as read (`759914`, `251265`), the one way of reading some of its 9s, 6s and 8s
/// as the 0s OCR took them for that makes it a date its check digit confirms
/// (`750914`, `251205`). In small or blurred print OCR-B's 0 gains the stroke or the
/// bar that makes it one of those; a date that reads as one is not second-guessed.
fn mended_date(field: &str, check: &str) -> Option<String> {
    if is_date(field) {
        return None;
    }
    let zero_like: Vec<usize> = field
        .match_indices(['9', '6', '8'])
        .map(|(i, _)| i)
        .collect();
    let mut mended = (1..1u32 << zero_like.len()).filter_map(|subset| {
        let mut bytes = field.as_bytes().to_vec();
        for (bit, &at) in zero_like.iter().enumerate() {
            if subset & (1 << bit) != 0 {
                bytes[at] = b'0';
            }
        }
        let candidate = String::from_utf8(bytes).ok()?;
        (is_date(&candidate) && checked(&candidate, check)).then_some(candidate)
    });
    let first = mended.next()?;
    mended.next().is_none().then_some(first)
}

/// What the MRZ says, keeping only values whose check digit holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MrzData {
    /// When the document number check holds over its last nine digits. The first
    /// three (the province) are covered by the composite check alone: when that fails,
    /// the number is kept only if they name a province, and `id_prefix_unchecked` says so.
    pub id_number: Option<String>,
    pub id_prefix_unchecked: bool,
    pub date_of_birth: Option<Date>,
    pub sex: Option<Sex>,
    pub date_of_expiry: Option<Date>,
    /// The expiry field is all fillers: the card has no expiry date ("Không thời
    /// hạn"), since there is no date to print.
    pub no_expiry: bool,
    /// `SURNAME GIVEN NAMES` without diacritics; line 3 has no check digit.
    pub full_name: Option<String>,
    /// The three-letter nationality code of line 2 (`VNM`), when it reads as letters.
    /// No check digit covers it.
    pub nationality: Option<String>,
    pub composite_ok: bool,
    pub warnings: Vec<String>,
}

/// The century of a birth year from digit 4 of a 12-digit id (0/1 1900s, 2/3 2000s...).
pub fn century_from_id(id: &str) -> Option<i32> {
    let d = id.chars().nth(3)?.to_digit(10)?;
    Some(match d / 2 {
        0 => 1900,
        1 => 2000,
        2 => 2100,
        3 => 2200,
        _ => 1800,
    })
}

impl Mrz {
    /// The zone through the general ICAO parser, for per-check results and
    /// confirmed repairs; `decode` keeps the card-specific reading (numeric
    /// document number, century from the id).
    pub fn parse_icao(&self) -> Result<ParsedMrz, MrzError> {
        let lines: Vec<&str> = self.lines.iter().map(|l| l.text.as_str()).collect();
        parse(&lines)
    }

    /// Validates and decodes the three lines.
    pub fn decode(&self) -> MrzData {
        let l1 = numeric_positions(&self.lines[0].text, &[5..15, 15..27, 29..30]);
        let mut l2 = numeric_positions(&self.lines[1].text, &[0..7, 8..15, 29..30]);
        let l3 = &self.lines[2].text;
        let mut out = MrzData {
            no_expiry: no_expiry(&self.lines[1].text),
            ..MrzData::default()
        };
        // Before the composite, which covers both dates.
        for (date, what) in [(0..6, "birth"), (8..14, "expiry")] {
            let check = &l2[date.end..date.end + 1];
            if (what == "expiry" && out.no_expiry) || checked(&l2[date.clone()], check) {
                continue;
            }
            if let Some(mended) = mended_date(&l2[date.clone()], check) {
                out.warnings.push(format!(
                    "mrz {what} date read as {}, no date; its check digit confirms {mended}",
                    &l2[date.clone()]
                ));
                l2.replace_range(date, &mended);
            }
        }
        for (i, line) in self.lines.iter().enumerate() {
            if line.text != to_30(&mrz_chars(&line.raw)) {
                out.warnings.push(format!(
                    "mrz line {} realigned: a character was lost or added before its fixed fields",
                    i + 1
                ));
            }
        }

        let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
        out.composite_ok = checked(&composite, &l2[29..30]);
        if !out.composite_ok {
            out.warnings
                .push("mrz composite check digit mismatch".to_string());
        }

        let doc_ok = checked(&l1[5..14], &l1[14..15]);
        let id12 = &l1[15..27];
        // The id's last nine digits are the document number, so its check covers them,
        // the century digit among them.
        let id_tail_checked =
            doc_ok && id12.bytes().all(|b| b.is_ascii_digit()) && id12[3..] == l1[5..14];
        if !doc_ok {
            out.warnings
                .push("mrz document number check digit mismatch".to_string());
        } else if id_tail_checked && (out.composite_ok || has_province_code(id12)) {
            out.id_number = Some(id12.to_string());
            out.id_prefix_unchecked = !out.composite_ok;
        }

        let expiry = if out.no_expiry {
            None
        } else if checked(&l2[8..14], &l2[14..15]) {
            yymmdd(&l2[8..14]).and_then(|(y, m, d)| Date::new(2000 + y, m, d))
        } else {
            out.warnings
                .push("mrz expiry date check digit mismatch".to_string());
            None
        };
        out.date_of_expiry = expiry;

        if checked(&l2[0..6], &l2[6..7]) {
            let century = id_tail_checked.then_some(id12).and_then(century_from_id);
            out.date_of_birth = yymmdd(&l2[0..6]).and_then(|(yy, m, d)| {
                let year = match (century, expiry) {
                    (Some(c), _) => c + yy,
                    // Without the id, the latest such year not after the expiry: a
                    // card never expires before its holder is born.
                    (None, Some(e)) => {
                        let base = e.year - e.year.rem_euclid(100) + yy;
                        if base <= e.year {
                            base
                        } else {
                            base - 100
                        }
                    }
                    (None, None) => return None,
                };
                Date::new(year, m, d)
            });
        } else {
            out.warnings
                .push("mrz birth date check digit mismatch".to_string());
        }

        let nationality = &l2[15..18];
        if nationality.bytes().all(|b| b.is_ascii_uppercase()) {
            out.nationality = Some(nationality.to_string());
        }

        out.sex = match &l2[7..8] {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        };

        let name = l3.trim_end_matches('<');
        let name = name.replace("<<", " ").replace('<', " ");
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().any(|c| c.is_ascii_alphabetic())
            && !name.chars().any(|c| c.is_ascii_digit())
        {
            out.full_name = Some(name);
        }
        out
    }
}

/// The line as exactly 30 MRZ characters (anything else is a filler, so that the
/// fixed positions below are byte positions too), with `ranges` read as numbers.
fn numeric_positions(s: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut chars: Vec<char> = s
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() || c.is_ascii_digit() {
                c
            } else {
                '<'
            }
        })
        .collect();
    chars.resize(30, '<');
    for r in ranges {
        let fixed = numeric(&chars[r.clone()].iter().collect::<String>());
        for (i, c) in fixed.chars().enumerate() {
            chars[r.start + i] = c;
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> MrzLine {
        MrzLine {
            text: to_30(&mrz_chars(text)),
            raw: text.into(),
            page: 1,
            bbox: BBox::new(0.0, 0.0, 1.0, 0.1),
        }
    }

    /// A valid TD1 zone for id 001099012345, born 1999-03-05, male, expiring 2039-03-05.
    fn sample() -> [String; 3] {
        crate::testutil::td1_zone("001099012345", "990305", 'M', "390305", "NGUYEN<<VAN<AN")
    }

    #[test]
    fn check_digits_follow_icao_examples() {
        // ICAO 9303 part 5 specimen values.
        assert_eq!(check_digit("D23145890"), Some(7));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("ab"), None);
    }

    #[test]
    fn valid_zone_decodes() {
        let [a, b, c] = sample();
        assert_eq!(a.len(), 30);
        assert_eq!(b.len(), 30);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert!(m.composite_ok, "{:?}", m.warnings);
        assert_eq!(m.id_number.as_deref(), Some("001099012345"));
        assert_eq!(
            m.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
        assert_eq!(m.sex, Some(Sex::Male));
        assert_eq!(
            m.date_of_expiry.map(|d| d.iso()).as_deref(),
            Some("2039-03-05")
        );
        assert_eq!(m.full_name.as_deref(), Some("NGUYEN VAN AN"));
        assert_eq!(m.nationality.as_deref(), Some("VNM"));
    }

    #[test]
    fn card_zone_passes_the_icao_parser() {
        let [a, b, c] = sample();
        let p = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .parse_icao()
        .unwrap();
        assert!(p.is_valid(), "{p:?}");
        assert_eq!(p.document_number, "099012345");
        assert_eq!(p.optional_data, "001099012345  2");
        assert_eq!(p.nationality, "VNM");
        assert_eq!(
            (p.surname.as_str(), p.given_names.as_str()),
            ("NGUYEN", "VAN AN")
        );
    }

    #[test]
    fn ocr_spacing_and_guillemets_are_tolerated() {
        let [a, b, c] = sample();
        let a = a.replace("<<", " « ").replacen('0', "O", 1);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert_eq!(m.id_number.as_deref(), Some("001099012345"));
    }

    #[test]
    fn an_expiry_of_fillers_is_no_expiry() {
        let [a, b, c] = sample();
        let b = format!("{}<<<<<<0{}", &b[..8], &b[15..]);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert!(m.no_expiry);
        assert_eq!(m.date_of_expiry, None);
        assert!(
            !m.warnings.iter().any(|w| w.contains("expiry")),
            "{:?}",
            m.warnings
        );
        let m = Mrz {
            lines: [line(&a), line(&sample()[1]), line(&c)],
        }
        .decode();
        assert!(!m.no_expiry);
    }

    #[test]
    fn failed_checks_drop_values() {
        let [a, b, c] = sample();
        // One digit of the birth date misread: its check fails, the composite too.
        let b = b.replacen("990305", "990306", 1);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert_eq!(m.date_of_birth, None);
        assert!(!m.composite_ok);
        // The document number's own check still vouches for the id's last nine digits,
        // and 001 is a province: the id stands, flagged as partly checked.
        assert_eq!(m.id_number.as_deref(), Some("001099012345"));
        assert!(m.id_prefix_unchecked);
        assert!(m
            .warnings
            .iter()
            .any(|w| w == "mrz composite check digit mismatch"));
        assert_eq!(
            m.date_of_expiry.map(|d| d.iso()).as_deref(),
            Some("2039-03-05")
        );
    }

    #[test]
    fn zeros_read_as_nines_are_mended_only_when_the_date_is_none_and_its_check_confirms() {
        let [a, b, c] =
            crate::testutil::td1_zone("038075482239", "750914", 'M', "350914", "LE<<HUU<HUY");
        // As an office scan read it: `750914` as `759914`, `350914` as `359914`.
        let read = b
            .replacen("750914", "759914", 1)
            .replacen("350914", "359914", 1);
        let m = Mrz {
            lines: [line(&a), line(&read), line(&c)],
        }
        .decode();
        assert_eq!(m.date_of_birth, Date::new(1975, 9, 14));
        assert_eq!(m.date_of_expiry, Date::new(2035, 9, 14));
        // The composite, over the mended dates, holds.
        assert!(m.composite_ok);
        assert_eq!(
            m.warnings
                .iter()
                .filter(|w| w.contains("check digit confirms"))
                .count(),
            2,
            "{:?}",
            m.warnings
        );
        // A 0 read as 6, as a photocopy read it.
        let read = b.replacen("350914", "356914", 1);
        let m = Mrz {
            lines: [line(&a), line(&read), line(&c)],
        }
        .decode();
        assert_eq!(m.date_of_expiry, Date::new(2035, 9, 14));
        // A date as read is not second-guessed: `750919` is one, so its failed check
        // drops it rather than mending a 9.
        let read = b.replacen("750914", "750919", 1);
        let m = Mrz {
            lines: [line(&a), line(&read), line(&c)],
        }
        .decode();
        assert_eq!(m.date_of_birth, None);
    }

    #[test]
    fn a_failed_composite_keeps_only_what_its_own_checks_cover() {
        let [a, b, c] = sample();
        // The expiry misread: the id's last nine digits and the birth date still have
        // checks of their own, and the id's century digit dates the birth.
        let b = b.replacen("M390305", "M390905", 1);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert!(!m.composite_ok);
        assert_eq!(m.date_of_expiry, None);
        assert_eq!(
            m.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
        assert_eq!(m.id_number.as_deref(), Some("001099012345"));
        // A prefix no province has is not kept without the composite check.
        let a = a.replacen("001099012345", "991099012345", 1);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert_eq!(m.id_number, None);
        assert_eq!(
            m.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
    }

    #[test]
    fn century_without_id_comes_from_expiry() {
        let [a, b, c] = sample();
        let a = a.replacen("IDVNM099012345", "IDVNM099012346", 1);
        let m = Mrz {
            lines: [line(&a), line(&b), line(&c)],
        }
        .decode();
        assert_eq!(m.id_number, None);
        assert_eq!(
            m.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
    }

    /// Found by `fuzz/` (target `mrz`): `MrzLine::text` is public, and decoding a line
    /// holding a multi-byte character sliced inside it and panicked.
    #[test]
    fn fuzz_regression_decode_is_total_over_any_text() {
        let [a, b, c] = sample();
        let text = |s: &str| MrzLine {
            text: s.to_string(),
            raw: s.to_string(),
            page: 1,
            bbox: BBox::new(0.0, 0.0, 1.0, 0.1),
        };
        let odd = [
            "9903056M3903054VN\u{fffd}M<<<<<<\u{fffd}<<<<".to_string(),
            "IDVNMÄ".to_string(),
            "ß".repeat(40),
            String::new(),
        ];
        for o in &odd {
            let m = Mrz {
                lines: [text(&a), text(o), text(&c)],
            }
            .decode();
            assert!(!m.composite_ok);
            let m = Mrz {
                lines: [text(o), text(&b), text(o)],
            }
            .decode();
            assert_eq!(m.id_number, None);
        }
    }

    #[test]
    fn century_digit() {
        assert_eq!(century_from_id("001099012345"), Some(1900));
        assert_eq!(century_from_id("079301004567"), Some(2000));
        assert_eq!(century_from_id("01"), None);
    }

    #[test]
    fn line1_detection() {
        assert!(looks_like_line1("IDVNM0990123454001099012345<<2"));
        assert!(looks_like_line1("1DVNM099012345 4001099012345 « 2"));
        // The document code's letter lost at the card's edge.
        assert!(looks_like_line1("DVNM0990123454001099012345<<2"));
        assert!(!looks_like_line1("CỤC TRƯỞNG CỤC CẢNH SÁT"));
    }

    #[test]
    fn lines_that_lost_or_gained_a_character_at_their_start_are_realigned() {
        let [l1, l2, _] = sample();
        // Line 1: letters of the code lost, or a speck read before it.
        for read in [&l1[1..], &l1[2..], &format!("4{l1}")] {
            assert_eq!(align_line1(read), l1, "{read}");
        }
        // Line 2: the first digit lost (the check digit decides which it was), or a
        // speck before the line.
        assert_eq!(align_line2(&l2[1..]), l2);
        assert_eq!(align_line2(&format!("4{l2}")), l2);
        // A line read whole stays as it is.
        assert_eq!(align_line2(&l2), l2);
        // A digit read twice on a card with no expiry, as a phone photo read it.
        let [_, unlimited, _] =
            crate::testutil::td1_zone("079152973355", "520219", 'F', "<<<<<<", "PHAM<<THI<LINH");
        let read = unlimited.replacen("5202197", "52021971", 1);
        assert_eq!(align_line2(&read), unlimited);
    }

    #[test]
    fn a_realigned_zone_decodes_with_a_warning() {
        let [l1, l2, l3] = sample();
        let lines = [&l1[1..], &l2[1..], l3.as_str()].map(|raw| {
            let mut l = line(raw);
            l.raw = raw.to_string();
            l
        });
        let layout = crate::layout::test_layout(
            &lines
                .iter()
                .map(|l| (0.05, l.raw.as_str()))
                .collect::<Vec<_>>(),
        );
        let mrz = find_mrz(&layout).expect("the zone is found");
        let data = mrz.decode();
        assert_eq!(data.id_number.as_deref(), Some("001099012345"));
        assert_eq!(data.date_of_birth, Date::new(1999, 3, 5));
        assert_eq!(data.sex, Some(Sex::Male));
        assert_eq!(data.date_of_expiry, Date::new(2039, 3, 5));
        assert!(data.composite_ok);
        assert_eq!(data.warnings.len(), 2, "{:?}", data.warnings);
    }

    #[test]
    fn a_line2_no_single_mend_confirms_stays_as_read() {
        let [_, l2, _] = sample();
        // Two characters lost: no one mend makes both checks hold.
        let read = &l2[2..];
        assert_eq!(align_line2(read), read);
        // A check digit misread too: the mend that fits the birth date fails the expiry.
        let mut wrong = l2[1..].to_string();
        wrong.replace_range(13..14, if &l2[14..15] == "7" { "8" } else { "7" });
        assert_eq!(align_line2(&wrong), wrong);
    }
}
