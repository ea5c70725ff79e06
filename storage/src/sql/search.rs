//! The clerks' ways into the registry: records by folded name, the review queue (least
//! certain first) and today's dossiers. `record_search` is written beside each record.

use hoso_extractors::Fields;
use hoso_pipeline::ports::CatalogError;
use hoso_pipeline::registry::{Dossier, Record, RegistryError};
use hoso_pipeline::search::search_key;
use sqlx::AnyConnection;

use super::error::db;
use super::SqlCatalog;
use crate::codec::DossierRow;

impl SqlCatalog {
    /// Writes (or rewrites) a record's search row, in the caller's transaction.
    pub(crate) async fn index_record(
        &self,
        conn: &mut AnyConnection,
        record_id: &str,
        fields: &Fields,
    ) -> Result<(), CatalogError> {
        let key = search_key(fields);
        sqlx::query(
            "INSERT INTO record_search (record_id, folded) VALUES ($1, $2) \
             ON CONFLICT (record_id) DO UPDATE SET folded = excluded.folded",
        )
        .bind(record_id)
        .bind(&key.folded)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
        sqlx::query("UPDATE records SET least_confidence = $2 WHERE id = $1")
            .bind(record_id)
            .bind(key.least_confidence)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(crate) async fn search_records_by_name(
        &self,
        folded: &str,
        limit: u32,
    ) -> Result<Vec<Record>, RegistryError> {
        let escaped: String = folded
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        let rest = format!(
            "WHERE r.id IN (SELECT record_id FROM record_search WHERE folded LIKE $1 ESCAPE '\\') \
             AND r.status IN ('extracted', 'verified') \
             ORDER BY r.created_at DESC, r.id DESC LIMIT {limit}"
        );
        let mut conn = self.reader().await?;
        Ok(self.load_records(&mut conn, &rest, &[&pattern]).await?)
    }

    pub(crate) async fn records_to_review(&self, limit: u32) -> Result<Vec<Record>, RegistryError> {
        let rest = format!(
            "WHERE r.status = 'extracted' \
             ORDER BY r.least_confidence, r.created_at, r.id LIMIT {limit}"
        );
        let mut conn = self.reader().await?;
        Ok(self.load_records(&mut conn, &rest, &[]).await?)
    }

    pub(crate) async fn dossiers_opened_since(
        &self,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<Dossier>, RegistryError> {
        let order = format!("ORDER BY d.created_at DESC, d.code LIMIT {limit}");
        self.dossiers_from(since_ms, &order).await
    }

    /// Dossiers opened at or after `since_ms`, in `order` (an ORDER BY, maybe a LIMIT).
    pub(crate) async fn dossiers_from(
        &self,
        since_ms: i64,
        order: &str,
    ) -> Result<Vec<Dossier>, RegistryError> {
        let sql = format!(
            "{} WHERE d.created_at >= $1 {order}",
            self.dialect.dossiers_select()
        );
        let rows = sqlx::query_as::<_, DossierRow>(&sql)
            .bind(since_ms)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(DossierRow::into_dossier)
            .collect::<Result<_, _>>()?)
    }
}

/// Records indexed per transaction by `index_unindexed_records`.
const INDEX_BATCH: i64 = 1000;

impl SqlCatalog {
    /// Gives every record without a search row one: records made before the search
    /// existed (migration 0006) or written by other tools. Returns how many it indexed.
    /// Cheap when there is nothing to do: one anti-join that finds no row.
    pub async fn index_unindexed_records(&self) -> Result<u64, CatalogError> {
        let mut indexed = 0u64;
        loop {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT r.id, r.fields FROM records r WHERE NOT EXISTS \
                 (SELECT 1 FROM record_search s WHERE s.record_id = r.id) LIMIT $1",
            )
            .bind(INDEX_BATCH)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            if rows.is_empty() {
                return Ok(indexed);
            }
            let mut tx = self.begin_write().await?;
            for (id, fields) in &rows {
                let fields: Fields = crate::codec::from_json(fields)?;
                self.index_record(&mut tx, id, &fields).await?;
            }
            tx.commit().await.map_err(db)?;
            indexed += rows.len() as u64;
        }
    }
}
