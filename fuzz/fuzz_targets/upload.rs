//! The upload path: `service::display_name`, `MediaType::sniff`,
//! `Service::check_upload` and `Service::ingest`, over in-memory ports that record
//! what reached them.
//!
//! Properties:
//! - a display name never holds `/`, `\`, NUL or any control character, is never empty,
//!   `.` or `..`, is at most 255 characters, has no surrounding whitespace, and is a
//!   fixed point (cleaning it again changes nothing);
//! - the format comes from the bytes alone: `sniff` agrees with the magic numbers and
//!   appending bytes never changes a recognised format;
//! - `check_upload` accepts exactly the non-empty, in-limit, recognised uploads;
//! - `ingest` writes exactly one object, under `originals/<2 hex>/<sha-256 hex>` of the
//!   bytes whatever the name, and registers the cleaned name; a refused upload writes
//!   nothing and registers nothing.

#![no_main]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use hoso_pipeline::ports::{
    AttemptRecord, Catalog, CatalogError, DocumentRecord, Job, JobFate, NewOriginal, ObjectKey,
    ObjectStore, OriginalRecord, QueueCounts, Registration, StoreError,
};
use hoso_pipeline::service::{display_name, IngestError, IngestOutcome, Service};
use hoso_pipeline::{ContentHash, ExtractionResult, Limits, MediaType};
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct MemStore {
    puts: Mutex<Vec<(String, Vec<u8>)>>,
}

#[async_trait]
impl ObjectStore for MemStore {
    async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        self.puts
            .lock()
            .unwrap()
            .push((key.as_str().to_string(), bytes.to_vec()));
        Ok(())
    }
    async fn replace(&self, key: &ObjectKey, _: &[u8]) -> Result<(), StoreError> {
        panic!("ingest never replaces an object ({})", key.as_str())
    }
    async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError> {
        Err(StoreError::NotFound(key.as_str().to_string()))
    }
    async fn exists(&self, _: &ObjectKey) -> Result<bool, StoreError> {
        Ok(false)
    }
    async fn list(&self, _: &str) -> Result<Vec<String>, StoreError> {
        Ok(Vec::new())
    }
}

/// Records registrations; every other call is outside the upload path.
#[derive(Default)]
struct MemCatalog {
    registered: Mutex<Vec<NewOriginal>>,
}

fn unused<T>() -> Result<T, CatalogError> {
    Err(CatalogError::permanent("not part of the upload path"))
}

#[async_trait]
impl Catalog for MemCatalog {
    async fn register_original(&self, o: &NewOriginal) -> Result<Registration, CatalogError> {
        self.registered.lock().unwrap().push(o.clone());
        Ok(Registration::New)
    }
    async fn retry_original(&self, _: &ContentHash) -> Result<(), CatalogError> {
        unused()
    }
    async fn claim_job(&self, _: &str, _: Duration) -> Result<Option<Job>, CatalogError> {
        unused()
    }
    async fn extend_lease(&self, _: &Job, _: Duration) -> Result<bool, CatalogError> {
        unused()
    }
    async fn complete_job(
        &self,
        _: &Job,
        _: &ExtractionResult,
        _: &str,
    ) -> Result<(), CatalogError> {
        unused()
    }
    async fn fail_job(
        &self,
        _: &Job,
        _: &str,
        _: Option<Duration>,
    ) -> Result<JobFate, CatalogError> {
        unused()
    }
    async fn release_running_jobs(&self) -> Result<u64, CatalogError> {
        unused()
    }
    async fn attempts(&self, _: &ContentHash) -> Result<Vec<AttemptRecord>, CatalogError> {
        unused()
    }
    async fn queue_counts(&self) -> Result<QueueCounts, CatalogError> {
        unused()
    }
    async fn originals(&self) -> Result<Vec<OriginalRecord>, CatalogError> {
        unused()
    }
    async fn original(&self, _: &ContentHash) -> Result<Option<OriginalRecord>, CatalogError> {
        unused()
    }
    async fn documents(&self) -> Result<Vec<DocumentRecord>, CatalogError> {
        unused()
    }
    async fn document(&self, _: &str) -> Result<Option<DocumentRecord>, CatalogError> {
        unused()
    }
    async fn documents_of(&self, _: &ContentHash) -> Result<Vec<DocumentRecord>, CatalogError> {
        unused()
    }
}

#[derive(Debug, Arbitrary)]
struct Upload {
    /// The name as a browser or a shell hands it over, not necessarily UTF-8.
    name: Vec<u8>,
    /// Prepend a format's magic number, so most inputs get past the sniffing.
    magic: u8,
    bytes: Vec<u8>,
}

const MAGICS: [&[u8]; 5] = [
    b"%PDF-1.7\n",
    b"\xFF\xD8\xFF\xE0",
    b"\x89PNG\r\n\x1a\n",
    b"II*\0",
    b"MM\0*",
];

