//! Per-page evidence for each document type.

use super::keywords::{keywords, Face, TYPES};
use crate::codes::{mrz::looks_like_line1, parse_qr};
use crate::layout::Layout;
use crate::model::{DocumentType, PageText};
use crate::text::{allowed_edits, label_key, substring_match};

/// What one page says about its type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageSignals {
    /// Summed keyword evidence per type, in `TYPES` order.
    pub scores: [f32; TYPES.len()],
    /// A title (or, for ID cards, a machine-readable code) names the type outright.
    pub titled: [bool; TYPES.len()],
    pub front: bool,
    pub back: bool,
    /// The front's keywords reach `FACE_MIN` however much the back's outweigh them: a
    /// page that shows a front beside a back, whose zone weighs heavily, has them.
    pub front_labels: bool,
    /// The page shows the 2021 chip card's front (see `Face::ChipFront`).
    pub chip_front: bool,
}

/// A title counts in full when its match covers at least this share of the line.
const TITLE_COVERAGE: f32 = 0.5;
/// A title that is only mentioned inside a sentence counts this much.
const MENTION_FACTOR: f32 = 0.1;
/// A 2021-only keyword must weigh this much to mark the chip card's front: a fuzzy
/// match of one is weaker.
const CHIP_FRONT_MIN: f32 = 1.0;
/// Weight of a card's own QR payload or MRZ: each decides the type on its own.
const CODE_WEIGHT: f32 = 5.0;
/// A face's keywords must add up to this much to mark the page as that face...
const FACE_MIN: f32 = 2.0;
/// ...and to this share of the other face's: labels fuzzily found inside the other
/// face's longer labels ("date of birth" in "place of birth registration") are weak.
const FACE_SHARE: f32 = 0.3;

fn index(t: DocumentType) -> usize {
    TYPES.iter().position(|x| *x == t).unwrap_or(0)
}

impl PageSignals {
    pub fn score(&self, t: DocumentType) -> f32 {
        if t == DocumentType::Unknown {
            return 0.0;
        }
        self.scores[index(t)]
    }

    pub fn is_titled(&self, t: DocumentType) -> bool {
        t != DocumentType::Unknown && self.titled[index(t)]
    }

    /// The best type and its score, and the runner-up's score.
    pub fn best(&self) -> (DocumentType, f32, f32) {
        let mut order: Vec<usize> = (0..TYPES.len()).collect();
        order.sort_by(|&a, &b| self.scores[b].total_cmp(&self.scores[a]));
        (
            TYPES[order[0]],
            self.scores[order[0]],
            self.scores[order[1]],
        )
    }
}

/// Quality (1 - edits/length) and coverage of `key`'s best match in `text`.
fn find(key: &str, text: &str) -> Option<(f32, f32)> {
    let len = key.chars().count();
    let (s, e, d) = substring_match(key, text, allowed_edits(len))?;
    let total = text.chars().count().max(1);
    Some((1.0 - d as f32 / len as f32, (e - s) as f32 / total as f32))
}

/// Whether `text` holds a run of digits as long as an id number's shortest (a CMND's).
/// A single space inside the run does not end it: print and OCR both space ids into
/// groups (`0481 93667226`).
fn has_number(text: &str) -> bool {
    let mut run = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 9 {
                return true;
            }
        } else if !(c == ' ' && run > 0 && chars.peek().is_some_and(char::is_ascii_digit)) {
            run = 0;
        }
    }
    false
}

