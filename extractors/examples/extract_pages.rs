//! Runs the extractors over a page-engine reading and prints the documents as JSON:
//! `cargo run -p hoso-extractors --example extract_pages -- pages.json`, where
//! `pages.json` is what `hoso extract FILE --pages pages.json` wrote (the fixtures' input
//! format). For working on a rule against one real reading without running OCR again.
//! With `--lines` it prints each page's visual lines, as the rules see them, instead.

use std::process::ExitCode;

use hoso_extractors::layout::Layout;
use hoso_extractors::reread::Rereading;
use hoso_extractors::{extract_documents, PageText};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines = args.iter().any(|a| a == "--lines");
    let Some(path) = args.iter().find(|a| *a != "--lines") else {
        eprintln!("usage: extract_pages [--lines] PAGES.json");
        return ExitCode::from(2);
    };
    let pages: Vec<PageText> = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if lines {
        for page in &pages {
            for (i, line) in Layout::from_page(page).lines.iter().enumerate() {
                println!(
                    "{}:{i:3} y={:.3} x={:.3} | {}",
                    page.page,
                    line.bbox.y0,
                    line.bbox.x0,
                    line.text()
                );
            }
        }
        return ExitCode::SUCCESS;
    }
    // What the worker would read again, so a rule on that path can be followed too.
    for page in &pages {
        let mut plan = Rereading::new(page.clone());
        while let Some(step) = plan.next_step() {
            for attempt in &step.attempts {
                eprintln!("page {}: {}: {:?}", page.page, step.name, attempt.look);
            }
        }
    }
    match serde_json::to_string_pretty(&extract_documents(&pages)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot print the documents: {e}");
            ExitCode::FAILURE
        }
    }
}
