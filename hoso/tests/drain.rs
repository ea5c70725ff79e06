//! A worker told to stop (SIGTERM, as Kubernetes sends before killing a pod) stops
//! claiming, finishes its job in hand or hands it back within its drain grace, and exits
//! 0: real `hoso worker` processes on PostgreSQL and S3, with a job in hand, and the
//! worker's own port answering health checks and metrics meanwhile.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::Rig;
use hoso_pipeline::ports::{AttemptOutcome, Catalog, OriginalStatus};
use hoso_pipeline::ContentHash;
use hoso_storage::SqlCatalog;
use hoso_testkit::postgres::TestDatabase;

struct Worker {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Worker {
    /// `hoso worker` with one job at a time, `stand_in_ms` per file and `drain_secs` of
    /// grace, its metrics and health on a port of its own.
    fn start(rig: &Rig, name: &str, stand_in_ms: u64, drain_secs: u64) -> Self {
        let port = hoso_testkit::free_port();
        let log = rig.dir.path().join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = rig
            .hoso()
            .args(["worker", "--concurrency", "1", "--metrics-listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env("HOSO_STAND_IN_MS", stand_in_ms.to_string())
            .env("HOSO_DRAIN_SECS", drain_secs.to_string())
            .env("HOSO_LOG", "info")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let worker = Self { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the worker's port did not open: {}",
                worker.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        worker
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let status = raw
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
        (status, body.unwrap_or_default())
    }

    /// A series' value in the worker's `/metrics`, 0 when absent.
    fn metric(&self, line_start: &str) -> f64 {
        let (status, body) = self.get("/metrics");
        assert_eq!(status, 200, "{body}");
        body.lines()
            .find(|l| l.starts_with(line_start))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    }

    fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `limit`.
    fn exit_within(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            assert!(
                started.elapsed() < limit,
                "the worker did not exit within {limit:?}: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Until the queue holds a running job.
async fn wait_running(catalog: &SqlCatalog, worker: &Worker) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while catalog.queue_counts().await.unwrap().running == 0 {
        assert!(
            Instant::now() < deadline,
            "no job was claimed: {}",
            worker.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A worker with ten minutes' work per file and one second of grace, stopped with a job
/// in hand: it must exit 0, and soon. Returns how long it took.
async fn stop_a_slow_worker(rig: &Rig, catalog: &SqlCatalog, name: &str) -> Duration {
    let mut slow = Worker::start(rig, name, 600_000, 1);
    wait_running(catalog, &slow).await;
    slow.terminate();
    let (status, took) = slow.exit_within(Duration::from_secs(20));
    assert!(status.success(), "exit {status:?}: {}", slow.logs());
    took
}

/// Until the original is processed; panics if it fails for good.
async fn wait_processed(catalog: &SqlCatalog, hash: &ContentHash, worker: &Worker) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match catalog.original(hash).await.unwrap().unwrap().status {
            OriginalStatus::Processed => return,
            OriginalStatus::Failed => panic!("failed for good: {}", worker.logs()),
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "not processed: {}",
            worker.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_worker_finishes_its_job_in_hand_then_exits_0() {
    let db = TestDatabase::create().await;
    let rig = Rig::new(db.url());
    let hashes = rig.queue("finish", 2);
    let catalog = rig.catalog().await;
    // Four seconds a file, thirty of grace: time enough to finish one.
    let mut worker = Worker::start(&rig, "finisher", 4000, 30);
    wait_running(&catalog, &worker).await;
    assert_eq!(worker.get("/healthz").0, 200);
    assert_eq!(worker.get("/readyz").0, 200, "{}", worker.logs());
    assert_eq!(
        worker.metric("hoso_queue_jobs{stage=\"extract\",state=\"running\"}"),
        1.0
    );

    worker.terminate();
    let (status, took) = worker.exit_within(Duration::from_secs(20));
    assert!(status.success(), "exit {status:?}: {}", worker.logs());
    assert!(took < Duration::from_secs(10), "{took:?}");

    // The job in hand was finished; the other was never claimed.
    let counts = catalog.queue_counts().await.unwrap();
    assert_eq!(
        (counts.done, counts.queued, counts.running),
        (1, 1, 0),
        "{counts:?}"
    );
    let mut outcomes = Vec::new();
    for h in &hashes {
        outcomes.extend(
            catalog
                .attempts(h)
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.outcome),
        );
    }
    assert_eq!(outcomes, vec![AttemptOutcome::Done], "{}", worker.logs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_outlasts_the_grace_goes_back_to_the_queue_without_using_an_attempt() {
    let db = TestDatabase::create().await;
    let rig = Rig::new(db.url());
    let hashes = rig.queue("release", 1);
    let hash = hashes[0];
    let catalog = rig.catalog().await;
    let took = stop_a_slow_worker(&rig, &catalog, "slow").await;
    assert!(took < Duration::from_secs(10), "{took:?}");
    let counts = catalog.queue_counts().await.unwrap();
    assert_eq!((counts.queued, counts.running), (1, 0), "{counts:?}");
    let attempts = catalog.attempts(&hash).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, AttemptOutcome::Abandoned);
    assert!(
        attempts[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("worker was stopped")),
        "{attempts:?}"
    );

    // Another worker takes it at once (no lease to wait out) and completes it.
    let next = Worker::start(&rig, "next", 100, 30);
    wait_processed(&catalog, &hash, &next).await;
    let attempts = catalog.attempts(&hash).await.unwrap();
    let outcomes: Vec<_> = attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(
        outcomes,
        vec![AttemptOutcome::Abandoned, AttemptOutcome::Done]
    );
    assert_eq!(
        next.metric("hoso_jobs_processed_total{stage=\"extract\"}"),
        1.0
    );
    assert!(next.metric("hoso_stage_duration_seconds_count{stage=\"register\"}") >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_released_job_keeps_its_attempts_when_the_limit_is_one() {
    // With one attempt allowed, a handed-back job would be dead-lettered if the release
    // used up its attempt.
    let db = TestDatabase::create().await;
    let rig = Rig::new(db.url());
    std::fs::write(
        &rig.config,
        std::fs::read_to_string(&rig.config)
            .unwrap()
            .replace("max_attempts = 10", "max_attempts = 1"),
    )
    .unwrap();
    let hash = rig.queue("once", 1)[0];
    let catalog = rig.catalog().await;
    stop_a_slow_worker(&rig, &catalog, "slow-once").await;
    // Failed for good here would mean the hand-back used up the only attempt.
    let next = Worker::start(&rig, "next-once", 100, 30);
    wait_processed(&catalog, &hash, &next).await;
}
