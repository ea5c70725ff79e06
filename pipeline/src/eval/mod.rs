//! Scoring extraction results against ground truth, as `hoso eval` reports it.
//!
//! Values are compared exactly after NFC, case folding and whitespace collapsing, as the
//! spec defines accuracy.

use std::collections::BTreeMap;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use hoso_extractors::FieldKey;

use crate::ExtractionResult;

mod units;

pub use units::{TruthUnits, UnitsMiss, UnitsScore};

/// A `.truth.json` file: the spec's result shape with values only, plus specimen metadata.
#[derive(Debug, Clone, Deserialize)]
pub struct Truth {
    pub documents: Vec<TruthDocument>,
    #[serde(default)]
    pub specimen: Option<Specimen>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthDocument {
    pub document_type: String,
    pub pages: Vec<u32>,
    #[serde(default)]
    pub fields: BTreeMap<String, TruthField>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthField {
    pub value: String,
    /// A place field's units before and after 2025, when the generator drew a real place.
    #[serde(default)]
    pub units: Option<TruthUnits>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Specimen {
    #[serde(default)]
    pub quality: Option<String>,
}

pub fn normalise_for_comparison(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Hits out of a total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub correct: u64,
    pub total: u64,
}

impl Tally {
    pub fn add(&mut self, ok: bool) {
        self.total += 1;
        self.correct += ok as u64;
    }

    pub fn rate(&self) -> Option<f64> {
        (self.total > 0).then(|| self.correct as f64 / self.total as f64)
    }
}

/// Accumulated scores over many files.
#[derive(Debug, Clone, Default)]
pub struct Scoreboard {
    pub files: u64,
    pub pages: u64,
    pub classification: Tally,
    pub fields: Tally,
    /// By `document_type.field_key`.
    pub per_field: BTreeMap<String, Tally>,
    pub per_type: BTreeMap<String, Tally>,
    pub per_quality: BTreeMap<String, Tally>,
    /// Fields the extractor emitted that the truth does not have: guesses, or misplaced values.
    pub unexpected_fields: u64,
    pub errors: Vec<(String, String)>,
    /// Every truth field not read right, to show what went wrong and where.
    pub misses: Vec<Miss>,
    /// Places as units read from the printed value as the truth has it: the units
    /// reader alone.
    pub units_from_truth: UnitsScore,
    /// Places as units read from the value extracted: OCR and units reader together.
    pub units_from_reading: UnitsScore,
}

/// A truth field whose extracted value differs from, or lacks, the expected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub file: String,
    pub quality: String,
    /// `document_type.field_key`.
    pub field: String,
    pub expected: String,
    /// `None` when the field was not extracted, or the document was given another type.
    pub got: Option<String>,
}

impl Scoreboard {
    pub fn record_error(&mut self, file: &str, error: &str) {
        self.files += 1;
        self.errors.push((file.to_string(), error.to_string()));
    }

    /// Scores one file. Truth documents are matched to predicted ones by shared pages.
    pub fn record(&mut self, file: &str, truth: &Truth, result: &ExtractionResult) {
        self.files += 1;
        self.pages += result.source.pages as u64;
        let quality = quality_of(truth);
        for (t, predicted) in truth.documents.iter().zip(matches(truth, result)) {
            let predicted = predicted.map(|i| &result.documents[i]);
            self.classification
                .add(predicted.is_some_and(|d| d.document_type.as_str() == t.document_type));
            for (key, tf) in &t.fields {
                let got = predicted
                    .filter(|d| d.document_type.as_str() == t.document_type)
                    .and_then(|d| d.fields.get(&FieldKey::parse(key)?));
                let ok = got.is_some_and(|f| {
                    normalise_for_comparison(&f.value) == normalise_for_comparison(&tf.value)
                });
                self.fields.add(ok);
                self.per_field
                    .entry(format!("{}.{}", t.document_type, key))
                    .or_default()
                    .add(ok);
                self.per_type
                    .entry(t.document_type.clone())
                    .or_default()
                    .add(ok);
                self.per_quality.entry(quality.clone()).or_default().add(ok);
                if !ok {
                    self.misses.push(Miss {
                        file: file.to_string(),
                        quality: quality.clone(),
                        field: format!("{}.{}", t.document_type, key),
                        expected: tf.value.clone(),
                        got: got.map(|f| f.value.clone()),
                    });
                }
            }
            if let Some(d) = predicted {
                self.unexpected_fields += d
                    .fields
                    .keys()
                    .filter(|k| !t.fields.contains_key(k.as_str()))
                    .count() as u64;
            }
        }
    }

    /// Scores the places of one file as units, for the truth fields that name theirs:
    /// once from the value as the truth prints it, once from the value extracted.
    pub fn record_units(
        &mut self,
        file: &str,
        truth: &Truth,
        result: &ExtractionResult,
        crosswalk: &hoso_units::Crosswalk,
    ) {
        let quality = quality_of(truth);
        for (t, predicted) in truth.documents.iter().zip(matches(truth, result)) {
            let predicted = predicted
                .map(|i| &result.documents[i])
                .filter(|d| d.document_type.as_str() == t.document_type);
            for (key, tf) in &t.fields {
                let Some(units) = &tf.units else {
                    continue;
                };
                let field = format!("{}.{}", t.document_type, key);
                let parsed = crosswalk.place(&tf.value);
                self.units_from_truth.record(
                    file,
                    &field,
                    &quality,
                    &tf.value,
                    units,
                    parsed.as_ref(),
                );
                let got = predicted.and_then(|d| d.fields.get(&FieldKey::parse(key)?));
                let read = got.and_then(|f| crosswalk.place(&f.value));
                self.units_from_reading.record(
                    file,
                    &field,
                    &quality,
                    got.map_or("", |f| f.value.as_str()),
                    units,
                    read.as_ref(),
                );
            }
        }
    }
}

fn quality_of(truth: &Truth) -> String {
    truth
        .specimen
        .as_ref()
        .and_then(|s| s.quality.clone())
        .unwrap_or_else(|| "unspecified".to_string())
}

/// For each truth document, the predicted document it is matched to: the unused one
/// sharing most of its pages, of its type first.
fn matches(truth: &Truth, result: &ExtractionResult) -> Vec<Option<usize>> {
    let mut used = vec![false; result.documents.len()];
    truth
        .documents
        .iter()
        .map(|t| {
            let matched = result
                .documents
                .iter()
                .enumerate()
                .filter(|(i, d)| !used[*i] && d.pages.iter().any(|p| t.pages.contains(p)))
                .max_by_key(|(_, d)| {
                    (
                        d.document_type.as_str() == t.document_type,
                        d.pages.iter().filter(|p| t.pages.contains(p)).count(),
                    )
                })
                .map(|(i, _)| i);
            if let Some(i) = matched {
                used[i] = true;
            }
            matched
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_extractors::{DocumentType, ExtractedDocument, Field, Method};

    /// A document type, its pages and its `(key, value)` fields.
    type Doc<'a> = (DocumentType, Vec<u32>, Vec<(&'a str, &'a str)>);

    fn result(docs: Vec<Doc<'_>>) -> ExtractionResult {
        ExtractionResult {
            source: crate::SourceInfo {
                sha256: String::new(),
                file_name: "f".into(),
                media_type: "image/png".into(),
                pages: 2,
            },
            documents: docs
                .into_iter()
                .map(|(t, pages, fields)| ExtractedDocument {
                    document_type: t,
                    pages,
                    confidence: 1.0,
                    fields: fields
                        .into_iter()
                        .map(|(k, v)| {
                            (
                                FieldKey::parse(k).expect("a field key"),
                                Field {
                                    value: v.to_string(),
                                    confidence: 1.0,
                                    method: Method::Ocr,
                                    evidence: vec![],
                                },
                            )
                        })
                        .collect(),
                    warnings: vec![],
                })
                .collect(),
        }
    }

    fn truth(json: &str) -> Truth {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn comparison_folds_case_whitespace_and_normal_form() {
        // "Ễ" precomposed versus decomposed.
        assert_eq!(
            normalise_for_comparison("NGUYỄN  VĂN\tAN "),
            normalise_for_comparison("nguye\u{0302}\u{0303}n văn an")
        );
        assert_ne!(
            normalise_for_comparison("Nguyễn"),
            normalise_for_comparison("Nguyen")
        );
    }

    #[test]
    fn scores_fields_types_and_unexpected_values() {
        let t = truth(
            r#"{"documents": [
                {"document_type": "citizen_id", "pages": [1],
                 "fields": {"id_number": {"value": "001099012345"}, "sex": {"value": "male"}}},
                {"document_type": "birth_certificate", "pages": [2],
                 "fields": {"full_name": {"value": "Lê Thị Hoa"}}}
             ], "specimen": {"quality": "office"}}"#,
        );
        let r = result(vec![
            (
                DocumentType::CitizenId,
                vec![1],
                vec![
                    ("id_number", "001099012345"),
                    ("sex", "female"),
                    ("nationality", "Việt Nam"),
                ],
            ),
            (DocumentType::Unknown, vec![2], vec![]),
        ]);
        let mut s = Scoreboard::default();
        s.record("f.png", &t, &r);
        assert_eq!(
            s.classification,
            Tally {
                correct: 1,
                total: 2
            }
        );
        assert_eq!(
            s.fields,
            Tally {
                correct: 1,
                total: 3
            }
        );
        assert_eq!(
            s.per_field["citizen_id.id_number"],
            Tally {
                correct: 1,
                total: 1
            }
        );
        assert_eq!(
            s.per_field["birth_certificate.full_name"],
            Tally {
                correct: 0,
                total: 1
            }
        );
        assert_eq!(
            s.per_quality["office"],
            Tally {
                correct: 1,
                total: 3
            }
        );
        assert_eq!(s.unexpected_fields, 1);
        assert_eq!(s.pages, 2);
        assert_eq!(
            s.misses,
            vec![
                Miss {
                    file: "f.png".into(),
                    quality: "office".into(),
                    field: "citizen_id.sex".into(),
                    expected: "male".into(),
                    got: Some("female".into()),
                },
                Miss {
                    file: "f.png".into(),
                    quality: "office".into(),
                    field: "birth_certificate.full_name".into(),
                    expected: "Lê Thị Hoa".into(),
                    got: None,
                },
            ]
        );
    }
}
