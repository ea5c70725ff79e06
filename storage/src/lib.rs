//! Storage backends for hoso: object stores and the catalog database with its job queue.
//!
//! Every backend implements a port from `hoso-pipeline` and passes that port's shared test
//! suite (`object_store_suite`, `catalog_suite`).

mod codec;
pub mod local;
mod pg_registry;
pub mod postgres;
pub mod retry;
pub mod s3;
pub mod sqlite;
mod sqlite_registry;

#[cfg(test)]
mod catalog_suite;
#[cfg(test)]
mod object_store_suite;
#[cfg(test)]
mod registry_suite;

pub use local::LocalObjectStore;
pub use postgres::PgCatalog;
pub use retry::RetryingObjectStore;
pub use s3::{S3ObjectStore, S3Settings};
pub use sqlite::SqliteCatalog;

/// The only stage today: rasterise, OCR, classify and extract one original.
pub(crate) const STAGE_EXTRACT: &str = "extract";

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch: the one time unit stored in every table.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
