//! Grouping pages into documents.

use super::signals::{page_signals, PageSignals};
use crate::model::{DocumentType, PageText};

/// Below this score a page is not evidence of any type.
const MIN_SCORE: f32 = 2.5;

/// One document: its type, the indices of its pages in the input, how sure we are.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub doc_type: DocumentType,
    pub pages: Vec<usize>,
    pub confidence: f32,
    front: bool,
    back: bool,
}

/// Confidence that a page is of its best type: saturating in the evidence, reduced
/// when a second type has comparable evidence.
fn confidence(best: f32, second: f32) -> f32 {
    if best <= 0.0 {
        return 0.0;
    }
    let strength = 1.0 - (-best / 3.0).exp();
    let margin = 1.0 - 0.5 * (second / best).min(1.0);
    crate::fields::common::round3(strength * margin)
}

/// Confidence that a page matches none of the types.
fn unknown_confidence(best: f32) -> f32 {
    crate::fields::common::round3((0.95 - 0.45 * (best / MIN_SCORE)).clamp(0.5, 0.95))
}

fn continues(prev: &Segment, s: &PageSignals) -> bool {
    if prev.doc_type == DocumentType::Unknown {
        return false;
    }
    let (best, best_score, _) = s.best();
    if prev.doc_type == DocumentType::CitizenId && best == DocumentType::CitizenId {
        // The other face of the same card; a second front starts another card.
        let fills_gap = (prev.front && !prev.back && s.back && !s.front)
            || (prev.back && !prev.front && s.front && !s.back);
        return fills_gap;
    }
    if s.titled.iter().any(|t| *t) {
        return false;
    }
    let own = s.score(prev.doc_type);
    own > 0.0 && (best == prev.doc_type || best_score < MIN_SCORE)
}

/// What the page says about its type, from whichever of its readings says it loudest:
/// a card is read again where the first reading was unsure of it.
fn strongest_signals(page: &PageText) -> PageSignals {
    (0..page.rereadings.len())
        .filter_map(|i| page.reread(i))
        .map(|view| page_signals(&view))
        .fold(page_signals(page), |best, other| {
            if other.best().1 > best.best().1 {
                other
            } else {
                best
            }
        })
}

/// Splits `pages` into documents: a titled page starts one, a following page without
/// a title that still carries the same document's labels continues it, and the other
/// face of an ID card joins its first face.
pub fn segment(pages: &[PageText]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let s = strongest_signals(page);
        let (best, best_score, second) = s.best();
        if let Some(prev) = out.last_mut() {
            if continues(prev, &s) {
                prev.pages.push(i);
                prev.front |= s.front;
                prev.back |= s.back;
                continue;
            }
        }
        let seg = if best_score >= MIN_SCORE {
            Segment {
                doc_type: best,
                pages: vec![i],
                confidence: confidence(best_score, second),
                front: s.front,
                back: s.back,
            }
        } else {
            Segment {
                doc_type: DocumentType::Unknown,
                pages: vec![i],
                confidence: unknown_confidence(best_score),
                front: false,
                back: false,
            }
        };
        out.push(seg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::page;

    fn front(n: u32) -> PageText {
        page(
            n,
            &[
                (0.2, 0.4, "CĂN CƯỚC CÔNG DÂN"),
                (0.4, 0.3, "Họ và tên / Full name:"),
                (0.5, 0.3, "Ngày sinh / Date of birth: 05/03/1999"),
            ],
        )
    }

    fn back(n: u32) -> PageText {
        page(
            n,
            &[
                (0.1, 0.05, "Đặc điểm nhân dạng / Personal identification:"),
                (
                    0.2,
                    0.05,
                    "Ngày, tháng, năm / Date, month, year: 10/08/2021",
                ),
            ],
        )
    }

    fn types(pages: &[PageText]) -> Vec<(DocumentType, Vec<usize>)> {
        segment(pages)
            .into_iter()
            .map(|s| (s.doc_type, s.pages))
            .collect()
    }

    #[test]
    fn back_joins_its_front_and_a_second_front_starts_a_card() {
        let pages = [front(1), back(2), front(3), back(4)];
        assert_eq!(
            types(&pages),
            [
                (DocumentType::CitizenId, vec![0, 1]),
                (DocumentType::CitizenId, vec![2, 3])
            ]
        );
    }

    #[test]
    fn the_2024_back_joins_a_front_that_names_the_personal_identification_number() {
        let front_2024 = page(
            1,
            &[
                (0.2, 0.35, "CĂN CƯỚC"),
                (
                    0.4,
                    0.3,
                    "Số định danh cá nhân/Personal identification number:",
                ),
                (0.5, 0.3, "Ngày, tháng, năm sinh/Date of birth: 17/09/1952"),
            ],
        );
        let back_2024 = page(
            2,
            &[
                (
                    0.1,
                    0.05,
                    "Nơi đăng ký khai sinh/Place of birth registration:",
                ),
                (0.2, 0.05, "Ngày, tháng, năm cấp/Date of issue: 29/09/2024"),
                (0.7, 0.05, "IDVNM0524695487027052469548<<0"),
            ],
        );
        assert_eq!(
            types(&[front_2024, back_2024]),
            [(DocumentType::CitizenId, vec![0, 1])]
        );
    }

    #[test]
    fn two_titled_certificates_are_two_documents() {
        let bc = |n| {
            page(
                n,
                &[
                    (0.1, 0.4, "GIẤY KHAI SINH"),
                    (0.2, 0.1, "Họ, chữ đệm, tên: A"),
                ],
            )
        };
        assert_eq!(
            types(&[bc(1), bc(2)]),
            [
                (DocumentType::BirthCertificate, vec![0]),
                (DocumentType::BirthCertificate, vec![1])
            ]
        );
    }

    #[test]
    fn untitled_page_with_the_same_labels_continues() {
        let p1 = page(
            1,
            &[
                (0.1, 0.2, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"),
                (0.2, 0.1, "Mã số doanh nghiệp: 0101234567"),
            ],
        );
        let p2 = page(
            2,
            &[
                (0.1, 0.1, "4. Người đại diện theo pháp luật của công ty"),
                (0.2, 0.1, "Họ và tên: A"),
            ],
        );
        assert_eq!(
            types(&[p1, p2]),
            [(DocumentType::BusinessRegistration, vec![0, 1])]
        );
    }

    #[test]
    fn unrelated_and_blank_pages_are_unknown_documents_of_their_own() {
        let letter = page(
            2,
            &[
                (0.1, 0.3, "ĐƠN XIN VIỆC"),
                (0.2, 0.1, "Họ và tên: Lý Văn Phúc"),
            ],
        );
        let blank = page(3, &[]);
        let segs = segment(&[front(1), letter, blank]);
        let t: Vec<(DocumentType, Vec<usize>)> =
            segs.iter().map(|s| (s.doc_type, s.pages.clone())).collect();
        assert_eq!(
            t,
            [
                (DocumentType::CitizenId, vec![0]),
                (DocumentType::Unknown, vec![1]),
                (DocumentType::Unknown, vec![2])
            ]
        );
        assert!(segs[0].confidence > 0.9);
        assert!(segs[2].confidence >= 0.9);
    }

    #[test]
    fn confidence_grows_with_evidence_and_shrinks_with_a_rival() {
        assert!(confidence(9.0, 0.0) > confidence(3.0, 0.0));
        assert!(confidence(9.0, 6.0) < confidence(9.0, 0.0));
        assert_eq!(confidence(0.0, 0.0), 0.0);
    }
}
