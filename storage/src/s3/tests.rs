//! The S3 store against real servers: s3s-fs (lenient, lets a test damage objects
//! behind its back) and Garage (strict).
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;
use hoso_pipeline::ports::DerivativeKind;
use hoso_pipeline::ContentHash;
use hoso_testkit::garage::GarageServer;
use hoso_testkit::s3::S3Server;

use super::*;
use crate::object_store_suite;
use crate::RetryingObjectStore;

const MIB: u64 = 1024 * 1024;
const BUCKET: &str = "hoso-test";

fn settings(server: &S3Server) -> S3Settings {
    S3Settings {
        endpoint: Some(server.endpoint()),
        access_key_id: server.access_key().to_string(),
        secret_access_key: server.secret_key().to_string(),
        ..settings_without_server()
    }
}

fn settings_without_server() -> S3Settings {
    S3Settings {
        endpoint: None,
        bucket: BUCKET.to_string(),
        region: "us-east-1".to_string(),
        access_key_id: String::new(),
        secret_access_key: String::new(),
        path_style: true,
        server_side_encryption: None,
        // Low enough that the suite's 12 MiB object goes up in three 5 MiB parts.
        multipart_threshold_bytes: 8 * MIB,
        part_bytes: 5 * MIB,
        prefix: String::new(),
    }
}

async fn open(settings: S3Settings) -> S3ObjectStore {
    let store = S3ObjectStore::new(settings).unwrap();
    store.ensure_bucket().await.unwrap();
    store
}

fn original(bytes: &[u8]) -> ObjectKey {
    ObjectKey::original(&ContentHash::of(bytes))
}

/// The file s3s-fs keeps an object's bytes in.
fn file_of(server: &S3Server, full_key: &str) -> std::path::PathBuf {
    server.data_dir().join(BUCKET).join(full_key)
}

/// A request's method and URI, and its headers.
type Sent = (String, Vec<(String, String)>);

/// Records every request the client sends, and can fail chosen ones before they leave.
#[derive(Debug, Clone, Default)]
struct Recorder {
    requests: Arc<Mutex<Vec<Sent>>>,
    fail_when_uri_contains: Option<&'static str>,
}

impl Recorder {
    fn requests(&self) -> Vec<Sent> {
        self.requests.lock().unwrap().clone()
    }

    fn header(headers: &[(String, String)], name: &str) -> Option<String> {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let line = format!("{} {}", request.method(), request.uri());
        let headers = request
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.requests.lock().unwrap().push((line.clone(), headers));
        match self.fail_when_uri_contains {
            Some(part) if line.contains(part) => Err("injected failure".into()),
            _ => Ok(()),
        }
    }
}

