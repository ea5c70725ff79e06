//! Dates in every form Vietnamese documents print them, validated against the calendar.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;
use super::fuzzy::substring_match;
use super::ids::fix_digit_token;

/// A calendar-valid date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Years a date on an administrative document can plausibly carry.
const YEARS: std::ops::RangeInclusive<i32> = 1850..=2199;

impl Date {
    /// `None` unless the day exists in that month of that year.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !YEARS.contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

// The patterns are literals; `expect` can only fire if a literal here is edited wrongly,
// which the unit tests below catch.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2})(?:\s*[/.\-]\s*|\s+)([0-9]{1,2})(?:\s*[/.\-]\s*|\s+)([0-9]{4})(?:[^0-9]|$)")
        .expect("literal date pattern")
});
static WORDED: LazyLock<Regex> = LazyLock::new(|| {
    // Between the words a lone `l`, `i` or bar is a 1 (`ngày l tháng 2`), and a lone
    // `s`, `o`, `z` or `g` the digit it resembles (`tháng Š`): nothing else can stand
    // there.
    Regex::new(
        r"ngay\W*([0-9]{1,2}|[li|sozg])\W*thang\W*([0-9]{1,2}|[li|sozg])\W*nam\W*([0-9]{4})(?:[^0-9]|$)",
    )
    .expect("literal date pattern")
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{2})([0-9]{2})([0-9]{4})$").expect("literal date pattern")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{4})(?:[^0-9]|$)").expect("literal year pattern")
});

/// A slash, or a letter or a bar OCR reads in its place between digits (`04I2015`).
pub(crate) const SLASH_OR_LOOKALIKE: &str = r"[/lLiI|!]";

/// A numeric date whose slashes OCR read as the letters and bars they resemble, one
/// or two of them, a letter and a `1`, or a `1` beside another misread slash
/// (`06l07I2036`, `30/04!I2021`, `13I04I11987`, `07I0712019`).
static SLASHES_MISREAD: LazyLock<Regex> = LazyLock::new(|| {
    let s = SLASH_OR_LOOKALIKE;
    Regex::new(&format!(
        r"^([0-9]{{1,2}})({s}{{1,2}}|{s}1|1)([0-9]{{1,2}})({s}{{1,2}}|{s}1|1)([0-9]{{4}})$"
    ))
    .expect("literal date pattern")
});

