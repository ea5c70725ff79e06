//! Finding printed labels on lines, fuzzily, across one or more tokens.

use super::lines::{Layout, Line, COLUMN_GAP};
use crate::model::BBox;
use crate::text::{allowed_edits, bounded_levenshtein, label_key, levenshtein};

/// A printed label: Vietnamese variants, optionally followed by an English
/// translation after a slash (`Họ và tên / Full name:`), which is skipped.
#[derive(Debug, Clone, Copy)]
pub struct Label {
    /// The name rules use to ask for this label's values; labels that only exist to
    /// stop a neighbouring value share the key `"-"`.
    pub key: &'static str,
    pub vi: &'static [&'static str],
    pub en: &'static [&'static str],
}

impl Label {
    pub const fn new(
        key: &'static str,
        vi: &'static [&'static str],
        en: &'static [&'static str],
    ) -> Label {
        Label { key, vi, en }
    }
}

/// One occurrence of a label on a line: tokens `start..end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: &'static str,
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// 1.0 for an exact match, lower with each OCR edit absorbed.
    pub score: f32,
    pub bbox: BBox,
}

/// All label hits of a layout, sorted by line then position.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub all: Vec<Hit>,
}

impl Hits {
    /// Hits on `line`, left to right.
    pub fn on_line(&self, line: usize) -> impl Iterator<Item = (usize, &Hit)> {
        let from = self.all.partition_point(|h| h.line < line);
        self.all[from..]
            .iter()
            .enumerate()
            .take_while(move |(_, h)| h.line == line)
            .map(move |(i, h)| (from + i, h))
    }

    /// The hit covering token `tok` of `line`, if any.
    pub fn at(&self, line: usize, tok: usize) -> Option<&Hit> {
        self.on_line(line)
            .map(|(_, h)| h)
            .find(|h| h.start <= tok && tok < h.end)
    }

    /// Where the next label after token `from` starts on `line`, or the line's end.
    pub fn next_start(&self, line: usize, from: usize, line_len: usize) -> usize {
        self.on_line(line)
            .map(|(_, h)| h.start)
            .find(|&s| s >= from)
            .unwrap_or(line_len)
    }

    /// Indices of the hits of label `key`, in reading order.
    pub fn of(&self, key: &str) -> Vec<usize> {
        self.all
            .iter()
            .enumerate()
            .filter(|(_, h)| h.key == key)
            .map(|(i, _)| i)
            .collect()
    }
}

/// A label variant's matching key, the key of its last word, and its word count.
struct Variant {
    key: String,
    last: String,
    key_words: usize,
}

impl Variant {
    fn new(text: &str) -> Option<Variant> {
        let key = label_key(text);
        let last = text
            .split_whitespace()
            .map(label_key)
            .rfind(|k| !k.is_empty())
            .unwrap_or_default();
        let key_words = text
            .split_whitespace()
            .filter(|w| !label_key(w).is_empty())
            .count();
        (!key.is_empty()).then_some(Variant {
            key,
            last,
            key_words,
        })
    }
}

struct Keys {
    key: &'static str,
    vi: Vec<Variant>,
    en: Vec<Variant>,
}

/// Whether the window ends with the label's last word, allowing about one edit per
/// four letters. The last word is what tells `tên vợ` from `tên chồng`, and what a
/// fuzzy match would otherwise borrow from the value (`Họ và tên HOÀNG` is two edits
/// from `Họ và tên chồng`).
fn ends_with_last_word(window: &[char], last: &str) -> bool {
    let l: Vec<char> = last.chars().collect();
    if l.is_empty() {
        return true;
    }
    let allowed = (l.len() + 1) / 4;
    let last: String = l.iter().collect();
    [l.len().saturating_sub(1), l.len(), l.len() + 1]
        .into_iter()
        .filter(|&n| n > 0 && n <= window.len())
        .any(|n| {
            let tail: String = window[window.len() - n..].iter().collect();
            levenshtein(&last, &tail) <= allowed
        })
}

struct Candidate {
    key: &'static str,
    start: usize,
    end: usize,
    /// Characters of the label, less twice the edits: longer labels win over their own
    /// prefixes (`Họ, chữ đệm, tên người mẹ` over `Họ, chữ đệm, tên`), but not when
    /// they only match by absorbing errors (`... người cha` read on `... người mẹ`).
    weight: usize,
    score: f32,
}

