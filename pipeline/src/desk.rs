//! The clerk's desk: what the web interface's start page and search need beyond the
//! API's methods. The same role table and the same access log apply.

use serde_json::json;

use crate::access::{Action, Caller};
use crate::audit::by_caller;
use crate::records::{parse_subject, RecordView};
use crate::registry::{Dossier, RecordQuery, RecordStatus};
use crate::search::name_query;
use crate::service::Service;
use crate::service_error::ServiceError;

/// At most this many rows per list: a page for people, not an export.
pub const LIST_LIMIT: u32 = 50;

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    pub records: Vec<RecordView>,
    pub dossiers: Vec<Dossier>,
}

impl Service {
    /// Records to review, least certain first.
    pub async fn review_queue(&self, caller: &Caller) -> Result<Vec<RecordView>, ServiceError> {
        self.authorize(caller, Action::ReadRecord)?;
        let records = self.registry_or_err()?.review_queue(LIST_LIMIT).await?;
        Ok(records.into_iter().map(RecordView::listed).collect())
    }

    /// Dossiers opened since `since_ms` (the start page passes the start of today).
    pub async fn dossiers_since(
        &self,
        caller: &Caller,
        since_ms: i64,
    ) -> Result<Vec<Dossier>, ServiceError> {
        self.authorize(caller, Action::ReadDossier)?;
        Ok(self
            .registry_or_err()?
            .dossiers_since(since_ms, LIST_LIMIT)
            .await?)
    }

    /// One search box: an id number or enterprise code finds the subject's records, a
    /// dossier code its dossier, anything else records by name, typed with or without
    /// tone marks. A subject's records read this way are in the access log like any other.
    pub async fn search(
        &self,
        caller: &Caller,
        query: &str,
        endpoint: &str,
    ) -> Result<SearchResults, ServiceError> {
        self.authorize(caller, Action::ReadRecord)?;
        let query = query.trim();
        if query.is_empty() || query.chars().count() > 200 {
            return Err(ServiceError::Invalid(
                "a search needs 1 to 200 characters".to_string(),
            ));
        }
        let registry = self.registry_or_err()?;
        let mut found = SearchResults::default();
        if let Ok(subject) = parse_subject(query) {
            let statuses = vec![RecordStatus::Extracted, RecordStatus::Verified];
            let records = registry
                .subject_records(
                    &subject,
                    &RecordQuery {
                        document_types: Vec::new(),
                        statuses,
                    },
                )
                .await?;
            let ids = records.iter().map(|r| r.id.clone()).collect();
            self.log_read(caller, &subject, &[], ids, endpoint).await?;
            found.records = records.into_iter().map(RecordView::listed).collect();
            return Ok(found);
        }
        if let Some(dossier) = registry.dossier(query).await? {
            self.authorize(caller, Action::ReadDossier)?;
            found.dossiers.push(dossier);
        }
        if let Some(folded) = name_query(query) {
            let records = registry.search_records(&folded, LIST_LIMIT).await?;
            let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
            let subjects: Vec<String> = records
                .iter()
                .flat_map(|r| r.subjects.iter().map(|s| s.qualified()))
                .collect();
            // The query itself is personal data and stays out of the log; what it
            // disclosed, records and subjects, is named.
            self.audit(by_caller(
                caller,
                "records.searched",
                None,
                None,
                json!({"by": "name", "records": ids, "subjects": subjects, "endpoint": endpoint}),
            ))
            .await?;
            found.records = records.into_iter().map(RecordView::listed).collect();
        }
        Ok(found)
    }
}
