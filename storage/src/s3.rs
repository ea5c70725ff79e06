//! An object store in an S3-compatible bucket (AWS S3, Garage, MinIO, s3s-fs in tests).
//!
//! Every object carries the SHA-256 of its bytes as user metadata (`x-amz-meta-sha256`),
//! checked on every read, so damage done anywhere between the upload and the download (the
//! server's disks, a proxy, someone editing the bucket by hand) is reported as
//! `StoreError::Corrupt` instead of being handed to a worker.
//!
//! The SDK's own retries are turned off: `RetryingObjectStore` is the one retry policy, so
//! that retries are logged in one place and a total deadline holds across them.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, RequestChecksumCalculation};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart,
    CreateBucketConfiguration, ServerSideEncryption,
};
use aws_sdk_s3::Client;
use aws_smithy_http_client::tls;
use hoso_pipeline::ports::{local_file_error, ObjectKey, ObjectStore, StoreError};
use sha2::{Digest, Sha256};

/// The user metadata entry that holds the hex SHA-256 of an object's bytes.
const SHA256_METADATA: &str = "sha256";

/// S3 refuses parts under 5 MiB, except the last one.
const MIN_PART_BYTES: u64 = 5 * 1024 * 1024;
/// S3 refuses parts over 5 GiB.
const MAX_PART_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// S3 refuses uploads of more parts than this.
const MAX_PARTS: u64 = 10_000;

/// Where and how to reach the bucket.
#[derive(Clone)]
pub struct S3Settings {
    /// A custom endpoint such as `http://127.0.0.1:9000`; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Addresses the bucket as `endpoint/bucket/key` instead of `bucket.endpoint/key`; most
    /// self-hosted servers need it.
    pub path_style: bool,
    /// `AES256` or `aws:kms`, sent with every upload when set.
    pub server_side_encryption: Option<String>,
    /// Bodies larger than this go up as a multipart upload.
    pub multipart_threshold_bytes: u64,
    /// Size of each part of a multipart upload (at least 5 MiB).
    pub part_bytes: u64,
    /// Prepended to every key, so that several deployments can share one bucket. May be
    /// empty; a `/` is added when it lacks one.
    pub prefix: String,
}

impl S3Settings {
    pub const DEFAULT_MULTIPART_THRESHOLD_BYTES: u64 = 64 * 1024 * 1024;
    pub const DEFAULT_PART_BYTES: u64 = 16 * 1024 * 1024;
}

impl fmt::Debug for S3Settings {
    // By hand, so that the secret never reaches a log line or a panic message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("path_style", &self.path_style)
            .field("server_side_encryption", &self.server_side_encryption)
            .field("multipart_threshold_bytes", &self.multipart_threshold_bytes)
            .field("part_bytes", &self.part_bytes)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// An object store in one S3 bucket, under an optional key prefix.
#[derive(Clone)]
pub struct S3ObjectStore {
    client: Client,
    bucket: String,
    region: String,
    access_key_id: String,
    prefix: String,
    sse: Option<ServerSideEncryption>,
    multipart_threshold_bytes: u64,
    part_bytes: u64,
}

impl fmt::Debug for S3ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3ObjectStore")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3ObjectStore {
    /// Builds the client. Nothing is sent until the first call, so a wrong endpoint or
    /// wrong credentials show up there (or in `ensure_bucket`).
    pub fn new(settings: S3Settings) -> Result<Self, StoreError> {
        Self::with_config(settings, |config| config)
    }

