//! API tokens (admins only). `hoso token create` does the same from the command line.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hoso_pipeline::access::Action;
use hoso_pipeline::registry::Role;
use hoso_pipeline::service::Service;

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, Auth};
use super::model::{TokenCreatedOut, TokenIn, TokenOut};
use super::schemas::{TokenName, TokenRequest};

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", operation_id = "list_tokens",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    let tokens = service.tokens(&caller).await?;
    Ok(Json(tokens.iter().map(TokenOut::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", operation_id = "create_token",
    request_body = TokenRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "the secret is shown this once", body = TokenCreatedOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "a token of this name exists", body = ErrorBody)))]
pub async fn create(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiJson(body): ApiJson<TokenIn>,
) -> Result<(StatusCode, Json<TokenCreatedOut>), ApiError> {
    service.authorize(&caller, Action::ManageTokens)?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        ApiError::bad_request(format!(
            "unknown role {:?}: clerk, procedure_system, auditor or admin",
            body.role
        ))
    })?;
    let types: Vec<String> = body
        .document_types
        .iter()
        .map(|t| t.0.as_str().to_string())
        .collect();
    let (secret, token) = service
        .create_token(&caller, &body.name, role, &types)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreatedOut {
            token: TokenOut::from(&token),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{name}", tag = "tokens", operation_id = "revoke_token",
    params(("name" = TokenName, Path, description = "the token's name")),
    security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "no token of this name", body = ErrorBody)))]
pub async fn revoke(
    Auth(caller): Auth,
    State(service): State<Arc<Service>>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    service.revoke_token(&caller, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
