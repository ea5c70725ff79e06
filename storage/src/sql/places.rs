//! Places as units, stored: each place field's conversion with the crosswalk version that
//! made it (`place_units`), and a clerk's choice among a split commune's candidates, kept
//! in the record's history in the same transaction.

use hoso_extractors::FieldKey;
use hoso_pipeline::ports::CatalogError;
use hoso_pipeline::registry::{Record, RecordAction, RecordEventKind, RegistryError, StoredPlace};
use serde_json::json;

use super::error::db;
use super::SqlCatalog;
use crate::codec;

#[derive(sqlx::FromRow)]
struct PlaceRow {
    record_id: String,
    key: String,
    printed: String,
    crosswalk: String,
    units: String,
    chosen: Option<String>,
    converted_at: i64,
}

impl PlaceRow {
    fn into_place(self) -> Result<StoredPlace, CatalogError> {
        let key = FieldKey::parse(&self.key).ok_or_else(|| {
            CatalogError::Corrupt(format!("stored place with unknown key {:?}", self.key))
        })?;
        Ok(StoredPlace {
            record_id: self.record_id,
            key,
            printed: self.printed,
            crosswalk: self.crosswalk,
            units: codec::from_json(&self.units)?,
            chosen: self.chosen,
            converted_at_ms: self.converted_at,
        })
    }
}

const UPSERT: &str = "INSERT INTO place_units \
     (record_id, key, printed, crosswalk, units, chosen, converted_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (record_id, key) DO UPDATE SET printed = excluded.printed, \
     crosswalk = excluded.crosswalk, units = excluded.units, chosen = excluded.chosen, \
     converted_at = excluded.converted_at";

impl SqlCatalog {
    pub(crate) async fn live_records_after(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Record>, RegistryError> {
        let mut conn = self.reader().await?;
        let live = "WHERE r.status IN ('extracted', 'verified')";
        Ok(match after {
            Some(id) => {
                let rest = format!("{live} AND r.id > $1 ORDER BY r.id LIMIT {limit}");
                self.load_records(&mut conn, &rest, &[id]).await?
            }
            None => {
                let rest = format!("{live} ORDER BY r.id LIMIT {limit}");
                self.load_records(&mut conn, &rest, &[]).await?
            }
        })
    }

    /// Live records without a conversion mark: new, or corrected since.
    pub(crate) async fn records_unconverted(
        &self,
        limit: u32,
    ) -> Result<Vec<Record>, RegistryError> {
        let mut conn = self.reader().await?;
        let rest = format!(
            "WHERE r.status IN ('extracted', 'verified') \
             AND NOT EXISTS (SELECT 1 FROM place_records p WHERE p.record_id = r.id) \
             ORDER BY r.created_at, r.id LIMIT {limit}"
        );
        Ok(self.load_records(&mut conn, &rest, &[]).await?)
    }

    pub(crate) async fn places_stored(
        &self,
        record_id: Option<&str>,
    ) -> Result<Vec<StoredPlace>, RegistryError> {
        let mut conn = self.reader().await?;
        let select = "SELECT record_id, key, printed, crosswalk, units, chosen, converted_at \
                      FROM place_units";
        let rows = match record_id {
            Some(id) => {
                sqlx::query_as::<_, PlaceRow>(&format!(
                    "{select} WHERE record_id = $1 ORDER BY key"
                ))
                .bind(id)
                .fetch_all(&mut *conn)
                .await
            }
            None => {
                sqlx::query_as::<_, PlaceRow>(&format!("{select} ORDER BY record_id, key"))
                    .fetch_all(&mut *conn)
                    .await
            }
        }
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(PlaceRow::into_place)
            .collect::<Result<_, _>>()?)
    }

    async fn upsert_place(
        conn: &mut sqlx::AnyConnection,
        place: &StoredPlace,
        keep_current: bool,
    ) -> Result<(), CatalogError> {
        let sql = if keep_current {
            format!("{UPSERT} WHERE place_units.printed <> excluded.printed")
        } else {
            UPSERT.to_string()
        };
        sqlx::query(&sql)
            .bind(&place.record_id)
            .bind(place.key.as_str())
            .bind(&place.printed)
            .bind(&place.crosswalk)
            .bind(codec::to_json(&place.units)?)
            .bind(place.chosen.as_deref())
            .bind(place.converted_at_ms)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(crate) async fn places_store(
        &self,
        places: &[StoredPlace],
        records: &[String],
        keep_current: bool,
    ) -> Result<(), RegistryError> {
        let mut tx = self.begin_write().await?;
        for place in places {
            Self::upsert_place(&mut tx, place, keep_current).await?;
        }
        let mark = self.dialect.sql(
            "INSERT INTO place_records (record_id, converted_at) VALUES ($1, {now}) \
             ON CONFLICT (record_id) DO UPDATE SET converted_at = excluded.converted_at",
        );
        for id in records {
            sqlx::query(&mark)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    pub(crate) async fn place_unit_chosen(
        &self,
        place: &StoredPlace,
        reason: &str,
        by: &str,
    ) -> Result<Record, RegistryError> {
        // The service sets the choice; a conversion without one is a caller's bug.
        let chosen = place.chosen.clone().ok_or_else(|| {
            CatalogError::permanent("a choice of unit must name the commune chosen")
        })?;
        let mut tx = self.begin_write().await?;
        // Choosing is a correction: allowed while the record is extracted or verified,
        // and only for the value the place holds now.
        let record = self
            .record_for(&mut tx, &place.record_id, RecordAction::Correct)
            .await?;
        if record.fields.get(&place.key).map(|f| f.value.as_str()) != Some(&place.printed) {
            return Err(RegistryError::Conflict(format!(
                "the {} of record {} changed meanwhile",
                place.key.as_str(),
                place.record_id
            )));
        }
        Self::upsert_place(&mut tx, place, false).await?;
        let event = RecordEventKind::UnitChosen {
            key: place.key.as_str().to_string(),
            commune_code: chosen,
            crosswalk: place.crosswalk.clone(),
            reason: reason.to_string(),
        };
        self.add_event(&mut tx, &place.record_id, by, &event, json!({}))
            .await?;
        let record = self.load_record(&mut tx, &place.record_id, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }
}