#[tokio::test]
async fn passes_the_object_store_suite_with_multipart_uploads() {
    let server = S3Server::new();
    let store = open(settings(&server)).await;
    object_store_suite::run(&store).await;

    // s3s-fs gives a multipart object the ETag S3 does: "<md5 of part md5s>-<parts>".
    let large = original(&object_store_suite::large_object());
    let head = store
        .client
        .head_object()
        .bucket(BUCKET)
        .key(large.as_str())
        .send()
        .await
        .unwrap();
    let e_tag = head.e_tag().unwrap_or_default();
    assert!(e_tag.trim_matches('"').ends_with("-3"), "etag {e_tag}");
    let small = original(b"%PDF-1.4 a synthetic original");
    let head = store
        .client
        .head_object()
        .bucket(BUCKET)
        .key(small.as_str())
        .send()
        .await
        .unwrap();
    assert!(!head.e_tag().unwrap_or_default().contains('-'));
    // Completed uploads leave no parts behind.
    let leftovers: Vec<_> = std::fs::read_dir(server.data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".upload_id-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn garage_settings(server: &GarageServer) -> S3Settings {
    S3Settings {
        endpoint: Some(server.endpoint()),
        region: server.region().to_string(),
        access_key_id: server.access_key().to_string(),
        secret_access_key: server.secret_key().to_string(),
        // The same bucket, parts and threshold as on s3s-fs.
        ..settings_without_server()
    }
}

/// Garage checks payload signatures and encodings strictly: a request that only the
/// lenient s3s-fs accepts (a streamed single-part upload with its checksum in a
/// trailer, say) fails here.
#[tokio::test]
async fn passes_the_object_store_suite_on_garage() {
    let server = tokio::task::spawn_blocking(GarageServer::new)
        .await
        .unwrap();
    let store = open(garage_settings(&server)).await;
    object_store_suite::run(&store).await;
}

/// A request the server refuses for good (here: a bucket that does not exist) is
/// sent once, not retried for the store's whole deadline, and says what the server
/// said.
#[tokio::test]
async fn a_refused_request_fails_at_once_with_the_servers_message() {
    let server = tokio::task::spawn_blocking(GarageServer::new)
        .await
        .unwrap();
    let recorder = Recorder::default();
    let store = S3ObjectStore::with_config(
        S3Settings {
            bucket: "no-such-bucket".to_string(),
            ..garage_settings(&server)
        },
        |c| c.interceptor(recorder.clone()),
    )
    .unwrap();
    let retrying = RetryingObjectStore::new(store);
    let err = retrying
        .replace(&original(b"refused"), b"refused")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected { .. }), "{err:?}");
    assert!(!err.is_transient());
    assert!(err.to_string().contains("NoSuchBucket"), "{err}");
    let puts = recorder
        .requests()
        .iter()
        .filter(|(line, _)| line.starts_with("PUT "))
        .count();
    assert_eq!(puts, 1, "{:?}", recorder.requests());
}

#[tokio::test]
async fn keeps_its_objects_under_its_prefix() {
    let server = S3Server::new();
    let store = open(S3Settings {
        prefix: "tenant-a".to_string(),
        ..settings(&server)
    })
    .await;
    object_store_suite::run(&store).await;

    let key = original(b"%PDF-1.4 a synthetic original");
    assert!(file_of(&server, &format!("tenant-a/{}", key.as_str())).is_file());
    let other = open(S3Settings {
        prefix: "tenant-b/".to_string(),
        ..settings(&server)
    })
    .await;
    assert!(other.list("").await.unwrap().is_empty());
    assert!(!other.exists(&key).await.unwrap());
}

#[tokio::test]
async fn reports_an_object_damaged_on_the_server_as_corrupt() {
    let server = S3Server::new();
    let store = open(settings(&server)).await;
    let bytes = b"%PDF-1.4 the real original".to_vec();
    let key = original(&bytes);
    store.put(&key, &bytes).await.unwrap();

    // Same length, one byte flipped, written straight into the server's folder.
    let mut damaged = bytes.clone();
    damaged[3] ^= 0x20;
    std::fs::write(file_of(&server, key.as_str()), &damaged).unwrap();

    // s3s-fs kept the SHA-256 the upload sent and returns it, so the SDK's own check
    // catches this before the store's metadata check would.
    match store.get(&key).await {
        Err(err @ StoreError::Corrupt { .. }) => {
            assert!(!err.is_transient());
            assert!(err.to_string().contains("checksum"), "{err}");
        }
        other => panic!("expected corrupt, got {other:?}"),
    }
    // The store does not overwrite it either: originals are never rewritten.
    store.put(&key, &bytes).await.unwrap();
    assert!(matches!(
        store.get(&key).await,
        Err(StoreError::Corrupt { .. })
    ));

    // A multipart object's S3 checksum is a checksum of its parts' checksums, which
    // the SDK cannot check against the body; the sha256 metadata catches it.
    let large = object_store_suite::large_object();
    let large_key = original(&large);
    store.put(&large_key, &large).await.unwrap();
    let mut damaged = large.clone();
    damaged[7 * MIB as usize] ^= 0x01;
    std::fs::write(file_of(&server, large_key.as_str()), &damaged).unwrap();
    match store.get(&large_key).await {
        Err(StoreError::Corrupt { detail, .. }) => {
            assert!(detail.contains("sha-256 of the"), "{detail}")
        }
        other => panic!("expected corrupt, got {other:?}"),
    }
}

