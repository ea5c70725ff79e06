//! Page geometry: words to tokens, tokens to lines, labels to values.

pub mod labels;
pub mod lines;
pub mod token;
pub mod value;

pub use labels::{find_hits, Hit, Hits, Label};
pub use lines::{Layout, Line};
pub use token::{joined_text, Token};
pub use value::{candidate_values, column_value, value_of, values_for, Value, ValueOpts};

#[cfg(test)]
pub(crate) use test_support::{segments_layout, test_layout};

/// Builds layouts from plain lines of text for the layout tests.
#[cfg(test)]
mod test_support {
    use super::Layout;
    use crate::model::{BBox, Method, PageText, Word};

    /// Lines of `(x0, text)`; each entry is one engine line, 0.04 apart.
    pub(crate) fn test_layout(lines: &[(f32, &str)]) -> Layout {
        let segments: Vec<(f32, usize, &str)> = lines
            .iter()
            .enumerate()
            .map(|(li, (x0, text))| (*x0, li, *text))
            .collect();
        segments_layout(&segments, 0.04)
    }

    /// Segments `(x0, line, text)`, engine lines `pitch` apart: several segments on one
    /// line set the spaces between columns. Words are 0.02 high, 0.012 wide a letter,
    /// 0.01 apart.
    pub(crate) fn segments_layout(segments: &[(f32, usize, &str)], pitch: f32) -> Layout {
        let mut words = Vec::new();
        for (x0, li, text) in segments {
            let mut x = *x0;
            for t in text.split(' ').filter(|t| !t.is_empty()) {
                let w = 0.012 * t.chars().count() as f32;
                let y = 0.1 + pitch * *li as f32;
                words.push(Word {
                    text: t.into(),
                    bbox: BBox::new(x, y, x + w, y + 0.02),
                    confidence: 0.9,
                    line: *li as u32,
                });
                x += w + 0.01;
            }
        }
        Layout::from_page(&PageText {
            page: 1,
            method: Method::Ocr,
            words,
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        })
    }
}
