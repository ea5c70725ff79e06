//! Settings: a TOML file (`--config` / `HOSO_CONFIG`), then environment variables, then
//! command-line flags, each overriding the one before. Every value is checked at start,
//! and a bad one stops the process with a message that names the setting.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hoso_pipeline::ports::QueuePolicy;
use hoso_pipeline::Limits;
use hoso_storage::S3Settings;
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {detail}")]
    Parse { path: PathBuf, detail: String },
    #[error("setting {setting} ({env}): {problem}")]
    Invalid {
        setting: &'static str,
        env: &'static str,
        problem: String,
    },
}

/// The file's shape. Unknown keys are errors, so a typo never silently falls back to a
/// default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    #[serde(default)]
    database: FileDatabase,
    s3: Option<FileS3>,
    #[serde(default)]
    workers: FileWorkers,
    #[serde(default)]
    limits: FileLimits,
    #[serde(default)]
    server: FileServer,
    #[serde(default)]
    audit: FileAudit,
    #[serde(default)]
    units: units::FileUnits,
    #[serde(default)]
    open_data: open_data::FileOpenData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAudit {
    origin: Option<String>,
    key_file: Option<PathBuf>,
    checkpoint_interval_s: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDatabase {
    url: Option<String>,
    max_connections: Option<u32>,
    migrate: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileS3 {
    endpoint: Option<String>,
    bucket: Option<String>,
    region: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    path_style: Option<bool>,
    server_side_encryption: Option<String>,
    prefix: Option<String>,
    multipart_threshold_bytes: Option<u64>,
    part_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWorkers {
    concurrency: Option<usize>,
    engine: Option<String>,
    ocr_languages: Option<String>,
    lease_secs: Option<u64>,
    heartbeat_secs: Option<u64>,
    poll_ms: Option<u64>,
    retry_base_ms: Option<u64>,
    max_attempts: Option<u32>,
    store_retry_secs: Option<u64>,
    stand_in_ms: Option<u64>,
    drain_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    max_file_bytes: Option<u64>,
    max_pages: Option<u32>,
    max_pixels_per_page: Option<u64>,
    ocr_timeout_ms: Option<u64>,
    file_timeout_ms: Option<u64>,
    page_timeout_ms: Option<u64>,
    engine_memory_bytes: Option<u64>,
    render_dpi: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileServer {
    listen: Option<String>,
    metrics_listen: Option<String>,
    secure_cookies: Option<bool>,
    session_idle_minutes: Option<u64>,
    session_max_hours: Option<u64>,
}

/// Which page engine workers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// PDFium and Tesseract.
    Native,
    /// No OCR: for fault tests and queue benchmarks (see `hoso_workers::StandInEngine`).
    StandIn,
}

#[derive(Debug, Clone)]
pub enum Database {
    /// `hoso.db` in the data directory.
    Sqlite,
    Postgres {
        url: String,
        max_connections: u32,
        /// Whether to migrate on connecting; off for a role that is not the tables' owner.
        migrate: bool,
    },
}

/// The audit log's signing key and checkpoints.
#[derive(Clone)]
pub struct AuditSettings {
    /// The log's name in its checkpoints and its key's name.
    pub origin: String,
    /// Where the signing key is read from, and written by `hoso audit rotate-key`.
    pub key_file: PathBuf,
    /// The key itself, from `HOSO_AUDIT_KEY`; it wins over the file.
    pub key_env: Option<String>,
    /// How often `hoso serve` signs a checkpoint when the log grew.
    pub checkpoint_interval: Duration,
}

impl std::fmt::Debug for AuditSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSettings")
            .field("origin", &self.origin)
            .field("key_file", &self.key_file)
            .field("key_env", &self.key_env.as_ref().map(|_| "<redacted>"))
            .field("checkpoint_interval", &self.checkpoint_interval)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Workers {
    pub concurrency: usize,
    pub engine: EngineKind,
    pub ocr_languages: String,
    pub lease: Duration,
    pub heartbeat: Duration,
    pub poll: Duration,
    pub retry_base: Duration,
    pub queue: QueuePolicy,
    /// How long a worker keeps retrying an unreachable object store within one job.
    pub store_retry: Duration,
    /// Time the stand-in engine spends on each file.
    pub stand_in: Duration,
    /// Once told to stop, how long a job in hand may still run before it goes back to
    /// the queue.
    pub drain_grace: Duration,
}

/// Everything the binary needs to open its backends and run, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: Database,
    /// `None`: a local folder, `objects/` in the data directory.
    pub s3: Option<S3Settings>,
    pub workers: Workers,
    pub limits: Limits,
    pub listen: String,
    /// Where `/metrics` is served on a listener of its own (with `/healthz` and
    /// `/readyz`): `hoso worker`'s only HTTP port; for `hoso serve`, it moves `/metrics`
    /// off the public listener.
    pub metrics_listen: Option<String>,
    pub audit: AuditSettings,
    pub web: WebSettings,
    pub units: UnitsSettings,
    pub open_data: OpenDataSettings,
}

/// The web interface's sessions and cookies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WebSettings {
    /// Mark the session cookie `Secure` on every response, not only when a proxy says the
    /// request came over TLS (`X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    pub session: hoso_pipeline::accounts::SessionPolicy,
}

/// What the command line says; it overrides the file and the environment.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub ocr_languages: Option<String>,
    pub workers: Option<usize>,
    pub listen: Option<String>,
    pub metrics_listen: Option<String>,
}

