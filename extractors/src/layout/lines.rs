//! Reading order: tokens grouped into visual lines, top to bottom, page after page.

use std::collections::BTreeMap;

use super::token::{tokens_of, Token};
use crate::model::{BBox, Method, PageText};

/// One visual text line of one page, tokens left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub page: u32,
    pub method: Method,
    pub tokens: Vec<Token>,
    pub bbox: BBox,
    /// Median token height: the unit for gaps, robust to a tall stray mark.
    pub height: f32,
}

impl Line {
    fn new(page: u32, method: Method, mut tokens: Vec<Token>) -> Option<Line> {
        tokens.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        let first = tokens.first()?;
        let bbox = tokens.iter().fold(first.bbox, |acc, t| acc.union(&t.bbox));
        let mut heights: Vec<f32> = tokens.iter().map(|t| t.bbox.height()).collect();
        heights.sort_by(f32::total_cmp);
        let height = heights[heights.len() / 2].max(1e-4);
        Some(Line {
            page,
            method,
            tokens,
            bbox,
            height,
        })
    }

    /// Horizontal space between token `i` and the one before it, in line heights.
    pub fn gap_before(&self, i: usize) -> f32 {
        if i == 0 || i >= self.tokens.len() {
            return 0.0;
        }
        (self.tokens[i].bbox.x0 - self.tokens[i - 1].bbox.x1) / self.height
    }

    /// Raw text of the line, for diagnostics and title matching.
    pub fn text(&self) -> String {
        self.tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Concatenated matching key of the whole line.
    pub fn key(&self) -> String {
        self.tokens.iter().map(|t| t.key.as_str()).collect()
    }
}

/// The lines of one or more pages of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub lines: Vec<Line>,
}

/// Two boxes share a text line when their vertical overlap is at least this share of
/// the smaller height; less than that is a neighbouring line or a skewed scan.
const SAME_LINE_OVERLAP: f32 = 0.5;

fn vertical_overlap(a: &BBox, b: &BBox) -> f32 {
    let overlap = a.y1.min(b.y1) - a.y0.max(b.y0);
    let h = a.height().min(b.height()).max(1e-4);
    overlap / h
}

fn horizontal_overlap(a: &BBox, b: &BBox) -> f32 {
    let overlap = a.x1.min(b.x1) - a.x0.max(b.x0);
    let w = a.width().min(b.width()).max(1e-4);
    overlap / w
}

/// Splits one engine line into visual rows: some engines (and PDF text layers) give a
/// whole block, or the whole page, a single line id.
fn split_rows(mut tokens: Vec<Token>) -> Vec<Vec<Token>> {
    tokens.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
    let mut rows: Vec<(BBox, Vec<Token>)> = Vec::new();
    for t in tokens {
        match rows.last_mut() {
            Some((bbox, row)) if vertical_overlap(bbox, &t.bbox) >= SAME_LINE_OVERLAP => {
                *bbox = BBox::new(
                    bbox.x0.min(t.bbox.x0),
                    bbox.y0,
                    bbox.x1.max(t.bbox.x1),
                    bbox.y1,
                );
                row.push(t);
            }
            _ => rows.push((t.bbox, vec![t])),
        }
    }
    rows.into_iter().map(|(_, row)| row).collect()
}

impl Layout {
    /// Lines of one page: the engine's line ids first, then engine lines that sit side
    /// by side at the same height are merged, since engines split one visual line at a
    /// wide gap (a label column and its values).
    pub fn from_page(page: &PageText) -> Layout {
        let mut groups: BTreeMap<u32, Vec<Token>> = BTreeMap::new();
        for w in &page.words {
            groups.entry(w.line).or_default().extend(tokens_of(w));
        }
        let mut lines: Vec<Line> = groups
            .into_values()
            .flat_map(split_rows)
            .filter_map(|tokens| Line::new(page.page, page.method, tokens))
            .collect();
        lines.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
        let mut merged: Vec<Line> = Vec::new();
        for line in lines {
            let target = merged.iter_mut().rev().take(4).find(|m| {
                vertical_overlap(&m.bbox, &line.bbox) >= SAME_LINE_OVERLAP
                    && !m.tokens.iter().any(|a| {
                        line.tokens
                            .iter()
                            .any(|b| horizontal_overlap(&a.bbox, &b.bbox) > 0.0)
                    })
            });
            match target {
                Some(m) => {
                    let mut tokens = std::mem::take(&mut m.tokens);
                    tokens.extend(line.tokens);
                    if let Some(new) = Line::new(m.page, m.method, tokens) {
                        *m = new;
                    }
                }
                None => merged.push(line),
            }
        }
        merged.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
        Layout { lines: merged }
    }

