//! Prometheus metrics: the recorder that every crate's internal events write to
//! (`hoso_pipeline::telemetry`), the HTTP requests' own event, and the `/metrics` route.
//! The queue's depth is read from the catalog at each scrape, so that every process
//! shows the same shared queue.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hoso_pipeline::service::Service;
use hoso_pipeline::telemetry::{emit, names, InternalEvent};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder once; `None` when another recorder was installed
/// first (metrics are then not served, and everything else works).
pub fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| match build() {
            Ok(handle) => {
                describe();
                let upkeep = handle.clone();
                // Histograms keep their samples until upkeep folds them in.
                std::thread::Builder::new()
                    .name("metrics-upkeep".into())
                    .spawn(move || loop {
                        std::thread::sleep(Duration::from_secs(5));
                        upkeep.run_upkeep();
                    })
                    .ok();
                Some(handle)
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics are off: cannot install the recorder");
                None
            }
        })
        .as_ref()
}

fn build() -> Result<PrometheusHandle, Box<dyn std::error::Error>> {
    Ok(PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Suffix("_seconds".to_string()),
            names::SECONDS_BUCKETS,
        )?
        .set_buckets_for_metric(
            Matcher::Suffix("_confidence".to_string()),
            names::CONFIDENCE_BUCKETS,
        )?
        .install_recorder()?)
}

/// The `# HELP` lines: what each series means, for whoever reads `/metrics` cold.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_gauge!(
        names::QUEUE_JOBS,
        "jobs not done, by stage and state (queued, running, failed)"
    );
    describe_counter!(names::JOBS_PROCESSED, "jobs completed, by stage");
    describe_counter!(
        names::JOBS_FAILED,
        "failed attempts, by reason and fate (retrying or failed)"
    );
    describe_counter!(
        names::JOBS_RELEASED,
        "jobs handed back unfinished by a stopping worker"
    );
    describe_histogram!(
        names::STAGE_SECONDS,
        Unit::Seconds,
        "time per job in each stage: read, ocr, extract, register"
    );
    describe_counter!(names::PAGES, "pages read; pages per second is its rate");
    describe_histogram!(
        names::OCR_CONFIDENCE,
        "a page's mean OCR word confidence, 0 to 1"
    );
    describe_histogram!(
        names::FIELD_CONFIDENCE,
        "an extracted field's confidence, 0 to 1, by document type"
    );
    describe_counter!(names::REREADINGS, "page areas read again");
    describe_counter!(names::DOCUMENTS, "documents found, by document type");
    describe_counter!(names::RECORDS_MADE, "records made from documents");
    describe_counter!(
        names::RECORDS_LINKED,
        "documents linked to a record with the same content"
    );
    describe_counter!(
        names::RECORDS_VERIFIED,
        "records verified by a clerk, by document type"
    );
    describe_counter!(
        names::RECORDS_REUSED,
        "verified records given to callers instead of asking again, by lookup or prefill"
    );
    describe_counter!(
        names::PREFILL_FIELDS,
        "fields asked in prefills, known or missing"
    );
    describe_counter!(
        names::HTTP_REQUESTS,
        "http requests, by route, method and status"
    );
    describe_histogram!(
        names::HTTP_SECONDS,
        Unit::Seconds,
        "http request time, by route"
    );
}

/// `GET /metrics`, alone: for `hoso serve`'s public listener, or beside health checks on
/// a listener of its own.
pub fn router(service: Arc<Service>) -> Router {
    // Installed here, before the first scrape, so that the first scrape already has
    // the series described.
    recorder();
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Arc::new(Scraper {
            service,
            seen: Mutex::new(BTreeSet::new()),
        }))
}

/// `/metrics`, `/healthz` and `/readyz`: `hoso worker`'s port, and `hoso serve`'s when
/// `server.metrics_listen` moves metrics off the public one.
pub fn port_router(service: Arc<Service>) -> Router {
    router(Arc::clone(&service)).merge(crate::api::health_router(service))
}

struct Scraper {
    service: Arc<Service>,
    /// Every stage and state the queue gauge has shown, so that one that empties shows 0
    /// instead of its last count.
    seen: Mutex<BTreeSet<(String, String)>>,
}

async fn scrape(State(scraper): State<Arc<Scraper>>) -> Response {
    let Some(handle) = recorder() else {
        return (StatusCode::NOT_FOUND, "metrics are off in this process\n").into_response();
    };
    match scraper.service.catalog().queue_depth().await {
        Ok(depth) => {
            let mut seen = scraper.seen.lock().unwrap_or_else(|p| p.into_inner());
            for (stage, state) in seen.iter() {
                metrics::gauge!(names::QUEUE_JOBS, "stage" => stage.clone(), "state" => state.clone())
                    .set(0.0);
            }
            for d in depth {
                metrics::gauge!(names::QUEUE_JOBS, "stage" => d.stage.clone(), "state" => d.state.clone())
                    .set(d.jobs as f64);
                seen.insert((d.stage, d.state));
            }
        }
        // The rest of the metrics are worth having while the database is away.
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the queue's depth"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// One HTTP request answered.
pub struct HttpRequest {
    /// The matched route's pattern (`/api/v1/records/:id`), never the path itself, so
    /// that ids do not become labels.
    pub route: String,
    pub method: Method,
    pub status: StatusCode,
    pub elapsed: Duration,
}

impl InternalEvent for HttpRequest {
    fn emit(self) {
        tracing::debug!(route = %self.route, method = %self.method, status = self.status.as_u16(), ms = self.elapsed.as_millis() as u64, "request");
        metrics::counter!(
            names::HTTP_REQUESTS,
            "route" => self.route.clone(),
            "method" => self.method.as_str().to_string(),
            "status" => self.status.as_u16().to_string()
        )
        .increment(1);
        metrics::histogram!(names::HTTP_SECONDS, "route" => self.route)
            .record(self.elapsed.as_secs_f64());
    }
}

/// Middleware (as a route layer, so the route is known) that emits `HttpRequest`.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| route_label(p.as_str()))
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    emit(HttpRequest {
        route,
        method,
        status: response.status(),
        elapsed: started.elapsed(),
    });
    response
}

/// A route pattern as a label: `{id}` written `:id`, since some text-format parsers
/// stop a label value at its first `}`.
fn route_label(pattern: &str) -> String {
    pattern.replace('{', ":").replace('}', "")
}

/// Serves `port_router` on `addr` until `stop` resolves.
pub async fn serve_port(
    addr: &str,
    service: Arc<Service>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    use anyhow::Context;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("setting server.metrics_listen (HOSO_METRICS_LISTEN): cannot listen on {addr}")
    })?;
    let app = port_router(service);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::warn!(error = %e, "the metrics listener stopped");
        }
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_labels_name_parameters_without_braces() {
        for (pattern, label) in [
            (
                "/api/v1/records/{id}/fields/{key}",
                "/api/v1/records/:id/fields/:key",
            ),
            ("/metrics", "/metrics"),
            ("/", "/"),
        ] {
            assert_eq!(super::route_label(pattern), label);
        }
    }
}
