//! The HTTP API against its own OpenAPI document: `scripts/fuzz-api.sh` runs schemathesis
//! (installed from PyPI the first time) against `hoso serve` on the embedded default with a
//! token of each role. Any disagreement between the document and the server fails the
//! test: a valid request refused, an invalid one accepted, an undeclared status or body,
//! a 5xx. Without python3 the script, and so the test, fails with a message saying so.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[test]
fn the_server_keeps_every_rule_its_openapi_document_states() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let started = Instant::now();
    let out = Command::new("bash")
        .arg(root.join("scripts/fuzz-api.sh"))
        .arg(env!("CARGO_BIN_EXE_hoso"))
        .current_dir(&root)
        .env_remove("HOSO_DATABASE_URL")
        .env_remove("HOSO_CONFIG")
        .output()
        .expect("bash runs scripts/fuzz-api.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/fuzz-api.sh failed ({}) after {:?}:\n{stdout}\n{stderr}",
        out.status,
        started.elapsed()
    );
    assert!(stdout.contains("fuzz-api: ok"), "{stdout}\n{stderr}");
}
