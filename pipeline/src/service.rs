//! The service layer: what the CLI, the HTTP API and the clerks' interface all call.

use std::sync::Arc;

use hoso_extractors::{extract_documents, PageText};

use crate::ports::{
    Catalog, CatalogError, NewOriginal, ObjectKey, ObjectStore, OriginalRecord, OriginalStatus,
    PageEngine, PageError, Registration, StoreError,
};
use crate::registry::Registry;
use crate::{ContentHash, ExtractionResult, Limits, MediaType, SourceInfo};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file_name}: the file is empty")]
    Empty { file_name: String },
    #[error("{file_name}: {size} bytes is over the upload limit of {limit} bytes")]
    TooLarge {
        file_name: String,
        size: u64,
        limit: u64,
    },
    #[error("{file_name}: not a pdf, jpeg, png or tiff file (judged from its content)")]
    UnsupportedFormat { file_name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum IngestOutcome {
    /// New bytes: stored and queued.
    Queued(ContentHash),
    /// These bytes were ingested before; nothing is redone.
    Duplicate(OriginalRecord),
    /// These bytes had failed before and are queued again.
    Retried(ContentHash),
}

/// The entry point for everything that brings files in or reads results out. Cloning it
/// shares the same backends.
#[derive(Clone)]
pub struct Service {
    catalog: Arc<dyn Catalog>,
    store: Arc<dyn ObjectStore>,
    limits: Limits,
    /// The records, dossiers, tokens and access log (see `records/` for the methods).
    /// Optional so that tools that only ingest need not open it.
    registry: Option<Arc<dyn Registry>>,
    /// The audit log and its signing key; every change and every read of personal data
    /// made through the service is written to it.
    auditor: Option<crate::audit::Auditor>,
    /// Recently seen tokens, so that a procedure system's steady stream of lookups does not
    /// read the token table on every request (see `records/`).
    pub(crate) tokens: crate::records::TokenCache,
    /// People's accounts and sessions, for the web interface.
    accounts: Option<Arc<dyn crate::accounts::Accounts>>,
    pub(crate) session_policy: crate::accounts::SessionPolicy,
    /// Failed sign-ins, per account and per address.
    pub(crate) sign_ins: crate::throttle::Throttle,
    pub(crate) sign_in_addresses: crate::throttle::Throttle,
    /// The unit table places are converted with (`places`); `None`: places stay text.
    crosswalk: Option<Arc<hoso_units::Crosswalk>>,
}

impl Service {
    pub fn new(catalog: Arc<dyn Catalog>, store: Arc<dyn ObjectStore>, limits: Limits) -> Self {
        Self {
            catalog,
            store,
            limits,
            registry: None,
            auditor: None,
            tokens: Default::default(),
            accounts: None,
            session_policy: Default::default(),
            sign_ins: crate::throttle::Throttle::new(crate::throttle::ACCOUNT_FREE_FAILURES),
            sign_in_addresses: crate::throttle::Throttle::new(
                crate::throttle::ADDRESS_FREE_FAILURES,
            ),
            crosswalk: None,
        }
    }

    /// The same service converting places to today's units with this table.
    pub fn with_crosswalk(mut self, crosswalk: Arc<hoso_units::Crosswalk>) -> Self {
        self.crosswalk = Some(crosswalk);
        self
    }

    pub fn crosswalk(&self) -> Option<&Arc<hoso_units::Crosswalk>> {
        self.crosswalk.as_ref()
    }

    /// The same service with people's accounts and sessions.
    pub fn with_accounts(
        mut self,
        accounts: Arc<dyn crate::accounts::Accounts>,
        policy: crate::accounts::SessionPolicy,
    ) -> Self {
        self.accounts = Some(accounts);
        self.session_policy = policy;
        self
    }

    pub fn accounts(&self) -> Option<&Arc<dyn crate::accounts::Accounts>> {
        self.accounts.as_ref()
    }

    /// The same service with the registry behind the record, dossier and token methods.
    pub fn with_registry(mut self, registry: Arc<dyn Registry>) -> Self {
        self.registry = Some(registry);
        self
    }

    /// The same service writing to an audit log.
    pub fn with_auditor(mut self, auditor: crate::audit::Auditor) -> Self {
        self.auditor = Some(auditor);
        self
    }

    pub fn auditor(&self) -> Option<&crate::audit::Auditor> {
        self.auditor.as_ref()
    }

    pub fn registry(&self) -> Option<&Arc<dyn Registry>> {
        self.registry.as_ref()
    }

    pub fn catalog(&self) -> &Arc<dyn Catalog> {
        &self.catalog
    }

    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Stores an original and queues its processing. The original is written to the object
    /// store before it is registered, so a registered original always has its bytes.
    pub async fn ingest(
        &self,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<IngestOutcome, IngestError> {
        let file_name = display_name(file_name);
        let media_type = self.check_upload(&file_name, bytes)?;
        let hash = ContentHash::of(bytes);
        self.store.put(&ObjectKey::original(&hash), bytes).await?;
        let registration = self
            .catalog
            .register_original(&NewOriginal {
                hash,
                file_name,
                media_type,
                byte_size: bytes.len() as u64,
            })
            .await?;
        match registration {
            Registration::New => Ok(IngestOutcome::Queued(hash)),
            Registration::Known(record) if record.status == OriginalStatus::Failed => {
                self.catalog.retry_original(&hash).await?;
                Ok(IngestOutcome::Retried(hash))
            }
            Registration::Known(record) => Ok(IngestOutcome::Duplicate(record)),
        }
    }

    /// One original sent on its own; who sent it is written to the audit log.
    pub async fn upload_original(
        &self,
        caller: &crate::access::Caller,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<IngestOutcome, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::UploadOriginal)?;
        let outcome = self.ingest(file_name, bytes).await?;
        let how = match &outcome {
            IngestOutcome::Queued(_) => "queued",
            IngestOutcome::Retried(_) => "retried",
            IngestOutcome::Duplicate(_) => "duplicate",
        };
        let detail = serde_json::json!({
            "sha256": outcome.hash().to_hex(),
            "file_name": display_name(file_name),
            "outcome": how,
        });
        self.audit(crate::audit::by_caller(
            caller,
            "original.received",
            None,
            None,
            detail,
        ))
        .await?;
        Ok(outcome)
    }

    /// The checks every upload passes before any storage or expensive work.
    pub fn check_upload(&self, file_name: &str, bytes: &[u8]) -> Result<MediaType, IngestError> {
        if bytes.is_empty() {
            return Err(IngestError::Empty {
                file_name: file_name.to_string(),
            });
        }
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err(IngestError::TooLarge {
                file_name: file_name.to_string(),
                size: bytes.len() as u64,
                limit: self.limits.max_file_bytes,
            });
        }
        MediaType::sniff(bytes).ok_or_else(|| IngestError::UnsupportedFormat {
            file_name: file_name.to_string(),
        })
    }
}