/// Small, so the size limit is exercised as well.
const LIMIT: u64 = 2048;

fn check_display_name(raw: &str) -> String {
    let d = display_name(raw);
    assert!(!d.is_empty(), "{raw:?}");
    assert!(d != "." && d != "..", "{raw:?} -> {d:?}");
    assert!(!d.contains(['/', '\\', '\0']), "{raw:?} -> {d:?}");
    assert!(!d.chars().any(char::is_control), "{raw:?} -> {d:?}");
    assert!(
        d.chars().count() <= 255,
        "{raw:?} -> {} chars",
        d.chars().count()
    );
    assert_eq!(d.trim(), d, "{raw:?} -> {d:?}");
    assert_eq!(display_name(&d), d, "not a fixed point: {raw:?} -> {d:?}");
    // The name is a label taken from the last path component, never a path.
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    if d != "unnamed" {
        let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
        assert!(cleaned.contains(&d), "{raw:?} -> {d:?}");
    }
    d
}

fn check_sniff(bytes: &[u8]) -> Option<MediaType> {
    let m = MediaType::sniff(bytes);
    match m {
        Some(MediaType::Jpeg) => assert!(bytes.starts_with(b"\xFF\xD8\xFF")),
        Some(MediaType::Png) => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n")),
        Some(MediaType::Tiff) => {
            assert!(bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"))
        }
        Some(MediaType::Pdf) => {
            let head = &bytes[..bytes.len().min(1024)];
            assert!(head.windows(5).any(|w| w == b"%PDF-"));
        }
        None => {}
    }
    if let Some(m) = m {
        let mut longer = bytes.to_vec();
        longer.extend_from_slice(b"\x89PNG\r\n\x1a\n%PDF-");
        assert_eq!(
            MediaType::sniff(&longer),
            Some(m),
            "appending changed the format"
        );
        assert_eq!(MediaType::from_mime(m.as_mime()), Some(m));
    }
    m
}

fn check_ingest(rt: &tokio::runtime::Runtime, raw_name: &str, bytes: &[u8]) {
    let store = Arc::new(MemStore::default());
    let catalog = Arc::new(MemCatalog::default());
    let limits = Limits {
        max_file_bytes: LIMIT,
        ..Limits::default()
    };
    let service = Service::new(catalog.clone(), store.clone(), limits);
    let name = check_display_name(raw_name);
    let sniffed = check_sniff(bytes);

    let checked = service.check_upload(&name, bytes);
    let acceptable = !bytes.is_empty() && bytes.len() as u64 <= LIMIT && sniffed.is_some();
    match &checked {
        Ok(m) => {
            assert!(acceptable);
            assert_eq!(Some(*m), sniffed);
        }
        Err(IngestError::Empty { file_name }) => {
            assert!(bytes.is_empty());
            assert_eq!(file_name, &name);
        }
        Err(IngestError::TooLarge { size, limit, .. }) => {
            assert_eq!((*size, *limit), (bytes.len() as u64, LIMIT));
        }
        Err(IngestError::UnsupportedFormat { .. }) => assert_eq!(sniffed, None),
        Err(e) => panic!("check_upload touched storage: {e}"),
    }

    let outcome = rt.block_on(service.ingest(raw_name, bytes));
    let puts = store.puts.lock().unwrap();
    let registered = catalog.registered.lock().unwrap();
    match outcome {
        Ok(IngestOutcome::Queued(hash)) => {
            assert!(acceptable);
            let hex = hash.to_hex();
            assert_eq!(hash, ContentHash::of(bytes));
            assert_eq!(puts.len(), 1);
            let (key, stored) = &puts[0];
            assert_eq!(key, &format!("originals/{}/{hex}", &hex[..2]));
            assert_eq!(key, ObjectKey::original(&hash).as_str());
            assert_eq!(stored.as_slice(), bytes);
            assert_eq!(registered.len(), 1);
            let o = &registered[0];
            assert_eq!(o.hash, hash);
            assert_eq!(o.file_name, name);
            assert_eq!(Some(o.media_type), sniffed);
            assert_eq!(o.byte_size, bytes.len() as u64);
        }
        Ok(other) => panic!("the recording catalog only says new: {other:?}"),
        Err(e) => {
            assert!(!acceptable, "{e}");
            assert!(puts.is_empty(), "a refused upload was stored");
            assert!(registered.is_empty(), "a refused upload was registered");
            // Errors show the cleaned name only.
            let shown = e.to_string();
            assert!(shown.starts_with(&format!("{name}: ")), "{shown:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
    }
    let Ok(upload) = Upload::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let name = String::from_utf8_lossy(&upload.name);
    let mut bytes = Vec::new();
    if let Some(magic) = MAGICS.get(usize::from(upload.magic)) {
        bytes.extend_from_slice(magic);
    }
    bytes.extend_from_slice(&upload.bytes);
    RT.with(|rt| check_ingest(rt, &name, &bytes));
});
