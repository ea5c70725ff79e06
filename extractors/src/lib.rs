//! Classification and field extraction for Vietnamese administrative documents.
//!
//! Pure functions over OCR words and decoded barcodes: this crate never does I/O,
//! so every rule here is tested from fixtures alone.

pub mod model;

pub use model::*;

/// Splits the pages of one source file into documents and reads each one's fields.
///
/// Placeholder until classification lands: every page is one `unknown` document.
pub fn extract_documents(pages: &[PageText]) -> Vec<ExtractedDocument> {
    pages
        .iter()
        .map(|p| ExtractedDocument {
            document_type: DocumentType::Unknown,
            pages: vec![p.page],
            confidence: 0.0,
            fields: Default::default(),
            warnings: Vec::new(),
        })
        .collect()
}
