//! The sample dossiers ingested end to end (real Tesseract and PDFium, SQLite) onto each
//! of two real S3 servers: s3s-fs, lenient, and Garage, which checks payload signatures
//! and encodings as production servers do. Every original and every derivative must be
//! stored on both, so a request that only one server accepts fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use hoso_pipeline::ports::{DerivativeKind, ObjectKey, ObjectStore};
use hoso_pipeline::ContentHash;
use hoso_storage::{S3ObjectStore, S3Settings};
use hoso_testkit::garage::GarageServer;
use hoso_testkit::s3::S3Server;

const BUCKET: &str = "hoso-samples";

struct Server {
    name: &'static str,
    endpoint: String,
    access_key: String,
    secret_key: String,
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/samples")
}

/// Ingests the samples with the S3 store of `server`, and returns the keys stored.
fn ingest(server: &Server) -> (BTreeSet<String>, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hoso.toml");
    std::fs::write(
        &config,
        format!(
            r#"
data_dir = "{data}"

[s3]
endpoint = "{endpoint}"
bucket = "{BUCKET}"
access_key_id = "{key}"
secret_access_key = "{secret}"
"#,
            data = dir.path().join("data").display(),
            endpoint = server.endpoint,
            key = server.access_key,
            secret = server.secret_key,
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--config")
        .arg(&config)
        .arg("ingest")
        .arg(samples())
        .env("OMP_THREAD_LIMIT", "1")
        .env("HOSO_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}: ingest failed:\n{text}",
        server.name
    );

    let store = S3ObjectStore::new(S3Settings {
        endpoint: Some(server.endpoint.clone()),
        bucket: BUCKET.to_string(),
        region: "us-east-1".to_string(),
        access_key_id: server.access_key.clone(),
        secret_access_key: server.secret_key.clone(),
        path_style: true,
        server_side_encryption: None,
        multipart_threshold_bytes: S3Settings::DEFAULT_MULTIPART_THRESHOLD_BYTES,
        part_bytes: S3Settings::DEFAULT_PART_BYTES,
        prefix: String::new(),
    })
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let originals: BTreeSet<String> = store
            .list("originals/")
            .await
            .unwrap()
            .into_iter()
            .collect();
        let derived: BTreeSet<String> = store.list("derived/").await.unwrap().into_iter().collect();
        // Every object reads back whole, its checksum verified.
        for key in originals.iter().chain(&derived) {
            store.get(&object_key(key)).await.unwrap();
        }
        (originals, derived)
    })
}

/// The key a listed name is: the store's keys are made from hashes, never parsed.
fn object_key(listed: &str) -> ObjectKey {
    let parts: Vec<&str> = listed.split('/').collect();
    match parts.as_slice() {
        ["originals", _, hex] => ObjectKey::original(&ContentHash::from_str(hex).unwrap()),
        ["derived", hex, name] => {
            let kind = match *name {
                "pages.json" => DerivativeKind::PageText,
                "searchable.pdf" => DerivativeKind::SearchablePdf,
                other => panic!("unknown derivative {other}"),
            };
            ObjectKey::derivative(&ContentHash::from_str(hex).unwrap(), kind)
        }
        _ => panic!("unexpected key {listed}"),
    }
}

#[test]
fn the_samples_ingest_onto_both_s3_servers_with_every_derivative() {
    let files = std::fs::read_dir(samples())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            !name.to_string_lossy().ends_with(".json") && !name.to_string_lossy().starts_with('.')
        })
        .count();
    let s3s = S3Server::new();
    let garage = GarageServer::new();
    let servers = [
        Server {
            name: "s3s-fs",
            endpoint: s3s.endpoint(),
            access_key: s3s.access_key().to_string(),
            secret_key: s3s.secret_key().to_string(),
        },
        Server {
            name: "garage",
            endpoint: garage.endpoint(),
            access_key: garage.access_key().to_string(),
            secret_key: garage.secret_key().to_string(),
        },
    ];
    let stored: Vec<_> = servers.iter().map(ingest).collect();
    let (originals, derived) = &stored[0];
    assert_eq!(originals.len(), files, "{originals:?}");
    // Each original's page text and searchable copy.
    for original in originals {
        let hash = original.rsplit('/').next().unwrap();
        for name in ["pages.json", "searchable.pdf"] {
            assert!(
                derived
                    .iter()
                    .any(|k| k.contains(hash) && k.ends_with(name)),
                "{original} has no {name}: {derived:?}"
            );
        }
    }
    assert_eq!(stored[1], stored[0], "garage holds what s3s-fs holds");
}
