//! The clerks' and auditors' web interface: server-rendered pages (askama templates in
//! `hoso/templates/`, strings from Fluent catalogs in `hoso/locales/`) with one small
//! script of our own, all compiled into the binary; nothing is fetched at run time.
//!
//! Like the API, it only maps requests to `Service` calls: roles, validation and the
//! access and audit logs are the service layer's. What it adds is the browser's
//! security: a session cookie (HttpOnly, SameSite=Strict, Secure over TLS), a CSRF token
//! on every state-changing request checked with the request's origin, a
//! Content-Security-Policy without `unsafe-inline`, and personal identifiers kept out of
//! URLs (searches and lookups are POSTs; record and dossier ids are not personal data).

mod assets;
mod audit;
mod dossiers;
mod i18n;
mod images;
mod live;
mod pages;
mod records;
mod session;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use hoso_pipeline::records::ServiceError;
use hoso_pipeline::service::Service;
use hoso_workers::ChildCommand;

pub use assets::ASSET_BYTES;
pub use i18n::Lang;
pub use session::SESSION_COOKIE;

/// Today at the counter as `YYYYMMDD`, as dossier codes carry it.
pub fn today_code() -> String {
    pages::local_time(hoso_pipeline::audit::now_ms())
        .chars()
        .take(10)
        .filter(char::is_ascii_digit)
        .collect()
}

/// What every handler of the interface shares.
pub struct WebState {
    pub service: Arc<Service>,
    /// How to start the page renderer (`hoso page-image`), a child process per page.
    pub renderer: ChildCommand,
    /// Set the cookie's `Secure` attribute even when the request did not say it came
    /// over TLS (a proxy that does not send `X-Forwarded-Proto`).
    pub secure_cookies: bool,
    /// Page renderings at once: each is a child process with its own PDFium.
    pub renders: tokio::sync::Semaphore,
    /// The last verification of the audit log this process ran, for the auditor's page.
    pub last_verification: std::sync::Mutex<Option<audit::Verification>>,
}

pub type AppState = Arc<WebState>;

/// The Content-Security-Policy of every page: our own script, style and images only, no
/// inline code, no framing, forms only to ourselves.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `same-origin`, not `no-referrer`: under `no-referrer` Chromium sends `Origin: null`
/// with our own form posts, which the origin check must refuse. Our URLs carry no
/// personal data, and other sites get no referrer at all.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The interface's routes; merged into the API's router by `hoso serve`.
pub fn router(state: AppState) -> Router {
    let max_file = usize::try_from(state.service.limits().max_file_bytes).unwrap_or(usize::MAX);
    let upload_limit = DefaultBodyLimit::max(
        max_file
            .saturating_mul(crate::api::MAX_DOSSIER_FILES)
            .saturating_add(1024 * 1024),
    );
    Router::new()
        .route("/", get(pages::start))
        .route(
            "/sign-in",
            get(session::sign_in_page).post(session::sign_in),
        )
        .route("/sign-out", post(session::sign_out))
        .route("/lang/{lang}", get(session::set_language))
        .route("/search", get(pages::search_page).post(pages::search))
        .route("/dossiers/new", get(dossiers::new_page))
        .route("/dossiers", post(dossiers::create).layer(upload_limit))
        .route("/dossiers/once-only", post(dossiers::once_only))
        .route("/dossiers/{code}", get(dossiers::show))
        .route("/dossiers/{code}/events", get(live::events))
        .route("/records/{id}", get(records::review))
        .route("/records/{id}/fields/{key}", post(records::correct))
        .route(
            "/records/{id}/fields/{key}/units",
            post(records::choose_unit),
        )
        .route("/records/{id}/verify", post(records::verify))
        .route("/pages/{sha256}/{page}", get(images::page))
        .route("/audit", get(audit::overview))
        .route("/audit/verify", post(audit::verify))
        .route("/audit/records/{id}", get(audit::provenance))
        .route("/audit/records/{id}/receipt", get(audit::receipt))
        .route("/audit/records/{id}/crops/{key}/{n}", get(images::crop))
        .route(
            "/audit/access-log",
            get(audit::access_log_page).post(audit::access_log),
        )
        .route("/assets/{name}", get(assets::asset))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// How a page request fails: a page in the reader's language, or a redirect to sign in.
pub enum WebError {
    SignIn,
    Page {
        status: StatusCode,
        lang: Lang,
        message: String,
    },
}

impl WebError {
    pub fn new(lang: Lang, status: StatusCode, message: impl Into<String>) -> Self {
        WebError::Page {
            status,
            lang,
            message: message.into(),
        }
    }

    pub fn from_service(lang: Lang, e: ServiceError) -> Self {
        let status = crate::api::status_of(e.kind());
        if status == StatusCode::UNAUTHORIZED {
            return WebError::SignIn;
        }
        WebError::new(lang, status, e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn => Redirect::to("/sign-in").into_response(),
            WebError::Page {
                status,
                lang,
                message,
            } => {
                if status.is_server_error() {
                    tracing::error!(%status, error = %message, "page failed");
                }
                let page = pages::ErrorPage::new(lang, status, message);
                (status, render(&page)).into_response()
            }
        }
    }
}

/// A template as a page; a template that fails to render is a bug, shown as a 500.
pub fn render(template: &impl askama::Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}