/// Where settings come from besides the file: the process environment, or a map in tests.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

fn invalid(setting: &'static str, env: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting,
        env,
        problem: problem.into(),
    }
}

/// Reads a setting: the environment wins over the file.
fn pick<T: std::str::FromStr>(
    env: &dyn Env,
    name: &'static str,
    setting: &'static str,
    file: Option<T>,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env.var(name) {
        Some(raw) => raw
            .trim()
            .parse::<T>()
            .map(Some)
            .map_err(|e| invalid(setting, name, format!("cannot parse {raw:?}: {e}"))),
        None => Ok(file),
    }
}

fn positive(value: u64, setting: &'static str, env: &'static str) -> Result<u64, ConfigError> {
    if value == 0 {
        Err(invalid(setting, env, "must be greater than zero"))
    } else {
        Ok(value)
    }
}

pub fn default_data_dir() -> PathBuf {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("hoso");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/hoso");
    }
    PathBuf::from("hoso-data")
}

impl Settings {
    pub fn load(overrides: &Overrides, env: &dyn Env) -> Result<Self, ConfigError> {
        let path = overrides
            .config
            .clone()
            .or_else(|| env.var("HOSO_CONFIG").map(PathBuf::from));
        let file = match &path {
            Some(p) => read_file(p)?,
            None => FileConfig::default(),
        };
        Self::from_parts(file, overrides, env)
    }

