//! A shared PostgreSQL + S3 set-up for tests that run `hoso` processes against the
//! production backends.

// Each test binary uses its own part of the rig.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use hoso_pipeline::ContentHash;
use hoso_storage::PgPoolSettings;
use hoso_storage::{S3ObjectStore, S3Settings, SqlCatalog};
use hoso_testkit::s3::S3Server;

pub const BUCKET: &str = "hoso-faults";

pub struct Rig {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db_url: String,
    pub s3: S3Server,
    workers: Vec<Child>,
    spawned: usize,
}

impl Rig {
    pub fn new(db_url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let s3 = S3Server::new();
        let config = dir.path().join("hoso.toml");
        std::fs::write(
            &config,
            format!(
                r#"
data_dir = "{data}"

[database]
url = "{db_url}"
max_connections = 8

[s3]
endpoint = "{endpoint}"
bucket = "{BUCKET}"
access_key_id = "{key}"
secret_access_key = "{secret}"

[workers]
engine = "stand-in"
stand_in_ms = 150
lease_secs = 4
heartbeat_secs = 1
poll_ms = 500
retry_base_ms = 200
store_retry_secs = 60
# A job that happens to be in hand at several kills must not be taken for poison.
max_attempts = 10
"#,
                data = dir.path().join("data").display(),
                endpoint = s3.endpoint(),
                key = s3.access_key(),
                secret = s3.secret_key(),
            ),
        )
        .unwrap();
        Self {
            dir,
            config,
            db_url: db_url.to_string(),
            s3,
            workers: Vec::new(),
            spawned: 0,
        }
    }

    pub fn hoso(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
        c.arg("--config")
            .arg(&self.config)
            .env("OMP_THREAD_LIMIT", "1")
            .env("HOSO_LOG", "warn")
            .stdin(Stdio::null());
        c
    }

    /// Writes `count` small distinct files (PNG by their magic bytes; the stand-in engine
    /// never decodes them) and queues them with `hoso ingest --queue-only`.
    pub fn queue(&self, batch: &str, count: usize) -> Vec<ContentHash> {
        let folder = self.dir.path().join(batch);
        std::fs::create_dir_all(&folder).unwrap();
        let mut hashes = Vec::new();
        for i in 0..count {
            let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
            bytes.extend_from_slice(format!("{batch} specimen {i}").as_bytes());
            hashes.push(ContentHash::of(&bytes));
            std::fs::write(folder.join(format!("{i:04}.png")), bytes).unwrap();
        }
        let out = self
            .hoso()
            .args(["ingest", "--queue-only"])
            .arg(&folder)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "queueing failed: {text}");
        assert!(text.contains(&format!("{count} queued")), "{text}");
        hashes
    }

    pub fn spawn_worker(&mut self) {
        self.spawned += 1;
        let log =
            std::fs::File::create(self.dir.path().join(format!("worker-{}.log", self.spawned)))
                .unwrap();
        let child = self
            .hoso()
            .args(["worker", "--concurrency", "3"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.workers.push(child);
    }

    pub fn kill_one(&mut self, pick: usize) {
        let mut victim = self.workers.remove(pick % self.workers.len());
        victim.kill().unwrap(); // SIGKILL: no chance to finish anything
        victim.wait().unwrap();
    }

    pub fn stop_workers(&mut self) {
        for mut w in self.workers.drain(..) {
            let _ = w.kill();
            let _ = w.wait();
        }
    }

    pub async fn catalog(&self) -> SqlCatalog {
        SqlCatalog::connect(&self.db_url, PgPoolSettings::default())
            .await
            .unwrap()
    }

    pub fn store(&self) -> S3ObjectStore {
        S3ObjectStore::new(S3Settings {
            endpoint: Some(self.s3.endpoint()),
            bucket: BUCKET.to_string(),
            region: "us-east-1".to_string(),
            access_key_id: self.s3.access_key().to_string(),
            secret_access_key: self.s3.secret_key().to_string(),
            path_style: true,
            server_side_encryption: None,
            multipart_threshold_bytes: 16 * 1024 * 1024,
            part_bytes: 8 * 1024 * 1024,
            prefix: String::new(),
        })
        .unwrap()
    }

    pub fn worker_logs(&self) -> String {
        (1..=self.spawned)
            .map(|i| {
                let path = self.dir.path().join(format!("worker-{i}.log"));
                let text = std::fs::read_to_string(path).unwrap_or_default();
                let tail: Vec<_> = text.lines().rev().take(8).collect();
                format!(
                    "--- worker {i}\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.stop_workers();
    }
}
