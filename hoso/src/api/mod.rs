//! The HTTP API over the service layer. This module and its children are the only code
//! that knows HTTP and JSON shapes: each handler extracts, calls one `Service` method and
//! maps the answer; roles, validation and logging happen in the service layer.

mod dossiers;
mod error;
mod extract;
mod model;
mod originals;
mod records;
mod subjects;
mod tokens;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post};
use axum::Router;
use hoso_pipeline::service::Service;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use error::ApiError;
pub use model::iso;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hoso",
        description = "Dossiers of Vietnamese administrative procedures in; verified, reusable records out. \
Every /api/v1 endpoint takes `Authorization: Bearer <token>`; procedure systems also declare a purpose \
(`X-Purpose` header or `purpose` parameter) on every request. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        originals::healthz,
        originals::readyz,
        originals::upload,
        originals::original,
        originals::queue,
        dossiers::create,
        dossiers::status,
        records::get,
        records::correct,
        records::verify,
        records::revoke,
        subjects::records,
        subjects::prefill,
        subjects::access_log,
        tokens::list,
        tokens::create,
        tokens::revoke,
        openapi_json,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "health",
    responses((status = 200, description = "the OpenAPI 3.1 document of this API", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    match ApiDoc::openapi().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see /openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this endpoint; see /openapi.json",
    )
}

pub fn router(service: Arc<Service>) -> Router {
    let max_file = usize::try_from(service.limits().max_file_bytes).unwrap_or(usize::MAX);
    // The bounds are checked again per file while reading; these only stop a body that
    // could not be valid early.
    let original_limit = DefaultBodyLimit::max(max_file.saturating_add(1));
    let dossier_limit = DefaultBodyLimit::max(
        max_file
            .saturating_mul(dossiers::MAX_FILES)
            .saturating_add(1024 * 1024),
    );
    Router::new()
        .route("/healthz", get(originals::healthz))
        .route("/readyz", get(originals::readyz))
        .route("/openapi.json", get(openapi_json))
        .route(
            "/api/v1/originals",
            post(originals::upload).layer(original_limit),
        )
        .route("/api/v1/originals/{sha256}", get(originals::original))
        .route("/api/v1/queue", get(originals::queue))
        .route(
            "/api/v1/dossiers",
            post(dossiers::create).layer(dossier_limit),
        )
        .route("/api/v1/dossiers/{code}", get(dossiers::status))
        .route("/api/v1/records/{id}", get(records::get))
        .route("/api/v1/records/{id}/fields/{key}", patch(records::correct))
        .route("/api/v1/records/{id}/verify", post(records::verify))
        .route("/api/v1/records/{id}/revoke", post(records::revoke))
        .route("/api/v1/subjects/{id}/records", get(subjects::records))
        .route("/api/v1/prefill", post(subjects::prefill))
        .route("/api/v1/access-log", get(subjects::access_log))
        .route("/api/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/tokens/{name}", delete(tokens::revoke))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service)
}
