mod eval;
mod extract;
mod ingest;
mod list;

use std::process::ExitCode;

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
