//! The page chrome every template shares, the start page, search and the error page,
//! with the small view models they show.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use hoso_extractors::FieldKey;
use hoso_pipeline::access::{Action, Caller};
use hoso_pipeline::audit::now_ms;
use hoso_pipeline::records::RecordView;
use hoso_pipeline::registry::{Dossier, Record, RecordStatus, Role};
use serde::Deserialize;

use super::{render, AppState, Lang, WebError};
use crate::web::session::Desk;

/// Below this a field is shown as uncertain and asks for a look.
pub const LOW_CONFIDENCE: f32 = 0.8;

/// Vietnam's offset from UTC (no daylight saving): "today" is the counter's day.
const VIETNAM_OFFSET_MS: i64 = 7 * 3600 * 1000;

/// What every page shows around its content: the language, the person, the menu.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<String>,
    pub role: Option<Role>,
    pub csrf: String,
    /// This page's path, for the language toggle to come back to. Never personal data.
    pub path: String,
}

impl Chrome {
    pub fn anonymous(lang: Lang, path: &str) -> Self {
        Self {
            lang,
            user: None,
            role: None,
            csrf: String::new(),
            path: path.to_string(),
        }
    }

    pub fn signed_in(lang: Lang, caller: &Caller, csrf: &str, path: &str) -> Self {
        Self {
            lang,
            user: Some(caller.name.clone()),
            role: Some(caller.role),
            csrf: csrf.to_string(),
            path: path.to_string(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.lang.t1(key, name, value)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_code(&self) -> &'static str {
        self.lang.other().code()
    }

    pub fn other_name(&self) -> String {
        self.lang.t(match self.lang.other() {
            Lang::Vi => "lang-vi",
            Lang::En => "lang-en",
        })
    }

    fn may(&self, action: Action) -> bool {
        self.role.is_some_and(|r| action.allowed(r))
    }

    pub fn clerk(&self) -> bool {
        self.may(Action::UploadDossier)
    }

    pub fn auditor(&self) -> bool {
        self.may(Action::ReadAudit)
    }

    pub fn role_name(&self) -> String {
        self.role
            .map(|r| self.t(&format!("role-{}", r.as_str().replace('_', "-"))))
            .unwrap_or_default()
    }

    pub fn type_name(&self, document_type: &str) -> String {
        self.t(&format!("type-{}", document_type.replace('_', "-")))
    }

    pub fn field_name(&self, key: &str) -> String {
        self.t(&format!("field-{}", key.replace('_', "-")))
    }

    pub fn stage_name(&self, stage: &str) -> String {
        self.t(&format!("stage-{stage}"))
    }

    pub fn state_name(&self, state: &str) -> String {
        self.t(&format!("state-{state}"))
    }

    pub fn status_name(&self, status: &str) -> String {
        self.t(&format!("status-{status}"))
    }

    pub fn percent(&self, confidence: &f32) -> String {
        format!("{:.0}%", confidence * 100.0)
    }

    /// A time as the counter's clock shows it (Vietnam, UTC+7), to the minute.
    pub fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }
}

pub fn local_time(ms: i64) -> String {
    let text = crate::api::iso(ms + VIETNAM_OFFSET_MS);
    text.get(..16).unwrap_or(&text).replace('T', " ")
}

/// A record in a list.
pub struct RecordRow {
    pub id: String,
    pub document_type: &'static str,
    pub status: &'static str,
    pub name: String,
    pub subjects: String,
    pub least_confidence: f32,
    pub uncertain: bool,
}

impl RecordRow {
    pub fn of(record: &Record) -> Self {
        let name = [
            FieldKey::FullName,
            FieldKey::EnterpriseName,
            FieldKey::WifeFullName,
            FieldKey::HouseholdHeadName,
        ]
        .iter()
        .find_map(|k| record.fields.get(k))
        .map(|f| f.value.clone())
        .unwrap_or_default();
        let least = record
            .fields
            .values()
            .map(|f| f.confidence)
            .fold(1.0f32, f32::min);
        Self {
            id: record.id.clone(),
            document_type: record.document_type.as_str(),
            status: record.status.as_str(),
            name,
            subjects: record
                .subjects
                .iter()
                .map(|s| s.value.clone())
                .collect::<Vec<_>>()
                .join(", "),
            least_confidence: least,
            uncertain: least < LOW_CONFIDENCE && record.status == RecordStatus::Extracted,
        }
    }

