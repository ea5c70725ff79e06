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
        half_turned: Vec::new(),
    }
}

/// A valid TD1 zone of a Vietnamese card: `id` of 12 digits, dates as `yymmdd`, `sex`
/// `M` or `F`, `names` as the zone writes them (`NGUYEN<<VAN<AN`).
pub fn td1_zone(id: &str, birth: &str, sex: char, expiry: &str, names: &str) -> [String; 3] {
    use crate::codes::mrz::check_digit;
    let doc = &id[3..];
    let l1 = format!("IDVNM{doc}{}{id}<<2", check_digit(doc).unwrap_or(0));
    let l2_body = format!(
        "{birth}{}{sex}{expiry}{}VNM<<<<<<<<<<<",
        check_digit(birth).unwrap_or(0),
        check_digit(expiry).unwrap_or(0)
    );
    let composite = format!(
        "{}{}{}{}",
        &l1[5..30],
        &l2_body[0..7],
        &l2_body[8..15],
        &l2_body[18..29]
    );
    let l2 = format!("{l2_body}{}", check_digit(&composite).unwrap_or(0));
    [l1, l2, format!("{names:<<30}")]
}
