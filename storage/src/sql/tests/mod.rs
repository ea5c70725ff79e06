//! The shared suites on both dialects, and what only concurrent PostgreSQL clients show.

mod audit;
mod errors;
mod schema;

use std::time::Duration;

use hoso_pipeline::ports::{Catalog, OriginalStatus, Registration};
use hoso_pipeline::{ContentHash, ExtractionResult};
use hoso_testkit::postgres::TestDatabase;

use super::{PgPoolSettings, SqlCatalog};

pub(crate) async fn postgres(db: &TestDatabase) -> SqlCatalog {
    SqlCatalog::connect(db.url(), PgPoolSettings::default())
        .await
        .unwrap()
}

pub(crate) async fn sqlite(dir: &tempfile::TempDir) -> SqlCatalog {
    SqlCatalog::open(&dir.path().join("hoso.db")).await.unwrap()
}

#[tokio::test]
async fn sqlite_passes_the_catalog_suite() {
    let dir = tempfile::tempdir().unwrap();
    crate::catalog_suite::run(&sqlite(&dir).await).await;
}

#[tokio::test]
async fn sqlite_passes_the_registry_suite() {
    let dir = tempfile::tempdir().unwrap();
    crate::registry_suite::run(&sqlite(&dir).await).await;
}

#[tokio::test]
async fn postgres_passes_the_catalog_suite() {
    let db = TestDatabase::create().await;
    crate::catalog_suite::run(&postgres(&db).await).await;
}

#[tokio::test]
async fn sqlite_passes_the_desk_and_accounts_suites() {
    let dir = tempfile::tempdir().unwrap();
    let c = std::sync::Arc::new(sqlite(&dir).await);
    crate::desk_suite::run(&*c).await;
    let store = crate::LocalObjectStore::open(dir.path().join("objects")).unwrap();
    crate::accounts_suite::run(c, std::sync::Arc::new(store)).await;
}

#[tokio::test]
async fn postgres_passes_the_desk_and_accounts_suites() {
    let db = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let c = std::sync::Arc::new(postgres(&db).await);
    crate::desk_suite::run(&*c).await;
    let store = crate::LocalObjectStore::open(dir.path().join("objects")).unwrap();
    crate::accounts_suite::run(c, std::sync::Arc::new(store)).await;
}

#[tokio::test]
async fn postgres_passes_the_registry_suite() {
    let db = TestDatabase::create().await;
    crate::registry_suite::run(&postgres(&db).await).await;
}

#[tokio::test]
async fn sqlite_reopening_keeps_data_and_reruns_no_migration() {
    // A folder name with the characters a url gives meaning to.
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("hồ sơ ?#%20");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("hoso.db");
    let hash = ContentHash::of(b"persisted");
    {
        let c = SqlCatalog::open(&path).await.unwrap();
        let reg = c
            .register_original(&crate::catalog_suite::new_original(&hash))
            .await
            .unwrap();
        assert_eq!(reg, Registration::New);
    }
    assert!(path.is_file(), "the database is where it was asked to be");
    let c = SqlCatalog::open(&path).await.unwrap();
    let rec = c.original(&hash).await.unwrap().unwrap();
    assert_eq!(rec.status, OriginalStatus::Queued);
}

#[tokio::test]
async fn concurrent_completions_of_one_content_make_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    for c in [sqlite(&dir).await, postgres(&db).await] {
        completions_of_one_content_make_one_record(c).await;
    }
}

