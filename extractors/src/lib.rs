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

pub use classify::{looks_like_card, mean_confidence};
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
