//! Builders for unit tests: pages of one engine line per entry, words laid out left to
//! right, and fields.

use crate::model::{BBox, Field, Method, PageText, Word};

/// A field read by `method` with confidence 0.8 and no evidence.
pub fn field(value: &str, method: Method) -> Field {
    Field {
        value: value.into(),
        confidence: 0.8,
        method,
        evidence: Vec::new(),
    }
}

/// A page of `(y, x, text)` lines, 0.014 high; word confidence 0.9.
pub fn page(num: u32, lines: &[(f32, f32, &str)]) -> PageText {
    let mut words = Vec::new();
    for (li, (y, x0, text)) in lines.iter().enumerate() {
        let mut x = *x0;
        for t in text.split(' ').filter(|t| !t.is_empty()) {
            let w = 0.0105 * t.chars().count() as f32;
            words.push(Word {
                text: t.into(),
                bbox: BBox::new(x, *y, x + w, y + 0.014),
                confidence: 0.9,
                line: li as u32,
            });
            x += w + 0.008;
        }
    }
    PageText {
        page: num,
        method: Method::Ocr,
        words,
        barcodes: Vec::new(),
        rotation: 0.0,
        rereadings: Vec::new(),
    }
}
