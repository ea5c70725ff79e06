use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// hoso turns scanned Vietnamese administrative dossiers into verified, reusable data.
#[derive(Debug, Parser)]
#[command(name = "hoso", version, about)]
pub struct Cli {
    /// Data directory of the embedded default: SQLite database and local object store.
    /// Defaults to $XDG_DATA_HOME/hoso, or ~/.local/share/hoso.
    #[arg(long, env = "HOSO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Tesseract languages for OCR.
    #[arg(
        long,
        env = "HOSO_OCR_LANGUAGES",
        default_value = "vie+eng",
        global = true
    )]
    pub ocr_languages: String,

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
    },
    /// Store files and folders (recursively), queue them, and process the queue.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Worker threads; defaults to the number of cores.
        #[arg(long)]
        workers: Option<usize>,
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
    },
}
