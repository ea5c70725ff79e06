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
        // Specks read as single letters beside a line are far shorter than its words
        // and would shrink every gap measured in line heights.
        let words: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.text.chars().count() > 1)
            .collect();
        let mut heights: Vec<f32> = if words.is_empty() {
            tokens.iter().map(|t| t.bbox.height()).collect()
        } else {
            words.iter().map(|t| t.bbox.height()).collect()
        };
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
        super::token::joined_text(&self.tokens)
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
/// Inside a line, a gap wider than this many line heights is a column break.
pub(crate) const COLUMN_GAP: f32 = 2.5;
/// How many lines either side a row looks through for the one it is most level with.
const LEVEL_LOOKAROUND: usize = 4;

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
///
/// Each row follows its words from left to right, so a line photographed at a slant,
/// whose last words sit lower than its first, stays one row instead of breaking where
/// it drifts past half a word's height.
fn split_rows(mut tokens: Vec<Token>, solid: f32) -> Vec<Vec<Token>> {
    tokens.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    // Per row: the box of its last word of ordinary height, and its words.
    let mut rows: Vec<(Anchor, Vec<Token>)> = Vec::new();
    for t in tokens {
        let best = rows
            .iter()
            .enumerate()
            .filter(|(_, (last, _))| {
                vertical_overlap(&last.bbox, &t.bbox) >= SAME_LINE_OVERLAP || last.continued_by(&t)
            })
            .max_by(|(_, (a, _)), (_, (b, _))| a.fit(&t, b))
            .map(|(i, _)| i);
        match best {
            Some(i) => {
                let (last, row) = &mut rows[i];
                last.follow(&t, solid);
                row.push(t);
            }
            None => rows.push((Anchor::of(&t, solid), vec![t])),
        }
    }
    rows.sort_by(|a, b| {
        let cy = |r: &Vec<Token>| {
            r.iter()
                .map(|t| t.bbox.center_y())
                .fold(f32::INFINITY, f32::min)
        };
        cy(&a.1).total_cmp(&cy(&b.1))
    });
    rows.into_iter().map(|(_, row)| row).collect()
}

/// A word that starts within this many of its row's last word's heights after it...
const NEXT_WORD_GAP: f32 = 2.5;
/// ...continues the row at this much vertical overlap: a line photographed at a steep
/// slant drifts by half a word's height within a few words.
const SLANT_OVERLAP: f32 = 0.25;

/// A word this many times taller than its row's last word is a mark, not text.
const TALL_MARK: f32 = 1.5;

/// A mark under this share of the page's median word height is a speck of dust or
/// guilloche that OCR read as a letter or a stroke, not print.
const SPECK_HEIGHT: f32 = 0.4;

fn median_word_height<'a>(tokens: impl Iterator<Item = &'a Token>) -> f32 {
    let mut heights: Vec<f32> = tokens
        .filter(|t| t.text.chars().count() > 1)
        .map(|t| t.bbox.height())
        .collect();
    heights.sort_by(f32::total_cmp);
    heights.get(heights.len() / 2).copied().unwrap_or(0.0)
}

/// A lone letter or digit too small to be print. Marks are left to the rules, which
/// already tell a label's colon from a speck.
fn is_speck(t: &Token, speck: f32) -> bool {
    !t.is_punct() && t.text.chars().count() == 1 && t.bbox.height() < speck
}

/// A word under this share of the page's median word height is too small to lead a
/// row: a speck OCR read as letters (`si`), or a mark.
const SOLID_HEIGHT: f32 = 0.7;

/// The box a row of a slanted line is followed by: its last word of ordinary height.
struct Anchor {
    bbox: BBox,
    /// Whether `bbox` is a word of print's height, rather than a mark or a speck the
    /// row opened with.
    solid: bool,
}

impl Anchor {
    fn of(t: &Token, solid: f32) -> Anchor {
        Anchor {
            bbox: t.bbox,
            solid: !t.is_punct() && t.bbox.height() >= solid,
        }
    }

    /// Whether `t` continues this row better than `other`'s, for a word that overlaps
    /// both rows' anchors: a row led by a word of print's height beats one led so far
    /// by a mark or a speck, then the more overlap, then the nearer middle.
    fn fit(&self, t: &Token, other: &Anchor) -> std::cmp::Ordering {
        let overlap = |a: &Anchor| vertical_overlap(&a.bbox, &t.bbox);
        let distance = |a: &Anchor| (a.bbox.center_y() - t.bbox.center_y()).abs();
        self.solid
            .cmp(&other.solid)
            .then(overlap(self).total_cmp(&overlap(other)))
            .then(distance(other).total_cmp(&distance(self)))
    }

