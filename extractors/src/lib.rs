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
//! - [`spec`]: the document types as data
//! - [`reread`]: what to read again of a page, and what to keep of it

/// This crate's version, recorded with every reading it produced.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod classify;
pub mod codes;
pub mod fields;
pub mod layout;
pub mod model;
pub mod reread;
pub mod spec;
pub mod text;

#[cfg(test)]
mod testutil;

pub use classify::mean_confidence;

pub use model::*;
pub use spec::{DocumentSpec, FieldSpec, Format, SubjectKind};

/// Splits the pages of one source file into documents and reads each one's fields.
///
/// Pages are taken in the order given; each document lists the `page` numbers of its
/// pages. A page that matches no type becomes an `unknown` document without fields.
pub fn extract_documents(pages: &[PageText]) -> Vec<ExtractedDocument> {
    let mut docs = extract_each(pages);
    fields::dossier::spell_names_as_cards(&mut docs);
    fields::dossier::accent_mrz_names(&mut docs);
    evidence_as_printed(&mut docs, pages);
    docs
}

/// Each field's evidence where the page's pixels show it: a face read turned half
/// round (`PageText::half_turned`) was read where it shows upright.
fn evidence_as_printed(docs: &mut [ExtractedDocument], pages: &[PageText]) {
    if pages.iter().all(|p| p.half_turned.is_empty()) {
        return;
    }
    let evidence = docs
        .iter_mut()
        .flat_map(|d| d.fields.values_mut())
        .flat_map(|f| f.evidence.iter_mut());
    for e in evidence {
        if let Some(page) = pages.iter().find(|p| p.page == e.page) {
            e.bbox = page.as_printed(e.bbox);
        }
    }
}

/// A card's faces apart again when, read alone, they name different people: the
/// signals that joined them cannot see whose card a face is.
fn split_other_people(seg: classify::Segment, pages: &[PageText]) -> Vec<classify::Segment> {
    if seg.doc_type != DocumentType::CitizenId || seg.pages.len() < 2 {
        return vec![seg];
    }
    let alone: Vec<fields::Output> = seg
        .pages
        .iter()
        .filter_map(|&i| pages.get(i))
        .map(|p| fields::extract(DocumentType::CitizenId, &[p]))
        .collect();
    if !alone
        .windows(2)
        .any(|w| fields::dossier::name_other_people(&w[0], &w[1]))
    {
        return vec![seg];
    }
    seg.pages
        .iter()
        .map(|&i| {
            let mut one = seg.clone();
            one.pages = vec![i];
            one
        })
        .collect()
}

/// Every document of `pages` read on its own.
fn extract_each(pages: &[PageText]) -> Vec<ExtractedDocument> {
    classify::segment(pages)
        .into_iter()
        .flat_map(|seg| split_other_people(seg, pages))
        .map(|seg| {
            let doc_pages: Vec<&PageText> =
                seg.pages.iter().filter_map(|&i| pages.get(i)).collect();
            let readings = doc_pages
                .iter()
                .map(|p| p.rereadings.len())
                .max()
                .unwrap_or(0);
            let mut readings_of = vec![fields::read(seg.doc_type, &doc_pages)];
            for i in 0..readings {
                // A page read fewer times stands as it was first read.
                let views: Vec<PageText> = doc_pages
                    .iter()
                    .map(|p| p.reread(i).unwrap_or_else(|| (*p).clone()))
                    .collect();
                let refs: Vec<&PageText> = views.iter().collect();
                readings_of.push(fields::read(seg.doc_type, &refs));
            }
            let out = fields::solve::solve(seg.doc_type.spec(), readings_of);
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
