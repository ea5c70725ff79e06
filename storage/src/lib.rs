//! Storage backends for hoso: object stores, and the catalog database with its job queue
//! and the registry.
//!
//! Every backend implements a port from `hoso-pipeline` and passes that port's shared test
//! suite (`object_store_suite`, `catalog_suite`, `registry_suite`, `audit_suite`,
//! `desk_suite`, `accounts_suite`).

mod codec;
pub mod local;
pub mod retry;
pub mod s3;
pub mod sql;

#[cfg(test)]
mod accounts_suite;
#[cfg(test)]
mod audit_suite;
#[cfg(test)]
mod catalog_suite;
#[cfg(test)]
mod desk_suite;
#[cfg(test)]
mod object_store_suite;
#[cfg(test)]
mod registry_suite;

pub use local::LocalObjectStore;
pub use retry::RetryingObjectStore;
pub use s3::{S3ObjectStore, S3Settings};
pub use sql::{Dialect, PgPoolSettings, SqlCatalog};

/// The only stage today: rasterise, OCR, classify and extract one original.
pub(crate) const STAGE_EXTRACT: &str = "extract";

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch by this process's clock (the tables take the
/// database's, `{now}`).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
