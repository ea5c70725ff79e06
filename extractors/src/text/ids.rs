//! Identification numbers: digits only, repaired where OCR read a digit as a letter.

use std::sync::LazyLock;

use regex::Regex;

/// The digit a letter most likely is when it sits inside a number.
fn as_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        // A slashed zero, as some faces print it, reads as `Ø`.
        'O' | 'o' | 'Q' | 'D' | 'U' | 'Ø' | 'ø' => Some('0'),
        'I' | 'l' | 'i' | '|' | '!' | 'L' | 'J' => Some('1'),
        'Z' | 'z' => Some('2'),
        'S' | 's' => Some('5'),
        'B' => Some('8'),
        'G' | 'b' => Some('6'),
        'T' => Some('7'),
        'g' | 'q' => Some('9'),
        _ => None,
    }
}

/// Repairs a token that is evidently a number (`O01O99` → `001099`, `2O18` → `2018`).
///
/// Only tokens whose letters or digits are mostly digits and all digit look-alikes are
/// touched, so words such as `Số` or `No` are never turned into numbers. Separators
/// (`/ . - ,`) are kept. Returns `None` when the token is not such a number.
pub fn fix_digit_token(tok: &str) -> Option<String> {
    let mut digits = 0usize;
    let mut lookalikes = 0usize;
    for c in tok.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if matches!(c, '/' | '.' | '-' | ',' | ':' | '(' | ')' | ';') {
        } else if as_digit(c).is_some() {
            lookalikes += 1;
        } else {
            return None;
        }
    }
    if digits == 0 || lookalikes == 0 || lookalikes * 2 > digits + lookalikes {
        return None;
    }
    Some(
        tok.chars()
            .map(|c| match c {
                '/' | '.' | '-' | ',' | ':' | '(' | ')' | ';' => c,
                _ => as_digit(c).unwrap_or(c),
            })
            .collect(),
    )
}

/// What an id field read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdRead {
    /// Digits only, of one of the accepted lengths.
    Valid(String),
    /// The longest digit run found, which has none of the accepted lengths.
    WrongLength(String),
}

/// Digit runs of `s` after repairing number-like tokens; a run continues across
/// spaces when OCR split a number (`001 099 012345`).
fn digit_groups(s: &str) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for raw in s.split(|c: char| !(c.is_alphanumeric() || c == '|' || c == '!')) {
        if raw.is_empty() {
            continue;
        }
        let fixed = if raw.chars().all(|c| c.is_ascii_digit()) {
            raw.to_string()
        } else {
            match fix_digit_token(raw) {
                Some(f) => f,
                None => {
                    groups.push(String::new());
                    continue;
                }
            }
        };
        groups.push(fixed);
    }
    groups
}

/// The General Statistics Office's codes of the 63 provinces, which open every 12-digit
/// personal id number (Circular 07/2016/TT-BCA, annex).
const PROVINCE_CODES: [&str; 63] = [
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
];

/// Whether a 12-digit personal id opens with a province's code.
pub fn has_province_code(id: &str) -> bool {
    id.len() == 12 && PROVINCE_CODES.iter().any(|c| id.starts_with(c))
}

/// `Số` (number) run into the id after it and misread as letters and a digit
/// (`S6027187617411`): an id's own twelve or nine digits follow.
static NUMBER_WORD_GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bS[6ốôoOỐÔ0]([0-9]{12}|[0-9]{9})\b").expect("literal glued number word")
});

/// The id number in `s` with one of the `lengths` (e.g. `[12]`, or `[12, 9]`), tried in
/// that order.
///
/// For each length, a single token of it wins; otherwise adjacent number tokens are
/// joined when together they have it (`031 185926193`: twelve digits the print spaced,
/// not a nine-digit number after a stray three). `None` when `s` holds no digits at all.
pub fn read_id(s: &str, lengths: &[usize]) -> Option<IdRead> {
    let parted = NUMBER_WORD_GLUED.replace_all(s, "Số $1");
    let groups = digit_groups(&parted);
    for &len in lengths {
        if let Some(g) = groups.iter().find(|g| g.len() == len) {
            return Some(IdRead::Valid(g.clone()));
        }
        for start in 0..groups.len() {
            let mut joined = String::new();
            for g in &groups[start..] {
                if g.is_empty() {
                    break;
                }
                joined.push_str(g);
                if joined.len() >= len {
                    break;
                }
            }
            if joined.len() == len {
                return Some(IdRead::Valid(joined));
            }
        }
    }
    groups
        .into_iter()
        .filter(|g| g.len() >= 6)
        .max_by_key(|g| g.len())
        .map(IdRead::WrongLength)
}