/// Writes an object as another client would, past the store: with the `sha256` metadata
/// given, or none.
async fn put_behind_its_back(
    store: &S3ObjectStore,
    key: &ObjectKey,
    body: &[u8],
    sha256: Option<&str>,
) {
    let mut put = store
        .client
        .put_object()
        .bucket(BUCKET)
        .key(key.as_str())
        .body(ByteStream::from(body.to_vec()));
    if let Some(sha) = sha256 {
        put = put.metadata(SHA256_METADATA, sha);
    }
    put.send().await.unwrap();
}

#[tokio::test]
async fn checks_the_sha256_metadata_on_every_read() {
    let server = S3Server::new();
    let store = open(settings(&server)).await;

    // Written by another client: intact as far as S3 knows, but not the bytes the
    // metadata vouches for, and without any S3 checksum for the SDK to check.
    let key = original(b"claimed");
    let vouched = hex::encode(Sha256::digest(b"claimed"));
    put_behind_its_back(&store, &key, b"something else", Some(&vouched)).await;
    match store.get(&key).await {
        Err(StoreError::Corrupt { key: k, detail }) => {
            assert_eq!(k, key.as_str());
            assert!(detail.contains("sha-256"), "{detail}");
        }
        other => panic!("expected corrupt, got {other:?}"),
    }

    let bare = original(b"bare");
    put_behind_its_back(&store, &bare, b"bare", None).await;
    match store.get(&bare).await {
        Err(StoreError::Corrupt { detail, .. }) => {
            assert!(detail.contains("no sha256 metadata"), "{detail}")
        }
        other => panic!("expected corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_credentials_are_unauthorized_and_not_retried() {
    let server = S3Server::new();
    let store = open(settings(&server)).await;
    let key = original(b"x");
    store.put(&key, b"x").await.unwrap();

    let wrong_secret = S3ObjectStore::new(S3Settings {
        secret_access_key: "not-the-secret".to_string(),
        ..settings(&server)
    })
    .unwrap();
    let wrong_key = S3ObjectStore::new(S3Settings {
        access_key_id: "nobody".to_string(),
        ..settings(&server)
    })
    .unwrap();
    for (store, who) in [(&wrong_secret, server.access_key()), (&wrong_key, "nobody")] {
        let errors = [
            store.get(&key).await.unwrap_err(),
            store.exists(&key).await.unwrap_err(),
            store.put(&original(b"y"), b"y").await.unwrap_err(),
            store.list("originals/").await.unwrap_err(),
            store.ensure_bucket().await.unwrap_err(),
        ];
        for err in errors {
            let StoreError::Unauthorized { detail, .. } = &err else {
                panic!("expected unauthorized, got {err:?}");
            };
            assert!(!err.is_transient());
            assert!(detail.contains(who), "{detail}");
            assert!(detail.contains("secret access key"), "{detail}");
            assert!(!detail.contains("not-the-secret"), "{detail}");
        }
    }

    let retrying = RetryingObjectStore::new(wrong_secret);
    let started = Instant::now();
    assert!(matches!(
        retrying.get(&key).await,
        Err(StoreError::Unauthorized { .. })
    ));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_missing_key_is_not_found() {
    let server = S3Server::new();
    let store = open(settings(&server)).await;
    let key = ObjectKey::derivative(&ContentHash::of(b"never"), DerivativeKind::PageText);
    match store.get(&key).await {
        Err(StoreError::NotFound(k)) => assert_eq!(k, key.as_str()),
        other => panic!("expected not found, got {other:?}"),
    }
    assert!(!store.exists(&key).await.unwrap());
}

#[tokio::test]
async fn a_stopped_server_is_a_transient_backend_error_until_it_returns() {
    let mut server = S3Server::new();
    let store = open(settings(&server)).await;
    let key = original(b"kept");
    store.put(&key, b"kept").await.unwrap();

    server.stop();
    let errors = [
        store.get(&key).await.unwrap_err(),
        store.exists(&key).await.unwrap_err(),
        store.put(&original(b"new"), b"new").await.unwrap_err(),
        store.list("").await.unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(err, StoreError::Backend { .. }) && err.is_transient(),
            "{err:?}"
        );
    }

    // The retrying store rides out the outage: the server comes back after a second.
    let retrying = RetryingObjectStore::with_deadline(store, Duration::from_secs(20));
    let restarter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        server.start();
        server
    });
    let started = Instant::now();
    assert_eq!(retrying.get(&key).await.unwrap(), b"kept");
    assert!(started.elapsed() >= Duration::from_millis(1400));
    let _server = restarter.join().unwrap();
}

