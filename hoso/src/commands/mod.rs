mod eval;
mod extract;
mod ingest;
mod list;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use hoso_extractors::ExtractedDocument;

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract { ref file, json } => extract::run(&cli, file, json).await,
        Command::Ingest { ref paths, workers } => ingest::run(&cli, paths, workers).await,
        Command::List { json } => list::list(&cli, json).await,
        Command::Show { ref doc_id, json } => list::show(&cli, doc_id, json).await,
        Command::Eval {
            ref dir,
            workers,
            json,
        } => eval::run(&cli, dir, workers, json).await,
    }
}

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    t
}

pub fn pages_label(pages: &[u32]) -> String {
    pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The fields of a document as a table: key, value, confidence, method, where it was read.
pub fn fields_table(doc: &ExtractedDocument) -> Table {
    let mut t = table(&["field", "value", "conf", "method", "evidence"]);
    for (key, f) in &doc.fields {
        let evidence = f
            .evidence
            .first()
            .map(|e| {
                let b: [f64; 4] = e.bbox.into();
                format!(
                    "p{} [{:.2} {:.2} {:.2} {:.2}]",
                    e.page, b[0], b[1], b[2], b[3]
                )
            })
            .unwrap_or_default();
        t.add_row(vec![
            key.clone(),
            f.value.clone(),
            format!("{:.2}", f.confidence),
            f.method.as_str().to_string(),
            evidence,
        ]);
    }
    t
}

pub fn print_document(title: &str, doc: &ExtractedDocument) {
    println!(
        "{title}: {} (pages {}, confidence {:.2})",
        doc.document_type.as_str(),
        pages_label(&doc.pages),
        doc.confidence
    );
    if doc.fields.is_empty() {
        println!("  no fields read");
    } else {
        println!("{}", fields_table(doc));
    }
    for w in &doc.warnings {
        println!("  warning: {w}");
    }
}

/// Ground-truth sidecars of generated specimens sit beside the files they describe.
pub const TRUTH_SUFFIX: &str = ".truth.json";

/// Every regular file below `dir`, sorted, without hidden files. Symlinks are not followed,
/// so a folder cannot loop back on itself.
pub fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if hidden {
            continue;
        }
        if meta.is_dir() {
            walk(&p, out)?;
        } else if meta.is_file() {
            out.push(p);
        }
    }
    Ok(())
}
