//! Classification and field extraction for Vietnamese administrative documents.
//!
//! Pure functions over OCR words and decoded barcodes: this crate never does I/O,
//! so every rule here is tested from fixtures alone.
//!
//! - [`text`]: normalisation, OCR-tolerant folding and value parsers (dates, money, ids)
//! - [`layout`]: words to lines, labels to values
//! - [`classify`]: page types and document boundaries
//! - [`codes`]: the card's QR payload and MRZ
//! - [`fields`]: per-type field rules

pub mod classify;
pub mod codes;
pub mod fields;
pub mod layout;
pub mod model;
pub mod text;

#[cfg(test)]
mod testutil;

pub use classify::mean_confidence;

use classify::page_signals;
pub use model::*;

/// Splits the pages of one source file into documents and reads each one's fields.
///
/// Pages are taken in the order given; each document lists the `page` numbers of its
/// pages. A page that matches no type becomes an `unknown` document without fields.
pub fn extract_documents(pages: &[PageText]) -> Vec<ExtractedDocument> {
    classify::segment(pages)
        .into_iter()
        .map(|seg| {
            let doc_pages: Vec<&PageText> =
                seg.pages.iter().filter_map(|&i| pages.get(i)).collect();
            let readings = doc_pages
                .iter()
                .map(|p| p.rereadings.len())
                .max()
                .unwrap_or(0);
            let mut outputs = vec![fields::extract(seg.doc_type, &doc_pages)];
            for i in 0..readings {
                // A page read fewer times stands as it was first read.
                let views: Vec<PageText> = doc_pages
                    .iter()
                    .map(|p| p.reread(i).unwrap_or_else(|| (*p).clone()))
                    .collect();
                let refs: Vec<&PageText> = views.iter().collect();
                outputs.push(fields::extract(seg.doc_type, &refs));
            }
            let out = fields::readings::merge_readings(outputs);
            ExtractedDocument {
                document_type: seg.doc_type,
                pages: doc_pages.iter().map(|p| p.page).collect(),
                confidence: seg.confidence,
                fields: out.fields,
                warnings: out.warnings,
            }
        })
        .collect()
}

/// Fields every card prints on the face that carries them, whichever template.
const FRONT_FIELDS: [&str; 5] = [
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
];
const BACK_FIELDS: [&str; 1] = ["date_of_issue"];
/// A field read with less confidence than this is worth a second look.
const UNSURE_FIELD: f32 = 0.6;

/// Whether a page that looks like an ID card's front (or a card whose face could not be
/// told) shows no decoded QR code, so that a slower search for the code is worth it.
pub fn misses_card_code(page: &PageText) -> bool {
    if !page.barcodes.is_empty() {
        return false;
    }
    let signals = page_signals(page);
    classify::is_card(&signals) && may_be_front(&signals)
}

/// A card page shows its front, or a face the signals could not tell.
fn may_be_front(signals: &classify::PageSignals) -> bool {
    signals.front || !signals.back
}

/// Whether a page that looks like an ID card is worth reading again: its front shows no
/// decoded QR code (whose payload would carry most fields exactly), or its first
/// reading, extracted on its own, lacks a field its face always prints, holds a field
/// read with little confidence, or raised a warning (a failed check digit, a conflict).
/// A card read whole and clean is not read twice.
pub fn wants_rereading(page: &PageText) -> bool {
    let signals = page_signals(page);
    if !classify::is_card(&signals) {
        return false;
    }
    let docs = extract_documents(std::slice::from_ref(page));
    let Some(card) = docs
        .iter()
        .find(|d| d.document_type == DocumentType::CitizenId)
    else {
        return true;
    };
    // A face the signals could not tell is read as needing both.
    let front = may_be_front(&signals);
    let back = signals.back || !signals.front;
    let needed = FRONT_FIELDS
        .iter()
        .filter(|_| front)
        .chain(BACK_FIELDS.iter().filter(|_| back));
    (front && page.barcodes.is_empty())
        || !card.warnings.is_empty()
        || needed.into_iter().any(|k| !card.fields.contains_key(*k))
        || card.fields.values().any(|f| f.confidence < UNSURE_FIELD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::page;

    fn front() -> PageText {
        page(
            1,
            &[
                (0.05, 0.3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (0.1, 0.3, "CĂN CƯỚC CÔNG DÂN"),
                (0.15, 0.3, "Số / No.: 001099012345"),
                (0.2, 0.3, "Họ và tên / Full name: NGUYỄN VĂN AN"),
                (0.25, 0.3, "Ngày sinh / Date of birth: 05/03/1999"),
                (
                    0.3,
                    0.3,
                    "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
                ),
            ],
        )
    }

    fn with_code(mut page: PageText) -> PageText {
        page.barcodes.push(Barcode {
            payload: "001099012345||Nguyễn Văn An|05031999|Nam|Hà Nội|01012022".to_string(),
            bbox: BBox::new(0.8, 0.05, 0.95, 0.2),
        });
        page
    }

    #[test]
    fn a_card_read_whole_with_its_code_is_not_read_again() {
        assert!(!wants_rereading(&with_code(front())));
        // Without its QR code every printed field counts, so it is read again.
        assert!(wants_rereading(&front()));
        // A certificate is never read again.
        let certificate = page(1, &[(0.1, 0.3, "GIẤY KHAI SINH")]);
        assert!(!wants_rereading(&certificate));
    }

    #[test]
    fn a_card_missing_a_field_of_its_face_is_read_again() {
        let mut read = with_code(front());
        // The nationality line lost.
        read.words.retain(|w| w.line != 5);
        assert!(wants_rereading(&read));
    }
}
