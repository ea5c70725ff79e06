//! The open statistics at the edge: provinces resolved through the installed unit table,
//! the release's time and settings filled in, the files written to a folder
//! (`hoso report open-data`) or served under `/open-data/`, which keeps the last release
//! so that anonymous traffic cannot make it recount the registry per request.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_pipeline::open_data::{self, Options, ProvinceRef};
use hoso_pipeline::service::Service;
use hoso_units::Crosswalk;

use crate::config::OpenDataSettings;

/// One published file.
#[derive(Debug, Clone)]
pub struct PublishedFile {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The current province of a printed place: the one every current unit it converts to
/// shares, none when they differ or it is unknown.
pub fn province_of(crosswalk: &Crosswalk, printed: &str) -> Option<ProvinceRef> {
    let units = crosswalk.place(printed)?;
    let first = units.current.first()?;
    units
        .current
        .iter()
        .all(|c| c.province.code == first.province.code)
        .then(|| ProvinceRef {
            code: first.province.code.clone(),
            name: first.province.name.clone(),
        })
}

/// Every file of a release made now.
pub async fn release(
    service: &Service,
    crosswalk: Option<&Crosswalk>,
    settings: &OpenDataSettings,
) -> anyhow::Result<Vec<PublishedFile>> {
    let resolve = |printed: &str| crosswalk.and_then(|c| province_of(c, printed));
    let facts = service
        .open_data_facts(&resolve)
        .await
        .context("gathering the open statistics")?;
    let options = Options {
        min_count: settings.min_count,
        publisher: settings.publisher.clone(),
        base_url: settings.base_url.clone(),
        issued: hoso_audit::time::rfc3339(hoso_pipeline::audit::now_ms()),
        crosswalk: crosswalk.map(|c| c.version().to_string()),
    };
    let datasets = open_data::build(&facts, &options);
    Ok(open_data::files(&datasets, &options)
        .into_iter()
        .map(|(name, media_type, bytes)| PublishedFile {
            name,
            media_type,
            bytes,
        })
        .collect())
}

/// Writes a release into `dir`, each file whole or not at all.
pub fn write(dir: &Path, files: &[PublishedFile]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for file in files {
        let path = dir.join(&file.name);
        let partial = dir.join(format!(".{}.partial", file.name));
        std::fs::write(&partial, &file.bytes)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// How long the server keeps a release before counting again.
const FRESH_FOR: Duration = Duration::from_secs(300);
/// How long a failed count is not tried again.
const FAILED_FOR: Duration = Duration::from_secs(30);
/// How long one count may take.
const COUNT_TIMEOUT: Duration = Duration::from_secs(120);

type Release = std::sync::Arc<Vec<PublishedFile>>;

/// The server's last release. Anonymous traffic cannot make it count more than once per
/// `FRESH_FOR`: one request counts while the others are answered with the release before
/// (or wait for the first), and a failure is not retried for `FAILED_FOR`.
#[derive(Default)]
pub struct ReleaseCache {
    last: Mutex<Option<(Instant, Release)>>,
    failed_at: Mutex<Option<Instant>>,
    making: tokio::sync::Mutex<()>,
}

impl ReleaseCache {
    fn cached(&self) -> Option<(bool, Release)> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .map(|(at, files)| (at.elapsed() < FRESH_FOR, files.clone()))
    }

    fn failed_recently(&self) -> bool {
        let failed = self.failed_at.lock().unwrap_or_else(|e| e.into_inner());
        failed.is_some_and(|at| at.elapsed() < FAILED_FOR)
    }

    pub async fn get(
        &self,
        service: &Service,
        crosswalk: Option<&Crosswalk>,
        settings: &OpenDataSettings,
    ) -> anyhow::Result<Release> {
        let cached = self.cached();
        if let Some((true, files)) = &cached {
            return Ok(files.clone());
        }
        let _making = match self.making.try_lock() {
            Ok(guard) => guard,
            // Another request is counting: the release before, or wait for the new one.
            Err(_) => match cached {
                Some((_, files)) => return Ok(files),
                None => self.making.lock().await,
            },
        };
        match self.cached() {
            Some((true, files)) => return Ok(files),
            Some((false, files)) if self.failed_recently() => return Ok(files),
            None if self.failed_recently() => {
                anyhow::bail!("the last count failed moments ago")
            }
            _ => {}
        }
        let counted = tokio::time::timeout(COUNT_TIMEOUT, release(service, crosswalk, settings))
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("counting took over {COUNT_TIMEOUT:?}")));
        match counted {
            Ok(files) => {
                let files = std::sync::Arc::new(files);
                *self.last.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), files.clone()));
                Ok(files)
            }
            Err(e) => {
                *self.failed_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                match self.cached() {
                    Some((_, files)) => {
                        tracing::warn!(error = %format!("{e:#}"), "open statistics not recounted; the last release stays");
                        Ok(files)
                    }
                    None => Err(e),
                }
            }
        }
    }
}
