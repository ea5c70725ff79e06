//! The harness the HTTP API tests share: `hoso serve` on the embedded default in a
//! temporary folder, a token for each role, and requests over plain TCP.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hoso_testdata::{generate, FileFormat, GenerateOptions, Quality, Specimen};
use serde_json::Value;

pub const CITIZEN: &str = "001099012345";

pub struct Server {
    pub _dir: tempfile::TempDir,
    pub data: PathBuf,
    pub port: u16,
    pub child: Child,
    pub env: Vec<(String, String)>,
    pub tokens: BTreeMap<&'static str, String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn hoso(data: &Path, env: &[(String, String)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.env("HOSO_DATA_DIR", data)
        .env("OMP_THREAD_LIMIT", "1")
        .env("HOSO_LOG", "warn")
        .env_remove("HOSO_DATABASE_URL")
        .env_remove("HOSO_CONFIG")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// `hoso user create` (with `role`) or `hoso user password`, the password on stdin.
pub fn user(server: &Server, command: &str, name: &str, role: &str, password: &str) {
    let mut args = vec!["user", command, "--name", name];
    if command == "create" {
        args.extend(["--role", role]);
    }
    let mut child = server
        .hoso()
        .args(&args)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `hoso token create`; returns the secret it prints.
pub fn create_token(
    data: &Path,
    env: &[(String, String)],
    name: &str,
    role: &str,
    types: &str,
) -> String {
    let mut cmd = hoso(data, env);
    cmd.args(["token", "create", "--name", name, "--role", role]);
    if !types.is_empty() {
        cmd.args(["--types", types]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(
        secret.starts_with("hoso_") && secret.len() == 69,
        "{secret}"
    );
    secret
}

/// Starts `hoso serve` with tokens for every role: `clerk`, `auditor`, `admin`, `ps`
/// (procedure system reading citizen ids) and `ps_birth` (reading birth certificates).
pub fn start(env: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut tokens = BTreeMap::new();
    for (name, role, types) in [
        ("clerk", "clerk", ""),
        ("auditor", "auditor", ""),
        ("admin", "admin", ""),
        ("ps", "procedure_system", "citizen_id"),
        ("ps_birth", "procedure_system", "birth_certificate"),
    ] {
        tokens.insert(name, create_token(&data, &env, name, role, types));
    }
    let port = hoso_testkit::free_port();
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let child = hoso(&data, &env)
        .args(["serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "hoso serve did not start: {}",
            std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Server {
        _dir: dir,
        data,
        port,
        child,
        env,
        tokens,
    }
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub raw: String,
}

impl Server {
    pub fn token(&self, name: &str) -> &str {
        &self.tokens[name]
    }

    /// One HTTP/1.1 exchange over a fresh connection.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        )
        .into_bytes();
        for (k, v) in headers {
            head.extend_from_slice(format!("{k}: ").as_bytes());
            head.extend_from_slice(v.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        stream.write_all(&head).unwrap();
        // A server may answer (413, 401) and close before reading a large body.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let raw = String::from_utf8_lossy(&response).to_string();
        let status: u16 = raw
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an http response to {method} {path}: {raw}"));
        let text = raw
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        Reply {
            status,
            body: serde_json::from_str(text).unwrap_or(Value::Null),
            raw,
        }
    }

    /// A request as `who` (a token name, `none`, or a literal `Authorization` value after
    /// `raw:`), with a JSON body when given. Procedure systems send a purpose.
    pub fn call(&self, who: &str, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let auth = match who {
            "none" => None,
            w if w.starts_with("raw:") => Some(w[4..].to_string()),
            w => Some(format!("Bearer {}", self.token(w))),
        };
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        if who.starts_with("ps") {
            headers.push(("X-Purpose", "kiểm tra hồ sơ đăng ký kết hôn"));
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.send(method, path, &headers, &bytes)
    }

    pub fn upload_dossier(
        &self,
        who: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Reply {
        let (content_type, body) = multipart(fields, files);
        let auth = format!("Bearer {}", self.token(who));
        self.send(
            "POST",
            "/api/v1/dossiers",
            &[("Authorization", &auth), ("Content-Type", &content_type)],
            &body,
        )
    }

    /// A dossier of `procedure` for the card's holder, the card its one file.
    pub fn card_dossier(&self, code: &str, procedure: &str, card: &Specimen) -> Reply {
        let bytes = std::fs::read(&card.path).unwrap();
        let subject = truth_id(card);
        self.upload_dossier(
            "clerk",
            &[
                ("dossier_code", code),
                ("procedure_code", procedure),
                ("subject_id", &subject),
            ],
            &[(&card.file_name, &bytes)],
        )
    }

    pub fn wait_processed(&self, code: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            let r = self.call("clerk", "GET", &format!("/api/v1/dossiers/{code}"), None);
            assert_eq!(r.status, 200, "{}", r.raw);
            if r.body["status"] != "processing" {
                return r.body;
            }
            assert!(Instant::now() < deadline, "not processed: {}", r.body);
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    pub fn hoso(&self) -> Command {
        hoso(&self.data, &self.env)
    }
}

pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "hosoTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small file that is a PNG by its magic bytes; the stand-in engine never decodes it.
pub fn png(tag: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}

pub fn stand_in_server() -> Server {
    start(&[
        ("HOSO_ENGINE", "stand-in"),
        ("HOSO_STAND_IN_MS", "10"),
        ("HOSO_WORKERS", "1"),
        ("HOSO_MAX_FILE_BYTES", "65536"),
    ])
}

pub fn error_code(r: &Reply) -> &str {
    r.body["error"]["code"].as_str().unwrap_or("")
}

pub const ROLES: [&str; 4] = ["clerk", "ps", "auditor", "admin"];

pub fn id_card_specimens(dir: &Path) -> Vec<Specimen> {
    let mut opts = GenerateOptions::new(31, 2, dir);
    opts.qualities = vec![Quality::Clean];
    opts.formats = vec![FileFormat::Png];
    let specimens = generate(&opts).unwrap();
    for s in &specimens {
        assert_eq!(
            s.truth.documents[0].document_type, "citizen_id",
            "{}",
            s.file_name
        );
    }
    specimens
}

pub fn truth_id(s: &Specimen) -> String {
    s.truth.documents[0].fields["id_number"].value.clone()
}

/// The record of a dossier's only original.
pub fn only_record(dossier: &Value) -> Value {
    let originals = dossier["originals"].as_array().unwrap();
    assert_eq!(originals.len(), 1, "{dossier}");
    assert_eq!(originals[0]["status"], "processed", "{dossier}");
    let records = originals[0]["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{dossier}");
    records[0].clone()
}

/// A header of a reply, by name in any case.
pub fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    let head = reply.raw.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

pub fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| {
            let enc = |s: &str| {
                s.bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Signs in to the web interface; the session cookie and the CSRF token of its pages.
pub fn sign_in(server: &Server, name: &str, password: &str) -> (String, String) {
    let r = server.send(
        "POST",
        "/sign-in",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form(&[("name", name), ("password", password)]),
    );
    assert_eq!(r.status, 303, "{}", r.raw);
    let cookie = header(&r, "set-cookie").unwrap().to_string();
    let session = cookie.split(';').next().unwrap().to_string();
    let page = server.send("GET", "/", &[("Cookie", &session)], b"");
    assert_eq!(page.status, 200, "{}", page.raw);
    let csrf = page
        .raw
        .split("data-csrf=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    (session, csrf)
}

/// Runs a command that must succeed; its output.
pub fn succeed(command: &mut Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
