//! Fault tests of the production backends: several `hoso worker` processes on a real
//! PostgreSQL and a real S3-compatible server (s3s-fs), while the test kills workers,
//! restarts the database or stops the object store. The stand-in engine replaces OCR so
//! that hundreds of jobs run in seconds; everything else is the code that runs in
//! production.
//!
//! Every test ends with the same check: every queued original was processed exactly once
//! (one attempt done, one set of documents), nothing failed, and the object store holds
//! exactly the registered originals and their derivatives: no loss, no duplicate, no
//! orphan.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Rig;
use hoso_pipeline::ports::{AttemptOutcome, Catalog, ObjectStore, OriginalStatus};
use hoso_pipeline::ContentHash;
use hoso_storage::SqlCatalog;
use hoso_testkit::postgres::{TestCluster, TestDatabase};

/// Polls until `ready` holds for the queue's counts, failing with the workers' logs after
/// `limit`.
async fn wait_for(
    rig: &Rig,
    catalog: &SqlCatalog,
    what: &str,
    limit: Duration,
    ready: impl Fn(&hoso_pipeline::ports::QueueCounts) -> bool,
) {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(c) = catalog.queue_counts().await {
            if ready(&c) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not happen in {limit:?}: {:?}\n{}",
            catalog.queue_counts().await,
            rig.worker_logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Until every job is done or failed.
async fn wait_for_drain(rig: &Rig, catalog: &SqlCatalog, total: u64) {
    wait_for(
        rig,
        catalog,
        "draining the queue",
        Duration::from_secs(180),
        |c| c.done + c.failed >= total && c.unfinished() == 0,
    )
    .await
}

/// Until the workers have got going, so that a fault lands mid-run.
async fn wait_until_done(rig: &Rig, catalog: &SqlCatalog, jobs: u64) {
    wait_for(
        rig,
        catalog,
        "the first jobs",
        Duration::from_secs(60),
        |c| c.done >= jobs,
    )
    .await
}

/// The invariant every fault must leave intact.
async fn assert_processed_exactly_once(rig: &Rig, catalog: &SqlCatalog, hashes: &[ContentHash]) {
    let counts = catalog.queue_counts().await.unwrap();
    assert_eq!(
        counts.failed,
        0,
        "no job failed: {counts:?}\n{}",
        rig.worker_logs()
    );
    assert_eq!(counts.done, hashes.len() as u64, "{counts:?}");

    for hash in hashes {
        let original = catalog.original(hash).await.unwrap().expect("registered");
        assert_eq!(original.status, OriginalStatus::Processed, "{hash}");
        let docs = catalog.documents_of(hash).await.unwrap();
        assert_eq!(docs.len(), 1, "one reading of {hash}, not {}", docs.len());
        assert_eq!(docs[0].id, format!("{}-1", hash.short()));
        let done = catalog
            .attempts(hash)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.outcome == AttemptOutcome::Done)
            .count();
        assert_eq!(done, 1, "{hash} completed {done} times");
    }

    let store = rig.store();
    let registered: BTreeSet<String> = catalog
        .originals()
        .await
        .unwrap()
        .iter()
        .map(|o| {
            hoso_pipeline::ports::ObjectKey::original(&o.hash)
                .as_str()
                .to_string()
        })
        .collect();
    let stored: BTreeSet<String> = store
        .list("originals/")
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        stored, registered,
        "the object store holds exactly the registered originals"
    );
    let derived: BTreeSet<String> = store.list("derived/").await.unwrap().into_iter().collect();
    let expected: BTreeSet<String> = hashes
        .iter()
        .map(|h| {
            hoso_pipeline::ports::ObjectKey::derivative(
                h,
                hoso_pipeline::ports::DerivativeKind::PageText,
            )
            .as_str()
            .to_string()
        })
        .collect();
    assert_eq!(
        derived, expected,
        "one derivative per processed original, no orphans"
    );
}