#[tokio::test]
async fn sends_encryption_and_checksum_headers() {
    let server = S3Server::new();
    let recorder = Recorder::default();
    let settings = S3Settings {
        server_side_encryption: Some("AES256".to_string()),
        ..settings(&server)
    };
    let store = S3ObjectStore::with_config(settings, |c| c.interceptor(recorder.clone())).unwrap();
    store.ensure_bucket().await.unwrap();

    let small = b"%PDF-1.4 encrypted at rest".to_vec();
    let large = object_store_suite::large_object();
    store.put(&original(&small), &small).await.unwrap();
    store.put(&original(&large), &large).await.unwrap();
    assert_eq!(store.get(&original(&small)).await.unwrap(), small);
    assert!(store.get(&original(&large)).await.unwrap() == large);

    let requests = recorder.requests();
    let find = |pred: &dyn Fn(&str) -> bool| {
        requests
            .iter()
            .filter(|(line, _)| pred(line))
            .map(|(_, h)| h.clone())
            .collect::<Vec<_>>()
    };
    let puts = find(&|l| l.contains("x-id=PutObject"));
    let creates = find(&|l| l.starts_with("POST") && l.ends_with("?uploads"));
    let parts = find(&|l| l.contains("x-id=UploadPart"));
    assert_eq!(
        (puts.len(), creates.len(), parts.len()),
        (1, 1, 3),
        "{requests:?}"
    );

    let sha = hex::encode(Sha256::digest(&small));
    let put = &puts[0];
    assert_eq!(
        Recorder::header(put, "x-amz-server-side-encryption").as_deref(),
        Some("AES256")
    );
    assert_eq!(Recorder::header(put, "x-amz-meta-sha256"), Some(sha));
    assert!(
        Recorder::header(put, "x-amz-checksum-sha256").is_some(),
        "{put:?}"
    );
    let create = &creates[0];
    assert_eq!(
        Recorder::header(create, "x-amz-server-side-encryption").as_deref(),
        Some("AES256")
    );
    assert_eq!(
        Recorder::header(create, "x-amz-meta-sha256"),
        Some(hex::encode(Sha256::digest(&large)))
    );
    for part in &parts {
        assert!(
            Recorder::header(part, "x-amz-checksum-sha256").is_some(),
            "{part:?}"
        );
    }

    // s3s-fs accepts the encryption header and ignores it: it keeps no encryption
    // setting and reports none back. A real S3 answers with the algorithm.
    let head = store
        .client
        .head_object()
        .bucket(BUCKET)
        .key(original(&small).as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(head.server_side_encryption(), None);
}

#[tokio::test]
async fn aborts_a_multipart_upload_that_fails() {
    let server = S3Server::new();
    let recorder = Recorder {
        fail_when_uri_contains: Some("partNumber=2"),
        ..Recorder::default()
    };
    let store =
        S3ObjectStore::with_config(settings(&server), |c| c.interceptor(recorder.clone())).unwrap();
    store.ensure_bucket().await.unwrap();

    let large = object_store_suite::large_object();
    let key = original(&large);
    let err = store.put(&key, &large).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend { .. }), "{err:?}");

    let requests = recorder.requests();
    assert!(
        requests
            .iter()
            .any(|(line, _)| line.starts_with("DELETE") && line.contains("uploadId=")),
        "{requests:?}"
    );
    assert!(!store.exists(&key).await.unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(server.data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".upload_id-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_settings_s3_would_reject() {
    let base = S3Settings {
        endpoint: None,
        bucket: "b".to_string(),
        region: "eu-west-1".to_string(),
        access_key_id: "id".to_string(),
        secret_access_key: "s".to_string(),
        path_style: false,
        server_side_encryption: None,
        multipart_threshold_bytes: S3Settings::DEFAULT_MULTIPART_THRESHOLD_BYTES,
        part_bytes: S3Settings::DEFAULT_PART_BYTES,
        prefix: String::new(),
    };
    assert!(S3ObjectStore::new(base.clone()).is_ok());
    let small_parts = S3Settings {
        part_bytes: MIB,
        ..base.clone()
    };
    assert!(S3ObjectStore::new(small_parts).is_err());
    let unknown_sse = S3Settings {
        server_side_encryption: Some("rot13".to_string()),
        ..base.clone()
    };
    let err = S3ObjectStore::new(unknown_sse).unwrap_err().to_string();
    assert!(err.contains("rot13"), "{err}");
    let kms = S3Settings {
        server_side_encryption: Some("aws:kms".to_string()),
        ..base.clone()
    };
    assert!(S3ObjectStore::new(kms).is_ok());
    let no_bucket = S3Settings {
        bucket: String::new(),
        ..base
    };
    assert!(S3ObjectStore::new(no_bucket).is_err());
}

#[tokio::test]
async fn builds_its_tls_client_for_an_https_endpoint() {
    // Nothing listens there: the call gets as far as connecting, after the rustls
    // connector and its root certificates have been set up.
    let port = hoso_testkit::free_port();
    let store = S3ObjectStore::new(S3Settings {
        endpoint: Some(format!("https://127.0.0.1:{port}")),
        bucket: "b".to_string(),
        region: "us-east-1".to_string(),
        access_key_id: "id".to_string(),
        secret_access_key: "secret".to_string(),
        path_style: true,
        server_side_encryption: None,
        multipart_threshold_bytes: S3Settings::DEFAULT_MULTIPART_THRESHOLD_BYTES,
        part_bytes: S3Settings::DEFAULT_PART_BYTES,
        prefix: String::new(),
    })
    .unwrap();
    let err = store.exists(&original(b"x")).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("onnect"), "{err}");
}

