//! The reuse interface of procedure systems: a subject's verified records, prefill, and
//! the access log that every such read writes to.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use hoso_pipeline::prefill::PrefillRequest;
use hoso_pipeline::service::Service;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use super::model::{
    AccessEntryOut, PrefillIn, PrefillOut, RecordOut, SubjectOut, SubjectRecordsOut,
};

#[derive(Debug, Deserialize, IntoParams)]
pub struct SubjectQuery {
    /// Document types, comma-separated; by default every type the token may read.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    types: Option<String>,
    /// Why the data is read (procedure systems; or the `X-Purpose` header).
    purpose: Option<String>,
}

/// A subject's current verified records, with fields and provenance.
#[utoipa::path(get, path = "/api/v1/subjects/{id}/records", tag = "reuse",
    params(("id" = String, Path, description = "12-digit citizen id number or enterprise code"),
        SubjectQuery,
        ("X-Purpose" = Option<String>, Header, description = "why the data is read; required of procedure systems")),
    security(("bearer" = [])),
    responses((status = 200, body = SubjectRecordsOut),
        (status = 400, description = "bad subject id, unknown type, missing purpose", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "role or document type out of the token's scope", body = ErrorBody)))]
pub async fn records(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SubjectQuery>,
) -> Result<Json<SubjectRecordsOut>, ApiError> {
    let _ = query.purpose;
    let types: Vec<String> = query.types.into_iter().collect();
    let found = service
        .subject_records(&caller, &id, &types, "GET /api/v1/subjects/{id}/records")
        .await?;
    Ok(Json(SubjectRecordsOut {
        subject: SubjectOut::from(&found.subject),
        document_types: found
            .document_types
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        records: found
            .records
            .iter()
            .map(|v| RecordOut::new(v, false))
            .collect(),
    }))
}

/// Of the fields a procedure needs, those already known and verified (with their source)
/// and those still missing.
#[utoipa::path(post, path = "/api/v1/prefill", tag = "reuse",
    params(("X-Purpose" = Option<String>, Header, description = "why the data is read; required of procedure systems")),
    request_body = PrefillIn,
    security(("bearer" = [])),
    responses((status = 200, body = PrefillOut),
        (status = 400, description = "bad subject id, unknown procedure or field, missing purpose", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "role or document type out of the token's scope", body = ErrorBody)))]
pub async fn prefill(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiJson(body): ApiJson<PrefillIn>,
) -> Result<Json<PrefillOut>, ApiError> {
    let request = PrefillRequest {
        subject_id: body.subject_id,
        procedure_code: body.procedure_code,
        fields: body.fields,
    };
    let found = service
        .prefill(&caller, &request, "POST /api/v1/prefill")
        .await?;
    Ok(Json(PrefillOut::from(&found)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AccessLogQuery {
    /// Only the reads of this subject.
    subject: Option<String>,
    /// Newest entries first, at most this many (default 100, at most 10000).
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/access-log", tag = "reuse",
    params(AccessLogQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<AccessEntryOut>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn access_log(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiQuery(query): ApiQuery<AccessLogQuery>,
) -> Result<Json<Vec<AccessEntryOut>>, ApiError> {
    let entries = service
        .access_log(
            &caller,
            query.subject.as_deref(),
            query.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(entries.iter().map(AccessEntryOut::from).collect()))
}
