//! The one place where database errors become `CatalogError`s with a kind that callers
//! branch on (the worker pool retries transient ones only).

use hoso_pipeline::ports::{CatalogError, CatalogErrorKind};
use sqlx::error::{DatabaseError, ErrorKind};

pub(crate) fn db(e: sqlx::Error) -> CatalogError {
    CatalogError::Database {
        kind: kind_of(&e),
        detail: e.to_string(),
    }
}

fn kind_of(e: &sqlx::Error) -> CatalogErrorKind {
    match e {
        // The connection broke, or none could be had in time.
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::WorkerCrashed => CatalogErrorKind::Transient,
        sqlx::Error::Database(d) => database_kind(d.as_ref()),
        _ => CatalogErrorKind::Permanent,
    }
}

fn database_kind(d: &dyn DatabaseError) -> CatalogErrorKind {
    match d.kind() {
        ErrorKind::UniqueViolation => return CatalogErrorKind::Conflict,
        ErrorKind::ForeignKeyViolation
        | ErrorKind::NotNullViolation
        | ErrorKind::CheckViolation => return CatalogErrorKind::Permanent,
        _ => {}
    }
    let code = d.code();
    if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        sqlite_kind(code.as_deref())
    } else {
        sqlstate_kind(code.as_deref())
    }
}

/// By SQLite's extended result code.
fn sqlite_kind(code: Option<&str>) -> CatalogErrorKind {
    let Some(code) = code.and_then(|c| c.parse::<i64>().ok()) else {
        return CatalogErrorKind::Permanent;
    };
    // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes in the high bits.
    match code & 0xff {
        5 | 6 => CatalogErrorKind::Transient,
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
        _ if code == 2067 || code == 1555 => CatalogErrorKind::Conflict,
        _ => CatalogErrorKind::Permanent,
    }
}

/// By PostgreSQL's SQLSTATE.
fn sqlstate_kind(code: Option<&str>) -> CatalogErrorKind {
    let Some(code) = code else {
        return CatalogErrorKind::Permanent;
    };
    match code {
        // unique_violation, exclusion_violation
        "23505" | "23P01" => CatalogErrorKind::Conflict,
        // serialization_failure, deadlock_detected: the database gave up this transaction
        // so that others stay consistent.
        "40001" | "40P01" => CatalogErrorKind::Transient,
        // lock_not_available, query_canceled (a statement timeout)
        "55P03" | "57014" => CatalogErrorKind::Transient,
        // admin_shutdown (also what pg_terminate_backend sends), crash_shutdown,
        // cannot_connect_now
        "57P01" | "57P02" | "57P03" => CatalogErrorKind::Transient,
        // Class 08: connection exceptions. Class 53: insufficient resources (too many
        // connections, out of memory or disk).
        c if c.starts_with("08") || c.starts_with("53") => CatalogErrorKind::Transient,
        _ => CatalogErrorKind::Permanent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_kinds() {
        use CatalogErrorKind::*;
        let cases = [
            (Some("23505"), Conflict),
            (Some("23P01"), Conflict),
            (Some("40001"), Transient),
            (Some("40P01"), Transient),
            (Some("57P01"), Transient),
            (Some("53300"), Transient),
            (Some("08006"), Transient),
            (Some("42P01"), Permanent),
            (Some("22P02"), Permanent),
            (None, Permanent),
        ];
        for (code, kind) in cases {
            assert_eq!(sqlstate_kind(code), kind, "{code:?}");
        }
    }

    #[test]
    fn sqlite_codes_map_to_kinds() {
        use CatalogErrorKind::*;
        let cases = [
            (Some("5"), Transient),
            (Some("517"), Transient),
            (Some("6"), Transient),
            (Some("2067"), Conflict),
            (Some("1555"), Conflict),
            (Some("1"), Permanent),
            (Some("787"), Permanent),
            (None, Permanent),
        ];
        for (code, kind) in cases {
            assert_eq!(sqlite_kind(code), kind, "{code:?}");
        }
    }
}