    fn from_parts(
        file: FileConfig,
        overrides: &Overrides,
        env: &dyn Env,
    ) -> Result<Self, ConfigError> {
        let data_dir = overrides
            .data_dir
            .clone()
            .or(pick(env, "HOSO_DATA_DIR", "data_dir", file.data_dir)?)
            .unwrap_or_else(default_data_dir);

        let database = match pick(env, "HOSO_DATABASE_URL", "database.url", file.database.url)? {
            None => Database::Sqlite,
            Some(url) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(invalid(
                        "database.url",
                        "HOSO_DATABASE_URL",
                        "must be a postgres:// or postgresql:// url (leave it unset for the embedded sqlite database)",
                    ));
                }
                let max_connections = pick(
                    env,
                    "HOSO_DATABASE_MAX_CONNECTIONS",
                    "database.max_connections",
                    file.database.max_connections,
                )?
                .unwrap_or(10);
                if !(1..=1000).contains(&max_connections) {
                    return Err(invalid(
                        "database.max_connections",
                        "HOSO_DATABASE_MAX_CONNECTIONS",
                        "must be between 1 and 1000",
                    ));
                }
                let migrate = pick(
                    env,
                    "HOSO_DATABASE_MIGRATE",
                    "database.migrate",
                    file.database.migrate,
                )?
                .unwrap_or(true);
                Database::Postgres {
                    url,
                    max_connections,
                    migrate,
                }
            }
        };

        let s3 = s3_settings(file.s3, env)?;
        let workers = worker_settings(file.workers, overrides, env)?;
        let defaults = Limits::default();
        let limits = Limits {
            max_file_bytes: positive(
                pick(
                    env,
                    "HOSO_MAX_FILE_BYTES",
                    "limits.max_file_bytes",
                    file.limits.max_file_bytes,
                )?
                .unwrap_or(defaults.max_file_bytes),
                "limits.max_file_bytes",
                "HOSO_MAX_FILE_BYTES",
            )?,
            max_pages: positive(
                u64::from(
                    pick(
                        env,
                        "HOSO_MAX_PAGES",
                        "limits.max_pages",
                        file.limits.max_pages,
                    )?
                    .unwrap_or(defaults.max_pages),
                ),
                "limits.max_pages",
                "HOSO_MAX_PAGES",
            )? as u32,
            max_pixels_per_page: positive(
                pick(
                    env,
                    "HOSO_MAX_PIXELS_PER_PAGE",
                    "limits.max_pixels_per_page",
                    file.limits.max_pixels_per_page,
                )?
                .unwrap_or(defaults.max_pixels_per_page),
                "limits.max_pixels_per_page",
                "HOSO_MAX_PIXELS_PER_PAGE",
            )?,
            ocr_timeout_ms: positive(
                pick(
                    env,
                    "HOSO_OCR_TIMEOUT_MS",
                    "limits.ocr_timeout_ms",
                    file.limits.ocr_timeout_ms,
                )?
                .unwrap_or(defaults.ocr_timeout_ms),
                "limits.ocr_timeout_ms",
                "HOSO_OCR_TIMEOUT_MS",
            )?,
            file_timeout_ms: positive(
                pick(
                    env,
                    "HOSO_FILE_TIMEOUT_MS",
                    "limits.file_timeout_ms",
                    file.limits.file_timeout_ms,
                )?
                .unwrap_or(defaults.file_timeout_ms),
                "limits.file_timeout_ms",
                "HOSO_FILE_TIMEOUT_MS",
            )?,
            page_timeout_ms: positive(
                pick(
                    env,
                    "HOSO_PAGE_TIMEOUT_MS",
                    "limits.page_timeout_ms",
                    file.limits.page_timeout_ms,
                )?
                .unwrap_or(defaults.page_timeout_ms),
                "limits.page_timeout_ms",
                "HOSO_PAGE_TIMEOUT_MS",
            )?,
            engine_memory_bytes: pick(
                env,
                "HOSO_ENGINE_MEMORY_BYTES",
                "limits.engine_memory_bytes",
                file.limits.engine_memory_bytes,
            )?
            .unwrap_or(defaults.engine_memory_bytes),
            render_dpi: pick(
                env,
                "HOSO_RENDER_DPI",
                "limits.render_dpi",
                file.limits.render_dpi,
            )?
            .unwrap_or(defaults.render_dpi),
        };
        if !(50..=600).contains(&limits.render_dpi) {
            return Err(invalid(
                "limits.render_dpi",
                "HOSO_RENDER_DPI",
                "must be between 50 and 600",
            ));
        }
        // Below this the engines cannot even load their models.
        if limits.engine_memory_bytes < 256 * 1024 * 1024 {
            return Err(invalid(
                "limits.engine_memory_bytes",
                "HOSO_ENGINE_MEMORY_BYTES",
                "must be at least 256 MiB (268435456)",
            ));
        }
        let listen = overrides
            .listen
            .clone()
            .or(pick(
                env,
                "HOSO_LISTEN",
                "server.listen",
                file.server.listen.clone(),
            )?)
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        if listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(invalid(
                "server.listen",
                "HOSO_LISTEN",
                format!("{listen:?} is not an address such as 127.0.0.1:8080"),
            ));
        }
        let metrics_listen = overrides.metrics_listen.clone().or(pick(
            env,
            "HOSO_METRICS_LISTEN",
            "server.metrics_listen",
            file.server.metrics_listen.clone(),
        )?);
        if let Some(addr) = &metrics_listen {
            if addr.parse::<std::net::SocketAddr>().is_err() {
                return Err(invalid(
                    "server.metrics_listen",
                    "HOSO_METRICS_LISTEN",
                    format!("{addr:?} is not an address such as 0.0.0.0:9100"),
                ));
            }
        }
        let audit = audit_settings(file.audit, env, &data_dir)?;
        let web = web_settings(&file.server, env)?;
        let units = units::units_settings(file.units, env)?;
        let open_data = open_data::open_data_settings(file.open_data, env)?;
        Ok(Self {
            data_dir,
            database,
            s3,
            workers,
            limits,
            listen,
            metrics_listen,
            audit,
            web,
            units,
            open_data,
        })
    }
}

