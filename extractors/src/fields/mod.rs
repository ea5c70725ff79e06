//! Field extraction, one module per document type over a shared toolkit.

pub mod birth_certificate;
pub mod business_registration;
pub mod citizen_id;
pub mod common;
pub mod constraints;
pub mod dossier;
pub mod marriage_certificate;
pub mod merge;
pub mod readings;
pub mod residence_confirmation;
pub mod sections;

use crate::layout::Layout;
use crate::model::{DocumentType, PageText};
pub use common::Output;

/// Reads the fields of one document of type `t` spread over `pages`.
pub fn extract(t: DocumentType, pages: &[&PageText]) -> Output {
    let Some(spec) = t.spec() else {
        return Output::default();
    };
    let layout = Layout::from_pages(pages);
    (spec.extract)(&layout, pages)
}
