//! Upload names are metadata only: whatever a file is called (a path that climbs out, an
//! absolute path, a Windows path, a NUL byte, SQL), ingesting it stores the bytes only
//! under `originals/<2 hex>/<sha-256>` and registers a cleaned label, on the embedded
//! backends (a local folder and SQLite) and on PostgreSQL.

use std::path::Path;
use std::sync::Arc;

use hoso_pipeline::ports::{Catalog, ObjectKey, ObjectStore};
use hoso_pipeline::service::{IngestError, IngestOutcome, Service};
use hoso_pipeline::{ContentHash, Limits};
use hoso_storage::PgPoolSettings;
use hoso_storage::{LocalObjectStore, SqlCatalog};
use hoso_testkit::postgres::TestDatabase;

/// (name as uploaded, label the catalog keeps)
const NAMES: &[(&str, &str)] = &[
    ("../../etc/passwd", "passwd"),
    ("../../../../../../../../tmp/evil.pdf", "evil.pdf"),
    ("/etc/passwd", "passwd"),
    ("C:\\Windows\\x", "x"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("a\0b", "ab"),
    ("dir/\0/..", "unnamed"),
    ("..", "unnamed"),
    ("scan.pdf\0.exe", "scan.pdf.exe"),
    ("'; DROP TABLE originals; --", "'; DROP TABLE originals; --"),
    ("\" OR 1=1 --", "\" OR 1=1 --"),
    ("100%_.pdf", "100%_.pdf"),
    ("giấy khai sinh\r\n.pdf", "giấy khai sinh.pdf"),
];

fn pdf(i: usize) -> Vec<u8> {
    format!("%PDF-1.7\n% upload {i}\n").into_bytes()
}

/// Every file under `dir`, relative, with `/` separators.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
}

async fn ingest_every_name(service: &Service, catalog: &dyn Catalog) -> Vec<String> {
    let mut keys = Vec::new();
    for (i, (raw, label)) in NAMES.iter().enumerate() {
        let bytes = pdf(i);
        let hash = ContentHash::of(&bytes);
        match service.ingest(raw, &bytes).await.unwrap() {
            IngestOutcome::Queued(h) => assert_eq!(h, hash, "{raw:?}"),
            other => panic!("{raw:?}: {other:?}"),
        }
        let key = ObjectKey::original(&hash);
        let hex = hash.to_hex();
        assert_eq!(key.as_str(), format!("originals/{}/{hex}", &hex[..2]));
        assert_eq!(service.store().get(&key).await.unwrap(), bytes, "{raw:?}");
        let rec = catalog.original(&hash).await.unwrap().expect("registered");
        assert_eq!(rec.file_name, *label, "{raw:?}");
        keys.push(key.as_str().to_string());
    }
    // A refused upload reports the cleaned label too, and stores nothing.
    match service
        .ingest("../../etc/shadow\0", b"not a document")
        .await
    {
        Err(IngestError::UnsupportedFormat { file_name }) => assert_eq!(file_name, "shadow"),
        other => panic!("{other:?}"),
    }
    keys.sort();
    keys
}

#[tokio::test]
async fn names_never_reach_paths_on_the_embedded_backends() {
    let dir = tempfile::tempdir().unwrap();
    // Deep enough that a name that climbed out of the store would still land in `dir`.
    let objects = dir.path().join("a/b/c/objects");
    let store = Arc::new(LocalObjectStore::open(&objects).unwrap());
    let catalog = Arc::new(SqlCatalog::open(&dir.path().join("hoso.db")).await.unwrap());
    let service = Service::new(catalog.clone(), store.clone(), Limits::default());

    let keys = ingest_every_name(&service, catalog.as_ref()).await;

    // The store holds exactly the content-addressed originals, and nothing else was
    // written anywhere near it: only the catalog's own files sit beside it.
    assert_eq!(files_under(&objects), keys);
    assert_eq!(store.list("originals/").await.unwrap(), keys);
    let outside: Vec<String> = files_under(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("a/b/c/objects/"))
        .collect();
    assert!(
        outside.iter().all(|f| f.starts_with("hoso.db")),
        "{outside:?}"
    );
    assert_eq!(
        catalog.originals().await.unwrap().len(),
        NAMES.len(),
        "the originals table is whole"
    );
}

#[tokio::test]
async fn names_never_reach_sql_on_postgresql() {
    let db = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(LocalObjectStore::open(dir.path()).unwrap());
    let catalog = Arc::new(
        SqlCatalog::connect(db.url(), PgPoolSettings::default())
            .await
            .unwrap(),
    );
    let service = Service::new(catalog.clone(), store.clone(), Limits::default());
    let keys = ingest_every_name(&service, catalog.as_ref()).await;
    assert_eq!(files_under(dir.path()), keys);
    assert_eq!(catalog.originals().await.unwrap().len(), NAMES.len());
    assert_eq!(
        catalog.queue_counts().await.unwrap().queued,
        NAMES.len() as u64
    );
}
