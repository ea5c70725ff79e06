//! Real services for hoso's tests. Nothing here is a mock: `postgres` hands out fresh
//! databases on a real PostgreSQL server (and whole throwaway clusters that a test may
//! restart), `s3` starts a real S3-compatible server on loopback.
//!
//! A service that cannot be found makes the test fail with the command that installs it;
//! tests never skip.

pub mod postgres;
pub mod s3;

/// A TCP port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}
