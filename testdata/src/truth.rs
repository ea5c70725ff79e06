//! The ground-truth file written beside each specimen: the spec's extraction result shape
//! (without confidences and evidence) plus how the specimen was made.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Quality;

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