/// Best match of `variant` starting at token `start`: `(end, distance)`.
fn match_at(line: &Line, start: usize, variant: &Variant) -> Option<(usize, usize)> {
    let key = variant.key.as_str();
    let first = line.tokens.get(start)?;
    if first.is_punct() {
        return None;
    }
    let len = key.chars().count();
    let k = allowed_edits(len);
    let mut window = String::new();
    let mut best: Option<(usize, usize)> = None;
    for (i, tok) in line.tokens.iter().enumerate().skip(start) {
        if tok.is_punct() {
            continue;
        }
        window.push_str(&tok.key);
        let wlen = window.chars().count();
        if wlen > len + k {
            break;
        }
        if wlen + k < len {
            continue;
        }
        if let Some(d) = bounded_levenshtein(key, &window, k) {
            let chars: Vec<char> = window.chars().collect();
            if best.is_none_or(|(_, bd)| d < bd)
                && (d == 0 || ends_with_last_word(&chars, &variant.last))
            {
                best = Some((i + 1, d));
            }
        }
    }
    best
}

fn best_of(line: &Line, start: usize, keys: &[Variant]) -> Option<(usize, usize, usize)> {
    keys.iter()
        .filter_map(|k| match_at(line, start, k).map(|(end, d)| (end, d, k.key.chars().count())))
        .max_by(|a, b| (a.2 as isize - 2 * a.1 as isize).cmp(&(b.2 as isize - 2 * b.1 as isize)))
}

/// Whether the label ending before token `end` is closed by a colon.
fn terminated(line: &Line, end: usize) -> bool {
    end > 0 && line.tokens[end - 1].has_colon()
        || line
            .tokens
            .get(end)
            .is_some_and(|t| t.is_punct() && t.text.starts_with([':', '：']))
}

fn first_word_after_punct(line: &Line, from: usize) -> usize {
    let mut i = from;
    while line.tokens.get(i).is_some_and(|t| t.is_punct()) {
        i += 1;
    }
    i
}

/// Whether only item numbering or punctuation precedes token `start`, or it opens a
/// column of its own: a card's field column beside the photo's, whose labels a scan
/// reads on the same line (`Có giá trị đến. Nơi thường trú: ...`).
fn at_line_start(line: &Line, start: usize) -> bool {
    line.gap_before(start) > COLUMN_GAP
        || line.tokens[..start]
            .iter()
            .all(|t| t.is_punct() || is_item_mark(&t.text))
}

/// An item number before a label as a scan reads it: OCR runs the margin's specks and
/// dashes into it and reads its period as a comma (`-2.`, `__2,`). Only where a label
/// follows: inside a value `2,` is a house number.
pub fn is_item_mark(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '_', '—', '–', '•', '*']);
    is_numbering(t)
        || t.strip_suffix(',')
            .is_some_and(|n| is_numbering(&format!("{n}.")))
}

/// An item number of a numbered form: `3.`, `10)`, `b.`, `*`.
pub fn is_numbering(text: &str) -> bool {
    let t = text.trim_end_matches(['.', ')']);
    text != t
        && ((t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 2)
            || (t.chars().count() == 1 && t.chars().all(char::is_alphabetic)))
}

/// Where the translation after a Vietnamese label ends when OCR garbled it past a
/// label match (`Quốc tịch / Nauonaliy:`, `Quê quán / Phace of œigin:`), so that a value
/// never starts with its own label's translation. It needs the slash that opens a
/// translation and, unless it also ends with the colon that closes a label, a closer
/// likeness, since the words after a slash may be the value.
///
/// Returns the end, the edits and the translation's length, weighed as a bilingual
/// label's are.
fn garbled_translation(line: &Line, end: usize, en: &[Variant]) -> Option<(usize, usize, usize)> {
    let after = first_word_after_punct(line, end);
    let slash = line.tokens[end.saturating_sub(1)..after.min(line.tokens.len())]
        .iter()
        .chain(line.tokens.get(after))
        .any(|t| t.text.contains('/'));
    if !slash {
        return None;
    }
    let mut best: Option<(usize, usize, usize)> = None;
    for v in en {
        let len = v.key.chars().count();
        let words = v.key_words;
        let mut window = String::new();
        for (i, tok) in line.tokens.iter().enumerate().skip(after).take(words + 1) {
            if tok.is_punct() {
                break;
            }
            window.push_str(&tok.key);
            let closed = terminated(line, i + 1);
            let d = levenshtein(&v.key, &window);
            // Half the letters may be wrong before a colon, a third without one.
            let ok = if closed { 2 * d <= len } else { 3 * d <= len };
            if ok && best.is_none_or(|(_, bd, _)| d < bd) {
                let e = if closed && line.tokens.get(i + 1).is_some_and(|t| t.is_punct()) {
                    i + 2
                } else {
                    i + 1
                };
                best = Some((e, d, len));
            }
            if closed {
                break;
            }
        }
    }
    best
}

