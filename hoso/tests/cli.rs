//! The `hoso` command end to end: real Tesseract, PDFium, SQLite and object store, on
//! specimens generated for the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hoso_testdata::{generate, GenerateOptions, Quality, Specimen};
use serde_json::Value;

struct Env {
    _dir: tempfile::TempDir,
    input: PathBuf,
    data: PathBuf,
}

fn env_with(seed: u64, count: usize, qualities: &[Quality]) -> (Env, Vec<Specimen>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let mut opts = GenerateOptions::new(seed, count, &input);
    opts.qualities = qualities.to_vec();
    let specimens = generate(&opts).unwrap();
    let data = dir.path().join("data");
    (
        Env {
            _dir: dir,
            input,
            data,
        },
        specimens,
    )
}

fn hoso(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.env("HOSO_DATA_DIR", data)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null());
    c
}

fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out, text)
}

fn list_json(data: &Path) -> Value {
    let (out, text) = run(hoso(data).args(["list", "--json"]));
    assert!(out.status.success(), "{text}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn documents(list: &Value) -> &Vec<Value> {
    list["documents"].as_array().unwrap()
}

#[test]
fn ingest_registers_every_document_and_never_redoes_known_bytes() {
    let (env, specimens) = env_with(11, 5, &[Quality::Clean]);
    let (out, text) = run(hoso(&env.data).arg("ingest").arg(&env.input));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("5 file(s): 5 processed (0 already known), 0 failed, 0 rejected"),
        "{text}"
    );

    let list = list_json(&env.data);
    let docs = documents(&list);
    let expected_docs: usize = specimens.iter().map(|s| s.truth.documents.len()).sum();
    assert!(
        docs.len() >= expected_docs,
        "{} documents for {expected_docs} in truth",
        docs.len()
    );
    for s in &specimens {
        let of_file: Vec<_> = docs
            .iter()
            .filter(|d| d["source"]["sha256"] == s.sha256.as_str())
            .collect();
        assert!(!of_file.is_empty(), "{} has no document", s.file_name);
        // Clean scans: every document of the truth is found with its type.
        for t in &s.truth.documents {
            assert!(
                of_file.iter().any(
                    |d| d["document"]["document_type"] == t.document_type.as_str()
                        && d["document"]["pages"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|p| t.pages.contains(&(p.as_u64().unwrap() as u32)))
                ),
                "{}: no {} document on pages {:?}",
                s.file_name,
                t.document_type,
                t.pages
            );
        }
        let original = env
            .data
            .join("objects/originals")
            .join(&s.sha256[..2])
            .join(&s.sha256);
        assert_eq!(
            std::fs::read(&original).unwrap(),
            std::fs::read(&s.path).unwrap(),
            "original kept byte for byte"
        );
        assert!(env
            .data
            .join("objects/derived")
            .join(&s.sha256)
            .join("pages.json")
            .exists());
        // The searchable PDF: a PDF reader finds the words that were read, in Vietnamese.
        let searchable = env
            .data
            .join("objects/derived")
            .join(&s.sha256)
            .join("searchable.pdf");
        let text = Command::new("pdftotext")
            .arg(&searchable)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
        assert!(text.status.success(), "{}", searchable.display());
        let text = String::from_utf8_lossy(&text.stdout);
        let read_words: Vec<&str> = of_file
            .iter()
            .flat_map(|d| d["document"]["fields"].as_object().unwrap().values())
            // QR and MRZ readings come from codes, not from the words of the page.
            .filter(|f| f["method"] == "ocr")
            .filter_map(|f| f["evidence"][0]["raw"].as_str())
            .collect();
        assert!(!read_words.is_empty(), "{}", s.file_name);
        let found = read_words
            .iter()
            .filter(|w| w.split_whitespace().all(|part| text.contains(part)))
            .count();
        assert!(
            found * 10 >= read_words.len() * 9,
            "{}: {found} of {} ocr field readings are searchable in {text}",
            s.file_name,
            read_words.len()
        );
    }

    let (out, text) = run(hoso(&env.data).arg("ingest").arg(&env.input));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("5 processed (5 already known)"), "{text}");
    assert_eq!(
        text.matches("already ingested: not processed again")
            .count(),
        5,
        "{text}"
    );
    assert_eq!(list_json(&env.data), list, "re-ingesting changed nothing");
}

