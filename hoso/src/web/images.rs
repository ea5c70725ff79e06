//! Page images at screen size, made on demand by the page renderer child and kept as
//! derivatives (`derived/<sha256>/page-<n>-w1000.png`), so the browser never downloads a
//! 300-dpi original; and crops of them around a field's evidence, for auditors.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_pipeline::access::Action;
use hoso_pipeline::ports::{DerivativeKind, ObjectKey, StoreError};
use hoso_pipeline::ContentHash;
use hoso_workers::preview::{render_in_child, PreviewRequest};

use super::session::Desk;
use super::{AppState, WebError};

/// A page rendering that takes longer is killed: a page, not a file, is being drawn.
const RENDER_TIMEOUT: Duration = Duration::from_secs(30);
/// More pages than any dossier file holds; a larger number is refused unread.
const MAX_PAGE: u32 = 10_000;

fn png(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            // Citizens' papers: not left in the browser's cache of a shared counter PC.
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response()
}

pub async fn page(
    State(state): State<AppState>,
    desk: Desk,
    Path((sha256, page)): Path<(String, u32)>,
) -> Result<Response, WebError> {
    state
        .service
        .authorize(&desk.caller, Action::ReadOriginal)
        .map_err(|e| desk.fail(e))?;
    let hash: ContentHash = sha256.parse().map_err(|_| {
        WebError::new(
            desk.lang,
            StatusCode::BAD_REQUEST,
            desk.lang.t("error-bad-request"),
        )
    })?;
    Ok(png(page_image(&state, &desk, &hash, page).await?))
}

/// The page image, from the store or rendered now and stored.
async fn page_image(
    state: &AppState,
    desk: &Desk,
    hash: &ContentHash,
    page: u32,
) -> Result<Vec<u8>, WebError> {
    let lang = desk.lang;
    let unavailable = |e: String| WebError::new(lang, StatusCode::SERVICE_UNAVAILABLE, e);
    if page == 0 || page > MAX_PAGE {
        return Err(WebError::new(
            lang,
            StatusCode::NOT_FOUND,
            lang.t("error-not-found"),
        ));
    }
    let store = state.service.store();
    let key = ObjectKey::derivative(hash, DerivativeKind::PageImage { page });
    match store.get(&key).await {
        Ok(bytes) => return Ok(bytes),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(unavailable(e.to_string())),
    }
    let original = state
        .service
        .catalog()
        .original(hash)
        .await
        .map_err(|e| unavailable(e.to_string()))?
        .ok_or_else(|| WebError::new(lang, StatusCode::NOT_FOUND, lang.t("error-not-found")))?;
    if original.pages.is_some_and(|n| page > n) {
        return Err(WebError::new(
            lang,
            StatusCode::NOT_FOUND,
            lang.t("error-not-found"),
        ));
    }
    let _permit = state
        .renders
        .acquire()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    // Another request may have rendered it while this one waited.
    if let Ok(bytes) = store.get(&key).await {
        return Ok(bytes);
    }
    let scratch = tempfile::Builder::new()
        .prefix("hoso-page-")
        .tempdir()
        .map_err(|e| unavailable(format!("cannot make a scratch folder: {e}")))?;
    let source = scratch.path().join("original");
    store
        .get_to_file(&ObjectKey::original(hash), &source)
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    let request = PreviewRequest {
        media: original.media_type,
        source,
        page,
        rotation: page_rotation(state, hash, page).await,
        limits: *state.service.limits(),
    };
    let renderer = state.renderer.clone();
    let rendered =
        tokio::task::spawn_blocking(move || render_in_child(&renderer, &request, RENDER_TIMEOUT))
            .await
            .map_err(|e| unavailable(e.to_string()))?;
    let bytes = match rendered {
        Ok(bytes) => bytes,
        Err(e) if e.is_permanent() => {
            return Err(WebError::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                e.to_string(),
            ))
        }
        Err(e) => return Err(unavailable(e.to_string())),
    };
    if let Err(e) = store.replace(&key, &bytes).await {
        // The page is shown anyway; the next view renders it again.
        tracing::warn!(error = %e, key = key.as_str(), "cannot keep the page image");
    }
    Ok(bytes)
}

/// The turn applied to a page before it was read, from the stored page reading, so that
/// the image matches the boxes.
async fn page_rotation(state: &AppState, hash: &ContentHash, page: u32) -> f32 {
    let key = ObjectKey::derivative(hash, DerivativeKind::PageText);
    let Ok(bytes) = state.service.store().get(&key).await else {
        return 0.0;
    };
    serde_json::from_slice::<Vec<hoso_extractors::PageText>>(&bytes)
        .ok()
        .and_then(|pages| pages.into_iter().find(|p| p.page == page))
        .map_or(0.0, |p| p.rotation)
}

/// The region the `n`th piece of evidence of a field names, enlarged, for auditors.
pub async fn crop(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, key, n)): Path<(String, String, usize)>,
) -> Result<Response, WebError> {
    let lang = desk.lang;
    let not_found = || WebError::new(lang, StatusCode::NOT_FOUND, lang.t("error-not-found"));
    let provenance = state
        .service
        .provenance(&desk.caller, &id)
        .await
        .map_err(|e| desk.fail(e))?;
    let evidence = provenance
        .fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.evidence.get(n.checked_sub(1)?))
        .ok_or_else(not_found)?;
    let hash: ContentHash = evidence
        .sha256
        .as_deref()
        .and_then(|s| s.parse().ok())
        .ok_or_else(not_found)?;
    let page = page_image(&state, &desk, &hash, evidence.page).await?;
    let bbox = evidence.bbox;
    let cropped = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let image = image::load_from_memory_with_format(&page, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?
            .to_luma8();
        let region = hoso_workers::crops::crop(&image, bbox, 0.01);
        let enlarged = image::imageops::resize(
            &region,
            region.width() * 2,
            region.height() * 2,
            image::imageops::FilterType::CatmullRom,
        );
        hoso_workers::crops::png(&enlarged).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| WebError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|e| WebError::new(lang, StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(png(cropped))
}
