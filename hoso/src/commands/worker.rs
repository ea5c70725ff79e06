use std::process::ExitCode;
use std::sync::Arc;

use hoso_workers::{PoolEvent, WorkerPool};

use crate::config::Settings;

/// `hoso worker`: one stateless worker process on the configured queue.
pub async fn run(
    settings: Settings,
    concurrency: Option<usize>,
    drain: bool,
) -> anyhow::Result<ExitCode> {
    let backends = crate::backends::Backends::open(settings).await?;
    let _lock = backends.prepare_workers().await?;
    let options = backends.pool_options(concurrency);
    eprintln!(
        "hoso worker: {} concurrent job(s) as {}; {}",
        options.workers,
        options.owner,
        backends.describe()
    );
    let service = &backends.service;
    let (pool, events) = WorkerPool::new(
        Arc::clone(service.catalog()),
        Arc::clone(service.store()),
        backends.engines(),
        options,
    );
    tokio::spawn(log_events(events));
    if drain {
        pool.drain().await?;
    } else {
        pool.run_until(shutdown_signal()).await?;
    }
    eprintln!("hoso worker: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Logs what the pool reports; a worker process has no progress bar.
pub async fn log_events(mut events: tokio::sync::mpsc::UnboundedReceiver<PoolEvent>) {
    while let Some(event) = events.recv().await {
        match event {
            PoolEvent::Completed {
                hash,
                file_name,
                documents,
                pages,
            } => {
                tracing::info!(original = %hash.short(), file = %file_name, documents, pages, "processed")
            }
            PoolEvent::Failed {
                hash,
                file_name,
                error,
                fate,
            } => {
                tracing::warn!(original = %hash.short(), file = %file_name, %error, ?fate, "attempt failed")
            }
        }
    }
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
