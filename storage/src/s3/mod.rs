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

use errors::{classify, describe, read_error, status_of, Class};

mod errors;

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
        let (mut output, expected) = self.fetch(key).await?;
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
        let (output, expected) = self.fetch(key).await?;
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
impl S3ObjectStore {
    /// Starts reading an object: its body still to stream, and the SHA-256 its metadata
    /// vouches for, which the caller checks the streamed bytes against.
    async fn fetch(
        &self,
        key: &ObjectKey,
    ) -> Result<(aws_sdk_s3::operation::get_object::GetObjectOutput, String), StoreError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full_key(key.as_str()))
            .send()
            .await
            .map_err(|e| self.map_err(key.as_str(), e))?;
        let expected = expected_sha256(key, output.metadata())?;
        Ok((output, expected))
    }
}

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

#[cfg(test)]
mod tests;
