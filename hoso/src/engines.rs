//! Construction of the native page engines for this process.

use std::sync::Arc;

use hoso_pipeline::ports::PageEngine;
use hoso_workers::pool::EngineFactory;
use std::process::ExitCode;

use hoso_workers::supervised::{protocol_stdout, serve_child};
use hoso_workers::{ChildCommand, EngineConfig, LocalPageEngine, StandInEngine, SupervisedEngine};

use crate::config::{EngineKind, Workers};

/// Debian's Tesseract is built with OpenMP, which makes recognition 4-8x slower on two
/// cores when several pages run at once. libgomp reads `OMP_THREAD_LIMIT` when it is
/// loaded, before `main`, so the only reliable fix is to re-execute with it set.
pub fn ensure_single_threaded_openmp() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("OMP_THREAD_LIMIT", "1")
                .exec();
            // exec only returns on failure; carry on, slower but correct.
            eprintln!("warning: could not re-execute with OMP_THREAD_LIMIT=1: {err}");
        }
    }
}

pub fn factory(workers: &Workers) -> EngineFactory {
    if workers.engine == EngineKind::StandIn {
        let delay = workers.stand_in;
        return Arc::new(move || Ok(Box::new(StandInEngine { delay }) as Box<dyn PageEngine>));
    }
    // PDFium and Tesseract run in a child process per worker: a file that crashes or
    // hangs them fails its own job, and the worker carries on with a fresh child.
    let command = match std::env::current_exe() {
        Ok(program) => ChildCommand {
            program,
            args: vec![
                "--ocr-languages".to_string(),
                workers.ocr_languages.clone(),
                "engine-child".to_string(),
            ],
            env: vec![
                ("OMP_THREAD_LIMIT".to_string(), "1".to_string()),
                // A crash report should carry the panic message, not a backtrace.
                ("RUST_BACKTRACE".to_string(), "0".to_string()),
            ],
        },
        Err(e) => {
            let message = format!("cannot find the hoso binary to start the page engine: {e}");
            return Arc::new(move || Err(message.clone()));
        }
    };
    Arc::new(move || Ok(Box::new(SupervisedEngine::new(command.clone())) as Box<dyn PageEngine>))
}

/// `hoso engine-child`: the native page engine serving its parent over stdin and stdout.
pub fn run_child(ocr_languages: &str) -> anyhow::Result<ExitCode> {
    let output = protocol_stdout()?;
    let mut engine = LocalPageEngine::new(&EngineConfig {
        ocr_languages: ocr_languages.to_string(),
    })?;
    serve_child(&mut engine, std::io::stdin().lock(), output)?;
    Ok(ExitCode::SUCCESS)
}

/// The command that starts the page renderer child (`hoso page-image`).
pub fn page_image_command() -> anyhow::Result<ChildCommand> {
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find the hoso binary to render pages: {e}"))?;
    Ok(ChildCommand {
        program,
        args: vec!["page-image".to_string()],
        env: vec![("RUST_BACKTRACE".to_string(), "0".to_string())],
    })
}

/// `hoso page-image`: one page image, request on stdin, PNG on stdout; the reason on
/// stderr and exit code 2 when the file cannot be rendered, 3 when rendering failed for a
/// passing reason.
pub fn run_page_image() -> anyhow::Result<ExitCode> {
    let output = protocol_stdout()?;
    Ok(ExitCode::from(hoso_workers::preview::serve_one(
        std::io::stdin().lock(),
        output,
    )?))
}
