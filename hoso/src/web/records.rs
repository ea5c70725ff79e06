//! Review: a record's page images with each field's box, its fields with confidence and
//! method, corrections from the keyboard with a reason, and verification.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use hoso_extractors::{FieldKey, Method};
use hoso_pipeline::records::RecordView;
use hoso_pipeline::registry::{RecordEventKind, RecordStatus};
use serde::{Deserialize, Serialize};

use super::pages::{Chrome, LOW_CONFIDENCE};
use super::session::Desk;
use super::{render, AppState, WebError};
use crate::api::ApiError;

/// One field as the review shows it.
pub struct FieldRow {
    pub key: String,
    pub value: String,
    pub confidence: f32,
    pub method: String,
    pub low: bool,
    /// A warning of its document names this field.
    pub conflicting: bool,
    /// The box it was read from: the page's index in `ReviewPage::pages` and the box as
    /// `x y width height` fractions, or none for a typed value.
    pub page_index: Option<usize>,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub raw: String,
    /// A place's units, as printed and today's.
    pub units: Option<PlaceRow>,
}

/// A place field's units as the review shows them.
pub struct PlaceRow {
    /// "Phường Cống Vị (00007), Quận Ba Đình (001), Thành phố Hà Nội (01)".
    pub printed: String,
    /// Today's candidates: code and "commune, province".
    pub today: Vec<(String, String)>,
    /// A clerk chose among a split commune's candidates.
    pub chosen: bool,
    /// Several candidates wait for a clerk's choice.
    pub needs_choice: bool,
    pub crosswalk: String,
}

