//! What differs between SQLite and PostgreSQL, and nothing else: how to connect and
//! migrate, the clock, row locks, JSON aggregation, the queue's two hot statements
//! (claim, and the fenced end of an attempt, one round trip each on PostgreSQL), the
//! verification lock, and wake-ups. Everything above this module is written once, in
//! SQL both dialects read (`$1` placeholders, `ON CONFLICT`, `RETURNING`), with the
//! tokens `sql` fills in.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::borrow::Cow;

use hoso_pipeline::ports::CatalogError;
use sqlx::{AnyConnection, AnyPool};

use super::{AttemptEnd, Claimed};

/// The database a catalog runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Fills a statement's tokens in:
    /// - `{now}`: milliseconds since the Unix epoch by the database's clock, so that
    ///   leases mean the same to workers whose own clocks disagree;
    /// - `{for_update}`, `{for_share}`: row locks, on PostgreSQL; SQLite's write
    ///   transactions hold the whole database (`BEGIN IMMEDIATE`), so it needs none;
    /// - `{skip_locked}`: `FOR UPDATE SKIP LOCKED` in a subquery on PostgreSQL, so that
    ///   concurrent sweeps never wait on each other.
    pub fn sql(self, template: &str) -> Cow<'_, str> {
        if !template.contains('{') {
            return Cow::Borrowed(template);
        }
        let (now, for_update, for_share, skip_locked) = match self {
            Dialect::Sqlite => (sqlite::NOW, "", "", ""),
            Dialect::Postgres => (
                postgres::NOW,
                " FOR UPDATE",
                " FOR SHARE",
                " FOR UPDATE SKIP LOCKED",
            ),
        };
        Cow::Owned(
            template
                .replace("{now}", now)
                .replace("{for_update}", for_update)
                .replace("{for_share}", for_share)
                .replace("{skip_locked}", skip_locked),
        )
    }

    /// Two inserts as one statement, `first` then `second`, their parameters numbered
    /// as one list: one round trip to the database instead of two, which is what an
    /// audit entry written beside the change it records would otherwise cost. SQLite
    /// runs the statements of one string in turn, so only the caller's transaction makes
    /// the pair one change; PostgreSQL runs the first as a data-modifying `WITH`.
    pub fn two_inserts(self, first: &str, second: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{first}; {second}"),
            Dialect::Postgres => format!("WITH first AS ({first}) {second}"),
        }
    }

    /// How a transaction that will write begins. SQLite takes the write lock at once: a
    /// transaction that read first could otherwise fail to upgrade its lock while another
    /// writer holds it, instead of waiting its turn.
    pub fn begin_write(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        }
    }

    /// `column` is one of the values of the list bound as `param` (bound as `list`
    /// writes it): an array compared with `= ANY` on PostgreSQL, which plans as a plain
    /// filter, and a JSON array on SQLite.
    pub fn in_list(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({param}))"),
            Dialect::Postgres => format!("{column} = ANY({param}::text[])"),
        }
    }

    /// The text to bind for `in_list`'s parameter.
    pub fn list(self, values: &[&str]) -> String {
        match self {
            Dialect::Sqlite => serde_json::to_string(values).unwrap_or_else(|_| "[]".into()),
            // An array literal, every element quoted and escaped.
            Dialect::Postgres => {
                let quoted: Vec<String> = values
                    .iter()
                    .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                    .collect();
                format!("{{{}}}", quoted.join(","))
            }
        }
    }

    /// A record with its subjects and documents as JSON arrays; `{filter}` is replaced by
    /// the rest of the query (joins, `WHERE`, `ORDER BY`, locking) on `r`.
    pub fn records_select(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::RECORDS_SELECT,
            Dialect::Postgres => postgres::RECORDS_SELECT,
        }
    }

    /// A dossier with its originals' hashes as a JSON array, in attachment order.
    pub fn dossiers_select(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::DOSSIERS_SELECT,
            Dialect::Postgres => postgres::DOSSIERS_SELECT,
        }
    }

    /// Claims the oldest due job (or a running one whose lease expired and that has
    /// attempts left) and starts its next attempt.
    pub(crate) async fn claim(
        self,
        pool: &AnyPool,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<Claimed>, CatalogError> {
        match self {
            Dialect::Sqlite => sqlite::claim(pool, owner, lease_ms).await,
            Dialect::Postgres => postgres::claim(pool, owner, lease_ms).await,
        }
    }

    /// Ends the job's attempt inside `conn`'s transaction; `LostLease` unless the job's
    /// latest attempt, still running, is this one.
    pub(crate) async fn end_attempt(
        self,
        conn: &mut AnyConnection,
        end: &AttemptEnd<'_>,
    ) -> Result<(), CatalogError> {
        match self {
            Dialect::Sqlite => sqlite::end_attempt(conn, end).await,
            Dialect::Postgres => postgres::end_attempt(conn, end).await,
        }
    }

    /// `end_attempt` as a transaction of its own.
    pub(crate) async fn end_attempt_alone(
        self,
        pool: &AnyPool,
        end: &AttemptEnd<'_>,
    ) -> Result<(), CatalogError> {
        match self {
            Dialect::Sqlite => {
                let mut tx = pool
                    .begin_with(self.begin_write())
                    .await
                    .map_err(super::error::db)?;
                sqlite::end_attempt(&mut tx, end).await?;
                tx.commit().await.map_err(super::error::db)
            }
            // One statement: atomic without a transaction, one round trip.
            Dialect::Postgres => {
                let mut conn = pool.acquire().await.map_err(super::error::db)?;
                postgres::end_attempt(&mut conn, end).await
            }
        }
    }

    /// Serialises, until the transaction ends, the verifications that could supersede
    /// each other (one key per subject and type, sorted). SQLite's write transactions
    /// are serialised already.
    pub(crate) async fn lock_verifications(
        self,
        conn: &mut AnyConnection,
        keys: &[String],
    ) -> Result<(), CatalogError> {
        match self {
            Dialect::Sqlite => Ok(()),
            Dialect::Postgres => postgres::lock_keys(conn, keys).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_written_as_each_dialect_reads_them() {
        let values = ["verified", "say \"hi\"", "a\\b", "x,y"];
        assert_eq!(
            Dialect::Postgres.list(&values),
            r#"{"verified","say \"hi\"","a\\b","x,y"}"#
        );
        assert_eq!(
            Dialect::Sqlite.list(&values),
            r#"["verified","say \"hi\"","a\\b","x,y"]"#
        );
        assert_eq!(Dialect::Postgres.list(&[]), "{}");
    }
}