fn web_settings(file: &FileServer, env: &dyn Env) -> Result<WebSettings, ConfigError> {
    let secure_cookies = pick(
        env,
        "HOSO_SECURE_COOKIES",
        "server.secure_cookies",
        file.secure_cookies,
    )?
    .unwrap_or(false);
    let idle = pick(
        env,
        "HOSO_SESSION_IDLE_MINUTES",
        "server.session_idle_minutes",
        file.session_idle_minutes,
    )?
    .unwrap_or(30);
    let idle = positive(
        idle,
        "server.session_idle_minutes",
        "HOSO_SESSION_IDLE_MINUTES",
    )?;
    let max = pick(
        env,
        "HOSO_SESSION_MAX_HOURS",
        "server.session_max_hours",
        file.session_max_hours,
    )?
    .unwrap_or(12);
    let max = positive(max, "server.session_max_hours", "HOSO_SESSION_MAX_HOURS")?;
    Ok(WebSettings {
        secure_cookies,
        session: hoso_pipeline::accounts::SessionPolicy {
            idle: Duration::from_secs(idle.saturating_mul(60)),
            absolute: Duration::from_secs(max.saturating_mul(3600)),
        },
    })
}

fn audit_settings(
    file: FileAudit,
    env: &dyn Env,
    data_dir: &Path,
) -> Result<AuditSettings, ConfigError> {
    let origin = pick(env, "HOSO_AUDIT_ORIGIN", "audit.origin", file.origin)?
        .unwrap_or_else(|| "hoso.local/audit".to_string());
    let valid = !origin.is_empty()
        && !origin.contains('+')
        && !origin.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        return Err(invalid(
            "audit.origin",
            "HOSO_AUDIT_ORIGIN",
            format!("{origin:?} cannot name a log: a schema-less url such as example.gov.vn/hoso, without spaces or '+'"),
        ));
    }
    let key_file = pick(env, "HOSO_AUDIT_KEY_FILE", "audit.key_file", file.key_file)?
        .unwrap_or_else(|| data_dir.join("audit.key"));
    let interval = pick(
        env,
        "HOSO_AUDIT_CHECKPOINT_INTERVAL_S",
        "audit.checkpoint_interval_s",
        file.checkpoint_interval_s,
    )?
    .unwrap_or(60);
    let interval = positive(
        interval,
        "audit.checkpoint_interval_s",
        "HOSO_AUDIT_CHECKPOINT_INTERVAL_S",
    )?;
    Ok(AuditSettings {
        origin,
        key_file,
        key_env: env.var("HOSO_AUDIT_KEY"),
        checkpoint_interval: Duration::from_secs(interval),
    })
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        detail: e.to_string().trim().replace('\n', " "),
    })
}

