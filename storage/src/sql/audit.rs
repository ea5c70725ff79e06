//! The `AuditLog` port: entries written inside the transactions of the changes they
//! record, a sequencer that gives queued entries their leaves and stores the tree's
//! hashes, checkpoints, and the whole log read back for verification.

use std::borrow::Cow;
use std::collections::HashMap;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use hoso_audit::entry::{Entry, KEY_ACTION};
use hoso_audit::tree::{self, Hash, Hashes};
use hoso_audit::verify::{Finding, LogVerifier, Report, StoredCheckpoint};
use hoso_pipeline::audit::{AuditLog, CheckpointRow, StoredEntry};
use hoso_pipeline::ports::CatalogError;
use sqlx::{AnyConnection, Row};

use super::error::db;
use super::{Dialect, SqlCatalog};

/// Entries given leaves per transaction: enough to keep up with any writer, few enough
/// for one statement's bind parameters (two per leaf, two per hash).
const SEQUENCE_BATCH: i64 = 2000;

/// The statement that writes `n` entries, its parameters numbered from `first`: four
/// per entry, bound by `bind_entries`.
fn insert_entries_sql(n: usize, first: usize) -> String {
    let values = (0..n)
        .map(|i| {
            let p = first + 4 * i;
            format!("(${}, ${}, ${}, ${})", p, p + 1, p + 2, p + 3)
        })
        .collect::<Vec<_>>();
    format!(
        "INSERT INTO audit_entries (at, action, record_id, body) VALUES {}",
        values.join(", ")
    )
}

/// A statement of the `Any` driver, with its arguments so far.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds `entries` to the parameters `insert_entries_sql` numbered, after those `q`
/// holds already.
fn bind_entries<'q>(mut q: AnyQuery<'q>, entries: &[Entry]) -> Result<AnyQuery<'q>, CatalogError> {
    let at = crate::now_ms();
    for e in entries {
        let body = String::from_utf8(e.to_bytes())
            .map_err(|_| CatalogError::permanent("an audit entry is not utf-8"))?;
        q = q
            .bind(at)
            .bind(e.action.clone())
            .bind(e.record.clone())
            .bind(body);
    }
    Ok(q)
}

impl SqlCatalog {
    /// `change`, one insert of `params` parameters, followed, when the log is on, by
    /// the insert of its audit entry, as one statement (`Dialect::two_inserts`): the
    /// entry costs the change no round trip of its own. Bind the change's parameters,
    /// then the entry with `bind_entry`.
    pub(crate) fn with_entry_sql<'a>(&self, change: Cow<'a, str>, params: usize) -> Cow<'a, str> {
        if !self.audit {
            return change;
        }
        Cow::Owned(
            self.dialect
                .two_inserts(&change, &insert_entries_sql(1, params + 1)),
        )
    }

    /// Binds the entry `make` gives to a `with_entry_sql` statement, when the log is on.
    pub(crate) fn bind_entry<'q>(
        &self,
        q: AnyQuery<'q>,
        make: impl FnOnce() -> Entry,
    ) -> Result<AnyQuery<'q>, CatalogError> {
        if !self.audit {
            return Ok(q);
        }
        bind_entries(q, &[make()])
    }
}

/// The advisory lock that serialises sequencers on PostgreSQL.
const SEQUENCER_LOCK: &str = "hoso_audit_sequencer";

impl SqlCatalog {
    /// Writes `entry`, queued for the tree, inside the caller's transaction.
    pub(crate) async fn audit_in(
        &self,
        conn: &mut AnyConnection,
        entry: &Entry,
    ) -> Result<(), CatalogError> {
        self.audit_many_in(conn, std::slice::from_ref(entry)).await
    }

