//! The web interface's journey in a real browser: Debian's headless Chromium driven by
//! playwright-core (`web-tests/journey.mjs`), against `hoso serve` on the embedded
//! default with the real page engine. The screenshots of every step, the axe-core
//! findings and the overflow measurements are kept in `target/web-journey/`.

#[path = "support/api_server.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_testdata::{generate, FileFormat, GenerateOptions, Quality};
use serde_json::{json, Value};

const PASSWORD: &str = "một mật khẩu đủ dài 2026";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn create_user(server: &support::Server, name: &str, role: &str) {
    support::user(server, "create", name, role, PASSWORD);
}

#[test]
fn a_clerks_day_and_an_auditors_check_in_a_real_browser() {
    let root = workspace();
    let runner = root.join("web-tests/journey.mjs");
    assert!(
        root.join("web-tests/node_modules/playwright-core").is_dir(),
        "web-tests' npm packages are missing: run scripts/ensure-browser.sh (the test command does)"
    );
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Debian's chromium is missing: run scripts/ensure-browser.sh (the test command does)"
    );

    let specimens_dir = tempfile::tempdir().unwrap();
    let mut opts = GenerateOptions::new(2026, 3, specimens_dir.path());
    opts.qualities = vec![Quality::Clean];
    opts.formats = vec![FileFormat::Png];
    let specimens = generate(&opts).unwrap();
    let card = &specimens[0];
    assert_eq!(card.truth.documents[0].document_type, "citizen_id");
    let subject = support::truth_id(card);
    let full_name = card.truth.documents[0].fields["full_name"].value.clone();

    let server = support::start(&[("HOSO_WORKERS", "2")]);
    create_user(&server, "lan.clerk", "clerk");
    create_user(&server, "minh.auditor", "auditor");

    let out = root.join("target/web-journey");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let config = json!({
        "base": format!("http://127.0.0.1:{}", server.port),
        "clerk": {"name": "lan.clerk", "password": PASSWORD},
        "auditor": {"name": "minh.auditor", "password": PASSWORD},
        "files": specimens.iter().map(|s| s.path.to_string_lossy().to_string()).collect::<Vec<_>>(),
        "subject": subject,
        "full_name": full_name,
        "folded_name": hoso_pipeline::search::fold(&full_name),
        "procedure": "residence_registration",
        "second_procedure": "marriage_registration",
        "correct_keys": ["place_of_origin", "place_of_residence", "place_of_birth_registration"],
        // As long as the generator's addresses get: the pages must still fit 1366 px.
        "corrected_value": "Số 79, ngõ 299, đường Cách Mạng Tháng Tám, Phường Nguyễn Thái Bình, Quận Bình Thạnh, Thành phố Hồ Chí Minh",
        "out": out,
    });
    let config_path = out.join("config.json");
    std::fs::write(&config_path, serde_json::to_vec_pretty(&config).unwrap()).unwrap();

    let status = Command::new("node")
        .arg(&runner)
        .arg(&config_path)
        .current_dir(root.join("web-tests"))
        .status()
        .expect("node runs");
    let results: Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap_or_default())
            .unwrap_or(Value::Null);
    assert!(
        status.success() && results["ok"] == true,
        "the journey failed: {}\nserver log: {}",
        results["error"],
        std::fs::read_to_string(server.data.parent().unwrap().join("serve.log"))
            .unwrap_or_default()
    );
    let screenshots = results["screenshots"].as_array().unwrap();
    assert!(screenshots.len() >= 14, "{screenshots:?}");
    for s in screenshots {
        let len = std::fs::metadata(s.as_str().unwrap()).unwrap().len();
        assert!(len > 10_000, "{s} is {len} bytes");
    }
    for (page, violations) in results["axe"].as_object().unwrap() {
        for v in violations.as_array().unwrap() {
            assert!(
                !matches!(v["impact"].as_str(), Some("serious" | "critical")),
                "{page}: {v}"
            );
        }
    }
    assert_eq!(results["cross_site_status"], 403);
}
