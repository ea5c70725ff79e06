//! `hoso serve` and `hoso worker` as separate processes on a shared PostgreSQL and S3:
//! files uploaded over HTTP are processed by the worker and reported by the server.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Rig;
use hoso_testkit::postgres::TestDatabase;
use serde_json::Value;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection with a bearer token: (status, JSON body).
fn http(port: u16, token: &str, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an http response: {text}"));
    let json = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

fn start_server(rig: &Rig) -> (Server, u16) {
    let port = hoso_testkit::free_port();
    let log = std::fs::File::create(rig.dir.path().join("serve.log")).unwrap();
    let child = rig
        .hoso()
        .args(["serve", "--no-workers", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "hoso serve did not start: {}",
            std::fs::read_to_string(rig.dir.path().join("serve.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_to_the_server_are_processed_by_a_separate_worker() {
    let db = TestDatabase::create().await;
    let mut rig = Rig::new(db.url());
    // Blocking waits in this test are short and on a multi-threaded runtime.
    let (_server, port) = start_server(&rig);
    let out = rig
        .hoso()
        .args(["token", "create", "--name", "counter", "--role", "clerk"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();

    assert_eq!(http(port, &token, "GET", "/healthz", b"").0, 200);
    let (status, ready) = http(port, &token, "GET", "/readyz", b"");
    assert_eq!(status, 200, "{ready}");

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(b"uploaded over http");
    let (status, created) = http(
        port,
        &token,
        "POST",
        "/api/v1/originals?name=..%2F..%2Fetc%2Fpasswd",
        &png,
    );
    assert_eq!(status, 201, "{created}");
    let sha = created["sha256"].as_str().unwrap().to_string();
    assert_eq!(created["outcome"], "queued");
    let (status, again) = http(
        port,
        &token,
        "POST",
        "/api/v1/originals?name=again.png",
        &png,
    );
    assert_eq!(
        (status, again["outcome"].as_str()),
        (200, Some("duplicate"))
    );

    // Bad input gets a specific 4xx with a JSON error, never a 500.
    let (status, err) = http(
        port,
        &token,
        "POST",
        "/api/v1/originals?name=notes.txt",
        b"just text",
    );
    assert_eq!(status, 415, "{err}");
    assert_eq!(err["error"]["code"], "unsupported_media_type");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a pdf, jpeg, png or tiff"));
    let (status, err) = http(port, &token, "POST", "/api/v1/originals", b"");
    assert_eq!(status, 400, "{err}");
    let (status, err) = http(port, &token, "GET", "/api/v1/originals/not-a-hash", b"");
    assert_eq!(status, 400, "{err}");
    let (status, _) = http(
        port,
        &token,
        "GET",
        &format!("/api/v1/originals/{}", "0".repeat(64)),
        b"",
    );
    assert_eq!(status, 404);

    let (_, queued) = http(
        port,
        &token,
        "GET",
        &format!("/api/v1/originals/{sha}"),
        b"",
    );
    assert_eq!(
        queued["status"], "queued",
        "nothing processes it until a worker runs"
    );
    assert_eq!(
        queued["file_name"], "passwd",
        "the upload name is a label, never a path"
    );

    rig.spawn_worker();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let (_, body) = http(
            port,
            &token,
            "GET",
            &format!("/api/v1/originals/{sha}"),
            b"",
        );
        if body["status"] == "processed" {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "not processed: {body}\n{}",
            rig.worker_logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done["documents"].as_array().unwrap().len(), 1);
    assert_eq!(done["attempts"], 1);
    let (_, counts) = http(port, &token, "GET", "/api/v1/queue", b"");
    assert_eq!(counts["done"], 1, "{counts}");
    rig.stop_workers();
}