async fn completions_of_one_content_make_one_record(c: SqlCatalog) {
    use hoso_pipeline::registry::Registry;
    use hoso_pipeline::SourceInfo;

    let mut jobs = Vec::new();
    for i in 0..8u32 {
        let hash = ContentHash::of(format!("same card, scan {i}").as_bytes());
        c.register_original(&crate::catalog_suite::new_original(&hash))
            .await
            .unwrap();
        jobs.push(
            c.claim_job("w", Duration::from_secs(60))
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let card = crate::registry_suite::card("001099000909", "BÙI VĂN AN", "2021-01-01");
    let tasks: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let c = c.clone();
            let result = ExtractionResult {
                source: SourceInfo {
                    sha256: job.hash.to_hex(),
                    file_name: "scan.jpg".to_string(),
                    media_type: "image/jpeg".to_string(),
                    pages: 1,
                },
                documents: vec![card.clone()],
            };
            tokio::spawn(async move { c.complete_job(&job, &result, "w").await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let all = hoso_pipeline::registry::RecordQuery {
        document_types: vec![],
        statuses: vec![hoso_pipeline::registry::RecordStatus::Extracted],
    };
    let records = c
        .subject_records(&crate::registry_suite::citizen("001099000909"), &all)
        .await
        .unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].documents.len(), 8);
    assert_eq!(c.history(&records[0].id).await.unwrap().len(), 8);
}

#[tokio::test]
async fn of_two_records_verified_at_once_one_stays_verified() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    for c in [sqlite(&dir).await, postgres(&db).await] {
        two_verified_at_once_leave_one_verified(c).await;
    }
}

async fn two_verified_at_once_leave_one_verified(c: SqlCatalog) {
    use hoso_pipeline::registry::{RecordQuery, RecordStatus, Registry};
    use hoso_pipeline::SourceInfo;

    for round in 0..5 {
        let id = format!("00109900{:04}", 1000 + round);
        let hash = ContentHash::of(format!("two cards {round}").as_bytes());
        c.register_original(&crate::catalog_suite::new_original(&hash))
            .await
            .unwrap();
        let job = c
            .claim_job("w", Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        let result = ExtractionResult {
            source: SourceInfo {
                sha256: hash.to_hex(),
                file_name: "scan.jpg".to_string(),
                media_type: "image/jpeg".to_string(),
                pages: 2,
            },
            documents: vec![
                crate::registry_suite::card(&id, "BÙI THỊ BA", "2016-01-01"),
                crate::registry_suite::card(&id, "BÙI THỊ BA", "2024-01-01"),
            ],
        };
        c.complete_job(&job, &result, "w").await.unwrap();
        let records = c.records_of_original(&hash).await.unwrap();
        assert_eq!(records.len(), 2);
        let verifications: Vec<_> = records
            .iter()
            .map(|r| {
                let c = c.clone();
                let id = r.id.clone();
                tokio::spawn(async move { c.verify(&id, "clerk").await })
            })
            .collect();
        for v in verifications {
            v.await.unwrap().unwrap();
        }
        let verified = c
            .subject_records(
                &crate::registry_suite::citizen(&id),
                &RecordQuery::default(),
            )
            .await
            .unwrap();
        assert_eq!(verified.len(), 1, "round {round}: {verified:?}");
        let other = records.iter().find(|r| r.id != verified[0].id).unwrap();
        let other = c.record(&other.id).await.unwrap().unwrap();
        assert_eq!(other.status, RecordStatus::Superseded);
        assert_eq!(
            other.superseded_by.as_deref(),
            Some(verified[0].id.as_str())
        );
    }
}

#[tokio::test]
async fn postgres_reconnecting_keeps_data_and_reruns_no_migration() {
    let db = TestDatabase::create().await;
    let hash = ContentHash::of(b"persisted");
    {
        let c = postgres(&db).await;
        let reg = c
            .register_original(&crate::catalog_suite::new_original(&hash))
            .await
            .unwrap();
        assert_eq!(reg, Registration::New);
        c.pool().close().await;
    }
    let c = postgres(&db).await;
    assert_eq!(
        c.original(&hash).await.unwrap().unwrap().status,
        OriginalStatus::Queued
    );
}

#[tokio::test]
async fn concurrent_claims_never_share_a_job() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    for c in [sqlite(&dir).await, postgres(&db).await] {
        claims_never_share_a_job(c).await;
    }
}

async fn claims_never_share_a_job(c: SqlCatalog) {
    for i in 0..60u32 {
        let hash = ContentHash::of(&i.to_le_bytes());
        c.register_original(&crate::catalog_suite::new_original(&hash))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = c
                .claim_job(&format!("w{w}"), Duration::from_secs(60))
                .await
                .unwrap()
            {
                mine.push(job.id);
                c.fail_job(&job, "claimed by the test", None).await.unwrap();
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_unstable();
    let claimed = all.len();
    all.dedup();
    assert_eq!(claimed, 60, "every job claimed");
    assert_eq!(all.len(), 60, "no job claimed twice");
}

#[tokio::test]
async fn a_notification_wakes_an_idle_worker_before_its_poll() {
    let db = TestDatabase::create().await;
    let c = postgres(&db).await;
    // Let the listener subscribe, then wait far longer than the test allows.
    c.wait_for_work(Duration::from_millis(300)).await;
    let waiter = {
        let c = c.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            c.wait_for_work(Duration::from_secs(30)).await;
            started.elapsed()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.register_original(&crate::catalog_suite::new_original(&ContentHash::of(
        b"wake",
    )))
    .await
    .unwrap();
    let waited = tokio::time::timeout(Duration::from_secs(20), waiter)
        .await
        .expect("the notification arrived")
        .unwrap();
    assert!(waited < Duration::from_secs(20), "{waited:?}");
}