/// Folds the text and repairs letters misread inside numbers (`2O18` → `2018`) and
/// slashes misread inside dates.
fn prepare(s: &str) -> String {
    fold(s)
        .split(' ')
        .map(|tok| {
            if let Some(c) = SLASHES_MISREAD.captures(tok) {
                // Two `1`s between digits are digits, unless the day and the month have
                // two digits each (`0511211983`): ten digits are no other date's.
                let padded = c[1].len() == 2 && c[3].len() == 2;
                if &c[2] != "1" || &c[4] != "1" || padded {
                    return format!("{}/{}/{}", &c[1], &c[3], &c[5]);
                }
            }
            fix_digit_token(tok).unwrap_or_else(|| tok.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn from_captures(c: &regex::Captures<'_>) -> Option<Date> {
    let number = |s: &str| match s {
        "l" | "i" | "|" => Some(1),
        "o" => Some(0),
        "z" => Some(2),
        "s" => Some(5),
        "g" => Some(9),
        _ => s.parse().ok(),
    };
    let day = number(c.get(1)?.as_str())?;
    let month = number(c.get(2)?.as_str())?;
    let year = c.get(3)?.as_str().parse().ok()?;
    Date::new(year, month, day)
}

/// The first valid date in `s`: `05/03/2018`, `5-3-2018`, `05.03.2018`,
/// `ngày 05 tháng 03 năm 2018`, or a bare `05032018`.
///
/// A candidate that is not a real calendar day is skipped, not repaired.
pub fn parse_date(s: &str) -> Option<Date> {
    let t = prepare(s);
    let mut found: Vec<(usize, Date)> = Vec::new();
    for re in [&*WORDED, &*NUMERIC] {
        for c in re.captures_iter(&t) {
            if let (Some(m), Some(d)) = (c.get(0), from_captures(&c)) {
                found.push((m.start(), d));
            }
        }
    }
    if let Some((_, d)) = found.into_iter().min_by_key(|(pos, _)| *pos) {
        return Some(d);
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    COMPACT.captures(&compact).and_then(|c| from_captures(&c))
}

/// The `ddMMyyyy` form used by the chip-card QR payload, and nothing else.
pub fn parse_ddmmyyyy(s: &str) -> Option<Date> {
    COMPACT.captures(s.trim()).and_then(|c| from_captures(&c))
}

/// An expiry is a date or "Không thời hạn".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    On(Date),
    Unlimited,
}

impl Expiry {
    pub fn value(&self) -> String {
        match self {
            Expiry::On(d) => d.iso(),
            Expiry::Unlimited => "unlimited".to_string(),
        }
    }
}

/// A date, or `Unlimited` for "Không thời hạn" however the tone marks came out.
pub fn parse_expiry(s: &str) -> Option<Expiry> {
    if let Some(d) = parse_date(s) {
        return Some(Expiry::On(d));
    }
    let key: String = super::fold::label_key(s);
    let target = super::fold::label_key("khong thoi han");
    substring_match(&target, &key, 2).map(|_| Expiry::Unlimited)
}

/// A plausible four-digit year, e.g. a parent's "Năm sinh"; from a full date if one is given.
pub fn parse_year(s: &str) -> Option<i32> {
    if let Some(d) = parse_date(s) {
        return Some(d.year);
    }
    let t = prepare(s);
    YEAR.captures_iter(&t)
        .filter_map(|c| c.get(1)?.as_str().parse::<i32>().ok())
        .find(|y| (1850..=2199).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.iso())
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(iso("05/03/2018").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("S 06l07I2036 trấn").as_deref(), Some("2036-07-06"));
        assert_eq!(iso("06/07I1996").as_deref(), Some("1996-07-06"));
        assert_eq!(iso("17i02|2021").as_deref(), Some("2021-02-17"));
        assert_eq!(iso("30/04!I2021").as_deref(), Some("2021-04-30"));
        assert_eq!(iso("07I0712019").as_deref(), Some("2019-07-07"));
        assert_eq!(iso("13I04I11987").as_deref(), Some("1987-04-13"));
        assert_eq!(iso("15I11I2001").as_deref(), Some("2001-11-15"));
        // Ten digits with both slashes read as `1`: no other date has as many.
        assert_eq!(iso("0710712019").as_deref(), Some("2019-07-07"));
        assert_eq!(iso("0511211983").as_deref(), Some("1983-12-05"));
        // Unpadded, the `1`s may be the day's or the month's own.
        assert_eq!(iso("711712019"), None);
        assert_eq!(iso("05-03-2018").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("5/3/2018").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("05.03.2018").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("05 / 03 / 2018").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("Sinh ngày: 31/12/1999,").as_deref(), Some("1999-12-31"));
    }

    #[test]
    fn worded_forms_with_and_without_tones() {
        assert_eq!(
            iso("ngày 05 tháng 03 năm 2018").as_deref(),
            Some("2018-03-05")
        );
        assert_eq!(
            iso("Ngay 5 thang 3 nam 2018").as_deref(),
            Some("2018-03-05")
        );
        assert_eq!(
            iso("Hà Nội, ngày 20 tháng 11, năm 2020").as_deref(),
            Some("2020-11-20")
        );
    }

    #[test]
    fn digits_win_over_words_in_birth_certificates() {
        let s = "05/03/2018 Ghi bằng chữ: Ngày năm, tháng ba, năm hai nghìn không trăm mười tám";
        assert_eq!(iso(s).as_deref(), Some("2018-03-05"));
    }

    #[test]
    fn ocr_letters_inside_numbers_are_repaired() {
        assert_eq!(iso("O5/O3/2O18").as_deref(), Some("2018-03-05"));
        assert_eq!(iso("l5/08/2021").as_deref(), Some("2021-08-15"));
        assert_eq!(
            iso("ngày l tháng 2 năm 2022").as_deref(),
            Some("2022-02-01")
        );
        assert_eq!(
            iso("ngày 15 tháng I năm 2022").as_deref(),
            Some("2022-01-15")
        );
        assert_eq!(
            iso("ngày 31 tháng Š năm 2022").as_deref(),
            Some("2022-05-31")
        );
    }

    #[test]
    fn compact_qr_form() {
        assert_eq!(
            parse_ddmmyyyy("05031999").map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
        assert_eq!(parse_ddmmyyyy("31021999"), None);
        assert_eq!(iso("10082021").as_deref(), Some("2021-08-10"));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(iso("31/02/2018"), None);
        assert_eq!(iso("29/02/2019"), None);
        assert_eq!(iso("29/02/2020").as_deref(), Some("2020-02-29"));
        assert_eq!(iso("29/02/1900"), None);
        assert_eq!(iso("29/02/2000").as_deref(), Some("2000-02-29"));
        assert_eq!(iso("12/13/2018"), None);
        assert_eq!(iso("05/03/18"), None);
        assert_eq!(iso("00/03/2018"), None);
    }

    #[test]
    fn expiry_accepts_unlimited() {
        assert_eq!(parse_expiry("Không thời hạn"), Some(Expiry::Unlimited));
        assert_eq!(parse_expiry("Khong thoi han"), Some(Expiry::Unlimited));
        assert_eq!(
            parse_expiry("Không thòi hạn").map(|e| e.value()).as_deref(),
            Some("unlimited")
        );
        assert_eq!(
            parse_expiry("05/03/2039").map(|e| e.value()).as_deref(),
            Some("2039-03-05")
        );
        assert_eq!(parse_expiry("Việt Nam"), None);
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("1990"), Some(1990));
        assert_eq!(parse_year("Năm sinh: 1988 Dân tộc"), Some(1988));
        assert_eq!(parse_year("12/05/1985"), Some(1985));
        assert_eq!(parse_year("199"), None);
        assert_eq!(parse_year("0123"), None);
    }
}
