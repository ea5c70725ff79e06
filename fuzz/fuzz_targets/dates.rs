//! The date parsers (`text::date`): `parse_date`, `parse_ddmmyyyy`, `parse_expiry`,
//! `parse_year`.
//!
//! Two modes, picked by the first byte:
//! - raw: the rest is OCR text. Whatever comes back is a calendar date in the supported
//!   years, and parsers agree with each other (`parse_year` of a text with a date is
//!   that date's year; an expiry that is a date is `parse_date`'s date).
//! - round trip: a date from the input, printed in each form documents use (and with
//!   OCR's letter-for-digit confusions), wrapped in digit-free text, parses back to
//!   itself.

#![no_main]

use hoso_extractors::text::{parse_date, parse_ddmmyyyy, parse_expiry, parse_year, Date, Expiry};
use hoso_fuzz::{assert_valid_date, ocr_zeros};
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Printed {
    year: u16,
    month: u8,
    day: u8,
    form: u8,
    /// Words around the date; only letters that OCR never confuses with digits are
    /// kept, so the surrounding text holds no date of its own.
    before: String,
    after: String,
}

fn wordy(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == ' ' || *c == ',' || *c == ':')
        .filter(|c| !"OoQDUIliLJZzSsBGbTgqdD".contains(*c))
        .take(40)
        .collect()
}

fn round_trip(p: Printed) {
    let Some(date) = Date::new(
        1850 + i32::from(p.year % 350),
        u32::from(p.month % 13),
        u32::from(p.day % 32),
    ) else {
        return;
    };
    let (y, m, d) = (date.year, date.month, date.day);
    let printed = match p.form % 7 {
        0 => format!("{d:02}/{m:02}/{y}"),
        1 => format!("{d}/{m}/{y}"),
        2 => format!("{d:02}-{m:02}-{y}"),
        3 => format!("{d:02}.{m:02}.{y}"),
        4 => format!("ngày {d:02} tháng {m:02} năm {y}"),
        5 => format!("Ngay {d} thang {m} nam {y}"),
        // OCR reads 0 as O inside the number.
        _ => ocr_zeros(&format!("{d:02}/{m:02}/{y}")),
    };
    let text = format!("{} {printed} {}", wordy(&p.before), wordy(&p.after));
    assert_eq!(parse_date(&text), Some(date), "{text:?}");
    assert_eq!(parse_expiry(&text), Some(Expiry::On(date)), "{text:?}");
    assert_eq!(parse_year(&text), Some(y), "{text:?}");
    let compact = format!("{d:02}{m:02}{y:04}");
    assert_eq!(parse_ddmmyyyy(&compact), Some(date), "{compact}");
    assert_eq!(parse_date(&compact), Some(date), "{compact}");
}

fn raw(text: &str) {
    let date = parse_date(text);
    if let Some(d) = &date {
        assert_valid_date(d);
        assert!((1850..=2199).contains(&d.year));
        assert_eq!(parse_year(text), Some(d.year), "{text:?}");
        assert_eq!(parse_expiry(text), Some(Expiry::On(*d)), "{text:?}");
    }
    if let Some(d) = parse_ddmmyyyy(text) {
        assert_valid_date(&d);
        assert_eq!(parse_date(text), Some(d), "{text:?}");
    }
    match parse_expiry(text) {
        Some(Expiry::On(d)) => assert_eq!(Some(d), date),
        Some(Expiry::Unlimited) => assert_eq!(date, None),
        None => assert_eq!(date, None),
    }
    if let Some(y) = parse_year(text) {
        assert!((1850..=2199).contains(&y), "{y}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if rest.len() > 4096 {
        return;
    }
    if mode % 2 == 0 {
        raw(&String::from_utf8_lossy(rest));
    } else if let Ok(p) = Printed::arbitrary(&mut Unstructured::new(rest)) {
        round_trip(p);
    }
});
