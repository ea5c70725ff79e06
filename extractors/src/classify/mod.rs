//! Which document type each page shows, and which pages form one document.

pub mod keywords;
pub mod segment;
pub mod signals;

pub use keywords::Keyword;
pub use segment::{segment, Segment};
pub use signals::{page_signals, PageSignals};

use crate::model::{DocumentType, PageText};

/// Whether a page with these signals reads more like an ID card than anything else:
/// the pages `reread` considers, since a card's print is small on an A4 sheet
/// or in a photo.
pub fn is_card(signals: &PageSignals) -> bool {
    let (best, score, _) = signals.best();
    best == DocumentType::CitizenId && score > 0.0
}

/// The mean confidence of the page's words of two characters or more (single marks
/// and specks say nothing of how well the text read), or `None` without any.
pub fn mean_confidence(page: &PageText) -> Option<f32> {
    let words: Vec<f32> = page
        .words
        .iter()
        .filter(|w| w.text.chars().count() > 1)
        .map(|w| w.confidence)
        .collect();
    (!words.is_empty()).then(|| words.iter().sum::<f32>() / words.len() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::page;

    fn with_confidence(mut p: PageText, confidence: f32) -> PageText {
        p.words.iter_mut().for_each(|w| w.confidence = confidence);
        p
    }

    #[test]
    fn card_pages_and_their_confidence() {
        let card = page(
            1,
            &[
                (0.1, 0.3, "CĂN CƯỚC CÔNG DÂN"),
                (0.14, 0.3, "Họ và tên / Full name: NGUYỄN VĂN AN"),
            ],
        );
        assert!(is_card(&page_signals(&card)));
        let mean = mean_confidence(&with_confidence(card, 0.7)).unwrap_or(0.0);
        assert!((mean - 0.7).abs() < 1e-4, "{mean}");
        let certificate = page(
            1,
            &[
                (0.1, 0.3, "GIẤY KHAI SINH"),
                (0.14, 0.3, "Họ, chữ đệm, tên: AN"),
            ],
        );
        assert!(!is_card(&page_signals(&certificate)));
        assert!(!is_card(&page_signals(&page(1, &[]))));
        assert_eq!(mean_confidence(&page(1, &[])), None);
    }
}
