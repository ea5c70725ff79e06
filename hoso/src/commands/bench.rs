//! `hoso bench queue`: claim-and-complete throughput of no-op jobs.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_pipeline::ports::{Catalog, NewOriginal};
use hoso_pipeline::{ContentHash, ExtractionResult, MediaType, SourceInfo};
use hoso_storage::postgres::PgPoolSettings;
use hoso_storage::PgCatalog;

use crate::config::{Database, Settings};

pub async fn queue(settings: Settings, jobs: usize, workers: &[usize]) -> anyhow::Result<ExitCode> {
    let Database::Postgres {
        url,
        max_connections,
    } = &settings.database
    else {
        anyhow::bail!(
            "the queue benchmark measures the postgresql queue: set database.url (HOSO_DATABASE_URL)"
        );
    };
    // The pool a worker process would have (database.max_connections), so that the
    // figures are those of the configuration that runs in production.
    let pool = PgPoolSettings {
        max_connections: *max_connections,
        ..PgPoolSettings::default()
    };
    let catalog = Arc::new(
        PgCatalog::connect(url, pool)
            .await
            .context("setting database.url (HOSO_DATABASE_URL): cannot open the database")?,
    );
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    println!("| workers | jobs | seconds | jobs/s |");
    println!("|---:|---:|---:|---:|");
    for &n in workers {
        let n = n.max(1);
        // Registration is set-up, not measured.
        for i in 0..jobs {
            let hash = ContentHash::of(format!("bench {run_id} {n} {i}").as_bytes());
            catalog
                .register_original(&NewOriginal {
                    hash,
                    file_name: format!("bench-{i}.png"),
                    media_type: MediaType::Png,
                    byte_size: 1,
                })
                .await?;
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..n {
            let catalog = Arc::clone(&catalog);
            tasks.push(tokio::spawn(async move {
                let owner = format!("bench-w{w}");
                let mut done = 0usize;
                while let Some(job) = catalog.claim_job(&owner, Duration::from_secs(60)).await? {
                    let result = ExtractionResult {
                        source: SourceInfo {
                            sha256: job.hash.to_hex(),
                            file_name: job.file_name.clone(),
                            media_type: job.media_type.as_mime().to_string(),
                            pages: 1,
                        },
                        documents: Vec::new(),
                    };
                    catalog.complete_job(&job, &result, "bench no-op").await?;
                    done += 1;
                }
                anyhow::Ok(done)
            }));
        }
        let mut done = 0;
        for t in tasks {
            done += t.await??;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "| {n} | {done} | {secs:.2} | {:.0} |",
            done as f64 / secs.max(f64::EPSILON)
        );
    }
    Ok(ExitCode::SUCCESS)
}
