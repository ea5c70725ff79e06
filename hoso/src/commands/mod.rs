mod audit;
mod bench;
mod bench_audit;
mod bench_web;
mod eval;
mod extract;
mod ingest;
mod list;
mod migrate;
mod report;
mod serve;
mod token;
mod units;
mod user;
mod worker;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use hoso_extractors::ExtractedDocument;

use crate::cli::{
    AuditCommand, BenchCommand, Cli, Command, ReportCommand, TokenCommand, UnitsCommand,
    UserCommand,
};
use crate::config::{Overrides, ProcessEnv, Settings};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let metrics_listen = match &cli.command {
        Command::Serve { metrics_listen, .. } | Command::Worker { metrics_listen, .. } => {
            metrics_listen.clone()
        }
        _ => None,
    };
    let overrides = Overrides {
        config: cli.config.clone(),
        data_dir: cli.data_dir.clone(),
        ocr_languages: cli.ocr_languages.clone(),
        workers: None,
        listen,
        metrics_listen,
    };
    // A receipt is checked with its key alone: no settings, no database.
    if let Command::Audit {
        what: AuditCommand::VerifyReceipt { file, key },
    } = &cli.command
    {
        return audit::verify_receipt(file, key);
    }
    // Bad settings stop every command before it touches anything.
    let settings = Settings::load(&overrides, &ProcessEnv)?;
    match cli.command {
        Command::Extract {
            ref file,
            json,
            ref pages,
        } => extract::run(settings, file, json, pages.as_deref()).await,
        Command::Ingest {
            ref paths,
            workers,
            queue_only,
        } => ingest::run(settings, paths, workers, queue_only).await,
        Command::List { json } => list::list(settings, json).await,
        Command::Show { ref doc_id, json } => list::show(settings, doc_id, json).await,
        Command::Eval {
            ref dir,
            workers,
            json,
            misses,
            ref pages_cache,
        } => {
            eval::run(
                &settings,
                dir,
                workers,
                json,
                misses,
                pages_cache.as_deref(),
            )
            .await
        }
        Command::Worker {
            concurrency, drain, ..
        } => worker::run(settings, concurrency, drain).await,
        Command::Migrate { wait, timeout_secs } => {
            migrate::run(settings, wait, std::time::Duration::from_secs(timeout_secs)).await
        }
        Command::Serve { no_workers, .. } => serve::run(settings, no_workers).await,
        Command::EngineChild => crate::engines::run_child(&settings.workers.ocr_languages),
        Command::PageImage => crate::engines::run_page_image(),
        Command::User { what } => match what {
            UserCommand::Create { name, role } => user::create(settings, &name, &role).await,
            UserCommand::Password { name } => user::password(settings, &name).await,
            UserCommand::List => user::list(settings).await,
        },
        Command::Bench {
            what: BenchCommand::Queue { jobs, ref workers },
        } => bench::queue(settings, jobs, workers).await,
        Command::Bench {
            what:
                BenchCommand::Audit {
                    rounds,
                    ops,
                    entries,
                    proofs,
                },
        } => bench_audit::audit(settings, rounds, ops, entries, proofs).await,
        Command::Bench {
            what:
                BenchCommand::Web {
                    records,
                    clerks,
                    seconds,
                    think_ms,
                },
        } => bench_web::web(settings, records, clerks, seconds, think_ms).await,
        Command::Bench {
            what:
                BenchCommand::RegistrySeed {
                    records,
                    ref subjects_out,
                    sample,
                },
        } => bench::registry_seed(settings, records, subjects_out, sample).await,
        Command::Token { what } => match what {
            TokenCommand::Create { name, role, types } => {
                token::create(settings, &name, &role, &types).await
            }
            TokenCommand::List { json } => token::list(settings, json).await,
            TokenCommand::Revoke { name } => token::revoke(settings, &name).await,
        },
        Command::Report {
            what: ReportCommand::Reuse { json },
        } => report::reuse(settings, json).await,
        Command::Report {
            what: ReportCommand::OpenData { out },
        } => report::open_data(settings, &out).await,
        Command::Units {
            what: UnitsCommand::Reconvert { dry_run, json },
        } => units::reconvert(settings, dry_run, json).await,
        Command::Audit { what } => match what {
            AuditCommand::Verify { key, json } => {
                audit::verify(settings, key.as_deref(), json).await
            }
            AuditCommand::Checkpoint => audit::checkpoint(settings).await,
            AuditCommand::Receipt { record_id, out } => {
                audit::receipt(settings, &record_id, out.as_deref()).await
            }
            AuditCommand::VerifyReceipt { file, key } => audit::verify_receipt(&file, &key),
            AuditCommand::Trace { record_id, crops } => {
                audit::trace(settings, &record_id, crops.as_deref()).await
            }
            AuditCommand::RotateKey => audit::rotate_key(settings).await,
            AuditCommand::Key => audit::key(settings).await,
        },
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
            key.to_string(),
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

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file_name}: not a regular file")]
    NotAFile { file_name: String },
    #[error("{file_name}: over the upload limit of {limit} bytes")]
    TooLarge { file_name: String, limit: u64 },
    #[error("{file_name}: cannot read: {source}")]
    Io {
        file_name: String,
        source: std::io::Error,
    },
}

/// Reads an upload from disk, never more than `limit` bytes, whatever the file claims to
/// be: a FIFO, `/dev/zero` or a file still growing cannot make hoso read without bound.
pub fn read_bounded(path: &Path, file_name: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io = |source| ReadError::Io {
        file_name: file_name.to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ReadError::NotAFile {
            file_name: file_name.to_string(),
        });
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            file_name: file_name.to_string(),
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_only_from_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.png");
        std::fs::write(&path, vec![7u8; 100]).unwrap();
        assert_eq!(read_bounded(&path, "scan.png", 100).unwrap().len(), 100);
        let err = read_bounded(&path, "scan.png", 99).unwrap_err();
        assert_eq!(
            err.to_string(),
            "scan.png: over the upload limit of 99 bytes"
        );
        let err = read_bounded(Path::new("/dev/zero"), "zero", 10).unwrap_err();
        assert_eq!(err.to_string(), "zero: not a regular file");
        let err = read_bounded(&dir.path().join("missing"), "missing", 10).unwrap_err();
        assert!(
            err.to_string().starts_with("missing: cannot read:"),
            "{err}"
        );
    }

    #[test]
    fn the_walk_skips_hidden_files_and_does_not_follow_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/2.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("1.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join(".hidden.png"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let files: Vec<_> = files_under(dir.path())
            .unwrap()
            .into_iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            files,
            vec![PathBuf::from("1.jpg"), PathBuf::from("a/b/2.pdf")]
        );
    }
}
