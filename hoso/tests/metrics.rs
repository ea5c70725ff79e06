//! `/metrics` after a small ingest on the real engines: every count is checked against
//! what happened (files processed and failed, pages, documents, records made, verified
//! and reused, requests), and the whole text is parsed by a Prometheus text-format parser.

#[path = "support/api_server.rs"]
mod support;

use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;
use support::*;

fn scrape(server: &Server, path: &str) -> Scrape {
    let r = server.send("GET", path, &[], b"");
    assert_eq!(r.status, 200, "{}", r.raw);
    assert!(
        r.raw
            .to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{}",
        r.raw
    );
    let body = r.raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    Scrape::parse(body.lines().map(|l| Ok(l.to_string()))).expect("prometheus text format")
}

fn find<'a>(scrape: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

/// A counter's or gauge's value; 0 when the series was never recorded.
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    match find(scrape, metric, labels).map(|s| &s.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        Some(other) => panic!("{metric} is not a single value: {other:?}"),
        None => 0.0,
    }
}

/// How many observations a histogram holds (its `+Inf` bucket).
fn observations(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    match find(scrape, metric, labels).map(|s| &s.value) {
        Some(Value::Histogram(buckets)) => buckets
            .iter()
            .find(|b| b.less_than.is_infinite())
            .map(|b| b.count)
            .unwrap_or_else(|| panic!("{metric} has no +Inf bucket")),
        Some(other) => panic!("{metric} is not a histogram: {other:?}"),
        None => 0.0,
    }
}

#[test]
fn metrics_count_what_an_ingest_did() {
    let server = start(&[("HOSO_WORKERS", "1")]);
    let dir = tempfile::tempdir().unwrap();
    let specimens = id_card_specimens(dir.path());
    let (card_a, card_b) = (&specimens[0], &specimens[1]);
    let a = truth_id(card_a);
    let bytes_a = std::fs::read(&card_a.path).unwrap();
    let bytes_b = std::fs::read(&card_b.path).unwrap();
    // A PNG by its magic bytes that no decoder can read: rejected by the engine.
    let broken = png("not really an image");

    // Before any work: the series are described and the queue is empty.
    let before = scrape(&server, "/metrics");
    assert_eq!(value(&before, "hoso_jobs_processed_total", &[]), 0.0);

    let r = server.upload_dossier(
        "clerk",
        &[
            ("dossier_code", "M-1"),
            ("procedure_code", "marriage_registration"),
            ("subject_id", &a),
        ],
        &[
            (&card_a.file_name, &bytes_a),
            (&card_b.file_name, &bytes_b),
            ("broken.png", &broken),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.raw);
    let dossier = server.wait_processed("M-1");
    let originals = dossier["originals"].as_array().unwrap();
    let processed = originals
        .iter()
        .filter(|o| o["status"] == "processed")
        .count();
    let failed = originals.iter().filter(|o| o["status"] == "failed").count();
    assert_eq!((processed, failed), (2, 1), "{dossier}");
    let records: Vec<_> = originals
        .iter()
        .flat_map(|o| o["records"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(records.len(), 2, "{dossier}");
    let record_a = records
        .iter()
        .find(|r| r["subjects"][0]["value"] == a.as_str())
        .unwrap_or_else(|| panic!("no record for {a}: {dossier}"));
    let id_a = record_a["id"].as_str().unwrap();

    let r = server.call(
        "clerk",
        "POST",
        &format!("/api/v1/records/{id_a}/verify"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": a, "fields": ["citizen_id.full_name", "citizen_id.date_of_birth", "citizen_id.place_of_origin"]})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let known = r.body["known"].as_object().map_or(0, |k| k.len());
    let missing = r.body["missing"].as_array().map_or(0, |m| m.len());
    assert_eq!(known + missing, 3, "{}", r.raw);
    assert!(known >= 2, "{}", r.raw);
    let r = server.call("ps", "GET", &format!("/api/v1/subjects/{a}/records"), None);
    assert_eq!(r.status, 200, "{}", r.raw);

    let m = scrape(&server, "/metrics");
    // Jobs: two processed, one failed for good because of its file.
    assert_eq!(
        value(&m, "hoso_jobs_processed_total", &[("stage", "extract")]),
        2.0
    );
    assert_eq!(
        value(
            &m,
            "hoso_jobs_failed_total",
            &[("reason", "rejected"), ("fate", "failed")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &m,
            "hoso_queue_jobs",
            &[("stage", "extract"), ("state", "failed")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &m,
            "hoso_queue_jobs",
            &[("stage", "extract"), ("state", "queued")]
        ),
        0.0
    );
    // Stages: all three originals were read from the store; two got as far as OCR,
    // extraction and registration.
    assert_eq!(
        observations(&m, "hoso_stage_duration_seconds", &[("stage", "read")]),
        3.0
    );
    for stage in ["ocr", "extract", "register"] {
        assert_eq!(
            observations(&m, "hoso_stage_duration_seconds", &[("stage", stage)]),
            2.0,
            "{stage}"
        );
    }
    // Pages and their confidence: one page per card image.
    assert_eq!(value(&m, "hoso_pages_total", &[]), 2.0);
    assert_eq!(observations(&m, "hoso_ocr_page_confidence", &[]), 2.0);
    // Documents and every field's confidence.
    assert_eq!(
        value(
            &m,
            "hoso_documents_total",
            &[("document_type", "citizen_id")]
        ),
        2.0
    );
    let fields: usize = records
        .iter()
        .map(|r| r["fields"].as_object().map_or(0, |f| f.len()))
        .sum();
    assert!(fields >= 10, "{dossier}");
    assert_eq!(
        observations(
            &m,
            "hoso_field_confidence",
            &[("document_type", "citizen_id")]
        ),
        fields as f64
    );
    // Records: made, verified, and reused by the procedure system twice over.
    assert_eq!(value(&m, "hoso_records_made_total", &[]), 2.0);
    assert_eq!(
        value(
            &m,
            "hoso_records_verified_total",
            &[("document_type", "citizen_id")]
        ),
        1.0
    );
    assert_eq!(
        value(&m, "hoso_records_reused_total", &[("via", "prefill")]),
        1.0
    );
    assert_eq!(
        value(&m, "hoso_records_reused_total", &[("via", "lookup")]),
        1.0
    );
    assert_eq!(
        value(&m, "hoso_prefill_fields_total", &[("outcome", "known")]),
        known as f64
    );
    assert_eq!(
        value(&m, "hoso_prefill_fields_total", &[("outcome", "missing")]),
        missing as f64
    );
    // Requests by route pattern, never by id.
    let requests = |route: &str, method: &str, status: &str| {
        value(
            &m,
            "hoso_http_requests_total",
            &[("route", route), ("method", method), ("status", status)],
        )
    };
    assert_eq!(requests("/api/v1/dossiers", "POST", "201"), 1.0);
    assert_eq!(requests("/api/v1/records/:id/verify", "POST", "200"), 1.0);
    assert_eq!(requests("/api/v1/prefill", "POST", "200"), 1.0);
    assert_eq!(requests("/metrics", "GET", "200"), 1.0, "the first scrape");
    assert!(requests("/api/v1/dossiers/:code", "GET", "200") >= 1.0);
    assert!(
        !m.samples
            .iter()
            .any(|s| s.labels.get("route").is_some_and(|r| r.contains(id_a))),
        "an id became a label"
    );
    // Nothing personal in the text at all.
    let raw = server.send("GET", "/metrics", &[], b"").raw;
    assert!(!raw.contains(&a), "the id number is in /metrics");
}
