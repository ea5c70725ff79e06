//! Records: read with provenance and history, correct a field, verify, revoke.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use hoso_pipeline::service::Service;

use super::error::{ApiError, ErrorBody};
use super::extract::{at_most, ApiJson, ApiPath, Auth};
use super::model::{CorrectionIn, RecordOut, RevocationIn, UnitChoiceIn};
use super::schemas::{FieldKey, MAX_TEXT_CHARS};

#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records", operation_id = "get_record",
    params(("id" = String, Path, description = "the record id")),
    security(("bearer" = [])),
    responses((status = 200, description = "fields with provenance, sources and history", body = RecordOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody)))]
pub async fn get(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordOut>, ApiError> {
    let view = service.record(&caller, &id).await?;
    Ok(Json(RecordOut::new(&view, true)))
}

/// Replaces one field's value; the old value stays in the history.
#[utoipa::path(patch, path = "/api/v1/records/{id}/fields/{key}", tag = "records", operation_id = "correct_field",
    params(("id" = String, Path, description = "the record id"),
        ("key" = FieldKey, Path, description = "a field key of the record's type")),
    request_body = CorrectionIn,
    security(("bearer" = [])),
    responses((status = 200, body = RecordOut),
        (status = 400, description = "a key the record's type does not have, a blank value or one \
            without the key's format (dates yyyy-mm-dd, id numbers of 12 digits, sex male or female, \
            ...: see the document types spec)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody),
        (status = 409, description = "the record is superseded or revoked", body = ErrorBody)))]
pub async fn correct(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath((id, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<CorrectionIn>,
) -> Result<Json<RecordOut>, ApiError> {
    at_most("the value", &body.value, MAX_TEXT_CHARS)?;
    if let Some(reason) = &body.reason {
        at_most("the reason", reason, MAX_TEXT_CHARS)?;
    }
    let view = service
        .correct_field(&caller, &id, &key, &body.value, body.reason.as_deref())
        .await?;
    Ok(Json(RecordOut::new(&view, true)))
}

/// Chooses which current commune a place is in when its printed commune was split between
/// several (its `units.current` lists the candidates); kept in the history like a
/// correction, the value staying as printed.
#[utoipa::path(post, path = "/api/v1/records/{id}/fields/{key}/units", tag = "records", operation_id = "choose_unit",
    params(("id" = String, Path, description = "the record id"),
        ("key" = FieldKey, Path, description = "a place field of the record's type")),
    request_body = UnitChoiceIn,
    security(("bearer" = [])),
    responses((status = 200, body = RecordOut),
        (status = 400, description = "not a place field, a place that needs no choice, a code \
            that is not one of the candidates, or no reason", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody),
        (status = 409, description = "the record is superseded or revoked", body = ErrorBody),
        (status = 503, description = "no unit table is installed", body = ErrorBody)))]
pub async fn choose_unit(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath((id, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<UnitChoiceIn>,
) -> Result<Json<RecordOut>, ApiError> {
    at_most("the commune code", &body.commune_code, 16)?;
    at_most("the reason", &body.reason, MAX_TEXT_CHARS)?;
    let view = service
        .choose_place_unit(
            &caller,
            &id,
            &key,
            &body.commune_code,
            &body.reason,
            hoso_pipeline::audit::now_ms(),
        )
        .await?;
    Ok(Json(RecordOut::new(&view, true)))
}

/// Marks an extracted record verified; older verified records of the same type and
/// subject become superseded.
#[utoipa::path(post, path = "/api/v1/records/{id}/verify", tag = "records", operation_id = "verify_record",
    params(("id" = String, Path, description = "the record id")),
    security(("bearer" = [])),
    responses((status = 200, body = RecordOut), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody),
        (status = 409, description = "not in the extracted state", body = ErrorBody)))]
pub async fn verify(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordOut>, ApiError> {
    let view = service.verify(&caller, &id).await?;
    Ok(Json(RecordOut::new(&view, true)))
}

#[utoipa::path(post, path = "/api/v1/records/{id}/revoke", tag = "records", operation_id = "revoke_record",
    params(("id" = String, Path, description = "the record id")),
    request_body = RevocationIn,
    security(("bearer" = [])),
    responses((status = 200, body = RecordOut),
        (status = 400, description = "a blank reason", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no record with this id", body = ErrorBody),
        (status = 409, description = "the record is superseded or revoked", body = ErrorBody)))]
pub async fn revoke(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RevocationIn>,
) -> Result<Json<RecordOut>, ApiError> {
    at_most("the reason", &body.reason, MAX_TEXT_CHARS)?;
    let view = service.revoke(&caller, &id, &body.reason).await?;
    Ok(Json(RecordOut::new(&view, true)))
}
