//! A new dossier: the form, the once-only lookup as the id number is typed, the upload
//! of its files, and the dossier's page with each file's progress.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoso_pipeline::access::Action;
use hoso_pipeline::ports::{JobProgress, OriginalStatus};
use hoso_pipeline::prefill::PrefillRequest;
use hoso_pipeline::procedures::PROCEDURES;
use hoso_pipeline::records::{DossierView, OriginalView, UploadedFile};
use hoso_pipeline::service::{display_name, IngestOutcome};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::pages::Chrome;
use super::session::Desk;
use super::{render, AppState, WebError};
use crate::api::dossiers::{multipart_error, read_file, read_text};
use crate::api::{ApiError, MAX_DOSSIER_FILES};

pub struct ProcedureOption {
    pub code: &'static str,
    pub name: &'static str,
}

#[derive(askama::Template)]
#[template(path = "new_dossier.html")]
pub struct NewDossierPage {
    pub ui: Chrome,
    pub procedures: Vec<ProcedureOption>,
    pub code: String,
    pub max_files: usize,
}

/// A fresh dossier code: the day and a random tail, `HS-20261207-4F2A9C`.
fn new_dossier_code() -> String {
    let day = super::today_code();
    let tail: u32 = rand::thread_rng().gen_range(0..0x100_0000);
    format!("HS-{day}-{tail:06X}")
}

pub async fn new_page(State(state): State<AppState>, desk: Desk) -> Result<Response, WebError> {
    state
        .service
        .authorize(&desk.caller, Action::UploadDossier)
        .map_err(|e| desk.fail(e))?;
    let mut procedures: Vec<ProcedureOption> = PROCEDURES
        .iter()
        .map(|p| ProcedureOption {
            code: p.code,
            name: p.name,
        })
        .collect();
    procedures.sort_by(|a, b| a.name.cmp(b.name));
    Ok(render(&NewDossierPage {
        ui: desk.chrome("/dossiers/new"),
        procedures,
        code: new_dossier_code(),
        max_files: MAX_DOSSIER_FILES,
    }))
}

#[derive(Deserialize)]
pub struct OnceOnlyRequest {
    subject_id: String,
    procedure_code: String,
}

#[derive(Serialize)]
pub struct KnownOut {
    field: String,
    label: String,
    value: String,
    record_id: String,
    verified_at: Option<String>,
}

#[derive(Serialize)]
pub struct OnceOnlyOut {
    known: Vec<KnownOut>,
    missing: Vec<String>,
}

/// What the registry already holds of the procedure's fields for this citizen: shown
/// and prefilled the moment the id number is complete. A POST: the id travels in the
/// body. The read is in the access log like any other.
pub async fn once_only(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Json(request): Json<OnceOnlyRequest>,
) -> Result<Json<OnceOnlyOut>, Response> {
    desk.check_csrf(&headers, None)
        .map_err(IntoResponse::into_response)?;
    let prefill = state
        .service
        .prefill(
            &desk.caller,
            &PrefillRequest {
                subject_id: request.subject_id,
                procedure_code: Some(request.procedure_code),
                fields: Vec::new(),
            },
            "web:/dossiers/new",
        )
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let ui = desk.chrome("/dossiers/new");
    let label = |f: &hoso_pipeline::procedures::FieldRef| {
        format!(
            "{}: {}",
            ui.type_name(f.document_type.as_str()),
            ui.field_name(f.key.as_str())
        )
    };
    Ok(Json(OnceOnlyOut {
        known: prefill
            .known
            .iter()
            .map(|k| KnownOut {
                field: k.field.to_string(),
                label: label(&k.field),
                value: k.value.clone(),
                record_id: k.record_id.clone(),
                verified_at: k.verified_at_ms.map(super::pages::local_time),
            })
            .collect(),
        missing: prefill.missing.iter().map(label).collect(),
    }))
}

#[derive(Serialize)]
pub struct CreatedOut {
    location: String,
}

/// The dossier form, sent by the page's script as multipart: the CSRF token in its
/// header, the text fields first, then the files, each stored and queued as it arrives.
pub async fn create(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<CreatedOut>), Response> {
    desk.check_csrf(&headers, None)
        .map_err(IntoResponse::into_response)?;
    let service = &state.service;
    let api = |e: ApiError| e.into_response();
    let mut multipart = multipart.map_err(|e| {
        api(ApiError::bad_request(format!(
            "expected a form: {}",
            e.body_text()
        )))
    })?;
    let limit = service.limits().max_file_bytes;
    let (mut code, mut procedure, mut subject) = (None, None, None);
    let mut checked = None;
    let mut files: Vec<UploadedFile> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| api(multipart_error(e)))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "dossier_code" => code = Some(read_text(field, &name).await.map_err(api)?),
            "procedure_code" => procedure = Some(read_text(field, &name).await.map_err(api)?),
            "subject_id" => subject = Some(read_text(field, &name).await.map_err(api)?),
            "file" => {
                if checked.is_none() {
                    let new = service
                        .check_dossier(
                            &desk.caller,
                            code.as_deref().unwrap_or_default(),
                            procedure.as_deref().unwrap_or_default(),
                            subject.as_deref().unwrap_or_default(),
                        )
                        .await
                        .map_err(|e| api(e.into()))?;
                    checked = Some(new);
                }
                if files.len() == MAX_DOSSIER_FILES {
                    return Err(api(ApiError::bad_request(format!(
                        "at most {MAX_DOSSIER_FILES} files per dossier"
                    ))));
                }
                let file_name = display_name(field.file_name().unwrap_or_default());
                let bytes = read_file(field, limit, &file_name).await.map_err(api)?;
                let outcome: IngestOutcome = service
                    .ingest(&file_name, &bytes)
                    .await
                    .map_err(|e| api(e.into()))?;
                files.push(UploadedFile { file_name, outcome });
            }
            // Anything else a browser adds (an empty folder picker) is ignored.
            _ => {}
        }
    }
    let Some(new) = checked else {
        return Err(api(ApiError::bad_request(desk.lang.t("error-no-files"))));
    };
    let hashes: Vec<_> = files.iter().map(|f| f.outcome.hash()).collect();
    let dossier = service
        .open_dossier(&desk.caller, &new, &hashes)
        .await
        .map_err(|e| api(e.into()))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedOut {
            location: format!("/dossiers/{}", dossier.code),
        }),
    ))
}

