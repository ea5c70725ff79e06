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
