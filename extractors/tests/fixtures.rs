//! Runs every `fixtures/NAME.input.json` (a list of pages) through `extract_documents`
//! and compares with `fixtures/NAME.expected.json`.
//!
//! `UPDATE_EXPECT=1 cargo test -p hoso-extractors --test fixtures` rewrites the
//! expectations; review the diff before keeping it.

use std::fs;
use std::path::{Path, PathBuf};

use hoso_extractors::{extract_documents, ExtractedDocument, PageText};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_matches_its_expectation() {
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let inputs = inputs();
    assert!(inputs.len() >= 10, "fixtures missing: {}", inputs.len());
    let mut failures = Vec::new();
    for input in inputs {
        let name = input
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .replace(".input.json", "");
        let pages: Vec<PageText> =
            serde_json::from_str(&fs::read_to_string(&input).expect("read input"))
                .unwrap_or_else(|e| panic!("{name}: bad input: {e}"));
        let docs = extract_documents(&pages);
        let actual = serde_json::to_string_pretty(&docs).expect("serialise") + "\n";
        let expected_path = fixtures_dir().join(format!("{name}.expected.json"));
        if update {
            fs::write(&expected_path, &actual).expect("write expectation");
            continue;
        }
        let expected =
            fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("{name}: no expectation"));
        let expected_docs: Vec<ExtractedDocument> = serde_json::from_str(&expected)
            .unwrap_or_else(|e| panic!("{name}: bad expectation: {e}"));
        let a: serde_json::Value = serde_json::to_value(&docs).expect("to value");
        let e: serde_json::Value = serde_json::to_value(&expected_docs).expect("to value");
        if a != e {
            failures.push(format!(
                "--- {name}: expected\n{expected}\n+++ actual\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn expectations_round_trip_through_the_model() {
    if std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1") {
        // The other test is rewriting the files right now.
        return;
    }
    for input in inputs() {
        let expected = input
            .to_string_lossy()
            .replace(".input.json", ".expected.json");
        let text = fs::read_to_string(&expected).expect("read expectation");
        let docs: Vec<ExtractedDocument> = serde_json::from_str(&text).expect("parse expectation");
        // Byte-equal: every key is a model field and every number survives f32.
        let again = serde_json::to_string_pretty(&docs).expect("serialise") + "\n";
        assert_eq!(again, text, "{expected}");
    }
}
