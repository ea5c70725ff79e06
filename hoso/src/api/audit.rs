//! The audit log for auditors: the latest signed checkpoint, inclusion and consistency
//! proofs, entries, a record's receipt and its provenance. Checkpoints and receipts are
//! served in their C2SP text formats, as `text/plain`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use hoso_audit::tree::{to_base64, Hash};
use hoso_pipeline::service::Service;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiPath, ApiQuery, Auth};

fn text(body: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

fn hashes(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(to_base64).collect()
}

/// The newest signed checkpoint (C2SP tlog-checkpoint in a signed note), made first if
/// entries were written since the last one.
#[utoipa::path(get, path = "/api/v1/audit/checkpoint", tag = "audit", operation_id = "get_checkpoint",
    security(("bearer" = [])),
    responses((status = 200, description = "the signed note", body = String, content_type = "text/plain"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn checkpoint(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(text(service.audit_checkpoint(&caller).await?.note))
}

/// Signs a checkpoint now (checkpoints are also made at an interval).
#[utoipa::path(post, path = "/api/v1/audit/checkpoints", tag = "audit", operation_id = "sign_checkpoint",
    security(("bearer" = [])),
    responses((status = 200, description = "the signed note", body = String, content_type = "text/plain"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sign(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(text(service.audit_sign(&caller).await?.note))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The entry's leaf index, from 0.
    #[param(minimum = 0)]
    index: u64,
    /// The tree size of the checkpoint to prove against.
    #[param(minimum = 1)]
    size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionOut {
    index: u64,
    size: u64,
    /// Base64 SHA-256 hashes from the leaf's sibling up to the root's child (RFC 6962).
    hashes: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/proofs/inclusion", tag = "audit", operation_id = "inclusion_proof",
    params(InclusionQuery),
    security(("bearer" = [])),
    responses((status = 200, body = InclusionOut),
        (status = 400, description = "index or size missing or not a number", body = ErrorBody),
        (status = 404, description = "no such entry in a tree of that size, or no tree of that size yet", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn inclusion(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionOut>, ApiError> {
    let proof = service.audit_inclusion(&caller, q.index, q.size).await?;
    Ok(Json(InclusionOut {
        index: q.index,
        size: q.size,
        hashes: hashes(&proof),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree size.
    #[param(minimum = 1)]
    from: u64,
    /// The newer tree size.
    #[param(minimum = 1)]
    to: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyOut {
    from: u64,
    to: u64,
    /// Base64 SHA-256 hashes (RFC 6962 consistency proof).
    hashes: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/proofs/consistency", tag = "audit", operation_id = "consistency_proof",
    params(ConsistencyQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ConsistencyOut),
        (status = 400, description = "from or to missing or not a number", body = ErrorBody),
        (status = 404, description = "sizes out of order or beyond the log", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn consistency(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyOut>, ApiError> {
    let proof = service.audit_consistency(&caller, q.from, q.to).await?;
    Ok(Json(ConsistencyOut {
        from: q.from,
        to: q.to,
        hashes: hashes(&proof),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// The first leaf index.
    #[param(minimum = 0, maximum = 9223372036854775807_i64, default = 0)]
    first: Option<u64>,
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    index: u64,
    /// The entry exactly as hashed into the tree (JSON text).
    entry: String,
}

#[utoipa::path(get, path = "/api/v1/audit/entries", tag = "audit", operation_id = "audit_entries",
    params(EntriesQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<EntryOut>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn entries(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<Vec<EntryOut>>, ApiError> {
    let found = service
        .audit_entries(&caller, q.first.unwrap_or(0), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(
        found
            .into_iter()
            .filter_map(|e| {
                Some(EntryOut {
                    index: e.leaf?,
                    entry: String::from_utf8_lossy(&e.bytes).into_owned(),
                })
            })
            .collect(),
    ))
}

/// The record's entries with their inclusion proofs and a signed checkpoint (C2SP
/// tlog-proof, the entry in each proof's `extra` line), checkable offline.
#[utoipa::path(get, path = "/api/v1/records/{id}/receipt", tag = "audit", operation_id = "record_receipt",
    params(("id" = String, Path, description = "the record id")),
    security(("bearer" = [])),
    responses((status = 200, description = "the receipt", body = String, content_type = "text/plain"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no entry names this record", body = ErrorBody)))]
pub async fn receipt(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(text(service.audit_receipt(&caller, &id).await?.to_text()))
}

/// Where every value of the record came from, as W3C PROV-JSON.
#[utoipa::path(get, path = "/api/v1/records/{id}/provenance", tag = "audit", operation_id = "record_provenance",
    params(("id" = String, Path, description = "the record id")),
    security(("bearer" = [])),
    responses((status = 200, description = "PROV-JSON: entities, activities, agents and their relations", body = Object),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody)))]
pub async fn provenance(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(service.provenance(&caller, &id).await?.to_prov_json()))
}