    fn of_views(views: &[RecordView]) -> Vec<Self> {
        views.iter().map(|v| Self::of(&v.record)).collect()
    }
}

/// A dossier in a list.
pub struct DossierRow {
    pub code: String,
    pub procedure: String,
    pub subject: String,
    pub files: usize,
    pub created_at_ms: i64,
    pub created_by: String,
}

impl DossierRow {
    pub fn of(d: &Dossier) -> Self {
        Self {
            code: d.code.clone(),
            procedure: hoso_pipeline::procedures::procedure(&d.procedure_code)
                .map(|p| p.name.to_string())
                .unwrap_or_else(|| d.procedure_code.clone()),
            subject: d.subject.value.clone(),
            files: d.originals.len(),
            created_at_ms: d.created_at_ms,
            created_by: d.created_by.clone(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub ui: Chrome,
    pub dossiers: Vec<DossierRow>,
    pub review: Vec<RecordRow>,
}

/// The start of today at the counter, in ms since the epoch.
fn start_of_today(now_ms: i64) -> i64 {
    let local = now_ms + VIETNAM_OFFSET_MS;
    local - local.rem_euclid(86_400_000) - VIETNAM_OFFSET_MS
}

pub async fn start(State(state): State<AppState>, desk: Desk) -> Result<Response, WebError> {
    let service = &state.service;
    let dossiers = if desk.caller.may(Action::ReadDossier) {
        service
            .dossiers_since(&desk.caller, start_of_today(now_ms()))
            .await
            .map_err(|e| desk.fail(e))?
    } else {
        Vec::new()
    };
    let review = service
        .review_queue(&desk.caller)
        .await
        .map_err(|e| desk.fail(e))?;
    Ok(render(&StartPage {
        ui: desk.chrome("/"),
        dossiers: dossiers.iter().map(DossierRow::of).collect(),
        review: RecordRow::of_views(&review),
    }))
}

#[derive(askama::Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub ui: Chrome,
    /// What was searched for, shown back in the box; never in the URL.
    pub query: String,
    pub searched: bool,
    pub records: Vec<RecordRow>,
    pub dossiers: Vec<DossierRow>,
}

pub async fn search_page(desk: Desk) -> Response {
    render(&SearchPage {
        ui: desk.chrome("/search"),
        query: String::new(),
        searched: false,
        records: Vec::new(),
        dossiers: Vec::new(),
    })
}

#[derive(Deserialize)]
pub struct SearchForm {
    csrf: Option<String>,
    q: String,
}

/// A POST, so that an id number or a name never lands in a URL, a history or a log.
pub async fn search(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<SearchForm>,
) -> Result<Response, WebError> {
    desk.check_csrf(&headers, form.csrf.as_deref())?;
    let found = state
        .service
        .search(&desk.caller, &form.q, "web:/search")
        .await
        .map_err(|e| desk.fail(e))?;
    Ok(render(&SearchPage {
        ui: desk.chrome("/search"),
        query: form.q,
        searched: true,
        records: RecordRow::of_views(&found.records),
        dossiers: found.dossiers.iter().map(DossierRow::of).collect(),
    }))
}

#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ui: Chrome,
    pub status: u16,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    pub fn new(lang: Lang, status: StatusCode, message: String) -> Self {
        let title = match status {
            StatusCode::FORBIDDEN => lang.t("error-forbidden"),
            StatusCode::NOT_FOUND => lang.t("error-not-found"),
            s if s.is_server_error() => lang.t("error-unavailable"),
            _ => lang.t("error-bad-request"),
        };
        Self {
            ui: Chrome::anonymous(lang, "/"),
            status: status.as_u16(),
            title,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_starts_at_midnight_in_vietnam() {
        // 2026-12-07T16:59:59Z is 23:59:59 in Hanoi; 17:00:00Z is the next day there.
        let before = 1_796_662_799_000;
        let after = before + 1000;
        assert_eq!(start_of_today(before), 1_796_576_400_000);
        assert_eq!(start_of_today(after), 1_796_662_800_000);
        assert_eq!(local_time(before), "2026-12-07 23:59");
        assert_eq!(local_time(after), "2026-12-08 00:00");
    }
}

#[cfg(test)]
mod catalog_tests {
    use super::*;
    use hoso_extractors::DocumentType;

    /// Keys built at run time (types, fields, statuses, stages, roles) exist in both
    /// languages; the literal ones are checked by `i18n`'s test.
    #[test]
    fn every_generated_key_is_in_both_catalogs() {
        for lang in [Lang::Vi, Lang::En] {
            let ui = Chrome::anonymous(lang, "/");
            let mut keys = Vec::new();
            for t in DocumentType::ALL {
                keys.push(ui.type_name(t.as_str()));
                for key in hoso_pipeline::procedures::field_keys(t) {
                    keys.push(ui.field_name(key.as_str()));
                }
            }
            for s in ["extracted", "verified", "superseded", "revoked"] {
                keys.push(ui.status_name(s));
            }
            for s in crate::web::dossiers::STAGES {
                keys.push(ui.stage_name(s));
            }
            for s in ["done", "active", "pending", "failed"] {
                keys.push(ui.state_name(s));
            }
            for r in [
                Role::Clerk,
                Role::Auditor,
                Role::Admin,
                Role::ProcedureSystem,
            ] {
                let ui = Chrome {
                    role: Some(r),
                    ..Chrome::anonymous(lang, "/")
                };
                keys.push(ui.role_name());
            }
            for shown in keys {
                assert!(
                    !shown.contains('-') || shown.contains(' '),
                    "{}: {shown} is a key, not a message",
                    lang.code()
                );
            }
        }
    }
}
