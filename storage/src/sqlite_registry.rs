//! The registry on SQLite: records made when jobs complete, dossiers, tokens and the access
//! log, in the same database file as the catalog.
//!
//! Writes take the database's write lock when they begin (`BEGIN IMMEDIATE`): a
//! transaction that read first and wrote later could otherwise fail to upgrade its lock
//! while another writer holds it, instead of waiting its turn.

use async_trait::async_trait;
use hoso_extractors::ExtractedDocument;
use hoso_pipeline::ports::{document_id, CatalogError};
use hoso_pipeline::registry::{
    plan_correction, record_candidate, superseding_kinds, AccessEntry, Dossier, NewDossier,
    NewRecord, NewToken, Record, RecordAction, RecordEvent, RecordEventKind, RecordQuery, Registry,
    RegistryError, SubjectId, Token,
};
use hoso_pipeline::ContentHash;
use sqlx::SqliteConnection;

use crate::codec::{self, AccessRow, DossierRow, EventRow, RecordRow, TokenRow};
use crate::now_ms;
use crate::sqlite::SqliteCatalog;

fn db(e: impl std::fmt::Display) -> CatalogError {
    CatalogError::Backend(e.to_string())
}

/// A record with its subjects and documents; `{filter}` is replaced by the rest of the
/// query (joins, `WHERE`, `ORDER BY`) on `r`.
const RECORDS_SELECT: &str = "SELECT r.id, r.document_type, r.status, r.content_key, r.fields, \
     r.created_at, r.verified_at, r.verified_by, r.superseded_by, r.revoked_reason, \
     (SELECT json_group_array(json_object('kind', s.kind, 'value', s.value)) \
         FROM record_subjects s WHERE s.record_id = r.id) AS subjects, \
     (SELECT json_group_array(json_object('id', d.document_id, 'sha256', d.sha256) ORDER BY d.seq) \
         FROM record_documents d WHERE d.record_id = r.id) AS documents \
     FROM records r {filter}";

const DOSSIERS_SELECT: &str = "SELECT d.code, d.procedure_code, d.subject_kind, \
     d.subject_value, d.created_at, d.created_by, \
     (SELECT json_group_array(o.sha256 ORDER BY o.ordinal) FROM dossier_originals o \
         WHERE o.code = d.code) AS originals \
     FROM dossiers d";

/// The records made from `docs`, the documents of one original just stored, inside the
/// transaction that stores them.
pub(crate) async fn register_records(
    conn: &mut SqliteConnection,
    source: &ContentHash,
    docs: &[ExtractedDocument],
    now: i64,
) -> Result<(), CatalogError> {
    for (i, doc) in docs.iter().enumerate() {
        let id = document_id(source, i + 1);
        if let Some(candidate) = record_candidate(&id, source, doc) {
            make_or_link(&mut *conn, &candidate, (i + 1) as i64, now).await?;
        }
    }
    give_dossier_subject(conn, source).await
}

/// Links the document to the live record with its content, or makes that record.
async fn make_or_link(
    conn: &mut SqliteConnection,
    c: &NewRecord,
    ordinal: i64,
    now: i64,
) -> Result<(), CatalogError> {
    let new_id = codec::new_record_id();
    let inserted = sqlx::query(
        "INSERT INTO records (id, document_type, status, content_key, fields, created_at) \
         VALUES (?, ?, 'extracted', ?, ?, ?) \
         ON CONFLICT (content_key) WHERE status IN ('extracted', 'verified') DO NOTHING",
    )
    .bind(&new_id)
    .bind(c.document_type.as_str())
    .bind(&c.content_key)
    .bind(codec::to_json(&c.fields)?)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db)?
    .rows_affected();
    let record_id = if inserted == 1 {
        for s in &c.subjects {
            add_subject(&mut *conn, &new_id, s).await?;
        }
        new_id
    } else {
        sqlx::query_scalar(
            "SELECT id FROM records WHERE content_key = ? AND status IN ('extracted', 'verified')",
        )
        .bind(&c.content_key)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?
    };
    let linked = sqlx::query(
        "INSERT INTO record_documents (record_id, document_id, sha256, ordinal, linked_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id, document_id) DO NOTHING",
    )
    .bind(&record_id)
    .bind(&c.document_id)
    .bind(c.source.to_hex())
    .bind(ordinal)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db)?
    .rows_affected();
    // A reprocessed original yields the same document ids: already linked, nothing new.
    if linked == 1 {
        let document_id = c.document_id.clone();
        let kind = if inserted == 1 {
            RecordEventKind::Created { document_id }
        } else {
            RecordEventKind::Linked { document_id }
        };
        add_event(conn, &record_id, now, "system", &kind).await?;
    }
    Ok(())
}

