//! The service layer's one error type, with the kind each interface maps to its own
//! answer (the HTTP API to a status code).

use crate::audit::AuditServiceError;
use crate::ports::CatalogError;
use crate::procedures::FieldRefError;
use crate::registry::RegistryError;
use crate::service::IngestError;

/// How a `ServiceError` is to be reported: the HTTP API maps each to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Unauthorized,
    Forbidden,
    BadRequest,
    NotFound,
    Conflict,
    PayloadTooLarge,
    /// Too many failed tries: wait before the next.
    TooManyRequests,
    UnsupportedMediaType,
    /// A backend (database, object store) failed or is unreachable.
    Unavailable,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("a valid api token is required (authorization: bearer <token>)")]
    Unauthorized,
    #[error("the name or the password is not right")]
    SignInFailed,
    #[error("too many failed sign-ins; try again in {retry_after_s} s")]
    Throttled { retry_after_s: u64 },
    #[error("the {role} role may not {action}")]
    Forbidden {
        role: &'static str,
        action: &'static str,
    },
    #[error("this token may not read {0} records")]
    TypeOutOfScope(&'static str),
    #[error("procedure systems must declare a purpose on every request (x-purpose header or purpose parameter)")]
    PurposeRequired,
    #[error("{0}")]
    Invalid(String),
    #[error("unknown procedure {0:?}")]
    UnknownProcedure(String),
    #[error(transparent)]
    Field(#[from] FieldRefError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("the registry is not configured in this process")]
    NoRegistry,
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Audit(#[from] AuditServiceError),
    #[error("the audit log is not configured in this process")]
    NoAudit,
    #[error("no unit table is installed: set units.crosswalk (HOSO_UNITS_CROSSWALK)")]
    NoUnitTable,
}

impl ServiceError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Unauthorized | ServiceError::SignInFailed => ErrorKind::Unauthorized,
            ServiceError::Throttled { .. } => ErrorKind::TooManyRequests,
            ServiceError::Forbidden { .. } | ServiceError::TypeOutOfScope(_) => {
                ErrorKind::Forbidden
            }
            ServiceError::PurposeRequired
            | ServiceError::Invalid(_)
            | ServiceError::UnknownProcedure(_)
            | ServiceError::Field(_) => ErrorKind::BadRequest,
            ServiceError::NotFound(_) => ErrorKind::NotFound,
            ServiceError::NoRegistry
            | ServiceError::Catalog(_)
            | ServiceError::NoAudit
            | ServiceError::NoUnitTable => ErrorKind::Unavailable,
            ServiceError::Audit(e) => match e {
                AuditServiceError::NotFound(_) => ErrorKind::NotFound,
                AuditServiceError::Audit(a)
                    if a.kind() == hoso_audit::AuditErrorKind::Malformed =>
                {
                    ErrorKind::BadRequest
                }
                _ => ErrorKind::Unavailable,
            },
            ServiceError::Ingest(e) => match e {
                IngestError::Empty { .. } => ErrorKind::BadRequest,
                IngestError::TooLarge { .. } => ErrorKind::PayloadTooLarge,
                IngestError::UnsupportedFormat { .. } => ErrorKind::UnsupportedMediaType,
                IngestError::Store(_) | IngestError::Catalog(_) => ErrorKind::Unavailable,
            },
            ServiceError::Registry(e) => match e {
                RegistryError::RecordNotFound(_) | RegistryError::DossierNotFound(_) => {
                    ErrorKind::NotFound
                }
                RegistryError::DossierExists(_)
                | RegistryError::TokenExists(_)
                | RegistryError::UserExists(_)
                | RegistryError::InvalidTransition { .. }
                | RegistryError::Conflict(_) => ErrorKind::Conflict,
                RegistryError::UnknownField { .. } => ErrorKind::BadRequest,
                RegistryError::Catalog(_) | RegistryError::Corrupt(_) => ErrorKind::Unavailable,
            },
        }
    }
}
