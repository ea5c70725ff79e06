//! Health, readiness, single originals and the queue.

use std::str::FromStr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoso_pipeline::access::Action;
use hoso_pipeline::ports::ObjectKey;
use hoso_pipeline::service::Service;
use hoso_pipeline::ContentHash;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, ApiQuery, Auth};
use super::model::{outcome, OriginalOut, OriginalUploadOut, QueueOut, StatusOut};
use super::schemas::Sha256;

#[utoipa::path(get, path = "/healthz", tag = "health", operation_id = "healthz",
    responses((status = 200, description = "the process answers", body = StatusOut)))]
pub async fn healthz() -> Json<StatusOut> {
    Json(StatusOut { status: "ok" })
}

/// Ready when both the database and the object store answer.
#[utoipa::path(get, path = "/readyz", tag = "health", operation_id = "readyz", responses(
    (status = 200, description = "database and object store reachable", body = StatusOut),
    (status = 503, description = "a backend is unreachable", body = ErrorBody)))]
pub async fn readyz(State(service): State<Arc<Service>>) -> Result<Json<StatusOut>, ApiError> {
    service.catalog().queue_counts().await?;
    let probe = ObjectKey::original(&ContentHash::of(b"hoso readiness probe"));
    service
        .store()
        .exists(&probe)
        .await
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    Ok(Json(StatusOut { status: "ready" }))
}

/// The media types of scans, as the server recognises them by their bytes.
pub const SCAN_MEDIA_TYPES: [&str; 4] =
    ["application/pdf", "image/jpeg", "image/png", "image/tiff"];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's display name (a label only, never a path).
    #[param(value_type = String, required = false)]
    name: Option<String>,
}

/// Stores and queues one file sent as the raw request body. The format is read from the
/// bytes, never from the content type, so any of these (or none) may label it.
#[utoipa::path(post, path = "/api/v1/originals", tag = "originals", operation_id = "upload_original",
    params(UploadQuery),
    request_body(description = "one scan: a PDF, JPEG, PNG or TIFF by its bytes, not empty",
        content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"),
            (Vec<u8> = "image/tiff"), (Vec<u8> = "application/octet-stream"))),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "new bytes, queued", body = OriginalUploadOut),
        (status = 200, description = "known bytes, not processed again", body = OriginalUploadOut),
        (status = 202, description = "had failed, queued again", body = OriginalUploadOut),
        (status = 400, description = "an empty body", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "over the upload limit", body = ErrorBody),
        (status = 415, description = "not a pdf, jpeg, png or tiff by its bytes", body = ErrorBody)))]
pub async fn upload(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    service.authorize(&caller, Action::UploadOriginal)?;
    let name = query.name.unwrap_or_default();
    let bytes = body.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the upload is over the limit of {} bytes",
                service.limits().max_file_bytes
            )
        } else {
            format!("cannot read the upload: {e}")
        };
        ApiError::new(status, message)
    })?;
    let ingested = service.upload_original(&caller, &name, &bytes).await?;
    let status = match ingested {
        hoso_pipeline::service::IngestOutcome::Queued(_) => StatusCode::CREATED,
        hoso_pipeline::service::IngestOutcome::Retried(_) => StatusCode::ACCEPTED,
        hoso_pipeline::service::IngestOutcome::Duplicate(_) => StatusCode::OK,
    };
    let (outcome, sha256) = outcome(&ingested);
    Ok((status, Json(OriginalUploadOut { sha256, outcome })).into_response())
}

#[utoipa::path(get, path = "/api/v1/originals/{sha256}", tag = "originals", operation_id = "get_original",
    params(("sha256" = Sha256, Path, description = "the original's SHA-256, hex")),
    security(("bearer" = [])),
    responses((status = 200, body = OriginalOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no original with this digest", body = ErrorBody)))]
pub async fn original(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Json<OriginalOut>, ApiError> {
    service.authorize(&caller, Action::ReadOriginal)?;
    let hash = ContentHash::from_str(&sha256).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let Some(rec) = service.catalog().original(&hash).await? else {
        return Err(ApiError::not_found(format!("no original {sha256}")));
    };
    let documents = service.catalog().documents_of(&hash).await?;
    Ok(Json(OriginalOut {
        sha256: rec.hash.to_hex(),
        file_name: rec.file_name,
        media_type: rec.media_type.as_mime().to_string(),
        byte_size: rec.byte_size,
        status: rec.status.as_str(),
        error: rec.error,
        pages: rec.pages,
        attempts: rec.attempts,
        documents: documents
            .iter()
            .map(|d| json!({ "id": d.id, "producer": d.producer, "document": d.document }))
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/queue", tag = "originals", operation_id = "get_queue",
    security(("bearer" = [])),
    responses((status = 200, body = QueueOut), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn queue(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
) -> Result<Json<QueueOut>, ApiError> {
    service.authorize(&caller, Action::ReadQueue)?;
    let c = service.catalog().queue_counts().await?;
    Ok(Json(QueueOut {
        queued: c.queued,
        running: c.running,
        done: c.done,
        failed: c.failed,
    }))
}
