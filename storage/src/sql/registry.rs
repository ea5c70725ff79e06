//! The `Registry` port: records made when jobs complete, dossiers, tokens and the access
//! log, next to the catalog's tables.
//!
//! A record that changes status is read and written in one write transaction (its row
//! locked on PostgreSQL), and verifications about one subject and type are serialised
//! (`Dialect::lock_verifications`), so that of two records verified at once the later
//! one supersedes the earlier.

use std::borrow::Cow;

use async_trait::async_trait;
use hoso_extractors::ExtractedDocument;
use hoso_pipeline::audit::{access_entry, record_event_entry};
use hoso_pipeline::ports::{document_id, CatalogError, Completion};
use hoso_pipeline::registry::{
    plan_correction, record_candidate, superseding_kinds, AccessEntry, Dossier, NewDossier,
    NewRecord, NewToken, Record, RecordAction, RecordEvent, RecordEventKind, RecordQuery, Registry,
    RegistryError, StoredPlace, SubjectId, Token,
};
use hoso_pipeline::ContentHash;
use serde_json::json;
use sqlx::AnyConnection;

use super::error::db;
use super::SqlCatalog;
use crate::codec::{self, AccessRow, DossierRow, EventRow, RecordRow, TokenRow};

/// How often making a record may find its content's live record changing under it (made,
/// then revoked, by others) before giving up; each round means another writer finished.
const LINK_ROUNDS: usize = 5;

/// Where a document went in the registry.
enum Linked {
    ToNewRecord,
    ToExistingRecord,
}

impl SqlCatalog {
    /// The records made from `docs`, the documents of one original just stored, inside
    /// the transaction that stores them, each with its audit entry.
    pub(crate) async fn register_records(
        &self,
        conn: &mut AnyConnection,
        source: &ContentHash,
        docs: &[ExtractedDocument],
    ) -> Result<Completion, CatalogError> {
        let mut completion = Completion::default();
        for (i, doc) in docs.iter().enumerate() {
            let id = document_id(source, i + 1);
            if let Some(candidate) = record_candidate(&id, source, doc) {
                match self
                    .make_or_link(&mut *conn, &candidate, (i + 1) as i64)
                    .await?
                {
                    Some(Linked::ToNewRecord) => completion.records_made += 1,
                    Some(Linked::ToExistingRecord) => completion.records_linked += 1,
                    None => {}
                }
            }
        }
        self.give_dossier_subject(conn, source).await?;
        Ok(completion)
    }

