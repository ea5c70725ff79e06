//! A dossier's files' progress, pushed to the page by server-sent events as it changes:
//! the server reads the catalog twice a second and sends a file's state only when it
//! differs from what it sent last; the stream ends when every file has finished.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};

use super::dossiers::{progress_of, FileProgress};
use super::session::Desk;
use super::{AppState, WebError};

const POLL: Duration = Duration::from_millis(500);
/// A page left open does not hold a stream forever; it reconnects if it still cares.
const MAX_STREAM: Duration = Duration::from_secs(30 * 60);

struct Watch {
    state: AppState,
    desk: Desk,
    code: String,
    sent: Vec<FileProgress>,
    started: tokio::time::Instant,
    first: bool,
    over: bool,
}

pub async fn events(
    State(state): State<AppState>,
    desk: Desk,
    Path(code): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    // Refused before the stream starts: a wrong dossier or role is an error page.
    state
        .service
        .dossier_status(&desk.caller, &code)
        .await
        .map_err(|e| desk.fail(e))?;
    let watch = Watch {
        state,
        desk,
        code,
        sent: Vec::new(),
        started: tokio::time::Instant::now(),
        first: true,
        over: false,
    };
    let stream = stream::unfold(watch, |mut w| async move {
        loop {
            if w.over {
                return None;
            }
            if !w.first {
                tokio::time::sleep(POLL).await;
            }
            w.first = false;
            if !w.desk.still_signed_in(&w.state.service).await {
                w.over = true;
                let event = Event::default().event("error").data("signed out");
                return Some((Ok(event), w));
            }
            let view = match w
                .state
                .service
                .dossier_status(&w.desk.caller, &w.code)
                .await
            {
                Ok(view) => view,
                Err(e) => {
                    w.over = true;
                    let event = Event::default().event("error").data(e.to_string());
                    return Some((Ok(event), w));
                }
            };
            let files = progress_of(&view);
            let finished = files.iter().all(FileProgress::finished);
            let changed: Vec<&FileProgress> =
                files.iter().filter(|f| !w.sent.contains(f)).collect();
            let event = if changed.is_empty() {
                None
            } else {
                let payload: Vec<serde_json::Value> =
                    changed.iter().map(|f| file_json(f, &w.desk)).collect();
                Some(
                    Event::default()
                        .event("files")
                        .data(serde_json::Value::from(payload).to_string()),
                )
            };
            w.sent = files;
            if finished {
                w.over = true;
                let done = Event::default().event("done").data("{}");
                return Some((Ok(event.unwrap_or(done)), w));
            }
            if w.started.elapsed() > MAX_STREAM {
                // Ends without `done`: the browser reconnects if the page is still open.
                return None;
            }
            if let Some(event) = event {
                return Some((Ok(event), w));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// One file as the page's script reads it, with its words in the reader's language.
fn file_json(f: &FileProgress, desk: &Desk) -> serde_json::Value {
    let lang = desk.lang;
    serde_json::json!({
        "sha256": f.sha256,
        "states": f.states().iter().map(|(stage, state)| serde_json::json!({
            "stage": stage, "state": state,
        })).collect::<Vec<_>>(),
        "finished": f.finished(),
        "failed": f.failed,
        "error": f.error,
        "summary": f.summary(&lang),
        "records": f.records.iter().map(|(id, t)| serde_json::json!({
            "id": id,
            "label": lang.t(&format!("type-{}", t.replace('_', "-"))),
        })).collect::<Vec<_>>(),
    })
}