    /// `new`, with a last say on the client's configuration (tests add interceptors).
    fn with_config(
        settings: S3Settings,
        customize: impl FnOnce(aws_sdk_s3::config::Builder) -> aws_sdk_s3::config::Builder,
    ) -> Result<Self, StoreError> {
        let invalid = |detail: String| StoreError::Backend {
            key: format!("s3://{}", settings.bucket),
            detail,
        };
        if settings.bucket.is_empty() {
            return Err(invalid("the s3 bucket name is empty".to_string()));
        }
        if settings.region.is_empty() {
            return Err(invalid(
                "the s3 region is empty (self-hosted servers usually accept us-east-1)".to_string(),
            ));
        }
        if !(MIN_PART_BYTES..=MAX_PART_BYTES).contains(&settings.part_bytes) {
            return Err(invalid(format!(
                "s3 part size {} bytes is outside the {MIN_PART_BYTES}..={MAX_PART_BYTES} bytes s3 accepts",
                settings.part_bytes
            )));
        }
        let sse = match settings.server_side_encryption.as_deref() {
            None => None,
            Some(value) if ServerSideEncryption::values().contains(&value) => {
                Some(ServerSideEncryption::from(value))
            }
            Some(value) => {
                return Err(invalid(format!(
                    "unknown s3 server-side encryption {value:?}, expected one of {:?}",
                    ServerSideEncryption::values()
                )))
            }
        };

        // rustls over ring, as sqlx uses, rather than the SDK's default aws-lc build: one
        // TLS stack and one crypto library in the binary.
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let credentials = Credentials::new(
            settings.access_key_id.clone(),
            settings.secret_access_key.clone(),
            None,
            None,
            "hoso-settings",
        );
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(http_client)
            .credentials_provider(credentials)
            .region(Region::new(settings.region.clone()))
            .force_path_style(settings.path_style)
            .retry_config(RetryConfig::disabled())
            // Checksums are asked for explicitly where they are wanted (see `upload`); the
            // SDK's automatic ones would be streamed as trailers.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .build(),
            );
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint.clone());
        }

        let mut prefix = settings.prefix.trim_start_matches('/').to_string();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(Self {
            client: Client::from_conf(customize(config).build()),
            bucket: settings.bucket,
            region: settings.region,
            access_key_id: settings.access_key_id,
            prefix,
            sse,
            multipart_threshold_bytes: settings.multipart_threshold_bytes,
            part_bytes: settings.part_bytes,
        })
    }

    /// Creates the bucket unless it exists. For tests and a first start; production
    /// buckets are usually made by whoever owns the account.
    pub async fn ensure_bucket(&self) -> Result<(), StoreError> {
        let target = format!("s3://{}", self.bucket);
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => return Ok(()),
            Err(e) if status_of(&e) == Some(404) => {}
            Err(e) => return Err(self.map_err(&target, e)),
        }
        let mut create = self.client.create_bucket().bucket(&self.bucket);
        // us-east-1 is the one region that refuses an explicit location constraint.
        if self.region != "us-east-1" {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(self.region.as_str()))
                    .build(),
            );
        }
        match create.send().await {
            Ok(_) => {
                tracing::info!(bucket = %self.bucket, "created s3 bucket");
                Ok(())
            }
            // Another process created it between the two calls. Some servers answer
            // BucketAlreadyExists even to the owner; if it can be reached, it is ours.
            Err(e) if e.code() == Some("BucketAlreadyOwnedByYou") => Ok(()),
            Err(e) if e.code() == Some("BucketAlreadyExists") => {
                match self.client.head_bucket().bucket(&self.bucket).send().await {
                    Ok(_) => Ok(()),
                    Err(_) => Err(self.map_err(&target, e)),
                }
            }
            Err(e) => Err(self.map_err(&target, e)),
        }
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    async fn head(&self, key: &ObjectKey) -> Result<bool, StoreError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.full_key(key.as_str()))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match self.map_err(key.as_str(), e) {
                StoreError::NotFound(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    async fn upload(&self, key: &ObjectKey, body: Body<'_>) -> Result<(), StoreError> {
        let sha256 = match body {
            Body::Memory(bytes) => hex::encode(Sha256::digest(bytes)),
            Body::File { path, .. } => hoso_pipeline::ContentHash::of_file(path)
                .await
                .map_err(|e| local_file_error(key, path, e))?
                .to_hex(),
        };
        if body.len() > self.multipart_threshold_bytes {
            return self.upload_multipart(key, body, &sha256).await;
        }
        let stream = match body {
            Body::Memory(bytes) => ByteStream::from(bytes.to_vec()),
            Body::File { path, .. } => ByteStream::from_path(path)
                .await
                .map_err(|e| local_file_error(key, path, std::io::Error::other(e)))?,
        };
        // The checksum goes as a header computed before sending, not as a trailer the SDK
        // computes while it streams: a streamed body's trailer travels in `aws-chunked`
        // encoding, which strict servers (Garage) refuse as an invalid payload signature.
        // The server still checks every byte against it.
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full_key(key.as_str()))
            .body(stream)
            .metadata(SHA256_METADATA, &sha256)
            .checksum_sha256(sha256_base64(&sha256))
            .set_server_side_encryption(self.sse.clone())
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        Ok(())
    }

    async fn upload_multipart(
        &self,
        key: &ObjectKey,
        body: Body<'_>,
        sha256: &str,
    ) -> Result<(), StoreError> {
        let full_key = self.full_key(key.as_str());
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(&full_key)
            .metadata(SHA256_METADATA, sha256)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .set_server_side_encryption(self.sse.clone())
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        let upload_id = created.upload_id().ok_or_else(|| StoreError::Backend {
            key: key.as_str().to_string(),
            detail: "the s3 server started a multipart upload without an upload id".to_string(),
        })?;

        match self.upload_parts(key, &full_key, upload_id, body).await {
            Ok(()) => Ok(()),
            Err(e) => {
                // An unfinished upload keeps its parts, and bills for them, until something aborts it.
                if let Err(abort) = self
                    .client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(&full_key)
                    .upload_id(upload_id)
                    .send()
                    .await
                {
                    tracing::warn!(
                        key = key.as_str(),
                        upload_id,
                        error = %describe(&abort),
                        "could not abort a failed multipart upload"
                    );
                }
                Err(e)
            }
        }
    }

    async fn upload_parts(
        &self,
        key: &ObjectKey,
        full_key: &str,
        upload_id: &str,
        body: Body<'_>,
    ) -> Result<(), StoreError> {
        // Grows the parts of a huge body so that it stays within S3's part count.
        let part_bytes = self
            .part_bytes
            .max(body.len().div_ceil(MAX_PARTS))
            .min(usize::MAX as u64) as usize;
        let mut parts = Vec::new();
        // A file is read one part at a time: memory follows the part size, not the file's.
        let mut file: Option<tokio::fs::File> = None;
        let count = body.len().div_ceil(part_bytes.max(1) as u64) as usize;
        for index in 0..count {
            let start = index * part_bytes;
            let end = (start + part_bytes).min(body.len() as usize);
            let chunk = match body {
                Body::Memory(bytes) => bytes[start..end].to_vec(),
                Body::File { path, .. } => {
                    use tokio::io::AsyncReadExt as _;
                    let reader = match file.as_mut() {
                        Some(f) => f,
                        None => file.insert(
                            tokio::fs::File::open(path)
                                .await
                                .map_err(|e| local_file_error(key, path, e))?,
                        ),
                    };
                    let mut chunk = vec![0u8; end - start];
                    reader
                        .read_exact(&mut chunk)
                        .await
                        .map_err(|e| local_file_error(key, path, e))?;
                    chunk
                }
            };
            let part_number = i32::try_from(index + 1).map_err(|_| StoreError::Backend {
                key: key.as_str().to_string(),
                detail: "too many parts for one multipart upload".to_string(),
            })?;
            // The part's checksum computed here and sent as a header, as for single parts.
            let part_sha256 = hex::encode(Sha256::digest(&chunk));
            let uploaded = self
                .client
                .upload_part()
                .bucket(&self.bucket)
                .key(full_key)
                .upload_id(upload_id)
                .part_number(part_number)
                .checksum_sha256(sha256_base64(&part_sha256))
                .body(ByteStream::from(chunk))
                .send()
                .await
                .map_err(|e| self.map_err(key.as_str(), e))?;
            parts.push(
                CompletedPart::builder()
                    .part_number(part_number)
                    .set_e_tag(uploaded.e_tag().map(str::to_string))
                    .set_checksum_sha256(uploaded.checksum_sha256().map(str::to_string))
                    .build(),
            );
        }
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(full_key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        Ok(())
    }

    fn map_err<E>(&self, key: &str, err: SdkError<E, HttpResponse>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = status_of(&err);
        let code = err.code();
        let detail = describe(&err);
        match classify(status, code) {
            Class::NotFound => StoreError::NotFound(key.to_string()),
            Class::Unauthorized => StoreError::Unauthorized {
                key: key.to_string(),
                detail: format!(
                    "the s3 server refused access key {:?} to bucket {}: check the access key \
                     id and secret access key ({detail})",
                    self.access_key_id, self.bucket,
                ),
            },
            Class::Rejected => StoreError::Rejected {
                key: key.to_string(),
                detail,
            },
            Class::Backend => StoreError::Backend {
                key: key.to_string(),
                detail,
            },
        }
    }
}

/// The base64 of a hex SHA-256, as `x-amz-checksum-sha256` carries it.
fn sha256_base64(hex_digest: &str) -> String {
    use base64::Engine as _;
    let bytes = hex::decode(hex_digest).unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One line on a failed call: the server's status, code and message, or what broke on the
/// way there. The SDK's own Display is terse and its Debug dumps the raw response.
fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(response) = err.raw_response() {
        let mut line = format!("http {}", response.status().as_u16());
        if let Some(code) = err.code() {
            line.push(' ');
            line.push_str(code);
        }
        if let Some(message) = err.message() {
            line.push_str(": ");
            line.push_str(message);
        }
        return line;
    }
    let mut line = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

#[derive(Debug, PartialEq, Eq)]
enum Class {
    NotFound,
    Unauthorized,
    /// Refused for good: the same request gets the same answer.
    Rejected,
    /// Worth retrying: no answer (connection errors, timeouts), a 5xx, 408, 429, throttling.
    Backend,
}

/// Sorts a failed call by what the caller can do about it: a missing object, refused
/// credentials, a request refused for good (any other 4xx), or the store failing, which
/// is worth retrying.
fn classify(status: Option<u16>, code: Option<&str>) -> Class {
    /// Codes that mean "later" whatever status carries them (S3 answers RequestTimeout
    /// with a 400, SlowDown with a 503).
    const RETRYABLE: &[&str] = &[
        "SlowDown",
        "RequestTimeout",
        "Throttling",
        "ThrottlingException",
        "TooManyRequests",
        "RequestLimitExceeded",
        "InternalError",
        "ServiceUnavailable",
    ];
    const UNAUTHORIZED: &[&str] = &[
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "InvalidToken",
        "AllAccessDisabled",
        "NotSignedUp",
    ];
    match (status, code) {
        (_, Some(code)) if RETRYABLE.contains(&code) => Class::Backend,
        (_, Some(code)) if UNAUTHORIZED.contains(&code) => Class::Unauthorized,
        (Some(401 | 403), _) => Class::Unauthorized,
        (_, Some("NoSuchKey" | "NotFound")) => Class::NotFound,
        // A missing bucket is a configuration problem, not a missing object.
        (_, Some("NoSuchBucket")) => Class::Rejected,
        (Some(404), _) => Class::NotFound,
        (Some(408 | 429), _) => Class::Backend,
        (Some(400..=499), _) => Class::Rejected,
        _ => Class::Backend,
    }
}

fn status_of<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        // Content addressed: an object already under this key holds these bytes. Two
        // concurrent first puts both upload the same bytes, which is harmless.
        if self.head(key).await? {
            return Ok(());
        }
        self.upload(key, Body::Memory(bytes)).await
    }

    async fn replace(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        self.upload(key, Body::Memory(bytes)).await
    }

    async fn replace_from_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        let len = tokio::fs::metadata(path)
            .await
            .map_err(|e| local_file_error(key, path, e))?
            .len();
        self.upload(key, Body::File { path, len }).await
    }

    async fn get_to_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        use tokio::io::AsyncWriteExt as _;
        let mut output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full_key(key.as_str()))
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        let expected = expected_sha256(key, output.metadata())?;
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| local_file_error(key, path, e))?;
        let mut hasher = Sha256::new();
        let mut len = 0u64;
        while let Some(chunk) = output.body.next().await {
            let chunk = chunk.map_err(|e| read_error(key, &e))?;
            hasher.update(&chunk);
            len += chunk.len() as u64;
            file.write_all(&chunk)
                .await
                .map_err(|e| local_file_error(key, path, e))?;
        }
        file.flush()
            .await
            .map_err(|e| local_file_error(key, path, e))?;
        check_sha256(key, &hex::encode(hasher.finalize()), &expected, len)
    }

    async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full_key(key.as_str()))
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        let expected = expected_sha256(key, output.metadata())?;
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| read_error(key, &e))?
            .to_vec();
        let actual = hex::encode(Sha256::digest(&bytes));
        check_sha256(key, &actual, &expected, bytes.len() as u64)?;
        Ok(bytes)
    }

    async fn exists(&self, key: &ObjectKey) -> Result<bool, StoreError> {
        self.head(key).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let full_prefix = self.full_key(prefix);
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(&full_prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| self.map_err(&format!("{prefix}*"), e))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key())
                    .filter_map(|k| k.strip_prefix(&self.prefix))
                    .map(str::to_string),
            );
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_string()),
                _ => break,
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// What an upload sends: bytes in memory, or a local file read as it goes.
#[derive(Clone, Copy)]
enum Body<'a> {
    Memory(&'a [u8]),
    File { path: &'a Path, len: u64 },
}

impl Body<'_> {
    fn len(&self) -> u64 {
        match self {
            Body::Memory(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }
}

/// The SHA-256 an object was stored with. Every object this store writes has it; one
/// without it was written behind the store's back and cannot be vouched for.
fn expected_sha256(
    key: &ObjectKey,
    metadata: Option<&std::collections::HashMap<String, String>>,
) -> Result<String, StoreError> {
    metadata
        .and_then(|m| m.get(SHA256_METADATA))
        .cloned()
        .ok_or_else(|| StoreError::Corrupt {
            key: key.as_str().to_string(),
            detail: format!("the object has no {SHA256_METADATA} metadata to verify it by"),
        })
}

fn check_sha256(key: &ObjectKey, actual: &str, expected: &str, len: u64) -> Result<(), StoreError> {
    if actual.eq_ignore_ascii_case(expected) {
        return Ok(());
    }
    Err(StoreError::Corrupt {
        key: key.as_str().to_string(),
        detail: format!(
            "sha-256 of the {len} bytes read is {actual}, the object was stored with {expected}"
        ),
    })
}

/// A download that broke off, or that the SDK's own check of the server's checksum
/// rejected (servers that store a checksum with the object send it back on a full read).
fn read_error(key: &ObjectKey, err: &aws_sdk_s3::primitives::ByteStreamError) -> StoreError {
    let mut detail = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    if detail.to_ascii_lowercase().contains("checksum mismatch") {
        StoreError::Corrupt {
            key: key.as_str().to_string(),
            detail: format!("the bytes read do not match the server's checksum: {detail}"),
        }
    } else {
        StoreError::Backend {
            key: key.as_str().to_string(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[tokio::test]
    async fn checks_the_sha256_metadata_on_every_read() {
        let server = S3Server::new();
        let store = open(settings(&server)).await;

        // Written by another client: intact as far as S3 knows, but not the bytes the
        // metadata vouches for, and without any S3 checksum for the SDK to check.
        let key = original(b"claimed");
        store
            .client
            .put_object()
            .bucket(BUCKET)
            .key(key.as_str())
            .body(ByteStream::from(b"something else".to_vec()))
            .metadata(SHA256_METADATA, hex::encode(Sha256::digest(b"claimed")))
            .send()
            .await
            .unwrap();
        match store.get(&key).await {
            Err(StoreError::Corrupt { key: k, detail }) => {
                assert_eq!(k, key.as_str());
                assert!(detail.contains("sha-256"), "{detail}");
            }
            other => panic!("expected corrupt, got {other:?}"),
        }

        let bare = original(b"bare");
        store
            .client
            .put_object()
            .bucket(BUCKET)
            .key(bare.as_str())
            .body(ByteStream::from(b"bare".to_vec()))
            .send()
            .await
            .unwrap();
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
        let store =
            S3ObjectStore::with_config(settings, |c| c.interceptor(recorder.clone())).unwrap();
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
            S3ObjectStore::with_config(settings(&server), |c| c.interceptor(recorder.clone()))
                .unwrap();
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
}
