//! The backup and restore that `docs/operations.md` describes, done for real: the
//! PostgreSQL database dumped with `pg_dump`, the bucket copied object by object; then
//! both lost (the database dropped, the bucket emptied) and restored, and the registry
//! answers as before, its audit log verifies, and every original is back with its hash.

mod common;

use std::process::Command;

use common::{Rig, BUCKET};
use hoso_pipeline::ports::{DerivativeKind, ObjectKey, ObjectStore};
use hoso_pipeline::ContentHash;
use hoso_testkit::postgres::TestDatabase;

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn psql(server: &str, sql: &str) {
    run(Command::new("psql")
        .arg(format!("{server}/postgres"))
        .args(["-v", "ON_ERROR_STOP=1", "-qc", sql]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dumped_database_and_a_copied_bucket_restore_the_registry_as_it_was() {
    let db = TestDatabase::create().await;
    let rig = Rig::new(db.url());
    let hashes = rig.queue("kept", 6);
    run(rig.hoso().args(["worker", "--drain"]));
    run(rig.hoso().args(["audit", "checkpoint"]));
    let listed = run(rig.hoso().args(["list", "--json"]));
    assert!(listed.contains(&hashes[0].to_hex()), "{listed}");
    run(rig.hoso().args(["audit", "verify"]));

    // Back up: the database as a custom-format dump, the bucket as files.
    let backup = tempfile::tempdir().unwrap();
    let dump = backup.path().join("hoso.dump");
    run(Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(db.url()));
    let store = rig.store();
    // Each original and its page text; the bucket holds nothing else.
    let keys: Vec<ObjectKey> = hashes
        .iter()
        .flat_map(|h| {
            [
                ObjectKey::original(h),
                ObjectKey::derivative(h, DerivativeKind::PageText),
            ]
        })
        .collect();
    let mut listed_keys = store.list("").await.unwrap();
    listed_keys.sort();
    let mut expected: Vec<String> = keys.iter().map(|k| k.as_str().to_string()).collect();
    expected.sort();
    assert_eq!(listed_keys, expected);
    let objects = backup.path().join("objects");
    for key in &keys {
        let bytes = store.get(key).await.unwrap();
        let key = key.as_str();
        let path = objects.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    // Lose both.
    let server = db.url().rsplit_once('/').unwrap().0.to_string();
    psql(
        &server,
        &format!("DROP DATABASE \"{}\" WITH (FORCE)", db.name()),
    );
    std::fs::remove_dir_all(rig.s3.data_dir().join(BUCKET)).unwrap();
    std::fs::create_dir_all(rig.s3.data_dir().join(BUCKET)).unwrap();
    assert!(store.list("").await.unwrap().is_empty());

    // Restore both.
    psql(&server, &format!("CREATE DATABASE \"{}\"", db.name()));
    run(Command::new("pg_restore")
        .args(["--exit-on-error", "--dbname"])
        .arg(db.url())
        .arg(&dump));
    for key in &keys {
        let bytes = std::fs::read(objects.join(key.as_str())).unwrap();
        store.put(key, &bytes).await.unwrap();
    }

    // The registry answers as before, and nothing in the log was lost or changed.
    assert_eq!(run(rig.hoso().args(["list", "--json"])), listed);
    let verified = run(rig.hoso().args(["audit", "verify"]));
    assert!(!verified.is_empty());
    for hash in &hashes {
        let bytes = store.get(&ObjectKey::original(hash)).await.unwrap();
        assert_eq!(ContentHash::of(&bytes), *hash);
    }
    // And it goes on working: a new file is processed on the restored pair.
    let more = rig.queue("after", 1);
    run(rig.hoso().args(["worker", "--drain"]));
    let listed_after = run(rig.hoso().args(["list", "--json"]));
    assert!(listed_after.contains(&more[0].to_hex()), "{listed_after}");
}