    /// Lines of several pages, one after the other.
    pub fn from_pages(pages: &[&PageText]) -> Layout {
        let mut lines = Vec::new();
        for p in pages {
            lines.extend(Layout::from_page(p).lines);
        }
        Layout { lines }
    }

    /// The same lines keeping only tokens `keep` accepts; emptied lines disappear.
    pub fn filter(&self, keep: impl Fn(&Line, &Token) -> bool) -> Layout {
        let lines = self
            .lines
            .iter()
            .filter_map(|l| {
                let tokens: Vec<Token> = l.tokens.iter().filter(|t| keep(l, t)).cloned().collect();
                Line::new(l.page, l.method, tokens)
            })
            .collect();
        Layout { lines }
    }

    /// Only lines `from..to`.
    pub fn slice(&self, from: usize, to: usize) -> Layout {
        let to = to.min(self.lines.len());
        let from = from.min(to);
        Layout {
            lines: self.lines[from..to].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Word;

    fn w(text: &str, x0: f32, y0: f32, line: u32) -> Word {
        let x1 = x0 + 0.012 * text.chars().count() as f32;
        Word {
            text: text.into(),
            bbox: BBox::new(x0, y0, x1, y0 + 0.02),
            confidence: 0.9,
            line,
        }
    }

    fn page(words: Vec<Word>) -> PageText {
        PageText {
            page: 1,
            method: Method::Ocr,
            words,
            barcodes: Vec::new(),
        }
    }

    #[test]
    fn split_engine_lines_at_one_height_are_merged() {
        let p = page(vec![
            w("Giới", 0.10, 0.300, 7),
            w("tính:", 0.16, 0.301, 7),
            w("Nam", 0.40, 0.303, 8),
            w("Dân", 0.10, 0.340, 9),
        ]);
        let l = Layout::from_page(&p);
        assert_eq!(l.lines.len(), 2);
        assert_eq!(l.lines[0].text(), "Giới tính: Nam");
        assert_eq!(l.lines[1].text(), "Dân");
    }

    #[test]
    fn lines_are_in_reading_order_whatever_the_ids() {
        let p = page(vec![w("second", 0.1, 0.5, 1), w("first", 0.1, 0.2, 2)]);
        let l = Layout::from_page(&p);
        assert_eq!(l.lines[0].text(), "first");
    }

    #[test]
    fn one_id_for_the_whole_page_is_split_into_rows() {
        let p = page(vec![
            w("Họ", 0.1, 0.30, 0),
            w("tên:", 0.14, 0.302, 0),
            w("Nơi", 0.1, 0.35, 0),
            w("sinh:", 0.15, 0.351, 0),
        ]);
        let l = Layout::from_page(&p);
        let texts: Vec<String> = l.lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["Họ tên:", "Nơi sinh:"]);
    }

    #[test]
    fn one_id_per_word_is_joined_into_lines() {
        let p = page(vec![
            w("c", 0.30, 0.300, 3),
            w("a", 0.10, 0.302, 1),
            w("b", 0.20, 0.299, 2),
            w("d", 0.1, 0.40, 4),
        ]);
        let texts: Vec<String> = Layout::from_page(&p).lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["a b c", "d"]);
    }

    #[test]
    fn stacked_lines_are_not_merged() {
        let p = page(vec![w("a", 0.1, 0.30, 1), w("b", 0.1, 0.315, 2)]);
        assert_eq!(Layout::from_page(&p).lines.len(), 2);
    }
}
