use hoso_extractors::ExtractedDocument;
use serde::{Deserialize, Serialize};

/// The extraction result of one source file: the public JSON contract of
/// `shared/spec/document-types.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionResult {
    pub source: SourceInfo,
    pub documents: Vec<ExtractedDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub pages: u32,
}
