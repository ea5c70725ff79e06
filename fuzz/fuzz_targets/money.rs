//! The money parser (`text::parse_money`).
//!
//! Two modes, picked by the first byte:
//! - raw: the rest is OCR text; an amount, when found, is positive and below 10^18.
//! - round trip: an amount from the input, printed with `.`, `,` or space thousands
//!   separators or bare with a currency word, optionally with decimals, OCR letter
//!   confusions and digit-free words around it, parses back to itself.

#![no_main]

use hoso_extractors::text::parse_money;
use hoso_fuzz::ocr_zeros;
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Printed {
    amount: u64,
    separator: u8,
    currency: u8,
    cents: Option<u8>,
    ocr_letters: bool,
    before: String,
    after: String,
}

fn wordy(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == ' ' || *c == ':' || *c == '(' || *c == ')')
        .filter(|c| !"OoQDUIliLJZzSsBGbTgqdD".contains(*c))
        .take(40)
        .collect()
}

fn grouped(v: u64, sep: char) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn round_trip(p: Printed) {
    let v = p.amount % 1_000_000_000_000_000_000;
    if v == 0 {
        return;
    }
    let currency = ["đồng", "dong", "VND", "vnđ", "đ", "Đồng"][usize::from(p.currency % 6)];
    let (number, dec_sep) = match p.separator % 4 {
        0 => (grouped(v, '.'), ','),
        1 => (grouped(v, ','), '.'),
        2 => (grouped(v, ' '), ','),
        _ => (v.to_string(), ','),
    };
    let mut number = number;
    if let Some(c) = p.cents {
        number.push(dec_sep);
        number.push_str(&format!("{:02}", c % 100));
    }
    // A currency sign glued to the number (`5.000đ`) makes the token a word to
    // `fix_digit_token`, so OCR letters are only repaired in a number standing alone.
    if p.ocr_letters && currency != "đ" {
        number = ocr_zeros(&number);
    }
    let joiner = if currency == "đ" { "" } else { " " };
    let text = format!(
        "{} {number}{joiner}{currency} {}",
        wordy(&p.before),
        wordy(&p.after)
    );
    assert_eq!(parse_money(&text), Some(v), "{text:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if rest.len() > 4096 {
        return;
    }
    if mode % 2 == 0 {
        let text = String::from_utf8_lossy(rest);
        if let Some(v) = parse_money(&text) {
            assert!(v > 0 && v < 1_000_000_000_000_000_000, "{v} from {text:?}");
        }
    } else if let Ok(p) = Printed::arbitrary(&mut Unstructured::new(rest)) {
        round_trip(p);
    }
});