impl PlaceRow {
    fn from_units(units: &serde_json::Value) -> Self {
        let unit = |u: &serde_json::Value| -> Option<String> {
            Some(format!("{} ({})", u["name"].as_str()?, u["code"].as_str()?))
        };
        let printed: Vec<String> = ["commune", "district", "province"]
            .iter()
            .filter_map(|level| unit(&units["printed"][*level]))
            .collect();
        let today: Vec<(String, String)> = units["current"]
            .as_array()
            .map(|current| {
                current
                    .iter()
                    .map(|c| {
                        let code = c["commune"]["code"]
                            .as_str()
                            .or_else(|| c["province"]["code"].as_str())
                            .unwrap_or_default()
                            .to_string();
                        let names: Vec<String> = [&c["commune"], &c["province"]]
                            .into_iter()
                            .filter_map(unit)
                            .collect();
                        (code, names.join(", "))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            printed: printed.join(", "),
            needs_choice: today.len() > 1,
            today,
            chosen: units["method"] == "manual",
            crosswalk: units["crosswalk"].as_str().unwrap_or_default().to_string(),
        }
    }
}

impl FieldRow {
    /// Whether its box is on the page at `index` of the review.
    pub fn on_page(&self, index: &usize) -> bool {
        self.page_index == Some(*index)
    }
}

/// Whether a warning names this field: the key as a whole word (`full_name` is not
/// named by a warning about `father_full_name`).
fn names_key(warning: &str, key: &str) -> bool {
    warning
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == key)
}

/// One page image with the boxes drawn on it.
pub struct PageImage {
    pub sha256: String,
    pub page: u32,
}

pub struct HistoryRow {
    pub at_ms: i64,
    pub actor: String,
    pub what: String,
}

#[derive(askama::Template)]
#[template(path = "record.html")]
pub struct ReviewPage {
    pub ui: Chrome,
    pub id: String,
    pub document_type: String,
    pub status: String,
    pub editable: bool,
    pub fields: Vec<FieldRow>,
    pub pages: Vec<PageImage>,
    pub warnings: Vec<String>,
    pub history: Vec<HistoryRow>,
    pub file_name: String,
}

fn history_row(e: &hoso_pipeline::registry::RecordEvent, ui: &Chrome) -> HistoryRow {
    let what = match &e.kind {
        RecordEventKind::Created { document_id } => {
            ui.t1("history-created", "document", document_id)
        }
        RecordEventKind::Linked { document_id } => ui.t1("history-linked", "document", document_id),
        RecordEventKind::Corrected {
            key,
            old_value,
            new_value,
            reason,
        } => format!(
            "{}: {} → {new_value}{}",
            ui.field_name(key),
            old_value.as_deref().unwrap_or("—"),
            reason
                .as_deref()
                .map(|r| format!(" ({})", ui.t1("history-reason", "reason", r)))
                .unwrap_or_default()
        ),
        RecordEventKind::Verified => ui.t("history-verified"),
        RecordEventKind::Superseded { by } => ui.t1("history-superseded", "record", by),
        RecordEventKind::Revoked { reason } => ui.t1("history-revoked", "reason", reason),
        RecordEventKind::UnitChosen {
            key,
            commune_code,
            reason,
            ..
        } => format!(
            "{}: {} ({})",
            ui.field_name(key),
            ui.t1("history-unit-chosen", "commune", commune_code),
            ui.t1("history-reason", "reason", reason)
        ),
    };
    HistoryRow {
        at_ms: e.at_ms,
        actor: e.actor.clone(),
        what,
    }
}

pub async fn review(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let RecordView {
        record,
        sources,
        history,
        places,
    } = state
        .service
        .record(&desk.caller, &id)
        .await
        .map_err(|e| desk.fail(e))?;
    let warnings: Vec<String> = sources
        .iter()
        .flat_map(|s| s.warnings.iter().cloned())
        .collect();
    let sha = sources
        .first()
        .map(|s| s.sha256.clone())
        .unwrap_or_default();
    // The pages evidence names, else the document's own pages, in page order.
    let mut page_numbers: Vec<u32> = record
        .fields
        .values()
        .filter_map(|f| f.evidence.first().map(|e| e.page))
        .collect();
    if page_numbers.is_empty() {
        if let Some(pages) = sources.first().and_then(|s| s.pages.clone()) {
            page_numbers = pages;
        }
    }
    page_numbers.sort_unstable();
    page_numbers.dedup();
    let pages: Vec<PageImage> = if sha.is_empty() {
        Vec::new()
    } else {
        page_numbers
            .iter()
            .map(|&page| PageImage {
                sha256: sha.clone(),
                page,
            })
            .collect()
    };
    let mut fields: Vec<FieldRow> = record
        .fields
        .iter()
        .map(|(key, field)| {
            let evidence = field.evidence.first();
            let b = evidence.map(|e| e.bbox);
            FieldRow {
                key: key.to_string(),
                value: field.value.clone(),
                confidence: field.confidence,
                method: field.method.as_str().to_string(),
                low: field.confidence < LOW_CONFIDENCE,
                conflicting: warnings.iter().any(|w| names_key(w, key.as_str())),
                page_index: evidence.and_then(|e| pages.iter().position(|p| p.page == e.page)),
                x: b.map_or(0.0, |b| b.x0),
                y: b.map_or(0.0, |b| b.y0),
                w: b.map_or(0.0, |b| b.x1 - b.x0),
                h: b.map_or(0.0, |b| b.y1 - b.y0),
                // A QR code's or a zone's raw text is the whole payload, not this value's.
                raw: evidence
                    .filter(|_| matches!(field.method, Method::Ocr | Method::TextLayer))
                    .map(|e| e.raw.clone())
                    .unwrap_or_default(),
                units: crate::units::units_for(
                    record.document_type,
                    *key,
                    &field.value,
                    places.iter().find(|p| p.key == *key),
                )
                .map(|u| PlaceRow::from_units(&u)),
            }
        })
        .collect();
    // In the order the document prints them, as the spec lists them.
    let order = hoso_pipeline::procedures::field_keys(record.document_type);
    fields.sort_by_key(|f| {
        order
            .iter()
            .position(|k| k.as_str() == f.key)
            .unwrap_or(usize::MAX)
    });
    let ui = desk.chrome(&format!("/records/{}", record.id));
    let history = history.iter().map(|e| history_row(e, &ui)).collect();
    Ok(render(&ReviewPage {
        ui,
        id: record.id.clone(),
        document_type: record.document_type.as_str().to_string(),
        status: record.status.as_str().to_string(),
        editable: record.status == RecordStatus::Extracted
            && desk
                .caller
                .may(hoso_pipeline::access::Action::CorrectRecord),
        fields,
        pages,
        warnings,
        history,
        file_name: sources
            .first()
            .and_then(|s| s.file_name.clone())
            .unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_warning_names_a_field_by_its_whole_key() {
        assert!(super::names_key(
            "full_name: the card's QR code spells it",
            "full_name"
        ));
        assert!(!super::names_key("father_full_name differs", "full_name"));
        assert!(super::names_key("(id_number) unsure", "id_number"));
    }
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    csrf: Option<String>,
    value: String,
    reason: String,
}

#[derive(Serialize)]
pub struct CorrectedOut {
    key: String,
    value: String,
    method: String,
}

/// A correction, from the page's script (JSON answer) or a plain form (back to the page).
pub async fn correct(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Path((id, key)): Path<(String, String)>,
    Form(form): Form<CorrectionForm>,
) -> Result<Response, Response> {
    desk.check_csrf(&headers, form.csrf.as_deref())
        .map_err(IntoResponse::into_response)?;
    let wants_json = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if form.reason.trim().is_empty() {
        let message = desk.lang.t("error-reason-required");
        return Err(if wants_json {
            ApiError::bad_request(message).into_response()
        } else {
            WebError::new(desk.lang, axum::http::StatusCode::BAD_REQUEST, message).into_response()
        });
    }
    let result = state
        .service
        .correct_field(&desk.caller, &id, &key, &form.value, Some(&form.reason))
        .await;
    match (result, wants_json) {
        (Ok(view), true) => {
            let field = FieldKey::parse(&key).and_then(|k| view.record.fields.get(&k));
            Ok(Json(CorrectedOut {
                key: key.clone(),
                value: field.map(|f| f.value.clone()).unwrap_or_default(),
                method: field
                    .map(|f| f.method.as_str().to_string())
                    .unwrap_or_default(),
            })
            .into_response())
        }
        (Ok(_), false) => Ok(Redirect::to(&format!("/records/{id}")).into_response()),
        (Err(e), true) => Err(ApiError::from(e).into_response()),
        (Err(e), false) => Err(desk.fail(e).into_response()),
    }
}

pub async fn verify(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<super::session::CsrfForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    state
        .service
        .verify(&desk.caller, &id)
        .await
        .map_err(|e| desk.fail(e))?;
    Ok(Redirect::to(&format!("/records/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct UnitChoiceForm {
    csrf: Option<String>,
    commune_code: Option<String>,
    reason: String,
}

/// A clerk's choice of the current commune of a split one, from the review's form.
pub async fn choose_unit(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Path((id, key)): Path<(String, String)>,
    Form(form): Form<UnitChoiceForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    if form.reason.trim().is_empty() {
        let message = desk.lang.t("error-reason-required");
        return Err(WebError::new(
            desk.lang,
            axum::http::StatusCode::BAD_REQUEST,
            message,
        ));
    }
    state
        .service
        .choose_place_unit(
            &desk.caller,
            &id,
            &key,
            form.commune_code.as_deref().unwrap_or_default(),
            &form.reason,
            hoso_pipeline::audit::now_ms(),
        )
        .await
        .map_err(|e| desk.fail(e))?;
    Ok(Redirect::to(&format!("/records/{id}")).into_response())
}
