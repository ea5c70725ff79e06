//! The embedded default: one data directory with a SQLite catalog and a local object store.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use hoso_pipeline::service::Service;
use hoso_pipeline::Limits;
use hoso_storage::{LocalObjectStore, SqliteCatalog};

pub struct Embedded {
    pub dir: PathBuf,
    pub service: Service,
}

pub fn default_data_dir() -> PathBuf {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("hoso");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/hoso");
    }
    PathBuf::from("hoso-data")
}

impl Embedded {
    pub async fn open(dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let dir = dir.unwrap_or_else(default_data_dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let catalog = SqliteCatalog::open(&dir.join("hoso.db")).await?;
        let store = LocalObjectStore::open(dir.join("objects"))?;
        let service = Service::new(Arc::new(catalog), Arc::new(store), Limits::default());
        Ok(Self { dir, service })
    }

    /// Takes the data directory's worker lock, waiting for another hoso process that holds
    /// it. While it is held no other worker runs here, so jobs left running belong to a
    /// process that died and can be resumed at once.
    pub fn lock_workers(&self) -> anyhow::Result<WorkerLock> {
        let path = self.dir.join("workers.lock");
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        if file.try_lock().is_err() {
            eprintln!(
                "another hoso process is working on {}; waiting for it to finish",
                self.dir.display()
            );
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Ok(WorkerLock { _file: file })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

/// Held for as long as this process runs workers on the data directory.
pub struct WorkerLock {
    _file: File,
}
