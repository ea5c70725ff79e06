//! `hoso serve`: the HTTP API over the service layer, with in-process workers unless
//! they run as separate `hoso worker` processes. Only this module knows HTTP and JSON
//! shapes; everything it does goes through `Service`.

use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hoso_pipeline::ports::{CatalogError, ObjectKey};
use hoso_pipeline::service::{IngestError, IngestOutcome, Service};
use hoso_pipeline::ContentHash;
use hoso_workers::WorkerPool;
use serde::Deserialize;
use serde_json::json;

use crate::config::Settings;

pub async fn run(settings: Settings, no_workers: bool) -> anyhow::Result<ExitCode> {
    let listen = settings.listen.clone();
    let backends = crate::backends::Backends::open(settings).await?;
    let _lock = if no_workers {
        None
    } else {
        backends.prepare_workers().await?
    };
    let service = Arc::new(backends.service.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let workers = if no_workers {
        None
    } else {
        let (pool, events) = WorkerPool::new(
            Arc::clone(service.catalog()),
            Arc::clone(service.store()),
            backends.engines(),
            backends.pool_options(None),
        );
        tokio::spawn(super::worker::log_events(events));
        let mut stop = stop_rx.clone();
        Some(tokio::spawn(async move {
            pool.run_until(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
        }))
    };

    let max_body = usize::try_from(service.limits().max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let app = router(Arc::clone(&service)).layer(DefaultBodyLimit::max(max_body));
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| {
            format!("setting server.listen (HOSO_LISTEN): cannot listen on {listen}")
        })?;
    eprintln!(
        "hoso serve: listening on http://{listen}{}; {}",
        if no_workers {
            ""
        } else {
            " with in-process workers"
        },
        backends.describe()
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            super::worker::shutdown_signal().await;
            let _ = stop_tx.send(true);
        })
        .await
        .context("the http server stopped")?;
    if let Some(w) = workers {
        w.await.context("the workers stopped abnormally")??;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/originals", post(upload))
        .route("/api/v1/originals/{sha256}", get(original))
        .route("/api/v1/queue", get(queue))
        .with_state(service)
}

/// Every error the API returns: a status and a JSON body `{"error": "..."}`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, error = %self.message, "request failed");
        }
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        let status = match &e {
            IngestError::Empty { .. } => StatusCode::BAD_REQUEST,
            IngestError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            IngestError::UnsupportedFormat { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IngestError::Store(_) | IngestError::Catalog(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiError::new(status, e.to_string())
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
    }
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when both the database and the object store answer.
async fn readyz(State(service): State<Arc<Service>>) -> Result<Json<serde_json::Value>, ApiError> {
    service.catalog().queue_counts().await?;
    let probe = ObjectKey::original(&ContentHash::of(b"hoso readiness probe"));
    service
        .store()
        .exists(&probe)
        .await
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    Ok(Json(json!({ "status": "ready" })))
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    name: Option<String>,
}

/// Stores and queues one file sent as the raw request body; `?name=` is its display name.
async fn upload(
    State(service): State<Arc<Service>>,
    Query(query): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
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
    let (status, outcome, hash) = match service.ingest(&name, &bytes).await? {
        IngestOutcome::Queued(h) => (StatusCode::CREATED, "queued", h),
        IngestOutcome::Retried(h) => (StatusCode::ACCEPTED, "retried", h),
        IngestOutcome::Duplicate(rec) => (StatusCode::OK, "duplicate", rec.hash),
    };
    Ok((
        status,
        Json(json!({ "sha256": hash.to_hex(), "outcome": outcome })),
    )
        .into_response())
}

async fn original(
    State(service): State<Arc<Service>>,
    Path(sha256): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let hash = ContentHash::from_str(&sha256)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let Some(rec) = service.catalog().original(&hash).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no original {sha256}"),
        ));
    };
    let documents = service.catalog().documents_of(&hash).await?;
    Ok(Json(json!({
        "sha256": rec.hash.to_hex(),
        "file_name": rec.file_name,
        "media_type": rec.media_type.as_mime(),
        "byte_size": rec.byte_size,
        "status": rec.status.as_str(),
        "error": rec.error,
        "pages": rec.pages,
        "attempts": rec.attempts,
        "documents": documents.iter().map(|d| json!({
            "id": d.id,
            "producer": d.producer,
            "document": d.document,
        })).collect::<Vec<_>>(),
    })))
}

async fn queue(State(service): State<Arc<Service>>) -> Result<Json<serde_json::Value>, ApiError> {
    let c = service.catalog().queue_counts().await?;
    Ok(Json(json!({
        "queued": c.queued,
        "running": c.running,
        "done": c.done,
        "failed": c.failed,
    })))
}