    /// Writes several entries in one statement, in order, inside the caller's transaction.
    pub(crate) async fn audit_many_in(
        &self,
        conn: &mut AnyConnection,
        entries: &[Entry],
    ) -> Result<(), CatalogError> {
        if !self.audit || entries.is_empty() {
            return Ok(());
        }
        for chunk in entries.chunks(200) {
            let sql = insert_entries_sql(chunk.len(), 1);
            bind_entries(sqlx::query(&sql), chunk)?
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    async fn tree_size_in(conn: &mut AnyConnection) -> Result<u64, CatalogError> {
        let size: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_leaves")
                .fetch_one(conn)
                .await
                .map_err(db)?;
        Ok(size as u64)
    }

    async fn hashes_in(conn: &mut AnyConnection, indexes: &[u64]) -> Result<Hashes, CatalogError> {
        let mut known = Hashes::default();
        for chunk in indexes.chunks(500) {
            // The indexes are numbers this process computed, never input.
            let list = chunk
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let rows = sqlx::query(&format!(
                "SELECT hash_index, hash FROM audit_hashes WHERE hash_index IN ({list})"
            ))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            for row in rows {
                let index: i64 = row.try_get(0).map_err(db)?;
                known.insert(
                    index as u64,
                    hash_of(&row.try_get::<Vec<u8>, _>(1).map_err(db)?)?,
                );
            }
        }
        Ok(known)
    }

    /// One sequencing round: returns the tree's size and whether entries remain queued.
    async fn integrate_batch(&self) -> Result<(u64, bool), CatalogError> {
        let mut tx = self.begin_write().await?;
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(SEQUENCER_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let size = Self::tree_size_in(&mut tx).await?;
        // An entry that already has a leaf is only dequeued: the queue never makes a
        // second leaf of one entry, whatever was done to it.
        let pending = sqlx::query(
            "SELECT p.entry_id, e.body, l.leaf_index FROM audit_pending p \
             JOIN audit_entries e ON e.id = p.entry_id \
             LEFT JOIN audit_leaves l ON l.entry_id = p.entry_id \
             ORDER BY p.entry_id LIMIT $1",
        )
        .bind(SEQUENCE_BATCH)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        if pending.is_empty() {
            tx.commit().await.map_err(db)?;
            return Ok((size, false));
        }
        let mut dequeued = Vec::with_capacity(pending.len());
        let mut ids = Vec::with_capacity(pending.len());
        let mut bodies = Vec::with_capacity(pending.len());
        for row in &pending {
            let id = row.try_get::<i64, _>(0).map_err(db)?;
            dequeued.push(id);
            if row.try_get::<Option<i64>, _>(2).map_err(db)?.is_none() {
                ids.push(id);
                bodies.push(row.try_get::<String, _>(1).map_err(db)?);
            }
        }
        let more = pending.len() as i64 == SEQUENCE_BATCH;
        if ids.is_empty() {
            Self::dequeue(&mut tx, &dequeued).await?;
            tx.commit().await.map_err(db)?;
            return Ok((size, more));
        }
        let known = Self::hashes_in(&mut tx, &tree::append_needs(size)).await?;
        let leaves: Vec<&[u8]> = bodies.iter().map(|b| b.as_bytes()).collect();
        let (added, _) = tree::append(size, &leaves, known)
            .map_err(|e| CatalogError::Corrupt(format!("the audit tree cannot grow: {e}")))?;

        let values = (0..ids.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect::<Vec<_>>();
        let sql = format!(
            "INSERT INTO audit_leaves (leaf_index, entry_id) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (i, id) in ids.iter().enumerate() {
            q = q.bind((size + i as u64) as i64).bind(*id);
        }
        q.execute(&mut *tx).await.map_err(db)?;

        for chunk in added.chunks(4000) {
            let values = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>();
            let sql = format!(
                "INSERT INTO audit_hashes (hash_index, hash) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (index, hash) in chunk {
                q = q.bind(*index as i64).bind(hash.0.to_vec());
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }

        Self::dequeue(&mut tx, &dequeued).await?;
        tx.commit().await.map_err(db)?;
        Ok((size + ids.len() as u64, more))
    }
}

impl SqlCatalog {
    /// Writes many entries in one transaction: for filling a log to benchmark its
    /// verification, not for recording anything.
    pub async fn append_many(&self, entries: &[Entry]) -> Result<(), CatalogError> {
        let mut tx = self.begin_write().await?;
        for e in entries {
            self.audit_in(&mut tx, e).await?;
        }
        tx.commit().await.map_err(db)
    }
}

impl SqlCatalog {
    /// Takes entries off the sequencer's queue: by id, not by range, since on PostgreSQL
    /// an entry with a lower id may commit later.
    async fn dequeue(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), CatalogError> {
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            sqlx::query(&format!(
                "DELETE FROM audit_pending WHERE entry_id IN ({list})"
            ))
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        }
        Ok(())
    }
}

fn hash_of(bytes: &[u8]) -> Result<Hash, CatalogError> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| {
        CatalogError::Corrupt(format!("a stored audit hash has {} bytes", bytes.len()))
    })?;
    Ok(Hash(array))
}

fn checkpoint_row(row: &sqlx::any::AnyRow) -> Result<CheckpointRow, CatalogError> {
    Ok(CheckpointRow {
        id: row.try_get(0).map_err(db)?,
        tree_size: row.try_get::<i64, _>(1).map_err(db)? as u64,
        note: row.try_get(2).map_err(db)?,
        created_at_ms: row.try_get(3).map_err(db)?,
    })
}

fn stored_entry(row: &sqlx::any::AnyRow) -> Result<StoredEntry, CatalogError> {
    Ok(StoredEntry {
        entry_id: row.try_get(0).map_err(db)?,
        leaf: row
            .try_get::<Option<i64>, _>(1)
            .map_err(db)?
            .map(|l| l as u64),
        bytes: row.try_get::<String, _>(2).map_err(db)?.into_bytes(),
    })
}

#[async_trait]
impl AuditLog for SqlCatalog {
    async fn append(&self, entry: &Entry) -> Result<(), CatalogError> {
        let mut tx = self.begin_write().await?;
        self.audit_in(&mut tx, entry).await?;
        tx.commit().await.map_err(db)
    }

    async fn integrate(&self) -> Result<u64, CatalogError> {
        loop {
            let (size, more) = self.integrate_batch().await?;
            if !more {
                return Ok(size);
            }
        }
    }

    async fn tree_size(&self) -> Result<u64, CatalogError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        Self::tree_size_in(&mut conn).await
    }

    async fn hashes(&self, indexes: &[u64]) -> Result<Hashes, CatalogError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        Self::hashes_in(&mut conn, indexes).await
    }

