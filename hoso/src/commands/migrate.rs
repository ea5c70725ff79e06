//! `hoso migrate`: the schema brought up to date by one process that owns the tables
//! (Kubernetes' migrations Job), and `--wait`: the service's pods hold back until it has
//! (their init container), so no pod of a new version serves an old schema.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_storage::{PgPoolSettings, SqlCatalog};

use crate::config::{redact_url, Database, Settings};

pub async fn run(settings: Settings, wait: bool, timeout: Duration) -> anyhow::Result<ExitCode> {
    let (url, max_connections) = match &settings.database {
        // The embedded database is migrated by whoever opens it, and only one process
        // opens it: there is nothing to wait for.
        Database::Sqlite => {
            crate::backends::Backends::open(settings).await?;
            println!("hoso migrate: the embedded database is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        Database::Postgres {
            url,
            max_connections,
            ..
        } => (url.clone(), (*max_connections).min(2)),
    };
    let options = |migrate| PgPoolSettings {
        max_connections,
        migrate,
        ..PgPoolSettings::default()
    };
    if !wait {
        SqlCatalog::connect(&url, options(true))
            .await
            .with_context(|| format!("migrating {}", redact_url(&url)))?;
        println!("hoso migrate: the database schema is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    loop {
        // Connecting without migrating checks that the schema is current.
        match SqlCatalog::connect(&url, options(false)).await {
            Ok(_) => {
                println!("hoso migrate: the database schema is up to date");
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) if started.elapsed() < timeout => {
                eprintln!("hoso migrate: waiting: {e}");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(e) => {
                eprintln!(
                    "hoso migrate: gave up after {} s: {e}",
                    started.elapsed().as_secs()
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
}
