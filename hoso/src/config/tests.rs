use super::*;
use std::collections::HashMap;

struct MapEnv(HashMap<&'static str, &'static str>);

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|v| v.to_string())
    }
}

fn load(file: &str, env: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hoso.toml");
    std::fs::write(&path, file).unwrap();
    let overrides = Overrides {
        config: Some(path),
        ..Overrides::default()
    };
    Settings::load(&overrides, &MapEnv(env.iter().copied().collect()))
}

fn error(file: &str, env: &[(&'static str, &'static str)]) -> String {
    load(file, env).unwrap_err().to_string()
}

#[test]
fn nothing_set_is_the_embedded_default() {
    let s = load("", &[]).unwrap();
    assert!(matches!(s.database, Database::Sqlite));
    assert!(s.s3.is_none());
    assert_eq!(s.workers.engine, EngineKind::Native);
    assert_eq!(s.workers.queue.max_attempts, 3);
    assert_eq!(s.listen, "127.0.0.1:8080");
    assert_eq!(s.audit.origin, "hoso.local/audit");
    assert_eq!(s.audit.key_file, s.data_dir.join("audit.key"));
    assert!(s.audit.key_env.is_none());
    let with_key = load("", &[("HOSO_AUDIT_KEY", "PRIVATE+KEY+secret")]).unwrap();
    assert!(
        !format!("{:?}", with_key.audit).contains("secret"),
        "the key never prints"
    );
}

#[test]
fn the_file_configures_postgres_and_s3_and_the_environment_overrides_it() {
    let file = r#"
        [database]
        url = "postgres://hoso:secret@db/hoso"
        [s3]
        endpoint = "http://127.0.0.1:9000"
        bucket = "hoso-originals"
        access_key_id = "key"
        secret_access_key = "secret"
        server_side_encryption = "AES256"
        [workers]
        concurrency = 4
        engine = "stand-in"
        lease_secs = 20
    "#;
    let s = load(file, &[("HOSO_WORKERS", "8"), ("HOSO_S3_BUCKET", "other")]).unwrap();
    match &s.database {
        Database::Postgres { url, .. } => assert_eq!(url, "postgres://hoso:secret@db/hoso"),
        other => panic!("{other:?}"),
    }
    let s3 = s.s3.unwrap();
    assert_eq!(s3.bucket, "other");
    assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
    assert_eq!(s3.server_side_encryption.as_deref(), Some("AES256"));
    assert!(s3.path_style);
    assert_eq!(s.workers.concurrency, 8);
    assert_eq!(s.workers.engine, EngineKind::StandIn);
    assert_eq!(s.workers.lease, Duration::from_secs(20));
    assert_eq!(s.workers.heartbeat, Duration::from_secs(5));
    assert_eq!(s.workers.drain_grace, Duration::from_secs(120));
    assert_eq!(s.metrics_listen, None);
    let s = load(
        "[server]\nmetrics_listen = \"0.0.0.0:9100\"\n[workers]\ndrain_secs = 30",
        &[],
    )
    .unwrap();
    assert_eq!(s.metrics_listen.as_deref(), Some("0.0.0.0:9100"));
    assert_eq!(s.workers.drain_grace, Duration::from_secs(30));
}

#[test]
fn every_bad_setting_is_named() {
    type Case<'a> = (&'a str, &'a [(&'static str, &'static str)], &'a str);
    let cases: &[Case] = &[
        ("", &[("HOSO_DATABASE_URL", "mysql://x")], "setting database.url (HOSO_DATABASE_URL): must be a postgres://"),
        ("", &[("HOSO_WORKERS", "0")], "setting workers.concurrency (HOSO_WORKERS): must be between 1 and 256"),
        ("", &[("HOSO_AUDIT_ORIGIN", "my log")], "setting audit.origin (HOSO_AUDIT_ORIGIN): \"my log\" cannot name a log"),
        ("", &[("HOSO_AUDIT_CHECKPOINT_INTERVAL_S", "0")], "setting audit.checkpoint_interval_s (HOSO_AUDIT_CHECKPOINT_INTERVAL_S): must be greater than zero"),
        ("", &[("HOSO_DATABASE_URL", "postgres://x/y"), ("HOSO_DATABASE_MIGRATE", "maybe")], "setting database.migrate (HOSO_DATABASE_MIGRATE): cannot parse \"maybe\""),
        ("[audit]\nkey = \"x\"", &[], "unknown field `key`"),
        ("", &[("HOSO_WORKERS", "many")], "setting workers.concurrency (HOSO_WORKERS): cannot parse \"many\""),
        ("", &[("HOSO_S3_ENDPOINT", "http://x")], "setting s3.bucket (HOSO_S3_BUCKET): is required"),
        ("[s3]\nbucket = \"Bad_Bucket\"", &[], "setting s3.bucket (HOSO_S3_BUCKET): \"Bad_Bucket\" is not a valid bucket name"),
        ("[s3]\nbucket = \"ok-bucket\"\nendpoint = \"localhost:9000\"", &[], "setting s3.endpoint (HOSO_S3_ENDPOINT): \"localhost:9000\" must start with http://"),
        ("[s3]\nbucket = \"ok-bucket\"", &[], "setting s3.access_key_id (HOSO_S3_ACCESS_KEY_ID): is required"),
        ("[s3]\nbucket = \"ok-bucket\"\naccess_key_id = \"k\"\nsecret_access_key = \"s\"\nserver_side_encryption = \"rot13\"", &[], "setting s3.server_side_encryption (HOSO_S3_SSE)"),
        ("[workers]\nengine = \"gpu\"", &[], "setting workers.engine (HOSO_ENGINE): \"gpu\" must be native or stand-in"),
        ("[workers]\nlease_secs = 10\nheartbeat_secs = 10", &[], "setting workers.heartbeat_secs (HOSO_HEARTBEAT_SECS): 10 must be shorter"),
        ("", &[("HOSO_LISTEN", "localhost")], "setting server.listen (HOSO_LISTEN)"),
        ("", &[("HOSO_METRICS_LISTEN", ":9100")], "setting server.metrics_listen (HOSO_METRICS_LISTEN): \":9100\" is not an address"),
        ("", &[("HOSO_DRAIN_SECS", "7200")], "setting workers.drain_secs (HOSO_DRAIN_SECS): must be at most 3600"),
        ("", &[("HOSO_DRAIN_SECS", "soon")], "setting workers.drain_secs (HOSO_DRAIN_SECS): cannot parse \"soon\""),
        ("", &[("HOSO_MAX_PAGES", "0")], "setting limits.max_pages (HOSO_MAX_PAGES): must be greater than zero"),
        ("[workers]\nconcurency = 2", &[], "unknown field `concurency`"),
        ("[database\nurl = 1", &[], "is not valid"),
    ];
    for (file, env, expected) in cases {
        let message = error(file, env);
        assert!(message.contains(expected), "{file:?} {env:?}: {message}");
    }
}

#[test]
fn a_missing_config_file_is_named() {
    let overrides = Overrides {
        config: Some(PathBuf::from("/nonexistent/hoso.toml")),
        ..Overrides::default()
    };
    let err = Settings::load(&overrides, &MapEnv(HashMap::new())).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cannot read the config file /nonexistent/hoso.toml"));
}

#[test]
fn passwords_never_reach_messages() {
    assert_eq!(
        redact_url("postgres://hoso:s3cret@db:5432/hoso"),
        "postgres://hoso:***@db:5432/hoso"
    );
    assert_eq!(
        redact_url("postgres://postgres@127.0.0.1/x"),
        "postgres://postgres@127.0.0.1/x"
    );
}
