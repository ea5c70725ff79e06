//! The ICAO 9303 MRZ parser (`codes::mrz::parse`) and the card's TD1 reading
//! (`find_mrz` → `Mrz::decode`), from OCR-like text: the input's lines are the zone.
//!
//! Properties: no panic; a parsed zone is normalised (right line count and length, MRZ
//! alphabet only); parsing a parsed zone again needs no repair and gives the same
//! values; resolved dates are calendar dates with the birth year not after the
//! expiry year; the card reading only keeps values its check digits confirm.

#![no_main]

use hoso_extractors::codes::mrz::{
    check_digit, find_mrz, parse, CheckKind, MrzError, MrzFormat, MrzIssue, MrzLine,
};
use hoso_extractors::codes::Mrz;
use hoso_extractors::layout::Layout;
use hoso_extractors::BBox;
use hoso_fuzz::{assert_valid_date, page_of_lines};
use libfuzzer_sys::fuzz_target;

fn mrz_alphabet(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<')
}

fn check_icao(lines: &[&str]) {
    let parsed = match parse(lines) {
        Ok(p) => p,
        Err(MrzError::LineCount(n)) => {
            assert_eq!(n, lines.len());
            assert!(n != 2 && n != 3, "{n} lines refused");
            return;
        }
        Err(MrzError::EmptyLine(i)) => {
            assert!(i < lines.len());
            return;
        }
    };
    let (count, len) = match parsed.format {
        MrzFormat::Td1 => (3, 30),
        MrzFormat::Td2 | MrzFormat::Mrvb => (2, 36),
        MrzFormat::Td3 | MrzFormat::Mrva => (2, 44),
    };
    assert_eq!(lines.len(), count);
    assert_eq!(parsed.lines.len(), count);
    for l in &parsed.lines {
        assert_eq!(l.len(), len, "{l:?}");
        assert!(mrz_alphabet(l), "{l:?}");
    }
    for c in &parsed.checks {
        if let Some(d) = c.printed.to_digit(10) {
            assert_eq!(c.ok, c.computed == Some(d), "{c:?}");
        } else if c.printed != '<' {
            assert!(!c.ok, "{c:?}");
        }
    }
    if parsed.is_valid() {
        assert!(parsed.issues.is_empty());
        assert!(parsed.checks.iter().all(|c| c.ok));
    }
    for r in &parsed.repairs {
        assert!(r.line < count && r.column < len, "{r:?}");
        assert!(r.to.is_ascii_digit(), "{r:?}");
        assert_eq!(parsed.lines[r.line].chars().nth(r.column), Some(r.to));
    }

    // The normalised, repaired zone is a fixed point.
    let again_lines: Vec<&str> = parsed.lines.iter().map(String::as_str).collect();
    let again = parse(&again_lines).expect("a parsed zone parses again");
    assert!(again.repairs.is_empty(), "{:?}", again.repairs);
    assert_eq!(again.lines, parsed.lines);
    assert_eq!(again.checks, parsed.checks);
    let not_length: Vec<&MrzIssue> = parsed
        .issues
        .iter()
        .filter(|i| !matches!(i, MrzIssue::LineLength { .. }))
        .collect();
    assert_eq!(again.issues.iter().collect::<Vec<_>>(), not_length);
    assert_eq!(
        (
            &again.document_number,
            &again.birth_date,
            &again.expiry_date
        ),
        (
            &parsed.document_number,
            &parsed.birth_date,
            &parsed.expiry_date
        )
    );
    assert_eq!(
        (&again.surname, &again.given_names),
        (&parsed.surname, &parsed.given_names)
    );

    // The centuries a Vietnamese id's fourth digit gives, none, and any a caller might pass.
    let centuries = [
        None,
        Some(1800),
        Some(1900),
        Some(2000),
        Some(2100),
        Some(2200),
        Some(0),
        Some(i32::MIN),
        Some(i32::MAX),
    ];
    for century in centuries {
        let (birth, expiry) = parsed.dates(century);
        for d in birth.iter().chain(expiry.iter()) {
            assert_valid_date(d);
        }
        if let (Some(b), Some(e)) = (birth, expiry) {
            assert!(b.year <= e.year, "born {b:?} after expiry {e:?}");
        }
    }
}

fn check_card(m: &Mrz) {
    let data = m.decode();
    if let Some(id) = &data.id_number {
        assert!(
            id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        assert!(data.composite_ok);
    }
    for d in data.date_of_birth.iter().chain(data.date_of_expiry.iter()) {
        assert_valid_date(d);
    }
    if let Some(name) = &data.full_name {
        assert!(!name.chars().any(|c| c.is_ascii_digit()), "{name}");
        assert_eq!(name.trim(), name);
    }
    if data.composite_ok {
        assert!(!data
            .warnings
            .iter()
            .any(|w| w == "mrz composite check digit mismatch"));
    }
    let icao = m.parse_icao().expect("three non-empty lines");
    assert_eq!(icao.format, MrzFormat::Td1);
    let _ = icao.check(CheckKind::Composite);
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 4096 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().collect();
    let _ = check_digit(&text);

    check_icao(&lines);

    // The card's path: OCR lines → layout → the three zone lines → decode.
    let page = page_of_lines(&lines);
    let layout = Layout::from_page(&page);
    if let Some(m) = find_mrz(&layout) {
        for l in &m.lines {
            assert_eq!(l.text.len(), 30);
            assert!(mrz_alphabet(&l.text), "{:?}", l.text);
        }
        check_card(&m);
    }

    // `Mrz` has public fields: decoding must stay total whatever text they hold.
    if lines.len() == 3 {
        let mk = |s: &str| MrzLine {
            text: s.to_string(),
            raw: s.to_string(),
            page: 1,
            bbox: BBox::new(0.0, 0.0, 1.0, 0.1),
        };
        let m = Mrz {
            lines: [mk(lines[0]), mk(lines[1]), mk(lines[2])],
        };
        let _ = m.decode();
    }
});