/// Scores one page from its lines and barcodes.
pub fn page_signals(page: &PageText) -> PageSignals {
    let layout = Layout::from_page(page);
    let keys: Vec<String> = layout.lines.iter().map(|l| l.key()).collect();
    // Titles wrap: also try each line joined with the next.
    let pairs: Vec<String> = keys
        .windows(2)
        .map(|w| format!("{}{}", w[0], w[1]))
        .collect();
    // A line that carries a number is a sentence mentioning a title ("Căn cước công
    // dân số 079188282579"), never the title itself.
    let numbered: Vec<bool> = layout.lines.iter().map(|l| has_number(&l.text())).collect();
    let numbered_pairs: Vec<bool> = numbered.windows(2).map(|w| w[0] || w[1]).collect();
    let mut s = PageSignals::default();
    let (mut front, mut back) = (0.0f32, 0.0f32);
    for (ti, t) in TYPES.iter().enumerate() {
        for k in keywords(*t) {
            let key = label_key(k.text);
            let mut best = 0.0f32;
            let mut titled = false;
            let joined: &[String] = if k.title { &pairs } else { &[] };
            let with_number = numbered.iter().chain(numbered_pairs.iter());
            for (text, numbered) in keys.iter().chain(joined.iter()).zip(with_number) {
                let Some((quality, coverage)) = find(&key, text) else {
                    continue;
                };
                let full = !k.title || (coverage >= TITLE_COVERAGE && !numbered);
                let w = k.weight * quality * if full { 1.0 } else { MENTION_FACTOR };
                if w.abs() > best.abs() {
                    best = w;
                }
                titled |= k.title && full;
            }
            if best < 0.0 {
                s.scores[ti] += best;
            } else if best > 0.0 {
                s.scores[ti] += best;
                s.titled[ti] |= titled;
                match k.face {
                    Some(Face::Front) => front += best,
                    Some(Face::ChipFront) => {
                        front += best;
                        s.chip_front |= best >= CHIP_FRONT_MIN;
                    }
                    Some(Face::Back) => back += best,
                    None => {}
                }
            }
        }
    }
    let ci = index(DocumentType::CitizenId);
    if layout.lines.iter().any(|l| looks_like_line1(&l.text())) {
        s.scores[ci] += CODE_WEIGHT;
        s.titled[ci] = true;
        back += CODE_WEIGHT;
    }
    s.front_labels = front >= FACE_MIN;
    s.front = s.front_labels && front >= FACE_SHARE * back;
    s.back = back >= FACE_MIN && back >= FACE_SHARE * front;
    if page.barcodes.iter().any(|b| parse_qr(&b.payload).is_some()) {
        s.scores[ci] += CODE_WEIGHT;
        s.titled[ci] = true;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::page;

    #[test]
    fn title_line_decides() {
        let s = page_signals(&page(
            1,
            &[
                (0.05, 0.3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (0.1, 0.35, "GIAY KHAI SlNH"),
            ],
        ));
        assert_eq!(s.best().0, DocumentType::BirthCertificate);
        assert!(s.is_titled(DocumentType::BirthCertificate));
    }

    #[test]
    fn a_title_mentioned_in_a_sentence_is_weak() {
        let s = page_signals(&page(
            1,
            &[(
                0.1,
                0.1,
                "Loại giấy tờ pháp lý của cá nhân: Căn cước công dân",
            )],
        ));
        assert!(!s.is_titled(DocumentType::CitizenId));
        assert!(s.score(DocumentType::CitizenId) < 2.5);
    }

    #[test]
    fn a_title_followed_by_its_number_is_a_mention() {
        let s = page_signals(&page(
            1,
            &[
                (0.1, 0.1, "Giấy tờ tùy thân:"),
                (0.12, 0.15, "Căn cước công dân số 079188282579"),
            ],
        ));
        assert!(!s.is_titled(DocumentType::CitizenId));
        assert!(s.score(DocumentType::CitizenId) < 2.5, "{s:?}");
        // The number spaced into groups is a number all the same.
        let s = page_signals(&page(
            1,
            &[
                (0.1, 0.1, "Giấy tờ tùy thân:"),
                (0.12, 0.15, "Căn cước công dân số 0481 93667226"),
            ],
        ));
        assert!(!s.is_titled(DocumentType::CitizenId), "{s:?}");
    }

    #[test]
    fn a_number_spaced_into_groups_is_one_run() {
        assert!(has_number("số 0481 93667226"));
        assert!(has_number("001 088 073 688"));
        // Short numbers apart are no id: a date, a book number.
        assert!(!has_number("ngày 12 03 2017"));
        assert!(!has_number("Số: 33 Quyển số: 05"));
    }

    #[test]
    fn mrz_line_marks_a_card_back() {
        let s = page_signals(&page(1, &[(0.7, 0.05, "IDVNM0990123459001099012345<<2")]));
        assert!(s.is_titled(DocumentType::CitizenId));
        assert!(s.back && !s.front);
    }

    #[test]
    fn passport_labels_are_not_a_citizen_id() {
        let s = page_signals(&page(
            1,
            &[
                (0.1, 0.1, "HỘ CHIẾU / PASSPORT"),
                (0.2, 0.1, "Ngày sinh / Date of birth: 05/03/1999"),
                (0.25, 0.1, "Quốc tịch / Nationality: VIỆT NAM"),
                (0.3, 0.1, "Ngày hết hạn / Date of expiry: 05/03/2029"),
            ],
        ));
        assert!(s.score(DocumentType::CitizenId) < 2.5, "{s:?}");
    }
}
