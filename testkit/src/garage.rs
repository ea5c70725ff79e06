//! Garage, a real distributed S3 server, as a second S3 server for tests. s3s-fs is
//! lenient where production servers are strict (Garage refuses a payload whose signature
//! or encoding it cannot verify), so the object store's suite and an end-to-end ingest run
//! against both: a request only the lenient server accepts fails the suite.
//!
//! Each `GarageServer` is one single-node cluster (sqlite metadata) on loopback ports with
//! its own folders, its layout applied and one access key imported that may create
//! buckets. Dropping it kills the process and deletes the folders.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Where `scripts/ensure-garage.sh` installs the binary, under `$HOME`.
const CACHED_BINARY: &str = ".cache/hoso-tools/bin/garage";
/// Garage's key ids are `GK` and 24 hex digits, its secrets 64 hex digits.
const ACCESS_KEY: &str = "GK0123456789abcdef01234567";
const SECRET_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The garage binary: `HOSO_GARAGE`, else the tool cache (`HOSO_TOOLS_DIR`, else
/// `~/.cache/hoso-tools`), else `PATH`.
pub fn garage_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HOSO_GARAGE") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "HOSO_GARAGE points at {}, which is not a file; unset it or run scripts/ensure-garage.sh",
            path.display()
        );
        return path;
    }
    let mut candidates = Vec::new();
    if let Some(tools) = std::env::var_os("HOSO_TOOLS_DIR") {
        candidates.push(Path::new(&tools).join("bin/garage"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(CACHED_BINARY));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&paths).map(|dir| dir.join("garage")));
    }
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "garage is not installed (looked at $HOSO_GARAGE, $HOSO_TOOLS_DIR/bin, \
             ~/{CACHED_BINARY} and PATH); run `bash scripts/ensure-garage.sh`"
            )
        })
}

/// A running single-node Garage.
pub struct GarageServer {
    port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl GarageServer {
    /// Starts a node, applies its layout and imports the test key. Blocks until the S3
    /// API answers (a few seconds); from async code, call it on a blocking thread.
    pub fn new() -> Self {
        let binary = garage_binary();
        let dir = tempfile::Builder::new()
            .prefix("hoso-garage-")
            .tempdir()
            .expect("create the garage folder");
        let mut last_error = String::new();
        // A free port can be taken between finding it and binding it; try a few.
        for _ in 0..5 {
            let (port, rpc_port) = (crate::free_port(), crate::free_port());
            let config = write_config(dir.path(), port, rpc_port);
            match start(&binary, &config, dir.path(), rpc_port) {
                Ok(child) => {
                    let server = Self {
                        port,
                        dir,
                        child: Some(child),
                    };
                    server.configure(&binary, &config);
                    return server;
                }
                Err(e) => last_error = e,
            }
        }
        panic!("garage did not start: {last_error}")
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn access_key(&self) -> &str {
        ACCESS_KEY
    }

    pub fn secret_key(&self) -> &str {
        SECRET_KEY
    }

    /// The region Garage is configured with; it refuses requests signed for another.
    pub fn region(&self) -> &str {
        "us-east-1"
    }

    /// One node holding every partition, and a key that may create buckets through the
    /// S3 API, as the tests do.
    fn configure(&self, binary: &Path, config: &Path) {
        let cli = |args: &[&str]| -> Output {
            let out = Command::new(binary)
                .arg("-c")
                .arg(config)
                .args(args)
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("run garage {args:?}: {e}"));
            assert!(
                out.status.success(),
                "garage {args:?} failed: {}{}\nserver log: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.log()
            );
            out
        };
        let node = String::from_utf8_lossy(&cli(&["node", "id", "-q"]).stdout).to_string();
        let node_id = node
            .trim()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(node_id.len() >= 16, "garage printed no node id: {node:?}");
        cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node_id[..16]]);
        cli(&["layout", "apply", "--version", "1"]);
        cli(&[
            "key",
            "import",
            "--yes",
            "-n",
            "hoso-test",
            ACCESS_KEY,
            SECRET_KEY,
        ]);
        cli(&["key", "allow", "--create-bucket", ACCESS_KEY]);
        self.wait_for_s3();
    }

    /// The S3 API answers once the layout is known to the node's tables.
    fn wait_for_s3(&self) {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + READY_TIMEOUT;
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "garage's s3 api did not open port {} within {READY_TIMEOUT:?}: {}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("garage.log")).unwrap_or_default()
    }
}

fn write_config(dir: &Path, port: u16, rpc_port: u16) -> PathBuf {
    let config = dir.join("garage.toml");
    let text = format!(
        r#"metadata_dir = "{meta}"
data_dir = "{data}"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc_port}"
rpc_public_addr = "127.0.0.1:{rpc_port}"
rpc_secret = "{SECRET_KEY}"

[s3_api]
s3_region = "us-east-1"
api_bind_addr = "127.0.0.1:{port}"
root_domain = ".s3.garage.localhost"
"#,
        meta = dir.join("meta").display(),
        data = dir.join("data").display(),
    );
    std::fs::write(&config, text).expect("write the garage config");
    config
}

/// Spawns `garage server` and waits until it listens on its RPC port; on failure
/// returns what it printed.
fn start(binary: &Path, config: &Path, dir: &Path, rpc_port: u16) -> Result<Child, String> {
    let mut command = Command::new(binary);
    command
        .arg("-c")
        .arg(config)
        .arg("server")
        // Info level for the line that says the rpc port is ours.
        .env(
            "RUST_LOG",
            std::env::var("HOSO_GARAGE_LOG").unwrap_or_else(|_| "warn,garage_net=info".into()),
        )
        .stdin(Stdio::null());
    let listening = format!("Listening on 127.0.0.1:{rpc_port}");
    crate::spawn_server(
        command,
        &format!("garage (rpc port {rpc_port})"),
        &dir.join("garage.log"),
        SocketAddr::from(([127, 0, 0, 1], rpc_port)),
        READY_TIMEOUT,
        &|printed| printed.contains(&listening),
    )
}

impl Default for GarageServer {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for GarageServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
