//! The audit commands end to end on the embedded default: a real ingest writes the log,
//! `verify` finds it intact, a receipt written by one process is checked by another that
//! has nothing but the file and the public key, a trace names the chain down to the
//! original's hash and writes page crops, and a key rotation leaves everything verifiable.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use hoso_pipeline::registry::Registry;
use hoso_pipeline::ContentHash;
use hoso_storage::SqlCatalog;
use hoso_testdata::{generate, GenerateOptions, Quality};

fn hoso(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.env("HOSO_DATA_DIR", data)
        .env("OMP_THREAD_LIMIT", "1")
        .env_remove("HOSO_AUDIT_KEY")
        .stdin(Stdio::null());
    c
}

fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let text = stdout.clone() + &String::from_utf8_lossy(&out.stderr);
    (out, stdout, text)
}

#[tokio::test]
async fn receipts_traces_and_rotations_work_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let mut opts = GenerateOptions::new(24, 2, &input);
    opts.qualities = vec![Quality::Clean];
    let specimens = generate(&opts).unwrap();
    let data = dir.path().join("data");

    let (out, _, text) = run(hoso(&data).arg("ingest").arg(&input));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("audit log:") && text.contains("signed"),
        "{text}"
    );

    let (out, key, text) = run(hoso(&data).args(["audit", "key"]));
    assert!(out.status.success(), "{text}");
    let key = key.trim().to_string();
    assert!(key.starts_with("hoso.local/audit+"), "{key}");

    let (out, stdout, text) = run(hoso(&data).args(["audit", "verify"]));
    assert!(out.status.success(), "{text}");
    assert!(stdout.contains("intact"), "{stdout}");

    let record_id = {
        let catalog = SqlCatalog::open(&data.join("hoso.db")).await.unwrap();
        let hash: ContentHash = specimens[0].sha256.parse().unwrap();
        catalog.records_of_original(&hash).await.unwrap()[0]
            .id
            .clone()
    };

    let receipt = dir.path().join("r.tlog-proof");
    let (out, _, text) = run(hoso(&data)
        .args(["audit", "receipt", &record_id, "--out"])
        .arg(&receipt));
    assert!(out.status.success(), "{text}");
    let written = std::fs::read_to_string(&receipt).unwrap();
    assert!(
        written.starts_with("c2sp.org/tlog-proof@v1\nextra "),
        "{written}"
    );

    // Checked with the key alone: a data directory that does not exist, no settings.
    let nowhere = dir.path().join("nowhere");
    let (out, stdout, text) = run(hoso(&nowhere)
        .args(["audit", "verify-receipt"])
        .arg(&receipt)
        .args(["--key", &key]));
    assert!(out.status.success(), "{text}");
    assert!(stdout.starts_with("valid:"), "{stdout}");
    assert!(
        stdout.contains("record.created") && stdout.contains(&record_id),
        "{stdout}"
    );
    assert!(
        !nowhere.exists(),
        "verify-receipt touched no data directory"
    );

    // A changed index, or another key, and the receipt fails.
    let moved = dir.path().join("moved.tlog-proof");
    let index_line = written.lines().find(|l| l.starts_with("index ")).unwrap();
    let index: u64 = index_line[6..].parse().unwrap();
    std::fs::write(
        &moved,
        written.replacen(index_line, &format!("index {}", index + 1), 1),
    )
    .unwrap();
    let (out, stdout, _) = run(hoso(&nowhere)
        .args(["audit", "verify-receipt"])
        .arg(&moved)
        .args(["--key", &key]));
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("INVALID"), "{stdout}");

    let crops = dir.path().join("crops");
    let (out, stdout, text) = run(hoso(&data)
        .args(["audit", "trace", &record_id, "--crops"])
        .arg(&crops));
    assert!(out.status.success(), "{text}");
    assert!(
        stdout.contains(&format!("sha256:{}", specimens[0].sha256)),
        "{stdout}"
    );
    assert!(
        stdout.contains("read by job") && stdout.contains("traineddata"),
        "{stdout}"
    );
    assert!(
        stdout.contains("field ") && stdout.contains("← page 1"),
        "{stdout}"
    );
    let pngs: Vec<_> = std::fs::read_dir(&crops)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert!(!pngs.is_empty(), "no crop written");
    for png in &pngs {
        let image = image::open(png.path()).unwrap();
        assert!(image.width() > 4 && image.height() > 4, "{:?}", png.path());
    }

    let (out, new_key, text) = run(hoso(&data).args(["audit", "rotate-key"]));
    assert!(out.status.success(), "{text}");
    assert_ne!(new_key.trim(), key);
    let (out, stdout, text) = run(hoso(&data).args(["audit", "verify", "--key", &key]));
    assert!(out.status.success(), "{text}");
    assert!(
        stdout.contains("intact") && stdout.matches("key from entry").count() == 2,
        "{stdout}"
    );
    let (out, _, text) = run(hoso(&data).args(["audit", "checkpoint"]));
    assert!(out.status.success(), "{text}");
    let (out, _, text) = run(hoso(&nowhere)
        .args(["audit", "verify-receipt"])
        .arg(&receipt)
        .args(["--key", &key]));
    assert!(
        out.status.success(),
        "the old receipt still verifies with the old key: {text}"
    );
}
