//! `hoso serve`: the HTTP API (`crate::api`) and the web interface (`crate::web`) over the service layer, with in-process
//! workers unless they run as separate `hoso worker` processes.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use hoso_workers::WorkerPool;

use crate::config::Settings;

pub async fn run(settings: Settings, no_workers: bool) -> anyhow::Result<ExitCode> {
    let listen = settings.listen.clone();
    let metrics_listen = settings.metrics_listen.clone();
    let backends = crate::backends::Backends::open(settings)
        .await?
        .with_units()?;
    if let Some(table) = backends.service.crosswalk() {
        eprintln!("hoso serve: places as units by {}", table.version());
    }
    let _lock = if no_workers {
        None
    } else {
        backends.prepare_workers().await?
    };
    // Records made before the search existed (migration 0006) get their search rows
    // here, once per server start, not on every command.
    let indexed = backends.sql.index_unindexed_records().await?;
    if indexed > 0 {
        eprintln!("hoso serve: indexed {indexed} records for search");
    }
    let service = Arc::new(backends.service.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let workers = if no_workers {
        None
    } else {
        let (pool, events) = WorkerPool::new(
            Arc::clone(service.catalog()),
            Arc::clone(service.store()),
            backends.engines(),
            backends.pool_options(None),
        );
        // The pool's own events log and count themselves; these are for progress bars.
        drop(events);
        let mut stop = stop_rx.clone();
        Some(tokio::spawn(async move {
            pool.run_until(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
        }))
    };

    if service.crosswalk().is_some() {
        tokio::spawn(convert_loop(Arc::clone(&service), stop_rx.clone()));
    }

    if let Some(auditor) = service.auditor().cloned() {
        let interval = backends.settings.audit.checkpoint_interval;
        tokio::spawn(audit_loop(auditor, interval, stop_rx.clone()));
    }

    let web = Arc::new(crate::web::WebState {
        service: Arc::clone(&service),
        renderer: crate::engines::page_image_command()?,
        secure_cookies: backends.settings.web.secure_cookies,
        renders: tokio::sync::Semaphore::new(2),
        last_verification: Default::default(),
    });
    let mut app = crate::api::router(Arc::clone(&service))
        .merge(crate::api::open_data::router(
            Arc::clone(&service),
            backends.settings.open_data.clone(),
        ))
        .merge(crate::web::router(web));
    let metrics_port = match &metrics_listen {
        None => {
            app = app.merge(crate::metrics::router(Arc::clone(&service)));
            None
        }
        Some(addr) => {
            let mut stop = stop_rx.clone();
            let stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            Some(crate::metrics::serve_port(addr, Arc::clone(&service), stopped).await?)
        }
    };
    let app = app.route_layer(axum::middleware::from_fn(crate::metrics::track));
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| {
            format!("setting server.listen (HOSO_LISTEN): cannot listen on {listen}")
        })?;
    eprintln!(
        "hoso serve: listening on http://{listen} (the web interface at /, the api at /api/v1, metrics at {}){}; {}",
        match &metrics_listen {
            None => "/metrics".to_string(),
            Some(addr) => format!("http://{addr}/metrics"),
        },
        if no_workers {
            ""
        } else {
            " with in-process workers"
        },
        backends.describe()
    );
    // The peer's address slows failed sign-ins per address.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            super::worker::shutdown_signal().await;
            let _ = stop_tx.send(true);
        })
        .await
        .context("the http server stopped")?;
    if let Some(w) = workers {
        w.await.context("the workers stopped abnormally")??;
    }
    if let Some(port) = metrics_port {
        let _ = port.await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Puts new audit entries into the tree every second, so proofs reach them quickly, and
/// signs a checkpoint every `interval` when the tree grew. Any number of processes may
/// run it; sequencing is serialised by the database.
async fn audit_loop(
    auditor: hoso_pipeline::audit::Auditor,
    interval: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut last_checkpoint = std::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = auditor.log().integrate().await {
            tracing::warn!(error = %e, "the audit log could not sequence its new entries");
            continue;
        }
        if last_checkpoint.elapsed() >= interval {
            match auditor.latest().await {
                Ok(_) => last_checkpoint = std::time::Instant::now(),
                Err(e) => tracing::warn!(error = %e, "the audit log could not sign a checkpoint"),
            }
        }
    }
    // Sign what the last requests wrote before the process goes.
    if let Err(e) = auditor.latest().await {
        tracing::warn!(error = %e, "the audit log could not sign its last checkpoint");
    }
}

/// Converts the places of new records (and corrected ones) to today's units every
/// minute, storing each conversion with the table's version.
async fn convert_loop(
    service: Arc<hoso_pipeline::service::Service>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let caller = hoso_pipeline::access::Caller::system();
    loop {
        match service
            .convert_new_places(&caller, hoso_pipeline::audit::now_ms())
            .await
        {
            Ok(report) if report.converted + report.changed > 0 => tracing::info!(
                converted = report.converted + report.changed,
                crosswalk = %report.crosswalk,
                "places converted to today's units"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "places could not be converted; trying again"),
        }
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
        }
    }
}
