//! Signing in and out, the session cookie, the language cookie, and the checks every
//! state-changing request passes: same origin, and the session's CSRF token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hoso_pipeline::access::Caller;
use serde::Deserialize;

use super::pages::Chrome;
use super::{render, AppState, Lang, WebError};

pub const SESSION_COOKIE: &str = "hoso_session";
const LANG_COOKIE: &str = "hoso_lang";

/// A cookie's value from the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The reader's language: the cookie's, else Vietnamese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// A signed-in person, with the session's CSRF token and their language.
pub struct Desk {
    pub caller: Caller,
    pub csrf: String,
    pub lang: Lang,
    secret: String,
}

impl Desk {
    /// Whether the session is still alive (a live stream asks again as it goes).
    pub async fn still_signed_in(&self, service: &hoso_pipeline::service::Service) -> bool {
        service.session(&self.secret).await.is_ok()
    }
}

impl Desk {
    pub fn chrome(&self, path: &str) -> Chrome {
        Chrome::signed_in(self.lang, &self.caller, &self.csrf, path)
    }

    pub fn fail(&self, e: hoso_pipeline::records::ServiceError) -> WebError {
        WebError::from_service(self.lang, e)
    }

    /// A state-changing request must come from our own pages: same origin, and the
    /// session's CSRF token in the `X-CSRF-Token` header or the form's `csrf` field.
    pub fn check_csrf(
        &self,
        headers: &HeaderMap,
        form_token: Option<&str>,
    ) -> Result<(), WebError> {
        check_origin(headers, self.lang)?;
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .or(form_token)
            .unwrap_or_default();
        if constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::new(
                self.lang,
                StatusCode::FORBIDDEN,
                self.lang.t("error-csrf"),
            ))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a request a browser marks as cross-site, or whose `Origin` is not this host.
fn check_origin(headers: &HeaderMap, lang: Lang) -> Result<(), WebError> {
    let refuse = || WebError::new(lang, StatusCode::FORBIDDEN, lang.t("error-cross-site"));
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" || site == "same-site" {
            return Err(refuse());
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let origin = origin.to_str().unwrap_or_default();
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or_default();
        if host.is_empty() || origin_host != host {
            return Err(refuse());
        }
    }
    Ok(())
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let lang = lang_of(&parts.headers);
        // The page's script sends its token in a header; it cannot follow a redirect to
        // the sign-in page, so it gets a 401 it can show.
        let scripted = parts.headers.contains_key("x-csrf-token");
        let signed_out = || {
            if scripted {
                WebError::new(lang, StatusCode::UNAUTHORIZED, lang.t("error-signed-out"))
            } else {
                WebError::SignIn
            }
        };
        let secret = cookie(&parts.headers, SESSION_COOKIE)
            .ok_or_else(signed_out)?
            .to_string();
        let session = state.service.session(&secret).await.map_err(|e| {
            if e.kind() == hoso_pipeline::records::ErrorKind::Unauthorized {
                signed_out()
            } else {
                WebError::from_service(lang, e)
            }
        })?;
        Ok(Desk {
            caller: session.caller,
            csrf: session.csrf_token,
            lang,
            secret,
        })
    }
}

/// The reader's language, for pages that need no session.
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

#[derive(askama::Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub ui: Chrome,
    pub error: Option<String>,
    pub name: String,
}

pub async fn sign_in_page(PageLang(lang): PageLang) -> Response {
    render(&SignInPage {
        ui: Chrome::anonymous(lang, "/sign-in"),
        error: None,
        name: String::new(),
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    name: String,
    password: String,
}

/// The secure flag: over TLS as the proxy says, or always when configured.
fn secure(state: &AppState, headers: &HeaderMap) -> &'static str {
    let tls = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    if tls || state.secure_cookies {
        "; Secure"
    } else {
        ""
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    check_origin(&headers, lang)?;
    let address = connect
        .map(|c| c.0 .0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    match state
        .service
        .sign_in(form.name.trim(), &form.password, &address)
        .await
    {
        Ok(signed) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict{}",
                signed.secret,
                secure(&state, &headers)
            );
            let mut response = Redirect::to("/").into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e) => {
            let status = crate::api::status_of(e.kind());
            let message = match &e {
                hoso_pipeline::records::ServiceError::SignInFailed => lang.t("error-sign-in"),
                hoso_pipeline::records::ServiceError::Throttled { retry_after_s } => {
                    lang.t1("error-throttled", "seconds", retry_after_s)
                }
                other => other.to_string(),
            };
            let page = SignInPage {
                ui: Chrome::anonymous(lang, "/sign-in"),
                error: Some(message),
                name: form.name,
            };
            Ok((status, render(&page)).into_response())
        }
    }
}

/// A form whose only field is the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

pub async fn sign_out(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    state
        .service
        .sign_out(&desk.caller, &desk.secret)
        .await
        .map_err(|e| desk.fail(e))?;
    let mut response = Redirect::to("/sign-in").into_response();
    let cookie = format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(&state, &headers)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Switches the language and returns to the page it was asked from (a path on this
/// site only).
pub async fn set_language(Path(code): Path<String>, Query(back): Query<Back>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = back
        .back
        // A path of ours only: no scheme, host, escapes or control characters to smuggle
        // another site past the browser.
        .filter(|b| {
            b.starts_with('/')
                && !b.starts_with("//")
                && b.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"/._-".contains(&c))
        })
        .unwrap_or_else(|| "/".to_string());
    let mut response = Redirect::to(&back).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cookies_are_found_among_others() {
        let h = headers(&[
            ("cookie", "a=1; hoso_session=abc"),
            ("cookie", "hoso_lang=en"),
        ]);
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(lang_of(&h), Lang::En);
        assert_eq!(lang_of(&HeaderMap::new()), Lang::Vi);
    }

    #[test]
    fn the_language_toggle_returns_to_our_own_paths_only() {
        for (back, to) in [
            ("/records/r-1", "/records/r-1"),
            ("//evil.example", "/"),
            ("/%09/evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example", "/"),
        ] {
            let response = futures_util::FutureExt::now_or_never(set_language(
                Path("en".to_string()),
                Query(Back {
                    back: Some(back.to_string()),
                }),
            ))
            .unwrap();
            assert_eq!(response.headers()[header::LOCATION], to, "{back}");
        }
    }

    #[test]
    fn only_same_origin_requests_pass() {
        let cases = [
            (vec![("host", "127.0.0.1:8080")], true),
            (
                vec![
                    ("host", "127.0.0.1:8080"),
                    ("origin", "http://127.0.0.1:8080"),
                ],
                true,
            ),
            (
                vec![
                    ("host", "127.0.0.1:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                true,
            ),
            (
                vec![
                    ("host", "127.0.0.1:8080"),
                    ("origin", "http://evil.example"),
                ],
                false,
            ),
            (vec![("host", "127.0.0.1:8080"), ("origin", "null")], false),
            (
                vec![("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")],
                false,
            ),
        ];
        for (pairs, ok) in cases {
            assert_eq!(
                check_origin(&headers(&pairs), Lang::En).is_ok(),
                ok,
                "{pairs:?}"
            );
        }
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