/// Labels shorter than this must be closed by a colon or carry their translation, since
/// `Số` or `Sex` alone also occur inside values.
const SHORT_LABEL: usize = 5;

fn candidates(line: &Line, labels: &[Keys]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for start in 0..line.tokens.len() {
        for l in labels {
            let vi = best_of(line, start, &l.vi);
            let mut matched = None;
            if let Some((end, d, len)) = vi {
                let after = first_word_after_punct(line, end);
                match best_of(line, after, &l.en) {
                    Some((e2, d2, len2)) => matched = Some((e2, d + d2, len + len2, true)),
                    // The Vietnamese half vouches for the label; its translation only
                    // has to be told from the value.
                    None => match garbled_translation(line, end, &l.en) {
                        Some((e2, d2, len2)) => matched = Some((e2, d + d2, len + len2, true)),
                        None => matched = Some((end, d, len, false)),
                    },
                }
            } else if let Some((end, d, len)) = best_of(line, start, &l.en) {
                matched = Some((end, d, len, false));
            }
            let Some((end, d, len, bilingual)) = matched else {
                continue;
            };
            let closed = bilingual || terminated(line, end);
            if len < SHORT_LABEL && !closed {
                continue;
            }
            // Inside running text only an exact or colon-closed label counts: `Nam Định`
            // is one edit from `Năm sinh`.
            if d > 0 && !closed && !at_line_start(line, start) {
                continue;
            }
            out.push(Candidate {
                key: l.key,
                start,
                end,
                weight: len.saturating_sub(2 * d),
                score: 1.0 - d as f32 / len.max(1) as f32,
            });
        }
    }
    out
}

