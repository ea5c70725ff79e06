//! Extractors that answer in the API's error shape: the caller from its bearer token, and
//! JSON bodies and query strings whose rejections are 4xx JSON errors, not plain text.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use hoso_pipeline::access::Caller;
use hoso_pipeline::records::ServiceError;
use hoso_pipeline::service::Service;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::ApiError;
use super::schemas::MAX_PURPOSE_CHARS;

/// Text sent is bounded as the document bounds it: in characters as sent, before the
/// service collapses whitespace, so that the bound a client reads is the one applied.
pub fn at_most(what: &str, text: &str, max_chars: usize) -> Result<(), ApiError> {
    if text.chars().count() > max_chars {
        return Err(ApiError::bad_request(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    Ok(())
}

/// The caller of a request: `Authorization: Bearer <secret>`, with the purpose from the
/// `X-Purpose` header or the `purpose` query parameter.
pub struct Auth(pub Caller);

#[derive(Deserialize)]
struct PurposeQuery {
    purpose: Option<String>,
}

impl FromRequestParts<Arc<Service>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        service: &Arc<Service>,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or(ServiceError::Unauthorized)?;
        let header_purpose = parts
            .headers
            .get("x-purpose")
            .map(|v| header_text(v.as_bytes()));
        let query_purpose = Query::<PurposeQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.purpose);
        // Each purpose sent is checked, the header's and the parameter's, so that a bad
        // one is refused wherever it is; the first that is not blank is the caller's.
        let mut caller = service.authenticate(secret, None).await?;
        for purpose in [header_purpose, query_purpose].into_iter().flatten() {
            at_most("the purpose", &purpose, MAX_PURPOSE_CHARS)?;
            let read = service.authenticate(secret, Some(&purpose)).await?;
            if caller.purpose.is_none() {
                caller.purpose = read.purpose;
            }
        }
        Ok(Auth(caller))
    }
}

/// A header value as text. Header values are bytes: a purpose written in Vietnamese arrives
/// as UTF-8, and bytes that are not UTF-8 are read as HTTP has always read them, Latin-1,
/// so that each byte stays a character the service can judge (a C1 control stays one
/// instead of hiding behind a replacement character).
fn header_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// `Json<T>` whose rejections are API errors.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

/// Every unreadable body is a 400 (axum would say 422 for a well-formed body of the wrong
/// shape, 415 for a missing content type): one status for "fix your request".
fn json_rejection(e: JsonRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!("bad json body: {}", e.body_text()),
    )
}

/// `Query<T>` whose rejections are API errors.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request(format!("bad query string: {}", e.body_text()))
            })
    }
}

/// `Path<T>` whose rejections are API errors.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| ApiError::bad_request(format!("bad path: {}", e.body_text())))
    }
}