async fn add_subject(
    conn: &mut SqliteConnection,
    record_id: &str,
    s: &SubjectId,
) -> Result<(), CatalogError> {
    sqlx::query(
        "INSERT INTO record_subjects (record_id, kind, value) VALUES (?, ?, ?) \
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

async fn add_event(
    conn: &mut SqliteConnection,
    record_id: &str,
    at: i64,
    actor: &str,
    kind: &RecordEventKind,
) -> Result<(), CatalogError> {
    sqlx::query("INSERT INTO record_events (record_id, at, actor, kind) VALUES (?, ?, ?, ?)")
        .bind(record_id)
        .bind(at)
        .bind(actor)
        .bind(codec::to_json(kind)?)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Gives the records of the original's documents that name nobody the subject of the
/// first dossier the original was attached to.
async fn give_dossier_subject(
    conn: &mut SqliteConnection,
    source: &ContentHash,
) -> Result<(), CatalogError> {
    let sha = source.to_hex();
    sqlx::query(
        "INSERT INTO record_subjects (record_id, kind, value) \
         SELECT DISTINCT rd.record_id, first.subject_kind, first.subject_value \
         FROM record_documents rd, \
             (SELECT ds.subject_kind, ds.subject_value FROM dossier_originals o \
              JOIN dossiers ds ON ds.code = o.code WHERE o.sha256 = ? \
              ORDER BY o.attached_at, o.code LIMIT 1) AS first \
         WHERE rd.sha256 = ? \
           AND NOT EXISTS (SELECT 1 FROM record_subjects s WHERE s.record_id = rd.record_id)",
    )
    .bind(&sha)
    .bind(&sha)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

async fn load_records(
    conn: &mut SqliteConnection,
    rest: &str,
    binds: &[&str],
) -> Result<Vec<Record>, CatalogError> {
    let sql = RECORDS_SELECT.replace("{filter}", rest);
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

async fn load_record(conn: &mut SqliteConnection, id: &str) -> Result<Record, RegistryError> {
    load_records(conn, "WHERE r.id = ?", &[id])
        .await?
        .pop()
        .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))
}

impl SqliteCatalog {
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, RegistryError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?)
    }

    /// The record after `action`'s status check, inside `conn`'s transaction.
    async fn record_for(
        conn: &mut SqliteConnection,
        id: &str,
        action: RecordAction,
    ) -> Result<Record, RegistryError> {
        let record = load_record(conn, id).await?;
        record.status.transition(id, action)?;
        Ok(record)
    }
}

#[async_trait]
impl Registry for SqliteCatalog {
    async fn create_dossier(&self, d: &NewDossier, by: &str) -> Result<Dossier, RegistryError> {
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO dossiers (code, procedure_code, subject_kind, subject_value, created_at, created_by) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&d.code)
        .bind(&d.procedure_code)
        .bind(d.subject.kind.as_str())
        .bind(&d.subject.value)
        .bind(now)
        .bind(by)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        if inserted == 0 {
            return Err(RegistryError::DossierExists(d.code.clone()));
        }
        Ok(Dossier {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            subject: d.subject.clone(),
            created_at_ms: now,
            created_by: by.to_string(),
            originals: vec![],
        })
    }

    async fn attach_original(&self, code: &str, hash: &ContentHash) -> Result<(), RegistryError> {
        let now = now_ms();
        let mut tx = self.write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM dossiers WHERE code = ?")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if exists.is_none() {
            return Err(RegistryError::DossierNotFound(code.to_string()));
        }
        sqlx::query(
            "INSERT INTO dossier_originals (code, sha256, ordinal, attached_at) \
             SELECT ?, ?, COALESCE(MAX(ordinal), 0) + 1, ? FROM dossier_originals WHERE code = ? \
             ON CONFLICT (code, sha256) DO NOTHING",
        )
        .bind(code)
        .bind(hash.to_hex())
        .bind(now)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        give_dossier_subject(&mut tx, hash).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn dossier(&self, code: &str) -> Result<Option<Dossier>, RegistryError> {
        let sql = format!("{DOSSIERS_SELECT} WHERE d.code = ?");
        let row = sqlx::query_as::<_, DossierRow>(&sql)
            .bind(code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.map(DossierRow::into_dossier).transpose()?)
    }

    async fn dossiers(&self) -> Result<Vec<Dossier>, RegistryError> {
        let sql = format!("{DOSSIERS_SELECT} ORDER BY d.created_at, d.code");
        let rows = sqlx::query_as::<_, DossierRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(DossierRow::into_dossier)
            .collect::<Result<_, _>>()?)
    }

    async fn records_of_original(&self, hash: &ContentHash) -> Result<Vec<Record>, RegistryError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        Ok(load_records(
            &mut conn,
            "JOIN (SELECT record_id, MIN(ordinal) AS first FROM record_documents \
                 WHERE sha256 = ? GROUP BY record_id) o ON o.record_id = r.id \
             ORDER BY o.first, r.created_at, r.id",
            &[&hash.to_hex()],
        )
        .await?)
    }

    async fn record(&self, id: &str) -> Result<Option<Record>, RegistryError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        Ok(load_records(&mut conn, "WHERE r.id = ?", &[id])
            .await?
            .pop())
    }

    async fn history(&self, id: &str) -> Result<Vec<RecordEvent>, RegistryError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        load_record(&mut conn, id).await?;
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT record_id, at, actor, kind FROM record_events WHERE record_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
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
        let now = now_ms();
        let mut tx = self.write().await?;
        let record = Self::record_for(&mut tx, id, RecordAction::Correct).await?;
        let correction = plan_correction(&record, key, value, reason)?;
        sqlx::query("UPDATE records SET fields = ? WHERE id = ?")
            .bind(codec::to_json(&correction.fields)?)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for s in &correction.subjects_gone {
            sqlx::query(
                "DELETE FROM record_subjects WHERE record_id = ? AND kind = ? AND value = ?",
            )
            .bind(id)
            .bind(s.kind.as_str())
            .bind(&s.value)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        for s in &correction.subjects_came {
            add_subject(&mut tx, id, s).await?;
        }
        add_event(&mut tx, id, now, by, &correction.event).await?;
        let record = load_record(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    async fn verify(&self, id: &str, by: &str) -> Result<Record, RegistryError> {
        let now = now_ms();
        let mut tx = self.write().await?;
        let record = Self::record_for(&mut tx, id, RecordAction::Verify).await?;
        sqlx::query(
            "UPDATE records SET status = 'verified', verified_at = ?, verified_by = ? WHERE id = ?",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        add_event(&mut tx, id, now, by, &RecordEventKind::Verified).await?;
        let kinds: Vec<&str> = superseding_kinds(record.document_type)
            .iter()
            .map(|k| k.as_str())
            .collect();
        let superseded: Vec<String> = sqlx::query_scalar(
            "UPDATE records SET status = 'superseded', superseded_by = ? \
             WHERE status = 'verified' AND document_type = ? AND id <> ? AND id IN ( \
                 SELECT other.record_id FROM record_subjects mine \
                 JOIN record_subjects other ON other.kind = mine.kind AND other.value = mine.value \
                 WHERE mine.record_id = ? AND mine.kind IN (SELECT value FROM json_each(?))) \
             RETURNING id",
        )
        .bind(id)
        .bind(record.document_type.as_str())
        .bind(id)
        .bind(id)
        .bind(codec::to_json(&kinds)?)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        for old in superseded {
            let kind = RecordEventKind::Superseded { by: id.to_string() };
            add_event(&mut tx, &old, now, by, &kind).await?;
        }
        let record = load_record(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }

    async fn revoke(&self, id: &str, reason: &str, by: &str) -> Result<Record, RegistryError> {
        let now = now_ms();
        let mut tx = self.write().await?;
        Self::record_for(&mut tx, id, RecordAction::Revoke).await?;
        sqlx::query("UPDATE records SET status = 'revoked', revoked_reason = ? WHERE id = ?")
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let kind = RecordEventKind::Revoked {
            reason: reason.to_string(),
        };
        add_event(&mut tx, id, now, by, &kind).await?;
        let record = load_record(&mut tx, id).await?;
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
        let statuses = codec::to_json(&statuses)?;
        let types = codec::to_json(&types)?;
        let mut conn = self.pool.acquire().await.map_err(db)?;
        Ok(load_records(
            &mut conn,
            "WHERE r.id IN (SELECT record_id FROM record_subjects WHERE kind = ? AND value = ?) \
               AND r.status IN (SELECT value FROM json_each(?)) \
               AND (json_array_length(?) = 0 OR r.document_type IN (SELECT value FROM json_each(?))) \
             ORDER BY r.created_at DESC, r.id DESC",
            &[
                subject.kind.as_str(),
                &subject.value,
                &statuses,
                &types,
                &types,
            ],
        )
        .await?)
    }

    async fn create_token(&self, t: &NewToken) -> Result<Token, RegistryError> {
        let now = now_ms();
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO tokens (name, role, document_types, secret_sha256, created_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(&t.name)
        .bind(t.role.as_str())
        .bind(codec::to_json(&t.document_types)?)
        .bind(&t.secret_sha256)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let id = id.ok_or_else(|| RegistryError::TokenExists(t.name.clone()))?;
        Ok(Token {
            id,
            name: t.name.clone(),
            role: t.role,
            document_types: t.document_types.clone(),
            created_at_ms: now,
            revoked_at_ms: None,
        })
    }

    async fn token_by_secret(&self, secret_sha256: &str) -> Result<Option<Token>, RegistryError> {
        let sql = format!(
            "{} WHERE secret_sha256 = ? AND revoked_at IS NULL",
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
        sqlx::query("UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn log_access(&self, e: &AccessEntry) -> Result<(), RegistryError> {
        sqlx::query(
            "INSERT INTO access_log (at, token_name, role, subject_kind, subject_value, \
             document_types, record_ids, purpose, endpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.at_ms)
        .bind(&e.token_name)
        .bind(e.role.as_str())
        .bind(e.subject.kind.as_str())
        .bind(&e.subject.value)
        .bind(codec::to_json(&e.document_types)?)
        .bind(codec::to_json(&e.record_ids)?)
        .bind(&e.purpose)
        .bind(&e.endpoint)
        .execute(&self.pool)
        .await
        .map_err(db)?;
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
                    "{} WHERE subject_kind = ? AND subject_value = ? ORDER BY at DESC, id DESC LIMIT ?",
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
                    "{} ORDER BY at DESC, id DESC LIMIT ?",
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