static ENTERPRISE: LazyLock<Regex> = LazyLock::new(|| {
    // Literal pattern, covered by the tests below.
    Regex::new(r"(?:^|[^0-9])([0-9]{10})(?:\s*-\s*([0-9]{3}))?(?:[^0-9]|$)")
        .expect("literal enterprise code pattern")
});

/// An enterprise code: 10 digits, or 10 digits `-` 3 digits for a branch.
pub fn parse_enterprise_code(s: &str) -> Option<String> {
    let fixed: Vec<String> = s
        .split_whitespace()
        .map(|t| fix_digit_token(t).unwrap_or_else(|| t.to_string()))
        .collect();
    let t = fixed.join(" ");
    let c = ENTERPRISE.captures(&t)?;
    let main = c.get(1)?.as_str();
    Some(match c.get(2) {
        Some(branch) => format!("{main}-{}", branch.as_str()),
        None => main.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_tokens_are_repaired_only_when_numeric() {
        assert_eq!(
            fix_digit_token("O01O99012345").as_deref(),
            Some("001099012345")
        );
        assert_eq!(fix_digit_token("2O18").as_deref(), Some("2018"));
        assert_eq!(fix_digit_token("Ø7").as_deref(), Some("07"));
        assert_eq!(fix_digit_token("l5/08/2021").as_deref(), Some("15/08/2021"));
        assert_eq!(fix_digit_token("Số"), None);
        assert_eq!(fix_digit_token("No"), None);
        assert_eq!(fix_digit_token("2018"), None);
        assert_eq!(fix_digit_token("SOS"), None);
    }

    #[test]
    fn reads_twelve_digit_ids() {
        assert_eq!(
            read_id("001099012345", &[12]),
            Some(IdRead::Valid("001099012345".into()))
        );
        assert_eq!(
            read_id("O01099012345", &[12]),
            Some(IdRead::Valid("001099012345".into()))
        );
        assert_eq!(
            read_id("001 099 012345", &[12]),
            Some(IdRead::Valid("001099012345".into()))
        );
        assert_eq!(
            read_id("CCCD số 001099012345, cấp ngày 10/08/2021", &[12]),
            Some(IdRead::Valid("001099012345".into()))
        );
        // `số` run into the number.
        for glued in ["S6027187617411", "Số027187617411"] {
            assert_eq!(
                read_id(glued, &[12, 9]),
                Some(IdRead::Valid("027187617411".into())),
                "{glued}"
            );
        }
        // Fourteen digits of a number are not an id after `số`.
        assert_eq!(
            read_id("56027187617411", &[12]),
            Some(IdRead::WrongLength("56027187617411".into()))
        );
    }

    #[test]
    fn wrong_length_is_reported_not_padded() {
        assert_eq!(
            read_id("00109901234", &[12]),
            Some(IdRead::WrongLength("00109901234".into()))
        );
        assert_eq!(read_id("Việt Nam", &[12]), None);
    }

    #[test]
    fn old_nine_digit_ids_when_allowed() {
        assert_eq!(
            read_id("CMND 012345678", &[12, 9]),
            Some(IdRead::Valid("012345678".into()))
        );
        assert_eq!(
            read_id("012345678", &[12]),
            Some(IdRead::WrongLength("012345678".into()))
        );
        // Twelve digits spaced by the print are not a nine-digit id after a stray three.
        assert_eq!(
            read_id("031 185926193", &[12, 9]),
            Some(IdRead::Valid("031185926193".into()))
        );
    }

    #[test]
    fn enterprise_codes() {
        assert_eq!(
            parse_enterprise_code("0101234567").as_deref(),
            Some("0101234567")
        );
        assert_eq!(
            parse_enterprise_code("0101234567-001").as_deref(),
            Some("0101234567-001")
        );
        assert_eq!(
            parse_enterprise_code("0101234567 - 001").as_deref(),
            Some("0101234567-001")
        );
        assert_eq!(
            parse_enterprise_code("O1O1234567").as_deref(),
            Some("0101234567")
        );
        assert_eq!(parse_enterprise_code("010123456"), None);
        assert_eq!(parse_enterprise_code("01012345678"), None);
    }
}
