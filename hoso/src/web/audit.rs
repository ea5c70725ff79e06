//! The auditor's pages: the audit log's state (latest checkpoint, last verification,
//! verifying now), a record's provenance down to the page crop, its receipt, and the
//! access log of a subject.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hoso_pipeline::access::Action;
use serde::Deserialize;

use super::pages::Chrome;
use super::session::Desk;
use super::{render, AppState, WebError};

/// The outcome of the last verification this process ran.
#[derive(Debug, Clone)]
pub struct Verification {
    pub at_ms: i64,
    pub by: String,
    pub entries: u64,
    pub checkpoints: u64,
    pub findings: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ui: Chrome,
    pub tree_size: u64,
    pub checkpoint_at_ms: i64,
    pub checkpoint: String,
    pub verification: Option<Verification>,
}

pub async fn overview(State(state): State<AppState>, desk: Desk) -> Result<Response, WebError> {
    let checkpoint = state
        .service
        .audit_checkpoint(&desk.caller)
        .await
        .map_err(|e| desk.fail(e))?;
    let verification = state.last_verification.lock().ok().and_then(|v| v.clone());
    Ok(render(&AuditPage {
        ui: desk.chrome("/audit"),
        tree_size: checkpoint.tree_size,
        checkpoint_at_ms: checkpoint.created_at_ms,
        checkpoint: checkpoint.note,
        verification,
    }))
}

/// Verifies the whole log now: every entry hashed again, the tree rebuilt, every
/// checkpoint's signature and consistency checked (seconds per million entries).
pub async fn verify(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<super::session::CsrfForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    let report = state
        .service
        .audit_verify(&desk.caller, None)
        .await
        .map_err(|e| desk.fail(e))?;
    let verification = Verification {
        at_ms: hoso_pipeline::audit::now_ms(),
        by: desk.caller.name.clone(),
        entries: report.entries,
        checkpoints: report.checkpoints,
        findings: report.findings.iter().map(|f| f.to_string()).collect(),
    };
    if let Ok(mut last) = state.last_verification.lock() {
        *last = Some(verification);
    }
    Ok(Redirect::to("/audit").into_response())
}

pub struct EvidenceRow {
    pub n: usize,
    pub page: u32,
    pub raw: String,
    pub sha256: String,
}

pub struct FieldTraceRow {
    pub key: String,
    pub value: String,
    pub method: String,
    pub confidence: f32,
    pub evidence: Vec<EvidenceRow>,
    pub corrections: Vec<String>,
}

pub struct DocumentRow {
    pub id: String,
    pub file_name: String,
    pub sha256: String,
    pub object_key: String,
    pub pages: String,
    pub worker: String,
    pub job: String,
    pub engines: String,
}

#[derive(askama::Template)]
#[template(path = "provenance.html")]
pub struct ProvenancePage {
    pub ui: Chrome,
    pub id: String,
    pub document_type: String,
    pub status: String,
    pub verified: String,
    pub documents: Vec<DocumentRow>,
    pub fields: Vec<FieldTraceRow>,
}

pub async fn provenance(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = state
        .service
        .provenance(&desk.caller, &id)
        .await
        .map_err(|e| desk.fail(e))?;
    let documents = p
        .documents
        .iter()
        .map(|d| DocumentRow {
            id: d.id.clone(),
            file_name: d.file_name.clone().unwrap_or_default(),
            sha256: d.sha256.clone(),
            object_key: d.object_key.clone(),
            pages: d
                .pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            worker: d
                .extraction
                .as_ref()
                .map(|e| e.worker.clone())
                .unwrap_or_default(),
            job: d
                .extraction
                .as_ref()
                .map(|e| format!("{} / {}", e.job, e.attempt))
                .unwrap_or_default(),
            engines: d
                .extraction
                .as_ref()
                .map(|e| engines_line(&e.engines))
                .unwrap_or_default(),
        })
        .collect();
    let fields = p
        .fields
        .iter()
        .map(|f| FieldTraceRow {
            key: f.key.clone(),
            value: f.value.clone(),
            method: f.method.as_str().to_string(),
            confidence: f.confidence,
            evidence: f
                .evidence
                .iter()
                .enumerate()
                .map(|(i, e)| EvidenceRow {
                    n: i + 1,
                    page: e.page,
                    raw: e.raw.clone(),
                    sha256: e.sha256.clone().unwrap_or_default(),
                })
                .collect(),
            corrections: f
                .corrections
                .iter()
                .map(|c| {
                    format!(
                        "{} → {} ({}, {}{})",
                        c.old_value.as_deref().unwrap_or("—"),
                        c.new_value,
                        c.by,
                        super::pages::local_time(c.at_ms),
                        c.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    )
                })
                .collect(),
        })
        .collect();
    Ok(render(&ProvenancePage {
        ui: desk.chrome(&format!("/audit/records/{id}")),
        id: p.record.id.clone(),
        document_type: p.record.document_type.as_str().to_string(),
        status: p.record.status.as_str().to_string(),
        verified: match (&p.record.verified_by, p.record.verified_at_ms) {
            (Some(by), Some(at)) => format!("{by}, {}", super::pages::local_time(at)),
            _ => String::new(),
        },
        documents,
        fields,
    }))
}

/// The engines' versions in one line: what an auditor compares between two readings.
fn engines_line(engines: &serde_json::Value) -> String {
    match engines {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k} {s}"),
                serde_json::Value::Object(inner) => {
                    let version = inner
                        .get("version")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    format!("{k} {version}")
                }
                other => format!("{k} {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

pub async fn receipt(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let receipt = state
        .service
        .audit_receipt(&desk.caller, &id)
        .await
        .map_err(|e| desk.fail(e))?;
    let disposition = format!("attachment; filename=\"receipt-{id}.tlog-proof\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        receipt.to_text(),
    )
        .into_response())
}

pub struct AccessRow {
    pub at_ms: i64,
    pub who: String,
    pub role: String,
    pub subject: String,
    pub records: usize,
    pub purpose: String,
    pub endpoint: String,
}

#[derive(askama::Template)]
#[template(path = "access_log.html")]
pub struct AccessLogPage {
    pub ui: Chrome,
    pub subject: String,
    pub searched: bool,
    pub rows: Vec<AccessRow>,
}

pub async fn access_log_page(
    State(state): State<AppState>,
    desk: Desk,
) -> Result<Response, WebError> {
    state
        .service
        .authorize(&desk.caller, Action::ReadAccessLog)
        .map_err(|e| desk.fail(e))?;
    Ok(render(&AccessLogPage {
        ui: desk.chrome("/audit/access-log"),
        subject: String::new(),
        searched: false,
        rows: Vec::new(),
    }))
}

#[derive(Deserialize)]
pub struct AccessLogForm {
    csrf: Option<String>,
    subject: String,
}

/// A POST: the subject's id travels in the body, never the URL.
pub async fn access_log(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<AccessLogForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    let subject = form.subject.trim();
    let entries = state
        .service
        .access_log(&desk.caller, (!subject.is_empty()).then_some(subject), 200)
        .await
        .map_err(|e| desk.fail(e))?;
    Ok(render(&AccessLogPage {
        ui: desk.chrome("/audit/access-log"),
        subject: form.subject.clone(),
        searched: true,
        rows: entries
            .iter()
            .map(|e| AccessRow {
                at_ms: e.at_ms,
                who: e.token_name.clone(),
                role: e.role.as_str().to_string(),
                subject: e.subject.value.clone(),
                records: e.record_ids.len(),
                purpose: e.purpose.clone(),
                endpoint: e.endpoint.clone(),
            })
            .collect(),
    }))
}
