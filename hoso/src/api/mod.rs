//! The HTTP API over the service layer. This module and its children are the only code
//! that knows HTTP and JSON shapes: each handler extracts, calls one `Service` method and
//! maps the answer; roles, validation and logging happen in the service layer.

mod audit;
pub(crate) mod dossiers;
mod error;
mod extract;
mod model;
pub mod open_data;
mod originals;
mod records;
mod schemas;
mod subjects;
mod tokens;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post};
use axum::Router;
use hoso_pipeline::access::Action;
use hoso_pipeline::service::Service;
use serde_json::json;
use utoipa::openapi::encoding::Encoding;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use dossiers::MAX_FILES as MAX_DOSSIER_FILES;
pub use error::{status_of, ApiError};
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
        records::choose_unit,
        open_data::index,
        open_data::file,
        records::verify,
        records::revoke,
        subjects::records,
        subjects::prefill,
        subjects::access_log,
        tokens::list,
        tokens::create,
        tokens::revoke,
        audit::checkpoint,
        audit::sign,
        audit::inclusion,
        audit::consistency,
        audit::entries,
        audit::receipt,
        audit::provenance,
        openapi_json,
    ),
    components(schemas(
        schemas::SubjectId,
        schemas::CitizenNumber,
        schemas::EnterpriseCode,
        schemas::DossierCode,
        schemas::TokenName,
        schemas::Sha256,
        schemas::ProcedureCode,
        schemas::RecordType,
        schemas::FieldRef,
        schemas::FieldKey,
        schemas::RoleName,
        schemas::Text,
        schemas::OptionalText,
        schemas::Purpose,
        schemas::PrefillRequest,
        schemas::TokenRequest,
        schemas::DossierForm,
    )),
    modifiers(&BearerAuth, &Roles, &FileParts)
)]
pub struct ApiDoc;

/// The action of each `/api/v1` operation, by operation id. The service checks the action
/// against the role table; the document lists the roles it allows in `x-roles`.
const ACTIONS: [(&str, Action); 25] = [
    ("upload_original", Action::UploadOriginal),
    ("get_original", Action::ReadOriginal),
    ("get_queue", Action::ReadQueue),
    ("create_dossier", Action::UploadDossier),
    ("get_dossier", Action::ReadDossier),
    ("get_record", Action::ReadRecord),
    ("correct_field", Action::CorrectRecord),
    ("choose_unit", Action::CorrectRecord),
    ("verify_record", Action::VerifyRecord),
    ("revoke_record", Action::RevokeRecord),
    ("subject_records", Action::SubjectRecords),
    ("prefill", Action::Prefill),
    ("get_access_log", Action::ReadAccessLog),
    ("list_tokens", Action::ManageTokens),
    ("create_token", Action::ManageTokens),
    ("revoke_token", Action::ManageTokens),
    ("get_checkpoint", Action::ReadAudit),
    ("sign_checkpoint", Action::ManageAudit),
    ("inclusion_proof", Action::ReadAudit),
    ("consistency_proof", Action::ReadAudit),
    ("audit_entries", Action::ReadAudit),
    ("record_receipt", Action::ReadAudit),
    ("record_provenance", Action::ReadAudit),
    // Verifying and revoking answer with the record, which takes reading it too.
    ("verify_record", Action::ReadRecord),
    ("revoke_record", Action::ReadRecord),
];

/// The roles that may call an operation: those allowed every action it performs.
fn roles_of(operation_id: &str) -> Option<Vec<&'static str>> {
    let actions: Vec<Action> = ACTIONS
        .iter()
        .filter(|(id, _)| *id == operation_id)
        .map(|(_, a)| *a)
        .collect();
    if actions.is_empty() {
        return None;
    }
    Some(
        schemas::roles()
            .into_iter()
            .filter(|r| actions.iter().all(|a| a.allowed(*r)))
            .map(|r| r.as_str())
            .collect(),
    )
}

/// Writes each operation's roles into the document (`x-roles`), and names them in its
/// 403 answer: a role outside them is refused, whatever it sends.
struct Roles;

