use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use hoso_pipeline::ports::{JobFate, OriginalStatus};
use hoso_pipeline::service::{display_name, IngestOutcome};
use hoso_pipeline::ContentHash;
use hoso_workers::{PoolEvent, WorkerPool};
use indicatif::{ProgressBar, ProgressStyle};

use crate::backends::Backends;
use crate::config::Settings;

enum Admission {
    Queued(ContentHash),
    Retried(ContentHash),
    Duplicate(ContentHash),
    Rejected(String),
}

pub async fn run(
    settings: Settings,
    paths: &[PathBuf],
    workers: Option<usize>,
    queue_only: bool,
) -> anyhow::Result<ExitCode> {
    let backends = crate::backends::Backends::open(settings).await?;
    let service = &backends.service;
    let files = collect_files(paths)?;
    let _lock = if queue_only {
        None
    } else {
        backends.prepare_workers().await?
    };

    let mut admissions = Vec::with_capacity(files.len());
    for path in &files {
        let admission = admit(service, path).await;
        admissions.push((path.clone(), admission));
    }
    if queue_only {
        return summarise(&backends, &admissions).await;
    }

    let unfinished = service.catalog().queue_counts().await?.unfinished();
    let (pool, mut events) = WorkerPool::new(
        Arc::clone(service.catalog()),
        Arc::clone(service.store()),
        backends.engines(),
        backends.pool_options(workers),
    );
    let bar = ProgressBar::new(unfinished);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let reporter = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                PoolEvent::Completed { file_name, .. } => {
                    progress.inc(1);
                    progress.set_message(file_name);
                }
                PoolEvent::Failed {
                    file_name,
                    error,
                    fate: JobFate::Failed,
                    ..
                } => {
                    progress.inc(1);
                    progress.println(format!("failed: {file_name}: {error}"));
                }
                PoolEvent::Failed {
                    file_name, error, ..
                } => progress.println(format!("will retry: {file_name}: {error}")),
            }
        }
    });
    pool.drain().await?;
    let _ = reporter.await;
    bar.finish_and_clear();

    summarise(&backends, &admissions).await
}

async fn admit(service: &hoso_pipeline::service::Service, path: &Path) -> Admission {
    let name = display_name(&path.to_string_lossy());
    let limit = service.limits().max_file_bytes;
    let bytes = match tokio::task::block_in_place(|| super::read_bounded(path, &name, limit)) {
        Ok(b) => b,
        Err(e) => return Admission::Rejected(e.to_string()),
    };
    match service.ingest(&name, &bytes).await {
        Ok(IngestOutcome::Queued(h)) => Admission::Queued(h),
        Ok(IngestOutcome::Retried(h)) => Admission::Retried(h),
        Ok(IngestOutcome::Duplicate(rec)) => Admission::Duplicate(rec.hash),
        Err(e) => Admission::Rejected(e.to_string()),
    }
}

/// Files named on the command line, and every file below the folders named, in order.
fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            out.extend(
                super::files_under(p)?
                    .into_iter()
                    .filter(|f| !f.to_string_lossy().ends_with(super::TRUTH_SUFFIX)),
            );
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

async fn summarise(
    backends: &Backends,
    admissions: &[(PathBuf, Admission)],
) -> anyhow::Result<ExitCode> {
    let catalog = backends.service.catalog();
    let mut t = super::table(&["file", "id", "status", "pages", "documents", "note"]);
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let (mut processed, mut failed, mut rejected, mut duplicates, mut queued) = (0, 0, 0, 0, 0);
    for (path, admission) in admissions {
        let file = path.display().to_string();
        let hash = match admission {
            Admission::Rejected(reason) => {
                rejected += 1;
                t.add_row(vec![
                    file,
                    "-".into(),
                    "rejected".into(),
                    "-".into(),
                    "-".into(),
                    reason.clone(),
                ]);
                continue;
            }
            Admission::Queued(h) | Admission::Retried(h) | Admission::Duplicate(h) => *h,
        };
        let Some(rec) = catalog.original(&hash).await? else {
            continue;
        };
        let docs = catalog.documents_of(&hash).await?;
        let mut note = match admission {
            Admission::Duplicate(_) => {
                duplicates += 1;
                "already ingested: not processed again".to_string()
            }
            Admission::Retried(_) => "failed before: retried".to_string(),
            _ => String::new(),
        };
        match rec.status {
            OriginalStatus::Processed => processed += 1,
            OriginalStatus::Failed => {
                failed += 1;
                note = rec.error.clone().unwrap_or_default();
            }
            OriginalStatus::Queued => queued += 1,
        }
        for d in &docs {
            *by_type
                .entry(d.document.document_type.as_str().to_string())
                .or_default() += 1;
        }
        let types = docs
            .iter()
            .map(|d| format!("{} {}", d.id, d.document.document_type.as_str()))
            .collect::<Vec<_>>()
            .join("\n");
        t.add_row(vec![
            file,
            hash.short(),
            rec.status.as_str().to_string(),
            rec.pages
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into()),
            types,
            note,
        ]);
    }
    println!("{t}");
    let types = by_type
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let waiting = if queued > 0 {
        format!(", {queued} queued for workers")
    } else {
        String::new()
    };
    println!(
        "{} file(s): {processed} processed ({duplicates} already known), {failed} failed, {rejected} rejected{waiting}; documents: {}",
        admissions.len(),
        if types.is_empty() { "none".to_string() } else { types }
    );
    println!("{}", backends.describe());
    // Sign what this run wrote to the audit log, so that it is committed to at once.
    if let Some(auditor) = backends.service.auditor() {
        let c = auditor.latest().await?;
        println!(
            "audit log: {} entries, checkpoint {} signed",
            c.tree_size, c.id
        );
    }
    Ok(if failed + rejected > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
