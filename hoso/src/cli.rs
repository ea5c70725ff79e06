use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// hoso turns scanned Vietnamese administrative dossiers into verified, reusable data.
#[derive(Debug, Parser)]
#[command(name = "hoso", version, about)]
pub struct Cli {
    /// A TOML settings file (see README: database, s3, workers, limits, server). The
    /// environment (HOSO_*) overrides it, and flags override both.
    #[arg(long, env = "HOSO_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// Data directory of the embedded default: SQLite database and local object store.
    /// Defaults to $XDG_DATA_HOME/hoso, or ~/.local/share/hoso.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,

    /// Tesseract languages for the page text [default: vie; env HOSO_OCR_LANGUAGES]. Machine-readable zones are read again with eng.
    #[arg(long, global = true)]
    pub ocr_languages: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract one file (PDF, JPEG, PNG, TIFF) and print the result.
    Extract {
        file: PathBuf,
        /// Print the extraction JSON of the spec instead of a table.
        #[arg(long)]
        json: bool,
        /// Also write what the page engine read (words with boxes, barcodes) to this file,
        /// as JSON in the extractor fixtures' input format.
        #[arg(long, value_name = "OUT")]
        pages: Option<PathBuf>,
    },
    /// Store files and folders (recursively), queue them, and process the queue.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Worker threads; defaults to the number of cores.
        #[arg(long)]
        workers: Option<usize>,
        /// Only store and queue; separate `hoso worker` processes do the processing.
        #[arg(long)]
        queue_only: bool,
    },
    /// Run workers that process the shared queue until stopped (SIGTERM or Ctrl-C), then
    /// finish the jobs in hand. Any number may run, on any number of machines.
    Worker {
        /// Concurrent jobs in this process [default: workers.concurrency, HOSO_WORKERS, or
        /// the number of cores].
        #[arg(long)]
        concurrency: Option<usize>,
        /// Stop once nothing is queued or running instead of waiting for more work.
        #[arg(long)]
        drain: bool,
        /// Serve /metrics, /healthz and /readyz on this address [default:
        /// server.metrics_listen, HOSO_METRICS_LISTEN, or none].
        #[arg(long)]
        metrics_listen: Option<String>,
    },
    /// Bring the database schema up to date as the tables' owner, then exit; with --wait,
    /// only wait until another process has done so (a pod's init container).
    Migrate {
        /// Wait until the schema has every migration this hoso knows, migrating nothing.
        #[arg(long)]
        wait: bool,
        /// With --wait: give up after this many seconds (exit 1).
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
    },
    /// Serve the HTTP API: uploads, status, health. Runs workers too unless --no-workers.
    Serve {
        /// Address to listen on [default: server.listen, HOSO_LISTEN, or 127.0.0.1:8080].
        #[arg(long)]
        listen: Option<String>,
        /// Leave the processing to separate `hoso worker` processes.
        #[arg(long)]
        no_workers: bool,
        /// Serve /metrics (and health checks) on this address instead of the public
        /// listener [default: server.metrics_listen, HOSO_METRICS_LISTEN, or none].
        #[arg(long)]
        metrics_listen: Option<String>,
    },
    /// The page engine's child process (internal): reads files from stdin, answers pages
    /// on stdout. Workers start it; it is not for people.
    #[command(hide = true)]
    EngineChild,
    /// Measure hoso's parts; see BENCHMARKS.md.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// API tokens: create (the secret is printed once), list, revoke.
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// People who sign in to the web interface: create, set a password, list.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// One page of an original as a screen-size image (internal): the request on stdin,
    /// the PNG on stdout. The web interface starts it per page; it is not for people.
    #[command(hide = true)]
    PageImage,
    /// The tamper-evident audit log: checkpoints, verification, receipts, traces, keys.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Reports over the registry.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// Places as administrative units: the conversion table and the stored conversions.
    Units {
        #[command(subcommand)]
        what: UnitsCommand,
    },
    /// List registered documents and failed files.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one document with its fields and evidence.
    Show {
        /// A document id as printed by `hoso list`.
        doc_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Score extraction against the `.truth.json` files of a folder of samples.
    Eval {
        dir: PathBuf,
        /// Worker threads; defaults to the number of cores.
        #[arg(long)]
        workers: Option<usize>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        /// Also list every field read wrong or not at all, with the expected value.
        #[arg(long)]
        misses: bool,
        /// Keep what the page engine read of each file in this folder, by content hash,
        /// and read it back on later runs instead of running OCR again: extraction rules
        /// are then measured in seconds. Empty the folder when the engine changes.
        #[arg(long)]
        pages_cache: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Make an account. The password is read from the terminal (asked twice), or from the
    /// first line of standard input when it is not a terminal.
    Create {
        #[arg(long)]
        name: String,
        /// clerk, auditor or admin.
        #[arg(long)]
        role: String,
    },
    /// Set a new password (read as for create); every session of the user ends.
    Password {
        #[arg(long)]
        name: String,
    },
    /// List the accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print its secret (once: only its SHA-256 is stored).
    Create {
        /// A unique name; it is the actor in record histories and the access log.
        #[arg(long)]
        name: String,
        /// clerk, procedure_system, auditor or admin.
        #[arg(long)]
        role: String,
        /// For procedure_system (required there, refused for other roles): the document
        /// types it may read, comma-separated (citizen_id,birth_certificate,...).
        #[arg(long, value_delimiter = ',')]
        types: Vec<String>,
    },
    /// List tokens (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by name; requests with it get 401 from then on.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the log's tree from its stored entries and check every stored hash,
    /// checkpoint signature and root, and the consistency between checkpoints. Names
    /// each entry edited, deleted, inserted or reordered. Exit code 1 when tampered.
    Verify {
        /// The public key (name+id+base64) the log's first key must be; by default the
        /// configured signing key must be its current one.
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Sign a checkpoint of the log as it stands and print it (C2SP tlog-checkpoint).
    Checkpoint,
    /// Write a record's receipt: its entries, their inclusion proofs and a signed
    /// checkpoint (C2SP tlog-proof), checkable offline with the public key alone.
    Receipt {
        /// A record id (r-…), or a document id as `hoso list` prints it.
        record_id: String,
        /// Where to write it [default: RECORD_ID.tlog-proof].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a receipt with nothing but the log's public key.
    VerifyReceipt {
        file: PathBuf,
        /// The log's public key (name+id+base64), as `hoso audit key` prints it.
        #[arg(long)]
        key: String,
    },
    /// Print a record's chain: field → document → page region → original's hash, with
    /// who did what, when, with which engines.
    Trace {
        /// A record id (r-…), or a document id as `hoso list` prints it.
        record_id: String,
        /// Also write each field's page region as a PNG into this folder.
        #[arg(long)]
        crops: Option<PathBuf>,
    },
    /// Replace the signing key: the log records the new key and the old one signs its
    /// hand-over; earlier checkpoints still verify against the keys the log recorded.
    RotateKey,
    /// Print the log's public key.
    Key,
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Convert every live record's places with the configured table (units.crosswalk),
    /// store the conversions with its version, and list what changed: first
    /// conversions, changed units, and clerks' choices the table no longer offers.
    Reconvert {
        /// Report what would change; store nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Over every dossier: the share of the fields its procedure needs that came from the
    /// registry (verified earlier) rather than from the dossier's new documents.
    Reuse {
        #[arg(long)]
        json: bool,
    },
    /// Publish the open statistics into --out: dossiers by procedure, current province
    /// and month; documents by type and month; reuse and digitisation shares; time to
    /// the registry. CSV and JSON with a DCAT-AP catalog (`catalog.jsonld`); counts below
    /// open_data.min_count are suppressed, and nothing personal is published.
    OpenData {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// What the audit log costs: record operations with and without it (same run, same
    /// database), `hoso audit verify` over a log of --entries entries, and inclusion
    /// proofs from it. Use a scratch data directory or database.
    Audit {
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Record lifecycles per round and mode.
        #[arg(long, default_value_t = 200)]
        ops: usize,
        /// Fill the log to this many entries, then time its verification (0: skip).
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Inclusion proofs to time.
        #[arg(long, default_value_t = 10_000)]
        proofs: usize,
    },
    /// Claim-and-complete throughput of no-op jobs on the configured database (use
    /// PostgreSQL: HOSO_DATABASE_URL), at each worker count.
    Queue {
        /// Jobs per worker count.
        #[arg(long, default_value_t = 5000)]
        jobs: usize,
        /// Concurrent workers, comma-separated.
        #[arg(long, default_value = "1,4,16", value_delimiter = ',')]
        workers: Vec<usize>,
    },
    /// Render times of the web interface's pages with --clerks clerks signed in at once,
    /// over --records synthetic records in the configured PostgreSQL database (seeded
    /// first, as registry-seed does); the pages are asked of the router in-process.
    Web {
        #[arg(long, default_value_t = 100_000)]
        records: u64,
        #[arg(long, default_value_t = 20)]
        clerks: usize,
        /// Seconds of load per page.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Each clerk's pause between pages, in ms (jittered ±50%); 0 asks again at once.
        #[arg(long, default_value_t = 0)]
        think_ms: u64,
    },
    /// Fill the configured PostgreSQL database with synthetic verified records for the
    /// subject lookup load test (scripts/bench-api.sh), and write the subject ids used,
    /// one a line, for the load tool.
    RegistrySeed {
        /// Records to insert.
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        /// Where to write the subject ids (a sample of them).
        #[arg(long)]
        subjects_out: PathBuf,
        /// How many subject ids to write.
        #[arg(long, default_value_t = 10_000)]
        sample: u64,
    },
}
