//! Dossiers: a multipart upload of files for one procedure and subject, and its status.

use std::sync::Arc;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::Json;
use hoso_pipeline::access::Action;
use hoso_pipeline::records::UploadedFile;
use hoso_pipeline::registry::NewDossier;
use hoso_pipeline::service::{display_name, IngestOutcome, Service};

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, Auth};
use super::model::{DossierCreatedOut, DossierOut};
use super::schemas::{DossierCode, DossierForm, MAX_FORM_TEXT_CHARS};

/// Files per dossier upload: the request body limit is this many times the file limit.
pub const MAX_FILES: usize = 20;

pub(crate) fn multipart_error(e: MultipartError) -> ApiError {
    let status = match e.status() {
        s if s.is_client_error() => s,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, format!("bad multipart body: {}", e.body_text()))
}

/// Reads one text part: at most `MAX_FORM_TEXT_CHARS` characters, as the document says,
/// and never more bytes than so many characters can take.
pub(crate) async fn read_text(field: Field<'_>, name: &str) -> Result<String, ApiError> {
    let too_long = || {
        ApiError::bad_request(format!(
            "the field {name} is longer than {MAX_FORM_TEXT_CHARS} characters"
        ))
    };
    let mut bytes = Vec::new();
    let mut field = field;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_FORM_TEXT_CHARS * 4 {
            return Err(too_long());
        }
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request(format!("the field {name} is not utf-8 text")))?;
    if text.chars().count() > MAX_FORM_TEXT_CHARS {
        return Err(too_long());
    }
    Ok(text)
}

/// Reads one file part, never more than the upload limit.
pub(crate) async fn read_file(
    mut field: Field<'_>,
    limit: u64,
    name: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("{name}: over the upload limit of {limit} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Creates a dossier from a multipart form. Files are stored and queued one at a time as
/// they arrive, so memory holds one file, not the dossier; the same bytes are never
/// processed twice, whichever dossier brings them.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", operation_id = "create_dossier",
    request_body(content = DossierForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "created; files queued", body = DossierCreatedOut),
        (status = 400, description = "bad field, unknown procedure, bad subject id, malformed multipart", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "the dossier code is taken", body = ErrorBody),
        (status = 413, description = "a file is over the upload limit", body = ErrorBody),
        (status = 415, description = "a file is not a pdf, jpeg, png or tiff", body = ErrorBody)))]
pub async fn create(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<DossierCreatedOut>), ApiError> {
    service.authorize(&caller, Action::UploadDossier)?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::bad_request(format!(
            "expected a multipart/form-data body: {}",
            e.body_text()
        ))
    })?;
    let limit = service.limits().max_file_bytes;
    let (mut code, mut procedure, mut subject) = (None, None, None);
    let mut checked: Option<NewDossier> = None;
    let mut files: Vec<UploadedFile> = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "dossier_code" | "procedure_code" | "subject_id" if checked.is_some() => {
                return Err(ApiError::bad_request(format!(
                    "the field {name} must come before the files"
                )));
            }
            "dossier_code" => code = Some(read_text(field, &name).await?),
            "procedure_code" => procedure = Some(read_text(field, &name).await?),
            "subject_id" => subject = Some(read_text(field, &name).await?),
            "file" => {
                if checked.is_none() {
                    checked = Some(check(&service, &caller, &code, &procedure, &subject).await?);
                }
                if files.len() == MAX_FILES {
                    return Err(ApiError::bad_request(format!(
                        "at most {MAX_FILES} files per dossier upload"
                    )));
                }
                let file_name = display_name(field.file_name().unwrap_or_default());
                let bytes = read_file(field, limit, &file_name).await?;
                let outcome: IngestOutcome = service.ingest(&file_name, &bytes).await?;
                files.push(UploadedFile { file_name, outcome });
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unexpected form field {other:?}: expected dossier_code, procedure_code, subject_id and file"
                )))
            }
        }
    }
    let new = match checked {
        Some(new) => new,
        None => {
            // Report a bad code or subject before the missing file.
            check(&service, &caller, &code, &procedure, &subject).await?;
            return Err(ApiError::bad_request(
                "a dossier needs at least one file part named file",
            ));
        }
    };
    let hashes: Vec<_> = files.iter().map(|f| f.outcome.hash()).collect();
    let dossier = service.open_dossier(&caller, &new, &hashes).await?;
    Ok((
        StatusCode::CREATED,
        Json(DossierCreatedOut::new(&dossier, &files)),
    ))
}

async fn check(
    service: &Service,
    caller: &hoso_pipeline::access::Caller,
    code: &Option<String>,
    procedure: &Option<String>,
    subject: &Option<String>,
) -> Result<NewDossier, ApiError> {
    let missing = |what: &str| {
        ApiError::bad_request(format!(
            "the form field {what} is required (before the files)"
        ))
    };
    let code = code.as_deref().ok_or_else(|| missing("dossier_code"))?;
    let procedure = procedure
        .as_deref()
        .ok_or_else(|| missing("procedure_code"))?;
    let subject = subject.as_deref().ok_or_else(|| missing("subject_id"))?;
    Ok(service
        .check_dossier(caller, code, procedure, subject)
        .await?)
}

/// A dossier's status: each original with its processing state, documents and records.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", operation_id = "get_dossier",
    params(("code" = DossierCode, Path, description = "the dossier code")),
    security(("bearer" = [])),
    responses((status = 200, body = DossierOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no dossier with this code", body = ErrorBody)))]
pub async fn status(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<DossierOut>, ApiError> {
    let view = service.dossier_status(&caller, &code).await?;
    Ok(Json(DossierOut::from(&view)))
}