#[test]
fn a_bad_file_fails_alone_with_a_specific_error() {
    let (env, specimens) = env_with(12, 1, &[Quality::Clean]);
    std::fs::write(
        env.input.join("broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
    )
    .unwrap();
    std::fs::write(env.input.join("notes.txt"), b"not a scan").unwrap();
    std::fs::write(env.input.join("empty.png"), b"").unwrap();
    let (out, text) = run(hoso(&env.data).arg("ingest").arg(&env.input));
    assert_eq!(
        out.status.code(),
        Some(2),
        "partial failure exits 2: {text}"
    );
    assert!(
        text.contains("notes.txt: not a pdf, jpeg, png or tiff file (judged from its content)"),
        "{text}"
    );
    assert!(text.contains("empty.png: the file is empty"), "{text}");
    assert!(
        text.contains("the file is not a readable application/pdf"),
        "{text}"
    );
    assert!(
        text.contains("4 file(s): 1 processed (0 already known), 1 failed, 2 rejected"),
        "{text}"
    );

    let list = list_json(&env.data);
    assert!(documents(&list)
        .iter()
        .any(|d| d["source"]["sha256"] == specimens[0].sha256.as_str()));
    let failed = list["unprocessed_files"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["file_name"], "broken.pdf");
    assert_eq!(failed[0]["status"], "failed");
    assert!(failed[0]["error"]
        .as_str()
        .unwrap()
        .contains("not a readable application/pdf"));
}

/// Kills the child if the test fails before it does, so no worker outlives its test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_run_killed_mid_way_resumes_its_jobs_on_the_next_start() {
    let (env, specimens) = env_with(13, 6, &[Quality::Clean, Quality::Office]);
    let mut child = KillOnDrop(
        hoso(&env.data)
            .args(["ingest", "--workers", "1"])
            .arg(&env.input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let processed_at_kill = loop {
        assert!(
            Instant::now() < deadline,
            "no document was processed in time"
        );
        std::thread::sleep(Duration::from_millis(100));
        if !env.data.join("hoso.db").exists() {
            continue;
        }
        let (out, _) = run(hoso(&env.data).args(["list", "--json"]));
        if !out.status.success() {
            continue;
        }
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        let files: std::collections::BTreeSet<_> = documents(&list)
            .iter()
            .map(|d| d["source"]["sha256"].as_str().unwrap().to_string())
            .collect();
        if !files.is_empty() {
            child.0.kill().unwrap(); // SIGKILL: no chance to clean up.
            child.0.wait().unwrap();
            break files.len();
        }
    };
    assert!(
        processed_at_kill < specimens.len(),
        "the kill came too late to test resumption"
    );

    let (out, text) = run(hoso(&env.data).arg("ingest").arg(&env.input));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("6 file(s): 6 processed"), "{text}");
    let list = list_json(&env.data);
    assert!(list["unprocessed_files"].as_array().unwrap().is_empty());
    let mut ids: Vec<_> = documents(&list)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no document registered twice");
    for s in &specimens {
        assert!(
            documents(&list)
                .iter()
                .any(|d| d["source"]["sha256"] == s.sha256.as_str()),
            "{}",
            s.file_name
        );
    }
}

#[test]
fn extract_prints_the_spec_json_and_show_finds_documents() {
    let (env, specimens) = env_with(14, 1, &[Quality::Clean]);
    let s = &specimens[0];
    let (out, text) = run(hoso(&env.data).args(["extract", "--json"]).arg(&s.path));
    assert!(out.status.success(), "{text}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"]["sha256"], s.sha256.as_str());
    assert_eq!(v["source"]["file_name"], s.file_name.as_str());
    assert_eq!(v["source"]["media_type"], s.format.media_type());
    assert_eq!(v["source"]["pages"], s.pages);
    let docs = v["documents"].as_array().unwrap();
    assert!(!docs.is_empty());
    for d in docs {
        assert!(d["document_type"].is_string());
        assert!(d["pages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.as_u64().unwrap() >= 1));
        assert!((0.0..=1.0).contains(&d["confidence"].as_f64().unwrap()));
        assert!(d["warnings"].is_array());
        for (key, f) in d["fields"].as_object().unwrap() {
            assert!(f["value"].is_string(), "{key}");
            assert!(
                (0.0..=1.0).contains(&f["confidence"].as_f64().unwrap()),
                "{key}"
            );
            assert!(
                ["qr", "mrz", "ocr", "text_layer", "manual"]
                    .contains(&f["method"].as_str().unwrap()),
                "{key}"
            );
            for e in f["evidence"].as_array().unwrap() {
                assert!(e["page"].as_u64().unwrap() >= 1);
                assert!(e["raw"].is_string());
                let b: Vec<f64> = e["bbox"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect();
                assert!(
                    b.len() == 4
                        && b[0] <= b[2]
                        && b[1] <= b[3]
                        && b.iter().all(|x| (0.0..=1.0).contains(x)),
                    "{key} {b:?}"
                );
            }
        }
    }
    // The original went to the object store.
    assert!(env
        .data
        .join("objects/originals")
        .join(&s.sha256[..2])
        .join(&s.sha256)
        .exists());

    let (out, text) = run(hoso(&env.data).args(["show", "nope-1"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("no document \"nope-1\""), "{text}");

    let (out, text) = run(hoso(&env.data).arg("ingest").arg(&s.path));
    assert!(out.status.success(), "{text}");
    let id = format!("{}-1", &s.sha256[..12]);
    let (out, text) = run(hoso(&env.data).args(["show", &id, "--json"]));
    assert!(out.status.success(), "{text}");
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(
        shown["document"], docs[0],
        "show returns what extract printed"
    );
}

#[test]
fn eval_scores_a_folder_of_specimens() {
    let (env, specimens) = env_with(15, 4, &Quality::ALL);
    let cache = env.data.join("pages-cache");
    let (out, text) = run(hoso(&env.data)
        .args(["eval", "--json", "--pages-cache"])
        .arg(&cache)
        .arg(&env.input));
    assert!(out.status.success(), "{text}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], specimens.len());
    let truth_fields: usize = specimens
        .iter()
        .flat_map(|s| &s.truth.documents)
        .map(|d| d.fields.len())
        .sum();
    assert_eq!(v["fields"]["total"], truth_fields);
    let truth_docs: usize = specimens.iter().map(|s| s.truth.documents.len()).sum();
    assert_eq!(v["classification"]["total"], truth_docs);
    assert!(v["seconds_per_page"].as_f64().unwrap() > 0.0);
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v}");
    assert!(v["per_quality"].as_object().unwrap().len() >= 2);
    // Every field not read right is listed, with what was expected.
    let wrong = v["fields"]["total"].as_u64().unwrap() - v["fields"]["correct"].as_u64().unwrap();
    let misses = v["misses"].as_array().unwrap();
    assert_eq!(misses.len() as u64, wrong, "{v}");
    assert!(misses
        .iter()
        .all(|m| m["expected"].is_string() && m["field"].is_string()));

    // What the engine read of each file was kept, and a second run reads it back and
    // scores the same.
    let cached = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(cached, specimens.len());
    let (out, text) = run(hoso(&env.data)
        .args(["eval", "--json", "--pages-cache"])
        .arg(&cache)
        .arg(&env.input));
    assert!(out.status.success(), "{text}");
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "fields",
        "classification",
        "per_field",
        "per_quality",
        "per_type",
    ] {
        assert_eq!(again[key], v[key], "{key}");
    }

    let (out, text) = run(hoso(&env.data)
        .args(["eval", "--misses", "--pages-cache"])
        .arg(&cache)
        .arg(&env.input));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("s per page"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("miss: ")).count() as u64,
        wrong
    );
}