/// Finds every label of `vocab` on every line. Where matches overlap the longest label
/// wins, so a line holds at most one label per token and values end where the next
/// label starts.
pub fn find_hits(layout: &Layout, vocab: &[Label]) -> Hits {
    let labels: Vec<Keys> = vocab
        .iter()
        .map(|l| Keys {
            key: l.key,
            vi: l.vi.iter().filter_map(|v| Variant::new(v)).collect(),
            en: l.en.iter().filter_map(|v| Variant::new(v)).collect(),
        })
        .collect();
    let mut all = Vec::new();
    for (li, line) in layout.lines.iter().enumerate() {
        let mut cands = candidates(line, &labels);
        cands.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then(b.score.total_cmp(&a.score))
                .then(a.start.cmp(&b.start))
        });
        let mut taken = vec![false; line.tokens.len()];
        let mut chosen: Vec<Candidate> = Vec::new();
        for c in cands {
            if taken[c.start..c.end].iter().any(|&t| t) {
                continue;
            }
            taken[c.start..c.end].iter_mut().for_each(|t| *t = true);
            chosen.push(c);
        }
        chosen.sort_by_key(|c| c.start);
        for c in chosen {
            let bbox = line.tokens[c.start..c.end]
                .iter()
                .fold(line.tokens[c.start].bbox, |acc, t| acc.union(&t.bbox));
            all.push(Hit {
                key: c.key,
                line: li,
                start: c.start,
                end: c.end,
                score: c.score,
                bbox,
            });
        }
    }
    Hits { all }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_marks_survive_the_margin_and_a_comma() {
        for mark in ["2.", "-2.", "__2,", "2,", "b.", "10)"] {
            assert!(is_item_mark(mark), "{mark}");
        }
        for word in ["Tổ", "2", "-", "31,5", "123,"] {
            assert!(!is_item_mark(word), "{word}");
        }
    }

    fn layout(lines: &[&str]) -> Layout {
        let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
        crate::layout::test_layout(&at_margin)
    }

    const VOCAB: &[Label] = &[
        Label {
            key: "name",
            vi: &["Họ và tên", "Họ, chữ đệm, tên"],
            en: &["Full name"],
        },
        Label {
            key: "mother",
            vi: &["Họ, chữ đệm, tên người mẹ"],
            en: &[],
        },
        Label {
            key: "sex",
            vi: &["Giới tính"],
            en: &["Sex"],
        },
        Label {
            key: "number",
            vi: &["Số"],
            en: &["No."],
        },
    ];

    fn keys(l: &Layout) -> Vec<(&'static str, usize, usize, usize)> {
        find_hits(l, VOCAB)
            .all
            .iter()
            .map(|h| (h.key, h.line, h.start, h.end))
            .collect()
    }

    #[test]
    fn bilingual_label_spans_the_translation() {
        let l = layout(&["Họ và tên / Full name: NGUYỄN VĂN AN"]);
        assert_eq!(keys(&l), [("name", 0, 0, 6)]);
    }

    #[test]
    fn dropped_tones_and_ocr_errors_still_match() {
        let l = layout(&[
            "Ho va tèn / FuII narne: NGUYEN VAN AN",
            "Gioi tinh / 5ex: Nam",
        ]);
        assert_eq!(keys(&l), [("name", 0, 0, 6), ("sex", 1, 0, 4)]);
    }

    #[test]
    fn a_translation_garbled_past_a_match_is_still_not_the_value() {
        const ORIGIN: &[Label] = &[Label {
            key: "origin",
            vi: &["Quê quán"],
            en: &["Place of origin"],
        }];
        let hits = |lines: &[&str]| -> Vec<(usize, usize)> {
            find_hits(&layout(lines), ORIGIN)
                .all
                .iter()
                .map(|h| (h.start, h.end))
                .collect()
        };
        // Closed by a colon: half its letters may be wrong.
        assert_eq!(
            hits(&["Quê quán / Phace of œigin: Phường Hải Châu"]),
            [(0, 6)]
        );
        assert_eq!(
            hits(&["Quê quán /Phace 0f œigin : Phường Hải Châu"]),
            [(0, 6)]
        );
        // Without its colon it must look closer.
        assert_eq!(hits(&["Quê quán / Piace of orgin Xã Tân Hiệp"]), [(0, 6)]);
        // A translation OCR put out of order still weighs more than its own words
        // taken for a label of their own.
        assert_eq!(hits(&["Quê quán / of Piace orgin: Xã Tân Hiệp"]), [(0, 6)]);
        // After a slash, words unlike the translation are the value.
        assert_eq!(hits(&["Quê quán / Phường Hải Châu"]), [(0, 2)]);
        // Without a slash nothing is taken for a translation.
        assert_eq!(hits(&["Quê quán: Phace of œigin Hải Châu"]), [(0, 2)]);
    }

    #[test]
    fn longest_label_wins() {
        let l = layout(&["Họ, chữ đệm, tên người mẹ: TRẦN THỊ BÌNH"]);
        assert_eq!(keys(&l), [("mother", 0, 0, 6)]);
    }

    #[test]
    fn short_label_needs_colon_or_translation() {
        let l = layout(&["Số nhà 5 phố Huế", "Số: 123", "Số / No.: 001099012345"]);
        assert_eq!(keys(&l), [("number", 1, 0, 1), ("number", 2, 0, 3)]);
    }

    #[test]
    fn a_label_does_not_borrow_its_last_word_from_the_value() {
        const SPOUSES: &[Label] = &[
            Label {
                key: "husband",
                vi: &["Họ và tên chồng"],
                en: &[],
            },
            Label {
                key: "name",
                vi: &["Họ và tên"],
                en: &[],
            },
        ];
        let l = layout(&["Họ và tên HOÀNG THỊ MAI", "Họ và tên chông: ĐINH VĂN TÚ"]);
        let hits: Vec<_> = find_hits(&l, SPOUSES)
            .all
            .iter()
            .map(|h| (h.key, h.line, h.end))
            .collect();
        assert_eq!(hits, [("name", 0, 3), ("husband", 1, 4)]);
    }

    #[test]
    fn two_labels_on_one_line() {
        let l = layout(&["Giới tính / Sex: Nam   Số: 5"]);
        assert_eq!(keys(&l), [("sex", 0, 0, 4), ("number", 0, 5, 6)]);
    }
}
