//! Field extraction, one module per document type over a shared toolkit.

pub mod birth_certificate;
pub mod business_registration;
pub mod citizen_id;
pub mod common;
pub mod constraints;
pub mod dossier;
pub mod marriage_certificate;
pub mod residence_confirmation;
pub mod sections;
pub mod solve;

use crate::layout::Layout;
use crate::model::{DocumentType, PageText};
pub use common::Output;

/// Reads the fields of one document of type `t` spread over `pages`, read once.
pub fn extract(t: DocumentType, pages: &[&PageText]) -> Output {
    solve::solve(t.spec(), vec![read(t, pages)])
}

/// What one reading of `pages`, a document of type `t`, gives: its candidates.
pub fn read(t: DocumentType, pages: &[&PageText]) -> solve::Reading {
    let Some(spec) = t.spec() else {
        return solve::Reading::default();
    };
    let layout = Layout::from_pages(pages);
    (spec.extract)(&layout, pages)
}
