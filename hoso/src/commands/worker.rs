use std::process::ExitCode;
use std::sync::Arc;

use hoso_workers::WorkerPool;

use crate::config::Settings;

/// `hoso worker`: one stateless worker process on the configured queue.
pub async fn run(
    settings: Settings,
    concurrency: Option<usize>,
    drain: bool,
) -> anyhow::Result<ExitCode> {
    let metrics_listen = settings.metrics_listen.clone();
    let backends = crate::backends::Backends::open(settings).await?;
    let _lock = backends.prepare_workers().await?;
    let options = backends.pool_options(concurrency);
    eprintln!(
        "hoso worker: {} concurrent job(s) as {}; {}{}",
        options.workers,
        options.owner,
        backends.describe(),
        match &metrics_listen {
            Some(addr) => format!("; metrics and health at http://{addr}"),
            None => String::new(),
        }
    );
    let service = &backends.service;
    let (pool, events) = WorkerPool::new(
        Arc::clone(service.catalog()),
        Arc::clone(service.store()),
        backends.engines(),
        options,
    );
    // The pool's events log and count themselves (`hoso_workers::events`); the channel is
    // for progress bars, which a worker process has none of.
    drop(events);
    let (stopped_tx, stopped_rx) = tokio::sync::watch::channel(false);
    let port = match &metrics_listen {
        Some(addr) => {
            let mut stopped = stopped_rx.clone();
            let service = Arc::new(service.clone());
            Some(
                crate::metrics::serve_port(addr, service, async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await?,
            )
        }
        None => None,
    };
    let outcome = if drain {
        pool.drain().await
    } else {
        pool.run_until(shutdown_signal()).await
    };
    let _ = stopped_tx.send(true);
    if let Some(port) = port {
        let _ = port.await;
    }
    outcome?;
    eprintln!("hoso worker: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM (what Kubernetes sends before it kills a pod).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    eprintln!("hoso: stopping; finishing the jobs in hand");
}
