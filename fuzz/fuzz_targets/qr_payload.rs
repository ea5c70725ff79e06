//! The chip card's QR payload parser (`codes::parse_qr`).
//!
//! Two modes, picked by the first byte:
//! - raw: the rest of the input is the payload as the QR decoder returned it. A parsed
//!   payload must have a 12-digit id taken verbatim from its first field, a 9- or
//!   12-digit previous id, names without digits, calendar dates, and NFC text.
//! - round trip: the input builds a card payload from valid parts (ids, a date, a sex,
//!   free text for the name and residence, optionally without the previous id or with
//!   extra trailing fields); parsing it must give those parts back.

#![no_main]

use hoso_extractors::codes::{parse_qr, QrData};
use hoso_extractors::text::{clean, nfc, Date, Sex};
use hoso_fuzz::assert_valid_date;
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

fn check_parsed(payload: &str, q: &QrData) {
    let first = payload.split('|').next().unwrap_or("").trim();
    assert_eq!(q.id_number, first);
    assert!(q.id_number.len() == 12 && q.id_number.bytes().all(|b| b.is_ascii_digit()));
    if let Some(p) = &q.previous_id_number {
        assert!(
            matches!(p.len(), 9 | 12) && p.bytes().all(|b| b.is_ascii_digit()),
            "{p}"
        );
    }
    if let Some(n) = &q.full_name {
        assert!(!n.chars().any(|c| c.is_ascii_digit()), "{n}");
        assert!(n.chars().any(char::is_alphabetic), "{n}");
        assert_eq!(n, &clean(n), "names are clean NFC text");
    }
    if let Some(r) = &q.place_of_residence {
        assert_eq!(r, &nfc(r));
        assert!(!r.is_empty() && r.trim() == r, "{r:?}");
    }
    for d in q.date_of_birth.iter().chain(q.date_of_issue.iter()) {
        assert_valid_date(d);
    }
}

#[derive(Debug, Arbitrary)]
struct Card {
    id: u64,
    previous: Previous,
    name: String,
    birth: (u16, u8, u8),
    female: bool,
    residence: String,
    issue: (u16, u8, u8),
    extra: Vec<String>,
}

#[derive(Debug, Arbitrary)]
enum Previous {
    Empty,
    Nine(u32),
    Twelve(u64),
    /// Older cards print six fields, without the previous id.
    Absent,
}

fn date((y, m, d): (u16, u8, u8)) -> Option<Date> {
    Date::new(
        1850 + i32::from(y % 350),
        u32::from(m % 13),
        u32::from(d % 32),
    )
}

fn ddmmyyyy(d: &Option<Date>) -> String {
    d.map(|d| format!("{:02}{:02}{:04}", d.day, d.month, d.year))
        .unwrap_or_default()
}

fn round_trip(c: Card) {
    let id = format!("{:012}", c.id % 1_000_000_000_000);
    let birth = date(c.birth);
    let issue = date(c.issue);
    // The payload's separator cannot appear inside a field.
    let name = c.name.replace('|', " ");
    let residence = c.residence.replace('|', " ");
    let mut fields = vec![id.clone()];
    let previous = match c.previous {
        Previous::Empty => Some(String::new()),
        Previous::Nine(n) => Some(format!("{:09}", n % 1_000_000_000)),
        Previous::Twelve(n) => Some(format!("{:012}", n % 1_000_000_000_000)),
        Previous::Absent => None,
    };
    // Without a previous id, a name that is empty or all digits would be read as one.
    let name_is_numeric = name.trim().bytes().all(|b| b.is_ascii_digit());
    if previous.is_none() && name_is_numeric {
        return;
    }
    if let Some(p) = &previous {
        fields.push(p.clone());
    }
    fields.push(name.clone());
    fields.push(ddmmyyyy(&birth));
    fields.push(if c.female { "Nữ" } else { "Nam" }.to_string());
    fields.push(residence.clone());
    fields.push(ddmmyyyy(&issue));
    fields.extend(c.extra.iter().map(|e| e.replace('|', " ")));
    let payload = fields.join("|");

    let q = parse_qr(&payload).expect("a card payload parses");
    check_parsed(&payload, &q);
    assert_eq!(q.id_number, id);
    assert_eq!(
        q.previous_id_number,
        previous.filter(|p| !p.is_empty()),
        "{payload:?}"
    );
    assert_eq!(q.date_of_birth, birth, "{payload:?}");
    assert_eq!(q.date_of_issue, issue, "{payload:?}");
    assert_eq!(
        q.sex,
        Some(if c.female { Sex::Female } else { Sex::Male }),
        "{payload:?}"
    );
    let clean_name = clean(&name);
    if clean_name.chars().any(char::is_alphabetic)
        && !clean_name.chars().any(|c| c.is_ascii_digit())
    {
        assert_eq!(
            q.full_name.as_deref(),
            Some(clean_name.as_str()),
            "{payload:?}"
        );
    } else {
        assert_eq!(q.full_name, None, "{payload:?}");
    }
    let clean_residence = clean(&residence);
    if clean_residence.chars().any(char::is_alphabetic) {
        assert_eq!(
            q.place_of_residence.as_deref(),
            Some(clean_residence.as_str())
        );
    } else {
        assert_eq!(q.place_of_residence, None);
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
        let payload = String::from_utf8_lossy(rest);
        if let Some(q) = parse_qr(&payload) {
            check_parsed(&payload, &q);
        }
    } else {
        let mut u = Unstructured::new(rest);
        if let Ok(card) = Card::arbitrary(&mut u) {
            round_trip(card);
        }
    }
});
