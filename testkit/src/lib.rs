//! Real services for hoso's tests. Nothing here is a mock: `postgres` hands out fresh
//! databases on a real PostgreSQL server (and whole throwaway clusters that a test may
//! restart), `s3` starts a real S3-compatible server on loopback (s3s-fs), and `garage` a
//! second, strict one (Garage).
//!
//! A service that cannot be found makes the test fail with the command that installs it;
//! tests never skip.

pub mod garage;
pub mod postgres;
pub mod s3;

use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A TCP port that was free a moment ago on 127.0.0.1, and that no other caller in this
/// process was given: tests run in parallel, and two servers told the same port would
/// take each other's clients.
pub fn free_port() -> u16 {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static GIVEN: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    let given = GIVEN.get_or_init(Mutex::default);
    loop {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
        let port = listener.local_addr().expect("local address").port();
        let mut given = given.lock().unwrap_or_else(|e| e.into_inner());
        if given.insert(port) {
            return port;
        }
    }
}

/// Spawns a server with its output written to `log_path`, and waits until its log says
/// it is ready (`ready`) and `addr` accepts connections: an open port alone may be
/// another process's. On failure the server is killed and what it printed returned.
pub(crate) fn spawn_server(
    mut command: Command,
    name: &str,
    log_path: &Path,
    addr: SocketAddr,
    timeout: Duration,
    ready: &dyn Fn(&str) -> bool,
) -> Result<Child, String> {
    let log = File::options()
        .create(true)
        .append(true)
        .open(log_path)
        .map_err(|e| format!("open {}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("open {}: {e}", log_path.display()))?;
    let mut child = command
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("run {name}: {e}"))?;
    let printed = || std::fs::read_to_string(log_path).unwrap_or_default();
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{name} exited with {status}: {}", printed()));
        }
        if ready(&printed())
            && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
        {
            return Ok(child);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{name} did not accept connections on {addr} within {timeout:?}: {}",
                printed()
            ));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
