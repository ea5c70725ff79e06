//! `hoso bench web`: how long the web interface takes to render its pages with many
//! clerks signed in at once, over a registry of many records. The pages are asked of the
//! router in-process (no sockets, no browser), so the figure is the server's own time:
//! its handlers, templates and database reads. The sign-in page, a template without a
//! database read, asked the same way in the same run, is the baseline. See BENCHMARKS.md.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoso_pipeline::access::Caller;
use hoso_pipeline::registry::{NewDossier, Role, SubjectId};
use hoso_pipeline::ContentHash;
use rand::Rng;
use tower::ServiceExt;

use crate::backends::Backends;
use crate::config::{Database, Settings};

const PASSWORD: &str = "bench password 2026";
/// Every tenth seeded record is left waiting for review.
const REVIEW_SHARE: &str = "3";

/// One kind of request, as every clerk sends it.
struct Page {
    name: &'static str,
    method: &'static str,
    path: String,
    /// Form or JSON body, and its type.
    body: Option<(&'static str, String)>,
}

struct Clerk {
    cookie: String,
    csrf: String,
}

pub async fn web(
    settings: Settings,
    records: u64,
    clerks: usize,
    seconds: u64,
    think_ms: u64,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        matches!(settings.database, Database::Postgres { .. }),
        "the web benchmark seeds postgresql: set database.url (HOSO_DATABASE_URL)"
    );
    let subjects = std::env::temp_dir().join("hoso-bench-web-subjects.txt");
    super::bench::registry_seed(settings.clone(), records, &subjects, 100).await?;
    let backends = Backends::open(settings).await?;
    let service = Arc::new(backends.service.clone());
    let pool = match &backends.settings.database {
        Database::Postgres { url, .. } => {
            hoso_storage::SqlCatalog::connect(url, hoso_storage::PgPoolSettings::default()).await?
        }
        Database::Sqlite => unreachable!("checked above"),
    };
    // A tenth of the registry waits for review, least certain first.
    sqlx::query(&format!(
        "UPDATE records SET status = 'extracted', verified_at = NULL \
         WHERE verified_by = 'bench-seed' AND status = 'verified' AND id LIKE '%{REVIEW_SHARE}'"
    ))
    .execute(pool.pool())
    .await?;
    let indexed = pool.index_unindexed_records().await?;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM records")
        .fetch_one(pool.pool())
        .await?;
    eprintln!("{total} records in the registry ({indexed} newly indexed for search)");

    // Today's dossiers, each with one seeded original.
    let registry = service.registry().context("no registry")?.clone();
    let day = crate::web::today_code();
    for i in 0..20u64 {
        let code = format!("BENCH-{day}-{i}");
        if registry.dossier(&code).await?.is_some() {
            continue;
        }
        let subject =
            SubjectId::parse(&format!("001{:09}", i)).map_err(|e| anyhow::anyhow!("{e}"))?;
        registry
            .create_dossier(
                &NewDossier {
                    code: code.clone(),
                    procedure_code: "residence_registration".to_string(),
                    subject,
                },
                "bench-clerk-0",
            )
            .await?;
        let hash: ContentHash = format!("{:012x}{}", 2 * i, "b".repeat(52)).parse()?;
        registry.attach_original(&code, &hash).await?;
    }

    // The clerks, each signed in with a session of their own.
    let mut signed = Vec::new();
    for i in 0..clerks {
        let name = format!("bench-clerk-{i}");
        if service
            .create_user(&Caller::system(), &name, Role::Clerk, PASSWORD)
            .await
            .is_err()
        {
            service
                .change_password(&Caller::system(), &name, PASSWORD)
                .await?;
        }
        let s = service
            .sign_in(&name, PASSWORD, &format!("10.9.{}.{}", i / 250, i % 250))
            .await?;
        signed.push(Clerk {
            cookie: format!("{}={}", crate::web::SESSION_COOKIE, s.secret),
            csrf: s.csrf_token,
        });
    }
    let signed = Arc::new(signed);

    let state = Arc::new(crate::web::WebState {
        service: Arc::clone(&service),
        renderer: crate::engines::page_image_command()?,
        secure_cookies: false,
        renders: tokio::sync::Semaphore::new(2),
        last_verification: Default::default(),
    });
    let router = crate::web::router(state);