    /// Links the document to the live record with its content, or makes that record.
    /// `None` when the document was linked already (its original read again).
    async fn make_or_link(
        &self,
        conn: &mut AnyConnection,
        c: &NewRecord,
        ordinal: i64,
    ) -> Result<Option<Linked>, CatalogError> {
        let fields = codec::to_json(&c.fields)?;
        let mut found = None;
        for _ in 0..LINK_ROUNDS {
            // On PostgreSQL a concurrent completion with the same content makes this wait
            // for it, then do nothing; the next statement, with a fresh snapshot, sees its
            // record.
            let inserted: Option<String> = sqlx::query_scalar(&self.dialect.sql(
                "INSERT INTO records (id, document_type, status, content_key, fields, created_at) \
                 VALUES ($1, $2, 'extracted', $3, $4, {now}) \
                 ON CONFLICT (content_key) WHERE status IN ('extracted', 'verified') DO NOTHING \
                 RETURNING id",
            ))
            .bind(codec::new_record_id())
            .bind(c.document_type.as_str())
            .bind(&c.content_key)
            .bind(&fields)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
            if let Some(id) = inserted {
                found = Some((id, true));
                break;
            }
            // Shared lock: a revocation waits until the link is committed.
            let existing: Option<String> = sqlx::query_scalar(&self.dialect.sql(
                "SELECT id FROM records WHERE content_key = $1 \
                 AND status IN ('extracted', 'verified'){for_share}",
            ))
            .bind(&c.content_key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
            if let Some(id) = existing {
                found = Some((id, false));
                break;
            }
        }
        let Some((record_id, created)) = found else {
            return Err(CatalogError::transient(format!(
                "the record for content {} kept changing while document {} was linked",
                c.content_key, c.document_id
            )));
        };
        if created {
            for s in &c.subjects {
                self.add_subject(&mut *conn, &record_id, s).await?;
            }
            self.index_record(&mut *conn, &record_id, &c.fields).await?;
        }
        // A reprocessed original yields the same document ids: already linked, no event.
        let linked: Option<i64> = sqlx::query_scalar(&self.dialect.sql(
            "INSERT INTO record_documents (record_id, document_id, sha256, ordinal, linked_at) \
             VALUES ($1, $2, $3, $4, {now}) \
             ON CONFLICT (record_id, document_id) DO NOTHING RETURNING linked_at",
        ))
        .bind(&record_id)
        .bind(&c.document_id)
        .bind(c.source.to_hex())
        .bind(ordinal)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if linked.is_some() {
            let document_id = c.document_id.clone();
            let (kind, context) = if created {
                let context = json!({
                    "sha256": c.source.to_hex(),
                    "document_type": c.document_type.as_str(),
                    "subjects": c.subjects.iter().map(|s| s.qualified()).collect::<Vec<_>>(),
                    "fields": c.fields,
                });
                (RecordEventKind::Created { document_id }, context)
            } else {
                let context = json!({"sha256": c.source.to_hex()});
                (RecordEventKind::Linked { document_id }, context)
            };
            self.add_event(conn, &record_id, "system", &kind, context)
                .await?;
            return Ok(Some(if created {
                Linked::ToNewRecord
            } else {
                Linked::ToExistingRecord
            }));
        }
        Ok(None)
    }

    async fn add_subject(
        &self,
        conn: &mut AnyConnection,
        record_id: &str,
        s: &SubjectId,
    ) -> Result<(), CatalogError> {
        sqlx::query(
            "INSERT INTO record_subjects (record_id, kind, value) VALUES ($1, $2, $3) \
             ON CONFLICT (record_id, kind, value) DO NOTHING",
        )
        .bind(record_id)
        .bind(s.kind.as_str())
        .bind(&s.value)
        .execute(conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Appends to the record's history in the caller's transaction, and returns the audit
    /// entry the caller must write in it too (`context` is what it says beyond the event).
    /// Records an event of a record's history and, in the same statement, its audit
    /// entry: the entry costs no round trip of its own.
    pub(super) async fn add_event(
        &self,
        conn: &mut AnyConnection,
        record_id: &str,
        actor: &str,
        kind: &RecordEventKind,
        context: serde_json::Value,
    ) -> Result<(), CatalogError> {
        let sql = self.with_entry_sql(
            self.dialect.sql(
                "INSERT INTO record_events (record_id, at, actor, kind) VALUES ($1, {now}, $2, $3)",
            ),
            3,
        );
        let q = sqlx::query(&sql)
            .bind(record_id)
            .bind(actor)
            .bind(codec::to_json(kind)?);
        self.bind_entry(q, || record_event_entry(record_id, actor, kind, context))?
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Gives the records of the original's documents that name nobody the subject of the
    /// first dossier the original was attached to.
    async fn give_dossier_subject(
        &self,
        conn: &mut AnyConnection,
        source: &ContentHash,
    ) -> Result<(), CatalogError> {
        sqlx::query(
            "INSERT INTO record_subjects (record_id, kind, value) \
             SELECT DISTINCT rd.record_id, first.subject_kind, first.subject_value \
             FROM record_documents rd, \
                 (SELECT ds.subject_kind, ds.subject_value FROM dossier_originals o \
                  JOIN dossiers ds ON ds.code = o.code WHERE o.sha256 = $1 \
                  ORDER BY o.attached_at, o.code LIMIT 1) AS first \
             WHERE rd.sha256 = $1 \
               AND NOT EXISTS (SELECT 1 FROM record_subjects s WHERE s.record_id = rd.record_id) \
             ON CONFLICT DO NOTHING",
        )
        .bind(source.to_hex())
        .execute(conn)
        .await
        .map_err(db)?;
        Ok(())
    }

    fn records_sql(&self, rest: &str) -> String {
        self.dialect
            .sql(&self.dialect.records_select().replace("{filter}", rest))
            .into_owned()
    }

    pub(super) async fn load_records(
        &self,
        conn: &mut AnyConnection,
        rest: &str,
        binds: &[&str],
    ) -> Result<Vec<Record>, CatalogError> {
        let sql = self.records_sql(rest);
        let mut q = sqlx::query_as::<_, RecordRow>(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_all(conn)
            .await
            .map_err(db)?
            .into_iter()
            .map(RecordRow::into_record)
            .collect()
    }

    pub(super) async fn load_record(
        &self,
        conn: &mut AnyConnection,
        id: &str,
        lock: bool,
    ) -> Result<Record, RegistryError> {
        let filter = if lock {
            "WHERE r.id = $1{for_update}"
        } else {
            "WHERE r.id = $1"
        };
        self.load_records(conn, filter, &[id])
            .await?
            .pop()
            .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))
    }

    /// The record, locked for the rest of the transaction, after `action`'s status check.
    pub(super) async fn record_for(
        &self,
        conn: &mut AnyConnection,
        id: &str,
        action: RecordAction,
    ) -> Result<Record, RegistryError> {
        let record = self.load_record(conn, id, true).await?;
        record.status.transition(id, action)?;
        Ok(record)
    }

    pub(super) async fn reader(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, RegistryError> {
        Ok(self.pool.acquire().await.map_err(db)?)
    }
}

#[async_trait]
impl Registry for SqlCatalog {
    async fn create_dossier(&self, d: &NewDossier, by: &str) -> Result<Dossier, RegistryError> {
        let created: Option<i64> = sqlx::query_scalar(&self.dialect.sql(
            "INSERT INTO dossiers (code, procedure_code, subject_kind, subject_value, created_at, created_by) \
             VALUES ($1, $2, $3, $4, {now}, $5) ON CONFLICT (code) DO NOTHING RETURNING created_at",
        ))
        .bind(&d.code)
        .bind(&d.procedure_code)
        .bind(d.subject.kind.as_str())
        .bind(&d.subject.value)
        .bind(by)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let created_at_ms = created.ok_or_else(|| RegistryError::DossierExists(d.code.clone()))?;
        Ok(Dossier {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            subject: d.subject.clone(),
            created_at_ms,
            created_by: by.to_string(),
            originals: vec![],
        })
    }

    async fn attach_original(&self, code: &str, hash: &ContentHash) -> Result<(), RegistryError> {
        let mut tx = self.begin_write().await?;
        // The dossier's row lock orders concurrent attachments, which number the originals.
        let exists: Option<i64> = sqlx::query_scalar(
            &self
                .dialect
                .sql("SELECT 1 FROM dossiers WHERE code = $1{for_update}"),
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if exists.is_none() {
            return Err(RegistryError::DossierNotFound(code.to_string()));
        }
        sqlx::query(&self.dialect.sql(
            "INSERT INTO dossier_originals (code, sha256, ordinal, attached_at) \
             SELECT $1, $2, COALESCE(MAX(ordinal), 0) + 1, {now} \
             FROM dossier_originals WHERE code = $1 \
             ON CONFLICT (code, sha256) DO NOTHING",
        ))
        .bind(code)
        .bind(hash.to_hex())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.give_dossier_subject(&mut tx, hash).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn dossier(&self, code: &str) -> Result<Option<Dossier>, RegistryError> {
        let sql = format!("{} WHERE d.code = $1", self.dialect.dossiers_select());
        let row = sqlx::query_as::<_, DossierRow>(&sql)
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.map(DossierRow::into_dossier).transpose()?)
    }

    async fn dossiers(&self) -> Result<Vec<Dossier>, RegistryError> {
        self.dossiers_from(i64::MIN, "ORDER BY d.created_at, d.code")
            .await
    }

    async fn records_of_original(&self, hash: &ContentHash) -> Result<Vec<Record>, RegistryError> {
        let mut conn = self.reader().await?;
        Ok(self
            .load_records(
                &mut conn,
                "JOIN (SELECT record_id, MIN(ordinal) AS first FROM record_documents \
                     WHERE sha256 = $1 GROUP BY record_id) o ON o.record_id = r.id \
                 ORDER BY o.first, r.created_at, r.id",
                &[&hash.to_hex()],
            )
            .await?)
    }

    async fn record(&self, id: &str) -> Result<Option<Record>, RegistryError> {
        let mut conn = self.reader().await?;
        match self.load_record(&mut conn, id, false).await {
            Ok(r) => Ok(Some(r)),
            Err(RegistryError::RecordNotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn history(&self, id: &str) -> Result<Vec<RecordEvent>, RegistryError> {
        let mut conn = self.reader().await?;
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT record_id, at, actor, kind FROM record_events WHERE record_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        // Every record has its creation in the history, so none means no such record.
        if rows.is_empty() {
            self.load_record(&mut conn, id, false).await?;
        }
        Ok(rows
            .into_iter()
            .map(EventRow::into_event)
            .collect::<Result<_, _>>()?)
    }

    async fn correct_field(
        &self,
        id: &str,
        key: &str,
        value: &str,
        reason: Option<&str>,
        by: &str,
    ) -> Result<Record, RegistryError> {
        let mut tx = self.begin_write().await?;
        let record = self.record_for(&mut tx, id, RecordAction::Correct).await?;
        let correction = plan_correction(&record, key, value, reason)?;
        sqlx::query("UPDATE records SET fields = $1 WHERE id = $2")
            .bind(codec::to_json(&correction.fields)?)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for s in &correction.subjects_gone {
            sqlx::query(
                "DELETE FROM record_subjects WHERE record_id = $1 AND kind = $2 AND value = $3",
            )
            .bind(id)
            .bind(s.kind.as_str())
            .bind(&s.value)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for s in &correction.subjects_came {
            self.add_subject(&mut tx, id, s).await?;
        }
        self.index_record(&mut tx, id, &correction.fields).await?;
        // The record's places are converted again (a conversion of another value than the
        // field's is never shown, and its choice goes with it).
        sqlx::query("DELETE FROM place_records WHERE record_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.add_event(&mut tx, id, by, &correction.event, json!({}))
            .await?;
        let record = self.load_record(&mut tx, id, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    async fn verify(&self, id: &str, by: &str) -> Result<Record, RegistryError> {
        let mut tx = self.begin_write().await?;
        let record = self.record_for(&mut tx, id, RecordAction::Verify).await?;
        let kinds = superseding_kinds(record.document_type);
        let mut locks: Vec<String> = record
            .subjects
            .iter()
            .filter(|s| kinds.contains(&s.kind))
            .map(|s| codec::verify_lock_key(record.document_type, s))
            .collect();
        // One order for every transaction, so two verifications never wait on each other
        // in a circle.
        locks.sort();
        self.dialect.lock_verifications(&mut tx, &locks).await?;
        sqlx::query(&self.dialect.sql(
            "UPDATE records SET status = 'verified', verified_at = {now}, verified_by = $2 \
             WHERE id = $1",
        ))
        .bind(id)
        .bind(by)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.add_event(&mut tx, id, by, &RecordEventKind::Verified, json!({}))
            .await?;
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let sql = format!(
            "UPDATE records SET status = 'superseded', superseded_by = $1 \
             WHERE status = 'verified' AND document_type = $2 AND id <> $1 AND id IN ( \
                 SELECT other.record_id FROM record_subjects mine \
                 JOIN record_subjects other ON other.kind = mine.kind AND other.value = mine.value \
                 WHERE mine.record_id = $1 AND {}) \
             RETURNING id",
            self.dialect.in_list("mine.kind", "$3")
        );
        let superseded: Vec<String> = sqlx::query_scalar(&sql)
            .bind(id)
            .bind(record.document_type.as_str())
            .bind(self.dialect.list(&kinds))
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        for old in superseded {
            let kind = RecordEventKind::Superseded { by: id.to_string() };
            self.add_event(&mut tx, &old, by, &kind, json!({})).await?;
        }
        let record = self.load_record(&mut tx, id, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    async fn revoke(&self, id: &str, reason: &str, by: &str) -> Result<Record, RegistryError> {
        let mut tx = self.begin_write().await?;
        self.record_for(&mut tx, id, RecordAction::Revoke).await?;
        sqlx::query("UPDATE records SET status = 'revoked', revoked_reason = $2 WHERE id = $1")
            .bind(id)
            .bind(reason)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let kind = RecordEventKind::Revoked {
            reason: reason.to_string(),
        };
        self.add_event(&mut tx, id, by, &kind, json!({})).await?;
        let record = self.load_record(&mut tx, id, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    async fn subject_records(
        &self,
        subject: &SubjectId,
        query: &RecordQuery,
    ) -> Result<Vec<Record>, RegistryError> {
        let statuses: Vec<&str> = query.statuses().iter().map(|s| s.as_str()).collect();
        let types: Vec<&str> = query.document_types.iter().map(|t| t.as_str()).collect();
        let statuses = self.dialect.list(&statuses);
        let types = self.dialect.list(&types);
        // The subject index finds the few record ids; each record is then one primary-key
        // lookup, whatever the size of the registry.
        let mut rest = format!(
            "WHERE r.id IN (SELECT record_id FROM record_subjects WHERE kind = $1 AND value = $2) \
               AND {}",
            self.dialect.in_list("r.status", "$3")
        );
        let mut binds = vec![subject.kind.as_str(), subject.value.as_str(), &statuses];
        if !query.document_types.is_empty() {
            rest.push_str(" AND ");
            rest.push_str(&self.dialect.in_list("r.document_type", "$4"));
            binds.push(&types);
        }
        rest.push_str(" ORDER BY r.created_at DESC, r.id DESC");
        let mut conn = self.reader().await?;
        Ok(self.load_records(&mut conn, &rest, &binds).await?)
    }

    async fn create_token(&self, t: &NewToken) -> Result<Token, RegistryError> {
        let row: Option<(i64, i64)> = sqlx::query_as(&self.dialect.sql(
            "INSERT INTO tokens (name, role, document_types, secret_sha256, created_at) \
             VALUES ($1, $2, $3, $4, {now}) ON CONFLICT (name) DO NOTHING \
             RETURNING id, created_at",
        ))
        .bind(&t.name)
        .bind(t.role.as_str())
        .bind(codec::to_json(&t.document_types)?)
        .bind(&t.secret_sha256)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let (id, created_at_ms) = row.ok_or_else(|| RegistryError::TokenExists(t.name.clone()))?;
        Ok(Token {
            id,
            name: t.name.clone(),
            role: t.role,
            document_types: t.document_types.clone(),
            created_at_ms,
            revoked_at_ms: None,
        })
    }

    async fn token_by_secret(&self, secret_sha256: &str) -> Result<Option<Token>, RegistryError> {
        let sql = format!(
            "{} WHERE secret_sha256 = $1 AND revoked_at IS NULL",
            codec::TOKENS_SELECT
        );
        let row = sqlx::query_as::<_, TokenRow>(&sql)
            .bind(secret_sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.map(TokenRow::into_token).transpose()?)
    }

    async fn tokens(&self) -> Result<Vec<Token>, RegistryError> {
        let sql = format!("{} ORDER BY id", codec::TOKENS_SELECT);
        let rows = sqlx::query_as::<_, TokenRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(TokenRow::into_token)
            .collect::<Result<_, _>>()?)
    }

    async fn revoke_token(&self, name: &str) -> Result<(), RegistryError> {
        sqlx::query(
            &self
                .dialect
                .sql("UPDATE tokens SET revoked_at = {now} WHERE name = $1 AND revoked_at IS NULL"),
        )
        .bind(name)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn search_records(&self, folded: &str, limit: u32) -> Result<Vec<Record>, RegistryError> {
        self.search_records_by_name(folded, limit).await
    }

    async fn review_queue(&self, limit: u32) -> Result<Vec<Record>, RegistryError> {
        self.records_to_review(limit).await
    }

    async fn dossiers_since(
        &self,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<Dossier>, RegistryError> {
        self.dossiers_opened_since(since_ms, limit).await
    }

    async fn live_records(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Record>, RegistryError> {
        self.live_records_after(after, limit).await
    }

    async fn unconverted_records(&self, limit: u32) -> Result<Vec<Record>, RegistryError> {
        self.records_unconverted(limit).await
    }

    async fn stored_places(
        &self,
        record_id: Option<&str>,
    ) -> Result<Vec<StoredPlace>, RegistryError> {
        self.places_stored(record_id).await
    }

    async fn store_places(
        &self,
        places: &[StoredPlace],
        records: &[String],
        keep_current: bool,
    ) -> Result<(), RegistryError> {
        self.places_store(places, records, keep_current).await
    }

    async fn choose_place_unit(
        &self,
        place: &StoredPlace,
        reason: &str,
        by: &str,
    ) -> Result<Record, RegistryError> {
        self.place_unit_chosen(place, reason, by).await
    }

    /// The read and its audit entry, in one statement of one transaction (SQLite runs
    /// the two inserts of a statement one by one).
    async fn log_access(&self, e: &AccessEntry) -> Result<(), RegistryError> {
        let mut tx = self.begin_write().await?;
        let sql = self.with_entry_sql(
            Cow::Borrowed(
                "INSERT INTO access_log (at, token_name, role, subject_kind, subject_value, \
                 document_types, record_ids, purpose, endpoint) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            ),
            9,
        );
        let q = sqlx::query(&sql)
            .bind(e.at_ms)
            .bind(&e.token_name)
            .bind(e.role.as_str())
            .bind(e.subject.kind.as_str())
            .bind(&e.subject.value)
            .bind(codec::to_json(&e.document_types)?)
            .bind(codec::to_json(&e.record_ids)?)
            .bind(&e.purpose)
            .bind(&e.endpoint);
        let q = self.bind_entry(q, || access_entry(e))?;
        q.execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn access_log(
        &self,
        subject: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, RegistryError> {
        let rows = match subject {
            Some(s) => {
                let sql = format!(
                    "{} WHERE subject_kind = $1 AND subject_value = $2 \
                     ORDER BY at DESC, id DESC LIMIT $3",
                    codec::ACCESS_SELECT
                );
                sqlx::query_as::<_, AccessRow>(&sql)
                    .bind(s.kind.as_str())
                    .bind(&s.value)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                let sql = format!(
                    "{} ORDER BY at DESC, id DESC LIMIT $1",
                    codec::ACCESS_SELECT
                );
                sqlx::query_as::<_, AccessRow>(&sql)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(AccessRow::into_entry)
            .collect::<Result<_, _>>()?)
    }
}