impl Modify for Roles {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
                &mut item.put,
            ]
            .into_iter()
            .flatten()
            {
                let Some(roles) = op.operation_id.as_deref().and_then(roles_of) else {
                    continue;
                };
                let extensions = op.extensions.get_or_insert_with(Default::default);
                extensions.insert("x-roles".to_string(), json!(roles));
                if let Some(utoipa::openapi::RefOr::T(forbidden)) =
                    op.responses.responses.get_mut("403")
                {
                    forbidden.description = format!(
                        "the token's role may not call this (only {}){}",
                        roles.join(", "),
                        if roles.contains(&"procedure_system") {
                            ", or a procedure system asks for a type its token does not cover"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
    }
}

/// The media types of the dossier form's file parts, which utoipa's attributes cannot
/// state: the server decides by the bytes, so these are what it accepts.
struct FileParts;

impl Modify for FileParts {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let form = openapi
            .paths
            .paths
            .get_mut("/api/v1/dossiers")
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.request_body.as_mut())
            .and_then(|body| body.content.get_mut("multipart/form-data"));
        if let Some(form) = form {
            let mut encoding = Encoding::default();
            encoding.content_type = Some(originals::SCAN_MEDIA_TYPES.join(", "));
            form.encoding.insert("file".to_string(), encoding);
        }
    }
}

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
#[utoipa::path(get, path = "/openapi.json", tag = "health", operation_id = "openapi",
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
        .route(
            "/api/v1/records/{id}/fields/{key}/units",
            post(records::choose_unit),
        )
        .route("/api/v1/records/{id}/verify", post(records::verify))
        .route("/api/v1/records/{id}/revoke", post(records::revoke))
        .route("/api/v1/subjects/{id}/records", get(subjects::records))
        .route("/api/v1/prefill", post(subjects::prefill))
        .route("/api/v1/access-log", get(subjects::access_log))
        .route("/api/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/tokens/{name}", delete(tokens::revoke))
        .route("/api/v1/audit/checkpoint", get(audit::checkpoint))
        .route("/api/v1/audit/checkpoints", post(audit::sign))
        .route("/api/v1/audit/proofs/inclusion", get(audit::inclusion))
        .route("/api/v1/audit/proofs/consistency", get(audit::consistency))
        .route("/api/v1/audit/entries", get(audit::entries))
        .route("/api/v1/records/{id}/receipt", get(audit::receipt))
        .route("/api/v1/records/{id}/provenance", get(audit::provenance))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service)
}

/// The health checks alone, for a listener that serves nothing else of the API (a
/// worker's metrics port).
pub fn health_router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/healthz", get(originals::healthz))
        .route("/readyz", get(originals::readyz))
        .with_state(service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_operation_names_its_roles_and_ids_are_unique() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut ids = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap().to_string();
                assert!(!ids.contains(&id), "{id} twice");
                ids.push(id.clone());
                let roles = &op["x-roles"];
                if path.starts_with("/api/v1") {
                    let roles = roles
                        .as_array()
                        .unwrap_or_else(|| panic!("{method} {path}"));
                    assert!(roles.contains(&json!("admin")), "{method} {path}");
                    assert!(op["responses"]["403"]["description"]
                        .as_str()
                        .unwrap()
                        .contains("admin"));
                } else {
                    assert!(roles.is_null(), "{method} {path}");
                }
            }
        }
        assert_eq!(roles_of("verify_record"), Some(vec!["clerk", "admin"]));
        assert_eq!(
            roles_of("prefill"),
            Some(vec!["clerk", "procedure_system", "auditor", "admin"])
        );
        assert_eq!(roles_of("get_access_log"), Some(vec!["auditor", "admin"]));
    }

    #[test]
    fn the_form_names_the_media_types_of_its_files() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let form = &doc["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]
            ["multipart/form-data"];
        assert_eq!(
            form["encoding"]["file"]["contentType"],
            "application/pdf, image/jpeg, image/png, image/tiff"
        );
        assert_eq!(form["schema"]["$ref"], "#/components/schemas/DossierForm");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["DossierForm"]["oneOf"].as_array().unwrap().len(), 2);
        assert_eq!(
            schemas["PrefillRequest"]["oneOf"].as_array().unwrap().len(),
            3
        );
        assert!(schemas["RecordType"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("citizen_id")));
    }
}