    let reviewed = format!("r-seed-{}{REVIEW_SHARE}", records / 20);
    let verified = format!("r-seed-{}", records / 2);
    let subject = format!("001{:09}", records / 8);
    let pages = vec![
        // A template and no database: the harness's and the renderer's own cost.
        Page {
            name: "sign-in (baseline)",
            method: "GET",
            path: "/sign-in".into(),
            body: None,
        },
        Page {
            name: "start",
            method: "GET",
            path: "/".into(),
            body: None,
        },
        Page {
            name: "new dossier",
            method: "GET",
            path: "/dossiers/new".into(),
            body: None,
        },
        Page {
            name: "dossier",
            method: "GET",
            path: format!("/dossiers/BENCH-{day}-3"),
            body: None,
        },
        Page {
            name: "review",
            method: "GET",
            path: format!("/records/{reviewed}"),
            body: None,
        },
        Page {
            name: "review (verified)",
            method: "GET",
            path: format!("/records/{verified}"),
            body: None,
        },
        Page {
            name: "search by id",
            method: "POST",
            path: "/search".into(),
            body: Some(("application/x-www-form-urlencoded", format!("q={subject}"))),
        },
        Page {
            name: "search by name",
            method: "POST",
            path: "/search".into(),
            body: Some((
                "application/x-www-form-urlencoded",
                format!("q=nguyen+van+{}", records / 6),
            )),
        },
        Page {
            name: "once-only",
            method: "POST",
            path: "/dossiers/once-only".into(),
            body: Some((
                "application/json",
                format!(r#"{{"subject_id":"{subject}","procedure_code":"marriage_registration"}}"#),
            )),
        },
    ];

    println!(
        "{} clerks signed in, {seconds} s per page, {think_ms} ms between a clerk's pages, over {total} records",
        signed.len()
    );
    println!(
        "{:<20} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "page", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "bytes"
    );
    for page in pages {
        let page = Arc::new(page);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for c in 0..signed.len() {
            let (router, page, signed) = (router.clone(), Arc::clone(&page), Arc::clone(&signed));
            tasks.push(tokio::spawn(async move {
                let clerk = &signed[c];
                let mut times = Vec::new();
                let mut bytes = 0usize;
                // Clerks do not all click at the same instant.
                if think_ms > 0 {
                    let start = rand::thread_rng().gen_range(0..=think_ms);
                    tokio::time::sleep(Duration::from_millis(start)).await;
                }
                while Instant::now() < deadline {
                    let mut request = Request::builder()
                        .method(page.method)
                        .uri(&page.path)
                        .header(header::HOST, "127.0.0.1")
                        .header(header::COOKIE, &clerk.cookie)
                        .header("x-csrf-token", &clerk.csrf);
                    let body = match &page.body {
                        Some((kind, body)) => {
                            request = request.header(header::CONTENT_TYPE, *kind);
                            Body::from(body.clone())
                        }
                        None => Body::empty(),
                    };
                    let started = Instant::now();
                    let response = router.clone().oneshot(request.body(body)?).await?;
                    let status = response.status();
                    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
                    times.push(started.elapsed());
                    anyhow::ensure!(
                        status == StatusCode::OK,
                        "{} answered {status}: {}",
                        page.name,
                        String::from_utf8_lossy(&body)
                    );
                    bytes = body.len();
                    if think_ms > 0 {
                        let pause = rand::thread_rng().gen_range(think_ms / 2..=think_ms * 3 / 2);
                        tokio::time::sleep(Duration::from_millis(pause)).await;
                    }
                }
                Ok::<_, anyhow::Error>((times, bytes))
            }));
        }
        let mut times = Vec::new();
        let mut bytes = 0;
        for t in tasks {
            let (mut mine, b) = t.await??;
            times.append(&mut mine);
            bytes = b;
        }
        times.sort();
        let at = |q: f64| {
            let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
            times[i].as_secs_f64() * 1000.0
        };
        println!(
            "{:<20} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9}",
            page.name,
            times.len(),
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0),
            bytes
        );
    }
    println!(
        "every page also loads app.css ({} bytes) and app.js ({} bytes)",
        crate::web::ASSET_BYTES.0,
        crate::web::ASSET_BYTES.1
    );
    Ok(ExitCode::SUCCESS)
}