/// Reduces an uploaded file name to a display label: the last path component, without
/// control characters. It is metadata only and never becomes a path.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    // Cut to length before the checks: a cut can end on spaces, or leave just `.` or `..`.
    let short: String = cleaned.trim().chars().take(255).collect();
    let name = short.trim_end();
    if name.is_empty() || name == "." || name == ".." {
        "unnamed".to_string()
    } else {
        name.to_string()
    }
}

/// The page stages of one original: read every page (rasterise or decode, OCR), then
/// classify and extract. Blocking: call it from a worker thread, never the async runtime.
pub fn analyse(
    engine: &mut dyn PageEngine,
    hash: &ContentHash,
    file_name: &str,
    media_type: MediaType,
    source: &std::path::Path,
    limits: &Limits,
) -> Result<(ExtractionResult, Vec<PageText>), PageError> {
    let analysis = analyse_reporting(
        engine,
        hash,
        file_name,
        media_type,
        source,
        limits,
        &mut |_| {},
    )?;
    Ok((analysis.result, analysis.pages))
}

/// What `analyse_reporting` found, and how long each of its stages took.
pub struct Analysis {
    pub result: ExtractionResult,
    pub pages: Vec<PageText>,
    /// Reading the pages: rasterising or decoding, OCR and any rereading.
    pub reading: std::time::Duration,
    /// Classifying and extracting.
    pub extracting: std::time::Duration,
}

/// `analyse`, telling `pages_read` the count each time a page has been read.
pub fn analyse_reporting(
    engine: &mut dyn PageEngine,
    hash: &ContentHash,
    file_name: &str,
    media_type: MediaType,
    source: &std::path::Path,
    limits: &Limits,
    pages_read: &mut dyn FnMut(u32),
) -> Result<Analysis, PageError> {
    let started = std::time::Instant::now();
    let mut pages = Vec::new();
    let page_count = engine.read_pages(media_type, source, limits, &mut |page| {
        pages.push(page);
        pages_read(pages.len() as u32);
    })?;
    let reading = started.elapsed();
    let started = std::time::Instant::now();
    let result = extraction_of(hash, file_name, media_type, page_count, &pages);
    Ok(Analysis {
        result,
        pages,
        reading,
        extracting: started.elapsed(),
    })
}

/// The extraction result of a file whose `page_count` pages were read into `pages`.
pub fn extraction_of(
    hash: &ContentHash,
    file_name: &str,
    media_type: MediaType,
    page_count: u32,
    pages: &[PageText],
) -> ExtractionResult {
    ExtractionResult {
        source: SourceInfo {
            sha256: hash.to_hex(),
            file_name: file_name.to_string(),
            media_type: media_type.as_mime().to_string(),
            pages: page_count,
        },
        documents: extract_documents(pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_never_keeps_a_path() {
        let cases = [
            ("scan.pdf", "scan.pdf"),
            ("../../etc/passwd", "passwd"),
            ("/abs/path/cccd.jpg", "cccd.jpg"),
            ("C:\\Users\\a\\giay khai sinh.png", "giay khai sinh.png"),
            ("bad\0name\n.tif", "badname.tif"),
            ("..", "unnamed"),
            ("dir/", "unnamed"),
            ("", "unnamed"),
        ];
        for (raw, expected) in cases {
            assert_eq!(display_name(raw), expected, "{raw:?}");
        }
    }

    /// Found by `fuzz/` (target `upload`): cutting a long name to 255 characters could end
    /// it on spaces, so the label kept trailing blanks and changed when cleaned again;
    /// a cut could also leave only `.` or `..`.
    #[test]
    fn fuzz_regression_long_names_are_cut_then_checked() {
        let long = format!("{}{}x", "\u{fffd}".repeat(254), " ".repeat(40));
        assert_eq!(display_name(&long), "\u{fffd}".repeat(254));
        assert_eq!(display_name(&format!(".{}x", " ".repeat(300))), "unnamed");
        assert_eq!(display_name(&format!("..{}x", " ".repeat(300))), "unnamed");
        for raw in [long.as_str(), "a/b/ c ", "x\0y", "../../etc/passwd"] {
            let once = display_name(raw);
            assert_eq!(display_name(&once), once, "{raw:?}");
        }
    }
}