/// The stages a file goes through, in order, as the clerk sees them.
pub const STAGES: [&str; 6] = [
    "stored",
    "queued",
    "pages-read",
    "classified",
    "extracted",
    "registered",
];

/// One file of a dossier and how far it has got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileProgress {
    pub sha256: String,
    pub file_name: String,
    /// How many of `STAGES` are done.
    pub done: usize,
    pub failed: bool,
    pub error: Option<String>,
    pub pages: Option<u32>,
    /// `(record id, type)` of each record made from it.
    pub records: Vec<(String, String)>,
}

impl FileProgress {
    pub fn of(o: &OriginalView) -> Self {
        let (done, failed) = match (o.original.status, o.original.progress) {
            (OriginalStatus::Processed, _) => (STAGES.len(), false),
            (OriginalStatus::Failed, _) => (stage_before_failure(o.original.progress), true),
            (OriginalStatus::Queued, None) => (2, false),
            (OriginalStatus::Queued, Some(JobProgress::Reading { .. })) => (2, false),
            (OriginalStatus::Queued, Some(JobProgress::Extracted { .. })) => (5, false),
        };
        Self {
            sha256: o.original.hash.to_hex(),
            file_name: o.original.file_name.clone(),
            done,
            failed,
            error: o.original.error.clone(),
            pages: o.original.pages.or(match o.original.progress {
                Some(JobProgress::Extracted { pages, .. }) => Some(pages),
                Some(JobProgress::Reading { pages }) if pages > 0 => Some(pages),
                _ => None,
            }),
            records: o
                .records
                .iter()
                .map(|r| (r.id.clone(), r.document_type.as_str().to_string()))
                .collect(),
        }
    }

    /// One line on where the file is, in the reader's language.
    pub fn summary(&self, lang: &super::Lang) -> String {
        let lang = *lang;
        if self.failed {
            lang.t1(
                "file-failed",
                "reason",
                self.error.clone().unwrap_or_default(),
            )
        } else if self.finished() {
            lang.t1("file-done", "count", self.records.len())
        } else if let (Some(pages), 2) = (self.pages, self.done) {
            lang.t1("file-reading", "count", pages)
        } else {
            lang.t(&format!(
                "stage-{}",
                STAGES[self.done.min(STAGES.len() - 1)]
            ))
        }
    }

    pub fn finished(&self) -> bool {
        self.failed || self.done == STAGES.len()
    }

    /// Each stage's state for the page: `done`, `active`, `failed` or `pending`.
    pub fn states(&self) -> Vec<(&'static str, &'static str)> {
        STAGES
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let state = if i < self.done {
                    "done"
                } else if i == self.done && self.failed {
                    "failed"
                } else if i == self.done {
                    "active"
                } else {
                    "pending"
                };
                (*stage, state)
            })
            .collect()
    }
}

fn stage_before_failure(progress: Option<JobProgress>) -> usize {
    match progress {
        Some(JobProgress::Extracted { .. }) => 5,
        _ => 2,
    }
}

pub fn progress_of(view: &DossierView) -> Vec<FileProgress> {
    view.originals.iter().map(FileProgress::of).collect()
}

#[derive(askama::Template)]
#[template(path = "dossier.html")]
pub struct DossierPage {
    pub ui: Chrome,
    pub code: String,
    pub procedure: String,
    pub subject: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub files: Vec<FileProgress>,
}

pub async fn show(
    State(state): State<AppState>,
    desk: Desk,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let view = state
        .service
        .dossier_status(&desk.caller, &code)
        .await
        .map_err(|e| desk.fail(e))?;
    let row = super::pages::DossierRow::of(&view.dossier);
    Ok(render(&DossierPage {
        ui: desk.chrome(&format!("/dossiers/{}", view.dossier.code)),
        code: view.dossier.code.clone(),
        procedure: row.procedure,
        subject: row.subject,
        created_by: row.created_by,
        created_at_ms: row.created_at_ms,
        files: progress_of(&view),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossier_codes_are_valid_and_differ() {
        let a = new_dossier_code();
        let b = new_dossier_code();
        assert_ne!(a, b);
        assert!(a.starts_with("HS-2") && a.len() == 3 + 8 + 1 + 6, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn stages_show_done_active_and_failed() {
        let p = FileProgress {
            sha256: String::new(),
            file_name: "a.pdf".into(),
            done: 2,
            failed: false,
            error: None,
            pages: None,
            records: Vec::new(),
        };
        let states: Vec<_> = p.states().into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            states,
            ["done", "done", "active", "pending", "pending", "pending"]
        );
        let failed = FileProgress { failed: true, ..p };
        assert_eq!(failed.states()[2].1, "failed");
        assert!(failed.finished());
    }
}
