//! How a failed S3 call is sorted and described: by what the caller can do about it.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use hoso_pipeline::ports::{ObjectKey, StoreError};

/// One line on a failed call: the server's status, code and message, or what broke on the
/// way there. The SDK's own Display is terse and its Debug dumps the raw response.
pub(super) fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
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
pub(super) enum Class {
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
pub(super) fn classify(status: Option<u16>, code: Option<&str>) -> Class {
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

pub(super) fn status_of<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

/// A download that broke off, or that the SDK's own check of the server's checksum
/// rejected (servers that store a checksum with the object send it back on a full read).
pub(super) fn read_error(
    key: &ObjectKey,
    err: &aws_sdk_s3::primitives::ByteStreamError,
) -> StoreError {
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
