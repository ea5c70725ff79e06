//! A real S3-compatible server for tests: s3s-fs, which speaks the S3 protocol (signatures
//! checked, multipart uploads, checksums) over a folder. Each `S3Server` runs its own
//! process on a loopback port with its own data folder.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Where `scripts/ensure-s3s.sh` installs the binary, under `$HOME`.
const CACHED_BINARY: &str = ".cache/hoso-tools/bin/s3s-fs";
const ACCESS_KEY: &str = "hoso-test-access-key";
const SECRET_KEY: &str = "hoso-test-secret-key-0123456789";
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The s3s-fs binary: `HOSO_S3S_FS`, else the tool cache (`HOSO_TOOLS_DIR`, else
/// `~/.cache/hoso-tools`), else `PATH`.
pub fn s3s_fs_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HOSO_S3S_FS") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "HOSO_S3S_FS points at {}, which is not a file; unset it or run scripts/ensure-s3s.sh",
            path.display()
        );
        return path;
    }
    // The same place scripts/ensure-s3s.sh installs to.
    if let Some(tools) = std::env::var_os("HOSO_TOOLS_DIR") {
        let cached = Path::new(&tools).join("bin/s3s-fs");
        if cached.is_file() {
            return cached;
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        let cached = Path::new(&home).join(CACHED_BINARY);
        if cached.is_file() {
            return cached;
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        if let Some(found) = std::env::split_paths(&paths)
            .map(|dir| dir.join("s3s-fs"))
            .find(|p| p.is_file())
        {
            return found;
        }
    }
    panic!(
        "s3s-fs is not installed (looked at $HOSO_S3S_FS, ~/{CACHED_BINARY} and PATH); \
         run `bash scripts/ensure-s3s.sh`"
    )
}

/// A running s3s-fs. Stopping and starting it again keeps its port and its data, as a
/// restarted S3 service would; dropping it kills the process and deletes the data.
///
/// `new`, `start` and `stop` block while the process starts or exits (up to 10 s); from
/// async code that must keep running meanwhile, call them on another thread.
pub struct S3Server {
    binary: PathBuf,
    port: u16,
    data: TempDir,
    logs: TempDir,
    child: Option<Child>,
}

impl S3Server {
    /// Starts a server with an empty data folder. Buckets are created through the S3 API
    /// (s3s-fs makes each one a folder of its data folder).
    pub fn new() -> Self {
        let binary = s3s_fs_binary();
        let data = tempfile::Builder::new()
            .prefix("hoso-s3-data-")
            .tempdir()
            .expect("create the s3 data folder");
        let logs = tempfile::Builder::new()
            .prefix("hoso-s3-logs-")
            .tempdir()
            .expect("create the s3 log folder");
        let mut last_error = String::new();
        // A free port can be taken between finding it and binding it; try a few.
        for _ in 0..5 {
            let port = crate::free_port();
            match spawn(&binary, port, data.path(), logs.path()) {
                Ok(child) => {
                    return Self {
                        binary,
                        port,
                        data,
                        logs,
                        child: Some(child),
                    }
                }
                Err(e) => last_error = e,
            }
        }
        panic!("s3s-fs did not start: {last_error}")
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn access_key(&self) -> &str {
        ACCESS_KEY
    }

    pub fn secret_key(&self) -> &str {
        SECRET_KEY
    }

    /// The folder the server keeps its buckets in: bucket `b`'s object `k` is the file
    /// `data_dir()/b/k`, which lets a test damage an object behind the server's back.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Kills the server; connections are refused until `start`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port with the same data. Does nothing if it
    /// is running.
    pub fn start(&mut self) {
        if self.child.is_some() {
            return;
        }
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match spawn(&self.binary, self.port, self.data.path(), self.logs.path()) {
                Ok(child) => {
                    self.child = Some(child);
                    return;
                }
                // The old socket can linger for a moment after the kill.
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("s3s-fs did not restart on port {}: {e}", self.port),
            }
        }
    }
}

/// Spawns s3s-fs and waits until it says it listens and its port accepts connections; on
/// failure returns what it printed.
fn spawn(binary: &Path, port: u16, data: &Path, logs: &Path) -> Result<Child, String> {
    // One log per run: its start-up line proves that this process, not some other one that
    // took the port, is the one listening.
    let runs = std::fs::read_dir(logs).map(|d| d.count()).unwrap_or(0);
    let log_path = logs.join(format!("s3s-fs-{runs}.log"));
    let mut command = Command::new(binary);
    command
        .args(["--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
        .arg(data)
        .env(
            "RUST_LOG",
            std::env::var("HOSO_S3S_LOG").unwrap_or_else(|_| "warn,s3s_fs=info".into()),
        )
        .stdin(Stdio::null());
    crate::spawn_server(
        command,
        &format!("s3s-fs on port {port}"),
        &log_path,
        SocketAddr::from(([127, 0, 0, 1], port)),
        READY_TIMEOUT,
        &|printed| printed.contains("server is running at"),
    )
}

impl Default for S3Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    fn accepts(port: u16) -> bool {
        TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_millis(500),
        )
        .is_ok()
    }

    #[test]
    fn restarts_on_the_same_port_with_the_same_data() {
        let mut server = S3Server::new();
        let port = server.port();
        assert!(accepts(port));
        assert_eq!(server.endpoint(), format!("http://127.0.0.1:{port}"));
        std::fs::create_dir(server.data_dir().join("bucket")).unwrap();

        server.stop();
        assert!(!server.is_running());
        assert!(!accepts(port));

        server.start();
        assert!(server.is_running());
        assert_eq!(server.port(), port);
        assert!(accepts(port));
        assert!(server.data_dir().join("bucket").is_dir());

        let data = server.data_dir().to_path_buf();
        drop(server);
        assert!(!accepts(port));
        assert!(!data.exists());
    }
}
