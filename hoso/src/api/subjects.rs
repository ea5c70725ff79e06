//! The reuse interface of procedure systems: a subject's verified records, prefill, and
//! the access log that every such read writes to.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use hoso_pipeline::access::Action;
use hoso_pipeline::prefill::PrefillRequest as Request;
use hoso_pipeline::service::Service;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use super::model::{
    AccessEntryOut, PrefillIn, PrefillOut, RecordOut, SubjectOut, SubjectRecordsOut, UnitsChoice,
};
use super::schemas::{parse_record_type, PrefillRequest, Purpose, RecordType, SubjectId};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    /// Document types, comma-separated; by default every type the token may read.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Vec<RecordType>, required = false, style = Form, explode = false, min_items = 1)]
    types: Option<String>,
    /// Why the data is read, when not in `X-Purpose`.
    #[param(value_type = Purpose, required = false)]
    purpose: Option<String>,
    /// The units a place's `value` is given in: today's (the default) or as printed; the
    /// printed value is always in `printed`.
    #[param(value_type = Option<UnitsChoice>, required = false)]
    units: Option<UnitsChoice>,
}

/// The purpose as a procedure system declares it; only documented here, the `Auth`
/// extractor reads it (and `purpose`) on every request.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct PurposeHeader {
    /// Why the data is read: required of procedure systems (this or the `purpose`
    /// parameter), for whom a blank one is none.
    #[param(rename = "X-Purpose", value_type = Purpose, required = false)]
    x_purpose: Option<String>,
}

/// `purpose` alone, for the operations whose other parameters are not in the query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PurposeQuery {
    /// Why the data is read, when not in `X-Purpose`.
    #[param(value_type = Purpose, required = false)]
    purpose: Option<String>,
}

/// The `type` parameter: record types, comma-separated, each exactly as the schema spells
/// it (no spaces, no empty items).
fn record_types(raw: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|t| {
            parse_record_type(t)
                .map(|t| t.0.as_str().to_string())
                .map_err(ApiError::bad_request)
        })
        .collect()
}

/// A subject's current verified records, with fields and provenance.
#[utoipa::path(get, path = "/api/v1/subjects/{id}/records", tag = "reuse", operation_id = "subject_records",
    params(("id" = SubjectId, Path, description = "12-digit citizen id number or enterprise code"),
        SubjectQuery, PurposeHeader),
    security(("bearer" = [])),
    responses((status = 200, body = SubjectRecordsOut),
        (status = 400, description = "bad subject id, unknown type, missing purpose", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "role out of scope, or none of the fields asked is of the token's document types (those only partly out of scope are answered, listed in not_permitted)", body = ErrorBody)))]
pub async fn records(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<SubjectQuery>,
) -> Result<Json<SubjectRecordsOut>, ApiError> {
    let _ = query.purpose;
    service.authorize(&caller, Action::SubjectRecords)?;
    let types = record_types(query.types.as_deref())?;
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
            .map(|v| RecordOut::new(v, false).with_places_in(query.units.unwrap_or_default()))
            .collect(),
    }))
}

/// Of the fields a procedure needs, those already known and verified (with their source)
/// and those still missing.
#[utoipa::path(post, path = "/api/v1/prefill", tag = "reuse", operation_id = "prefill",
    params(PurposeHeader, PurposeQuery),
    request_body = PrefillRequest,
    security(("bearer" = [])),
    responses((status = 200, body = PrefillOut),
        (status = 400, description = "bad subject id, unknown procedure or field, missing purpose", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "role out of scope, or none of the fields asked is of the token's document types (those only partly out of scope are answered, listed in not_permitted)", body = ErrorBody)))]
pub async fn prefill(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiJson(body): ApiJson<PrefillIn>,
) -> Result<Json<PrefillOut>, ApiError> {
    let request = Request {
        subject_id: body.subject_id,
        procedure_code: body.procedure_code,
        fields: body.fields.into_iter().map(|f| f.0).collect(),
    };
    let found = service
        .prefill(&caller, &request, "POST /api/v1/prefill")
        .await?;
    Ok(Json(PrefillOut::new(&found, body.units)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    /// Only the reads of this subject.
    #[param(value_type = SubjectId, required = false)]
    subject: Option<String>,
    /// Newest entries first, at most this many.
    #[param(value_type = u32, required = false, minimum = 1, maximum = 10000, default = 100)]
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/access-log", tag = "reuse", operation_id = "get_access_log",
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
