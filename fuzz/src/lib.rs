//! Helpers shared by the fuzz targets: turning fuzz bytes into OCR-like pages and
//! checking that values a parser returns are well formed.

use hoso_extractors::text::Date;
use hoso_extractors::{BBox, Method, PageText, Word};

/// One OCR page whose lines are `lines`, each line split into words at spaces, stacked
/// top to bottom the way an engine reports them.
pub fn page_of_lines(lines: &[&str]) -> PageText {
    let mut words = Vec::new();
    let n = lines.len().max(1) as f32;
    for (i, line) in lines.iter().enumerate() {
        let y0 = i as f32 / n;
        let y1 = y0 + 0.8 / n;
        let parts: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        let m = parts.len().max(1) as f32;
        for (j, w) in parts.iter().enumerate() {
            let x0 = j as f32 / m;
            words.push(Word {
                text: (*w).to_string(),
                bbox: BBox::new(x0, y0, x0 + 0.9 / m, y1),
                confidence: 0.9,
                line: i as u32,
            });
        }
    }
    PageText {
        page: 1,
        method: Method::Ocr,
        words,
        barcodes: Vec::new(),
 rotation: 0.0,
 rereadings: Vec::new(),
 half_turned: Vec::new(),
}
}

/// A returned date must be a real calendar day that `Date::new` would build again.
pub fn assert_valid_date(d: &Date) {
    assert_eq!(
        Date::new(d.year, d.month, d.day),
        Some(*d),
        "not a calendar date: {d:?}"
    );
    let iso = d.iso();
    assert_eq!(iso.len(), 10, "{iso}");
}

/// A number as OCR often reads it, with every `0` read as `O`, in each space-separated
/// token where that still leaves the token mostly digits: the documented limit of
/// `fix_digit_token`, past which a token is taken for a word and left alone.
pub fn ocr_zeros(printed: &str) -> String {
    printed
        .split(' ')
        .map(|tok| {
            let zeros = tok.chars().filter(|&c| c == '0').count();
            let others = tok.chars().filter(|c| c.is_ascii_digit()).count() - zeros;
            if zeros <= others {
                tok.replace('0', "O")
            } else {
                tok.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
