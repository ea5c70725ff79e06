//! The ground-truth file written beside each specimen: the spec's extraction result shape
//! (without confidences and evidence) plus how the specimen was made.

use std::collections::BTreeMap;

use hoso_extractors::Format;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::layout::Doc;
use crate::{GenerateError, Quality};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub source: Source,
    pub documents: Vec<TruthDocument>,
    pub specimen: SpecimenInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub pages: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthDocument {
    pub document_type: String,
    /// 1-based pages of the file showing this document.
    pub pages: Vec<u32>,
    pub fields: BTreeMap<String, TruthField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthField {
    pub value: String,
    /// A place field's units before and after 2025, when the place is a real one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<crate::units::TruthUnits>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecimenInfo {
    pub seed: u64,
    pub index: usize,
    pub quality: Quality,
    /// Resolution the documents were rendered at (for phone photos, the document's
    /// effective resolution in the frame).
    pub dpi: u32,
    pub template: String,
    /// Font files the specimen is set in.
    pub fonts: Vec<String>,
    /// Machine-readable zones as encoded, for testing decoders: `qr` payloads and `mrz`
    /// lines joined by newlines.
    pub codes: Vec<TruthCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthCode {
    pub kind: String,
    pub page: u32,
    pub payload: String,
}

/// Each document with the pages showing it and the fields those pages show. A key shown in
/// several places (printed, QR, MRZ) must agree everywhere.
pub(crate) fn documents(
    docs: &[Doc],
    pages: &[&[(usize, usize)]],
) -> Result<Vec<TruthDocument>, GenerateError> {
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut page_numbers = Vec::new();
        let mut faces = Vec::new();
        for (p, page) in pages.iter().enumerate() {
            for (pd, face) in page.iter() {
                if *pd == d {
                    if !page_numbers.contains(&(p as u32 + 1)) {
                        page_numbers.push(p as u32 + 1);
                    }
                    faces.push(*face);
                }
            }
        }
        if page_numbers.is_empty() {
            continue;
        }
        let mut fields: BTreeMap<String, TruthField> = BTreeMap::new();
        for f in doc.fields.iter().filter(|f| faces.contains(&f.face)) {
            // The truth's keys are the extraction contract's: the type's schema says which.
            if doc.doc_type.format_of(f.key).is_none() {
                return Err(GenerateError::NotInSchema {
                    document_type: doc.doc_type.as_str(),
                    key: f.key,
                });
            }
            match fields.get(f.key.as_str()) {
                Some(existing) if existing.value.to_lowercase() != f.value.to_lowercase() => {
                    return Err(GenerateError::Inconsistent {
                        key: f.key,
                        first: existing.value.clone(),
                        second: f.value.clone(),
                    });
                }
                Some(_) => {}
                None => {
                    let units = (doc.doc_type.format_of(f.key) == Some(Format::Place))
                        .then(|| crate::units::units_of(&f.value))
                        .flatten();
                    fields.insert(
                        f.key.to_string(),
                        TruthField {
                            value: normalize_text(&f.value),
                            units,
                        },
                    );
                }
            }
        }
        out.push(TruthDocument {
            document_type: doc.doc_type.as_str().to_string(),
            pages: page_numbers,
            fields,
        });
    }
    Ok(out)
}

/// The contract's text form: NFC, single spaces, trimmed.
pub fn normalize_text(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn codes(docs: &[Doc], pages: &[&[(usize, usize)]]) -> Vec<TruthCode> {
    let mut out = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for (d, face) in page.iter() {
            for code in docs[*d].codes.iter().filter(|c| c.face == *face) {
                out.push(TruthCode {
                    kind: code.kind.to_string(),
                    page: p as u32 + 1,
                    payload: code.payload.clone(),
                });
            }
        }
    }
    out
}