    async fn add_checkpoint(
        &self,
        tree_size: u64,
        note: &str,
    ) -> Result<CheckpointRow, CatalogError> {
        let row = sqlx::query(&self.dialect.sql(
            "INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES ($1, $2, {now}) \
             RETURNING id, tree_size, note, created_at",
        ))
        .bind(tree_size as i64)
        .bind(note)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        checkpoint_row(&row)
    }

    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, CatalogError> {
        let rows = sqlx::query(
            "SELECT id, tree_size, note, created_at FROM audit_checkpoints ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(checkpoint_row).collect()
    }

    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>, CatalogError> {
        let row = sqlx::query("SELECT id, tree_size, note, created_at FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(checkpoint_row).transpose()
    }

    async fn latest_key_entry(&self) -> Result<Option<Vec<u8>>, CatalogError> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM audit_entries WHERE action = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(KEY_ACTION)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(body.map(String::into_bytes))
    }

    async fn record_entries(&self, record_id: &str) -> Result<Vec<StoredEntry>, CatalogError> {
        let rows = sqlx::query(
            "SELECT e.id, l.leaf_index, e.body FROM audit_entries e \
             LEFT JOIN audit_leaves l ON l.entry_id = e.id WHERE e.record_id = $1 ORDER BY e.id",
        )
        .bind(record_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(stored_entry).collect()
    }

    async fn entries(&self, first: u64, limit: u32) -> Result<Vec<StoredEntry>, CatalogError> {
        let rows = sqlx::query(
            "SELECT e.id, l.leaf_index, e.body FROM audit_leaves l \
             JOIN audit_entries e ON e.id = l.entry_id WHERE l.leaf_index >= $1 \
             ORDER BY l.leaf_index LIMIT $2",
        )
        .bind(first as i64)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(stored_entry).collect()
    }

    async fn verify_log(&self, trusted_key: Option<&str>) -> Result<Report, CatalogError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let mut verifier = LogVerifier::new();
        {
            let mut rows = sqlx::query(
                "SELECT l.leaf_index, l.entry_id, e.body FROM audit_leaves l \
                 JOIN audit_entries e ON e.id = l.entry_id ORDER BY l.leaf_index",
            )
            .fetch(&mut *conn);
            while let Some(row) = rows.try_next().await.map_err(db)? {
                let leaf: i64 = row.try_get(0).map_err(db)?;
                let id: i64 = row.try_get(1).map_err(db)?;
                let body: String = row.try_get(2).map_err(db)?;
                verifier.push(leaf as u64, id, body.as_bytes());
            }
        }
        let mut stored: HashMap<u64, Hash> = HashMap::new();
        {
            let mut rows =
                sqlx::query("SELECT hash_index, hash FROM audit_hashes").fetch(&mut *conn);
            while let Some(row) = rows.try_next().await.map_err(db)? {
                let index: i64 = row.try_get(0).map_err(db)?;
                let bytes: Vec<u8> = row.try_get(1).map_err(db)?;
                stored.insert(index as u64, hash_of(&bytes)?);
            }
        }
        let checkpoints: Vec<StoredCheckpoint> = self
            .checkpoints()
            .await?
            .into_iter()
            .map(|c| StoredCheckpoint {
                id: c.id,
                note: c.note,
            })
            .collect();
        let orphans: Vec<i64> = sqlx::query_scalar(
            "SELECT e.id FROM audit_entries e WHERE NOT EXISTS \
             (SELECT 1 FROM audit_leaves l WHERE l.entry_id = e.id) AND NOT EXISTS \
             (SELECT 1 FROM audit_pending p WHERE p.entry_id = e.id) ORDER BY e.id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let mut report = verifier.finish(&stored, &checkpoints, trusted_key);
        report.findings.extend(
            orphans
                .into_iter()
                .map(|entry_id| Finding::NotInTree { entry_id }),
        );
        Ok(report)
    }
}