    /// Whether `t` is the next word after the anchor on a slanted line: a word of the
    /// anchor's height (not a dash or a speck beside the line), just right of it, and
    /// still level with it by some share of its height. A block's next row starts back
    /// at the left, never there.
    fn continued_by(&self, t: &Token) -> bool {
        let h = self.bbox.height();
        let gap = t.bbox.x0 - self.bbox.x1;
        self.solid
            && !t.is_punct()
            && t.bbox.height() >= SOLID_HEIGHT * h
            && gap >= -0.2 * h
            && gap <= NEXT_WORD_GAP * h
            && vertical_overlap(&self.bbox, &t.bbox) >= SLANT_OVERLAP
    }

    /// Moves the anchor onto `t` when it is a word of the row's height. A tall mark (a
    /// bracket, a rule) would let the row jump to the next line, and a short one (the
    /// slash between a label and its translation, a speck) would hold it at the mark's
    /// height so that the next word, of full height, no longer replaces it.
    fn follow(&mut self, t: &Token, solid: f32) {
        if t.is_punct() {
            return;
        }
        if !self.solid || t.bbox.height() <= TALL_MARK * self.bbox.height() {
            *self = Anchor::of(t, solid);
        }
    }
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
        let median = median_word_height(groups.values().flatten());
        let rows: Vec<(u32, Vec<Token>)> = groups
            .into_iter()
            .flat_map(|(id, tokens)| {
                split_rows(tokens, SOLID_HEIGHT * median)
                    .into_iter()
                    .map(move |row| (id, row))
            })
            .collect();
        let speck = SPECK_HEIGHT * median;
        // Each line with the engine lines its rows came from.
        let mut lines: Vec<(Vec<u32>, Line)> = rows
            .into_iter()
            .filter(|(_, row)| !row.iter().all(|t| is_speck(t, speck)))
            .filter_map(|(id, tokens)| Some((vec![id], Line::new(page.page, page.method, tokens)?)))
            .collect();
        lines.sort_by(|a, b| a.1.bbox.center_y().total_cmp(&b.1.bbox.center_y()));
        // Rows side by side (a label beside the photo, its value's line in the field
        // column) are one line. The most level pair joins first, so a row level with two
        // such lines joins the one the engine read it with (a slanted line's end, level
        // with the next line's start), or else the one it is most level with (a label
        // read on its own beside the lines of the field column), whichever comes first.
        let fit = |(ids_a, a): &(Vec<u32>, Line), (ids_b, b): &(Vec<u32>, Line)| {
            let level = vertical_overlap(&a.bbox, &b.bbox);
            // Ranked by the taller one's height: a speck is wholly level with any line.
            let rank = level * a.bbox.height().min(b.bbox.height())
                / a.bbox.height().max(b.bbox.height()).max(1e-4);
            let apart = !a.tokens.iter().any(|x| {
                b.tokens
                    .iter()
                    .any(|y| horizontal_overlap(&x.bbox, &y.bbox) > 0.0)
            });
            let read_together = ids_a.iter().any(|id| ids_b.contains(id));
            (level >= SAME_LINE_OVERLAP && apart).then_some((read_together, rank))
        };
        let better = |a: &(bool, f32), b: &(bool, f32)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1));
        let mut merged = lines;
        loop {
            let best = (0..merged.len())
                .flat_map(|i| {
                    (i + 1..merged.len().min(i + 1 + LEVEL_LOOKAROUND)).map(move |j| (i, j))
                })
                .filter_map(|(i, j)| Some((fit(&merged[i], &merged[j])?, i, j)))
                .max_by(|a, b| better(&a.0, &b.0));
            let Some((_, i, j)) = best else {
                break;
            };
            let (ids, line) = merged.remove(j);
            let (into_ids, into) = &mut merged[i];
            into_ids.extend(ids);
            let mut tokens = std::mem::take(&mut into.tokens);
            tokens.extend(line.tokens);
            if let Some(new) = Line::new(into.page, into.method, tokens) {
                *into = new;
            }
            merged.sort_by(|a, b| a.1.bbox.center_y().total_cmp(&b.1.bbox.center_y()));
        }
        let mut merged: Vec<Line> = merged.into_iter().map(|(_, line)| line).collect();
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

    /// A word with its box as read: `x0, y0, x1, y1`.
    fn b(text: &str, x0: f32, y0: f32, x1: f32, y1: f32, line: u32) -> Word {
        Word {
            text: text.into(),
            bbox: BBox::new(x0, y0, x1, y1),
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
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
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
    fn a_label_read_on_its_own_joins_the_line_it_is_most_level_with() {
        // A card's expiry label, read again beside the photo as a line of its own,
        // overlaps the place of origin's line above by half its height and the
        // residence's line, whose centre lies below its own, wholly.
        let p = page(vec![
            b("Xã", 0.406, 0.2637, 0.418, 0.2754, 13),
            b("Nghĩa", 0.422, 0.2637, 0.448, 0.2754, 13),
            b("Nơi", 0.408, 0.2712, 0.421, 0.2849, 15),
            b("thường", 0.424, 0.2712, 0.447, 0.2849, 15),
            b("Có", 0.311, 0.2713, 0.317, 0.2791, 30),
            b("giá", 0.321, 0.2713, 0.331, 0.2791, 30),
        ]);
        let texts: Vec<String> = Layout::from_page(&p).lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["Xã Nghĩa", "Có giá Nơi thường"]);
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
    fn a_slanted_line_stays_one_row_and_keeps_off_the_next() {
        // Each word sits a little lower than the one before, by more than half a word's
        // height from first to last; the next line starts where this one ends.
        let p = page(vec![
            w("Nơi", 0.10, 0.300, 1),
            w("cư", 0.16, 0.304, 1),
            w("trú:", 0.22, 0.308, 1),
            w("Hưng", 0.30, 0.312, 1),
            w("Yên", 0.38, 0.316, 1),
            w("Họ", 0.10, 0.320, 2),
            w("tên:", 0.16, 0.324, 2),
            w("AN", 0.24, 0.328, 2),
        ]);
        let texts: Vec<String> = Layout::from_page(&p).lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["Nơi cư trú: Hưng Yên", "Họ tên: AN"]);
    }

    #[test]
    fn phone_photos_slanted_lines_stay_rows() {
        let cases: [(Vec<Word>, &[&str]); 2] = [
            // A place of origin rising by a word's height: `Xã` overlaps `649)` by just
            // under half of it, and still continues the row.
            (
                vec![
                    b("Quê", 0.3761, 0.2869, 0.3914, 0.2914, 8),
                    b("quán", 0.3952, 0.2855, 0.4142, 0.2905, 8),
                    b("/", 0.418, 0.2855, 0.4193, 0.2882, 8),
                    b("Piece", 0.4231, 0.2837, 0.4435, 0.2873, 8),
                    b("0f", 0.4473, 0.2819, 0.4543, 0.2864, 8),
                    b("649)", 0.4574, 0.2815, 0.4797, 0.286, 8),
                    b("Xã", 0.4867, 0.2783, 0.4975, 0.2837, 8),
                    b("Hòa", 0.5019, 0.2778, 0.5203, 0.2824, 8),
                    b("Thuận,", 0.5248, 0.2747, 0.554, 0.281, 8),
                    b("Sơn", 0.3767, 0.2941, 0.3939, 0.2995, 9),
                    b("La", 0.3983, 0.2932, 0.4085, 0.2982, 9),
                ],
                &["Quê quán / Piece 0f 649) Xã Hòa Thuận,", "Sơn La"],
            ),
            // The sex and nationality line rising to the right: the slash before
            // `Nationality` is too short to anchor the row, and the words after it must
            // still join it rather than the date of birth's line above.
            (
                vec![
                    b("Ngày", 0.3655, 0.599, 0.4029, 0.6227, 9),
                    b("sinh", 0.4093, 0.5956, 0.4385, 0.6151, 9),
                    b("/", 0.4467, 0.5956, 0.4486, 0.6032, 9),
                    b("Date", 0.4549, 0.5939, 0.4879, 0.6117, 9),
                    b("of", 0.4937, 0.5888, 0.5082, 0.6074, 9),
                    b("birth:", 0.514, 0.5863, 0.5514, 0.6058, 9),
                    b("31/01/1951", 0.5584, 0.5745, 0.6548, 0.6024, 9),
                    b("Quốc", 0.578, 0.6168, 0.6161, 0.6396, 10),
                    b("tịch", 0.6225, 0.6134, 0.6485, 0.6362, 10),
                    b("/", 0.6542, 0.6142, 0.658, 0.6286, 10),
                    b("Nationality:", 0.665, 0.6066, 0.7487, 0.6294, 10),
                    b("Việt", 0.7608, 0.5973, 0.7951, 0.6227, 10),
                    b("Nam", 0.8027, 0.5956, 0.8426, 0.6168, 10),
                ],
                &[
                    "Ngày sinh / Date of birth: 31/01/1951",
                    "Quốc tịch / Nationality: Việt Nam",
                ],
            ),
        ];
        for (words, expected) in cases {
            let lines = Layout::from_page(&page(words)).lines;
            let texts: Vec<String> = lines.iter().map(Line::text).collect();
            assert_eq!(texts, expected);
        }
    }

    #[test]
    fn specks_do_not_set_the_line_height() {
        let mut words = vec![w("Date", 0.10, 0.30, 1), w("expiry", 0.16, 0.30, 1)];
        for (i, t) in ["a", "`", "z"].iter().enumerate() {
            let x = 0.4 + 0.05 * i as f32;
            words.push(Word {
                text: (*t).into(),
                bbox: BBox::new(x, 0.31, x + 0.005, 0.313),
                confidence: 0.3,
                line: 1,
            });
        }
        let l = Layout::from_page(&page(words));
        assert!((l.lines[0].height - 0.02).abs() < 1e-4);
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