#[test]
fn never_shows_the_secret_in_debug_output() {
    let settings = S3Settings {
        endpoint: None,
        bucket: "b".to_string(),
        region: "us-east-1".to_string(),
        access_key_id: "AKIDEXAMPLE".to_string(),
        secret_access_key: "wJalrXUtnFEMI-very-secret".to_string(),
        path_style: false,
        server_side_encryption: None,
        multipart_threshold_bytes: S3Settings::DEFAULT_MULTIPART_THRESHOLD_BYTES,
        part_bytes: S3Settings::DEFAULT_PART_BYTES,
        prefix: String::new(),
    };
    let shown = format!(
        "{settings:?} {:?}",
        S3ObjectStore::new(settings.clone()).unwrap()
    );
    assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
    assert!(!shown.contains("very-secret"), "{shown}");
}

#[test]
fn classifies_failures_by_what_the_caller_can_do() {
    use Class::*;
    let cases: &[(Option<u16>, Option<&str>, Class)] = &[
        (Some(403), Some("InvalidAccessKeyId"), Unauthorized),
        (Some(403), Some("SignatureDoesNotMatch"), Unauthorized),
        (Some(403), None, Unauthorized),
        (Some(404), Some("NoSuchKey"), NotFound),
        (Some(404), None, NotFound),
        (Some(404), Some("NoSuchBucket"), Rejected),
        // What Garage answers a body it cannot verify: refused for good.
        (Some(400), Some("InvalidRequest"), Rejected),
        (Some(400), Some("BadDigest"), Rejected),
        (Some(411), Some("MissingContentLength"), Rejected),
        (Some(413), Some("EntityTooLarge"), Rejected),
        (Some(400), Some("RequestTimeout"), Backend),
        (Some(408), None, Backend),
        (Some(429), None, Backend),
        (Some(503), Some("SlowDown"), Backend),
        (Some(500), Some("InternalError"), Backend),
        (Some(502), None, Backend),
        (None, None, Backend),
    ];
    for (status, code, class) in cases {
        assert_eq!(&classify(*status, *code), class, "{status:?} {code:?}");
    }
}