async fn abandoned_attempts(catalog: &SqlCatalog, hashes: &[ContentHash]) -> usize {
    let mut n = 0;
    for h in hashes {
        n += catalog
            .attempts(h)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.outcome == AttemptOutcome::Abandoned)
            .count();
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_at_random_lose_and_duplicate_nothing() {
    let db = TestDatabase::create().await;
    let mut rig = Rig::new(db.url());
    let mut hashes = rig.queue("first", 160);
    for _ in 0..3 {
        rig.spawn_worker();
    }
    // More work arrives while workers run: LISTEN/NOTIFY wakes them.
    hashes.extend(rig.queue("second", 160));
    let catalog = rig.catalog().await;

    // A cheap deterministic shuffle: which worker dies, and when.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut kills = 0;
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let c = catalog.queue_counts().await.unwrap();
        if c.unfinished() == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not drained: {c:?}\n{}",
            rig.worker_logs()
        );
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(1200 + seed % 1500)).await;
        if kills < 8 && c.done < hashes.len() as u64 * 9 / 10 {
            rig.kill_one(seed as usize);
            rig.spawn_worker();
            kills += 1;
        }
    }
    assert!(
        kills >= 3,
        "the run was too short to kill workers ({kills} kills)"
    );
    let abandoned = abandoned_attempts(&catalog, &hashes).await;
    assert!(
        abandoned > 0,
        "{kills} kills hit no job in hand: the test did not test anything"
    );
    assert_processed_exactly_once(&rig, &catalog, &hashes).await;
    rig.stop_workers();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_ride_out_a_postgresql_restart() {
    let cluster = tokio::task::spawn_blocking(TestCluster::start)
        .await
        .unwrap();
    let db_url = cluster.url("postgres");
    let mut rig = Rig::new(&db_url);
    let hashes = rig.queue("batch", 200);
    rig.spawn_worker();
    rig.spawn_worker();
    let catalog = rig.catalog().await;

    // Let them get going, then take the database away mid-run.
    wait_until_done(&rig, &catalog, 30).await;
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop_server();
        std::thread::sleep(Duration::from_secs(3));
        cluster.start_server();
        cluster
    })
    .await
    .unwrap();
    let catalog = rig.catalog().await;
    let before = catalog.queue_counts().await.unwrap();
    assert!(
        before.unfinished() > 0,
        "the restart came after the work was done: {before:?}"
    );
    wait_for_drain(&rig, &catalog, hashes.len() as u64).await;
    assert_processed_exactly_once(&rig, &catalog, &hashes).await;
    rig.stop_workers();
    drop(cluster);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_ride_out_twenty_seconds_without_s3() {
    let db = TestDatabase::create().await;
    let mut rig = Rig::new(db.url());
    let hashes = rig.queue("batch", 200);
    let catalog = rig.catalog().await;
    rig.spawn_worker();
    rig.spawn_worker();

    wait_until_done(&rig, &catalog, 30).await;
    rig.s3.stop();
    let during = catalog.queue_counts().await.unwrap();
    tokio::time::sleep(Duration::from_secs(20)).await;
    let after_outage = catalog.queue_counts().await.unwrap();
    rig.s3.start();
    assert!(
        during.unfinished() > 0,
        "the outage came after the work was done: {during:?}"
    );
    assert_eq!(
        after_outage.failed, 0,
        "no job was given up during the outage: {after_outage:?}"
    );
    wait_for_drain(&rig, &catalog, hashes.len() as u64).await;
    assert_processed_exactly_once(&rig, &catalog, &hashes).await;
    rig.stop_workers();
}

/// A bad setting stops the process at start with a message that names it.
#[test]
fn bad_configuration_fails_at_start_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("HOSO_DATABASE_URL", "mysql://nope")],
            "setting database.url (HOSO_DATABASE_URL)",
        ),
        (
            &[("HOSO_DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")],
            "setting database.url (HOSO_DATABASE_URL=postgres://postgres@127.0.0.1:1/none): cannot open the database",
        ),
        (
            &[("HOSO_S3_ENDPOINT", "http://127.0.0.1:1")],
            "setting s3.bucket (HOSO_S3_BUCKET): is required",
        ),
        (&[("HOSO_WORKERS", "zero")], "setting workers.concurrency (HOSO_WORKERS)"),
    ];
    for (env, expected) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoso"));
        cmd.args(["worker", "--drain"])
            .env("HOSO_DATA_DIR", dir.path())
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null());
        for (k, v) in *env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{env:?} started anyway");
        assert!(stderr.contains(expected), "{env:?}: {stderr}");
    }
}
