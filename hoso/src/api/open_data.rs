//! `/open-data/`: the open statistics, without a token. The files are those `hoso report
//! open-data` writes; the server recounts at most every few minutes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hoso_pipeline::service::Service;
use serde_json::json;

use super::error::{ApiError, ErrorBody};
use crate::config::OpenDataSettings;
use crate::open_data::{PublishedFile, ReleaseCache};

pub struct OpenDataState {
    pub service: Arc<Service>,
    pub settings: OpenDataSettings,
    pub cache: ReleaseCache,
}

pub fn router(service: Arc<Service>, settings: OpenDataSettings) -> Router {
    let state = Arc::new(OpenDataState {
        service,
        settings,
        cache: ReleaseCache::default(),
    });
    Router::new()
        .route("/open-data/", get(index))
        .route("/open-data/{file}", get(file))
        .with_state(state)
}

async fn release(state: &OpenDataState) -> Result<Arc<Vec<PublishedFile>>, ApiError> {
    state
        .cache
        .get(&state.service, crate::units::installed(), &state.settings)
        .await
        .map_err(|e| {
            tracing::warn!(error = %format!("{e:#}"), "open statistics could not be made");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the open statistics cannot be made right now; try again later",
            )
        })
}

/// The files of the open statistics, the DCAT-AP catalog first. No token: nothing
/// personal is in them, and counts below the threshold are suppressed.
#[utoipa::path(get, path = "/open-data/", tag = "open data", operation_id = "open_data_index",
    responses((status = 200, description = "`{catalog, suppression: {min_count}, files: [{name, media_type, bytes}]}`", content_type = "application/json"),
        (status = 503, description = "the statistics cannot be counted now", body = ErrorBody)))]
pub async fn index(State(state): State<Arc<OpenDataState>>) -> Result<Response, ApiError> {
    let files = release(&state).await?;
    let mut listed: Vec<serde_json::Value> = files
        .iter()
        .map(|f| json!({"name": f.name, "media_type": f.media_type, "bytes": f.bytes.len()}))
        .collect();
    listed.sort_by_key(|f| f["name"] != "catalog.jsonld");
    Ok(Json(json!({
        "catalog": "catalog.jsonld",
        "suppression": {"min_count": state.settings.min_count},
        "files": listed,
    }))
    .into_response())
}

/// One file of the open statistics: a dataset's CSV or JSON, or `catalog.jsonld`.
#[utoipa::path(get, path = "/open-data/{file}", tag = "open data", operation_id = "open_data_file",
    params(("file" = String, Path, description = "a file name from /open-data/")),
    responses((status = 200, description = "the file (text/csv, application/json or application/ld+json)"),
        (status = 404, description = "no such file", body = ErrorBody),
        (status = 503, description = "the statistics cannot be counted now", body = ErrorBody)))]
pub async fn file(
    State(state): State<Arc<OpenDataState>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let files = release(&state).await?;
    let found = files.iter().find(|f| f.name == name).ok_or_else(|| {
        ApiError::not_found(format!(
            "no open-data file {name:?}; /open-data/ lists them"
        ))
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, found.media_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        found.bytes.clone(),
    )
        .into_response())
}
