//! The `[workers]` settings: how a process claims, runs and gives back jobs.

use std::time::Duration;

use hoso_pipeline::ports::QueuePolicy;

use super::{
    invalid, pick, positive, ConfigError, EngineKind, Env, FileWorkers, Overrides, Workers,
};

pub(super) fn worker_settings(
    file: FileWorkers,
    overrides: &Overrides,
    env: &dyn Env,
) -> Result<Workers, ConfigError> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let concurrency = overrides
        .workers
        .or(pick(
            env,
            "HOSO_WORKERS",
            "workers.concurrency",
            file.concurrency,
        )?)
        .unwrap_or(cores);
    if !(1..=256).contains(&concurrency) {
        return Err(invalid(
            "workers.concurrency",
            "HOSO_WORKERS",
            "must be between 1 and 256",
        ));
    }
    let engine = match pick(env, "HOSO_ENGINE", "workers.engine", file.engine)?.as_deref() {
        None | Some("native") => EngineKind::Native,
        Some("stand-in") => EngineKind::StandIn,
        Some(other) => {
            return Err(invalid(
                "workers.engine",
                "HOSO_ENGINE",
                format!("{other:?} must be native or stand-in"),
            ))
        }
    };
    let ocr_languages = overrides
        .ocr_languages
        .clone()
        .or(pick(
            env,
            "HOSO_OCR_LANGUAGES",
            "workers.ocr_languages",
            file.ocr_languages,
        )?)
        .unwrap_or_else(|| "vie".to_string());
    if ocr_languages.is_empty()
        || !ocr_languages
            .split('+')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(invalid(
            "workers.ocr_languages",
            "HOSO_OCR_LANGUAGES",
            format!("{ocr_languages:?} must be tesseract languages joined by '+', such as vie+eng"),
        ));
    }
    let secs = |v: u64| Duration::from_secs(v);
    let lease_secs = positive(
        pick(
            env,
            "HOSO_LEASE_SECS",
            "workers.lease_secs",
            file.lease_secs,
        )?
        .unwrap_or(60),
        "workers.lease_secs",
        "HOSO_LEASE_SECS",
    )?;
    let heartbeat_secs = positive(
        pick(
            env,
            "HOSO_HEARTBEAT_SECS",
            "workers.heartbeat_secs",
            file.heartbeat_secs,
        )?
        .unwrap_or(lease_secs.div_ceil(4)),
        "workers.heartbeat_secs",
        "HOSO_HEARTBEAT_SECS",
    )?;
    if heartbeat_secs >= lease_secs {
        return Err(invalid(
            "workers.heartbeat_secs",
            "HOSO_HEARTBEAT_SECS",
            format!("{heartbeat_secs} must be shorter than workers.lease_secs ({lease_secs})"),
        ));
    }
    let poll_ms = positive(
        pick(env, "HOSO_POLL_MS", "workers.poll_ms", file.poll_ms)?.unwrap_or(1000),
        "workers.poll_ms",
        "HOSO_POLL_MS",
    )?;
    let retry_base_ms = positive(
        pick(
            env,
            "HOSO_RETRY_BASE_MS",
            "workers.retry_base_ms",
            file.retry_base_ms,
        )?
        .unwrap_or(2000),
        "workers.retry_base_ms",
        "HOSO_RETRY_BASE_MS",
    )?;
    let max_attempts = pick(
        env,
        "HOSO_MAX_ATTEMPTS",
        "workers.max_attempts",
        file.max_attempts,
    )?
    .unwrap_or(QueuePolicy::default().max_attempts);
    if !(1..=100).contains(&max_attempts) {
        return Err(invalid(
            "workers.max_attempts",
            "HOSO_MAX_ATTEMPTS",
            "must be between 1 and 100",
        ));
    }
    let store_retry_secs = pick(
        env,
        "HOSO_STORE_RETRY_SECS",
        "workers.store_retry_secs",
        file.store_retry_secs,
    )?
    .unwrap_or(60);
    // Less than Kubernetes' default termination grace period (30 s) would be too short
    // for a page of OCR; the manifests give pods 150 s for the default 120.
    let drain_secs = pick(
        env,
        "HOSO_DRAIN_SECS",
        "workers.drain_secs",
        file.drain_secs,
    )?
    .unwrap_or(120);
    if drain_secs > 3600 {
        return Err(invalid(
            "workers.drain_secs",
            "HOSO_DRAIN_SECS",
            "must be at most 3600",
        ));
    }
    let stand_in_ms = pick(
        env,
        "HOSO_STAND_IN_MS",
        "workers.stand_in_ms",
        file.stand_in_ms,
    )?
    .unwrap_or(0);
    Ok(Workers {
        concurrency,
        engine,
        ocr_languages,
        lease: secs(lease_secs),
        heartbeat: secs(heartbeat_secs),
        poll: Duration::from_millis(poll_ms),
        retry_base: Duration::from_millis(retry_base_ms),
        queue: QueuePolicy { max_attempts },
        store_retry: secs(store_retry_secs),
        stand_in: Duration::from_millis(stand_in_ms),
        drain_grace: Duration::from_secs(drain_secs),
    })
}