fn s3_settings(file: Option<FileS3>, env: &dyn Env) -> Result<Option<S3Settings>, ConfigError> {
    let configured = file.is_some()
        || ["HOSO_S3_BUCKET", "HOSO_S3_ENDPOINT"]
            .iter()
            .any(|v| env.var(v).is_some());
    if !configured {
        return Ok(None);
    }
    let f = file.unwrap_or_default();
    let bucket = pick(env, "HOSO_S3_BUCKET", "s3.bucket", f.bucket)?.ok_or_else(|| {
        invalid(
            "s3.bucket",
            "HOSO_S3_BUCKET",
            "is required when s3 is configured",
        )
    })?;
    // S3's own naming rules, so a typo fails here rather than at the first upload.
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !bucket.starts_with(['-', '.'])
        && !bucket.ends_with(['-', '.']);
    if !bucket_ok {
        return Err(invalid(
            "s3.bucket",
            "HOSO_S3_BUCKET",
            format!("{bucket:?} is not a valid bucket name (3-63 lowercase letters, digits, '-' or '.')"),
        ));
    }
    let endpoint = pick(env, "HOSO_S3_ENDPOINT", "s3.endpoint", f.endpoint)?;
    if let Some(e) = &endpoint {
        if !(e.starts_with("http://") || e.starts_with("https://")) {
            return Err(invalid(
                "s3.endpoint",
                "HOSO_S3_ENDPOINT",
                format!("{e:?} must start with http:// or https://"),
            ));
        }
    }
    let access_key_id = pick(
        env,
        "HOSO_S3_ACCESS_KEY_ID",
        "s3.access_key_id",
        f.access_key_id,
    )?
    .or_else(|| env.var("AWS_ACCESS_KEY_ID"))
    .ok_or_else(|| {
        invalid(
            "s3.access_key_id",
            "HOSO_S3_ACCESS_KEY_ID",
            "is required when s3 is configured",
        )
    })?;
    let secret_access_key = pick(
        env,
        "HOSO_S3_SECRET_ACCESS_KEY",
        "s3.secret_access_key",
        f.secret_access_key,
    )?
    .or_else(|| env.var("AWS_SECRET_ACCESS_KEY"))
    .ok_or_else(|| {
        invalid(
            "s3.secret_access_key",
            "HOSO_S3_SECRET_ACCESS_KEY",
            "is required when s3 is configured",
        )
    })?;
    let server_side_encryption = pick(
        env,
        "HOSO_S3_SSE",
        "s3.server_side_encryption",
        f.server_side_encryption,
    )?;
    if let Some(sse) = &server_side_encryption {
        if !["AES256", "aws:kms"].contains(&sse.as_str()) {
            return Err(invalid(
                "s3.server_side_encryption",
                "HOSO_S3_SSE",
                format!("{sse:?} must be AES256 or aws:kms"),
            ));
        }
    }
    const MIB: u64 = 1024 * 1024;
    let part_bytes =
        pick(env, "HOSO_S3_PART_BYTES", "s3.part_bytes", f.part_bytes)?.unwrap_or(8 * MIB);
    if part_bytes < 5 * MIB {
        return Err(invalid(
            "s3.part_bytes",
            "HOSO_S3_PART_BYTES",
            "must be at least 5 MiB (5242880), s3's smallest multipart part",
        ));
    }
    let multipart_threshold_bytes = pick(
        env,
        "HOSO_S3_MULTIPART_THRESHOLD_BYTES",
        "s3.multipart_threshold_bytes",
        f.multipart_threshold_bytes,
    )?
    .unwrap_or(16 * MIB);
    Ok(Some(S3Settings {
        endpoint,
        bucket,
        region: pick(env, "HOSO_S3_REGION", "s3.region", f.region)?
            .unwrap_or_else(|| "us-east-1".to_string()),
        access_key_id,
        secret_access_key,
        path_style: pick(env, "HOSO_S3_PATH_STYLE", "s3.path_style", f.path_style)?.unwrap_or(true),
        server_side_encryption,
        multipart_threshold_bytes,
        part_bytes,
        prefix: pick(env, "HOSO_S3_PREFIX", "s3.prefix", f.prefix)?.unwrap_or_default(),
    }))
}

/// A database url with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

mod open_data;
mod units;
mod workers;
pub use open_data::OpenDataSettings;
pub use units::UnitsSettings;
use workers::worker_settings;

#[cfg(test)]
mod tests;
