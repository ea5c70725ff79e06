//! Construction of the native page engines for this process.

use std::sync::Arc;

use hoso_pipeline::ports::PageEngine;
use hoso_workers::pool::EngineFactory;
use hoso_workers::{EngineConfig, LocalPageEngine, StandInEngine};

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
    let ocr_languages = &workers.ocr_languages;
    let config = EngineConfig {
        ocr_languages: ocr_languages.to_string(),
    };
    Arc::new(move || {
        LocalPageEngine::new(&config)
            .map(|e| Box::new(e) as Box<dyn PageEngine>)
            .map_err(|e| e.to_string())
    })
}
