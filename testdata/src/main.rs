//! `hoso-testdata`: writes synthetic scan specimens with ground truth.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use hoso_testdata::{generate, FileFormat, GenerateOptions, Kind, Quality, DEFAULT_FONT_DIR};

/// Generate synthetic scans of Vietnamese administrative documents with ground truth.
#[derive(Debug, Parser)]
#[command(name = "hoso-testdata", version)]
struct Cli {
    /// Seed; the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Number of specimens (files).
    #[arg(long, default_value_t = 20)]
    count: usize,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Scan conditions to rotate through.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "clean,office,photocopy,phone"
    )]
    qualities: Vec<Quality>,
    /// File formats to rotate through (dossiers are always PDFs).
    #[arg(long, value_delimiter = ',', default_value = "png,jpeg,tiff,pdf")]
    formats: Vec<FileFormat>,
    /// Directory holding the dejavu, liberation2 and freefont font folders.
    #[arg(long, default_value = DEFAULT_FONT_DIR)]
    font_dir: PathBuf,
    /// Worker threads (0: one per core). The output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Add variation the extraction rules were not written against: card faces side by
    /// side or turned, other typefaces, stamps over text, other scales and scanner
    /// profiles (needs fonts-noto-core and fonts-dejavu-extra).
    #[arg(long)]
    broad: bool,
    /// Kinds of specimen to rotate through (default all): citizen_id_cccd2021,
    /// citizen_id_cancuoc2024, cards (both), birth_certificate, marriage_certificate,
    /// business_registration, residence_confirmation, dossier.
    #[arg(long, value_delimiter = ',', value_parser = parse_kinds)]
    kinds: Vec<Vec<Kind>>,
    /// Print real communes, in the units before or after 1 July 2025, with their codes in
    /// the truth, from this unit table (`old_to_new.tsv` of the 2025 crosswalk; `checkout`
    /// for the one beside this checkout, `../shared/data/admin-units-2025`).
    #[arg(long)]
    units_table: Option<String>,
}

fn parse_kinds(s: &str) -> Result<Vec<Kind>, String> {
    Kind::parse(s).ok_or_else(|| format!("unknown kind {s:?}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let opts = GenerateOptions {
        seed: cli.seed,
        count: cli.count,
        out_dir: cli.out,
        qualities: cli.qualities,
        formats: cli.formats,
        font_dir: cli.font_dir,
        threads: cli.threads,
        broad: cli.broad,
        kinds: cli.kinds.into_iter().flatten().collect(),
        units_table: cli.units_table.map(|t| match t.as_str() {
            "checkout" => PathBuf::from(hoso_testdata::units::CHECKOUT_TABLE),
            _ => PathBuf::from(t),
        }),
    };
    let start = Instant::now();
    match generate(&opts) {
        Ok(specimens) => {
            for s in &specimens {
                println!("{s}");
            }
            let bytes: u64 = specimens.iter().map(|s| s.size_bytes).sum();
            eprintln!(
                "wrote {} specimens ({:.1} MB) to {} in {:.1}s",
                specimens.len(),
                bytes as f64 / 1_048_576.0,
                opts.out_dir.display(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hoso-testdata: {e}");
            ExitCode::FAILURE
        }
    }
}
