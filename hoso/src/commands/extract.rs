use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use hoso_pipeline::ports::ObjectKey;
use hoso_pipeline::service::{analyse, display_name};
use hoso_pipeline::ContentHash;

use crate::config::Settings;

/// Stores the original, then runs every page stage in this process and prints the result.
pub async fn run(
    settings: Settings,
    file: &Path,
    json: bool,
    pages_out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let crosswalk = crate::units::load(&settings.units)?;
    let embedded = crate::backends::Backends::open(settings).await?;
    let service = &embedded.service;
    let file_name = display_name(&file.to_string_lossy());
    let limit = service.limits().max_file_bytes;
    let bytes = tokio::task::block_in_place(|| super::read_bounded(file, &file_name, limit))?;
    let media = service.check_upload(&file_name, &bytes)?;
    let hash = ContentHash::of(&bytes);
    service
        .store()
        .put(&ObjectKey::original(&hash), &bytes)
        .await?;

    drop(bytes);

    let engines = embedded.engines();
    let limits = *service.limits();
    let name = file_name.clone();
    // The engine reads the file itself; it was checked above and is read again from disk.
    let source = file.to_path_buf();
    let (result, pages) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut engine = engines().map_err(anyhow::Error::msg)?;
        Ok(analyse(
            engine.as_mut(),
            &hash,
            &name,
            media,
            &source,
            &limits,
        )?)
    })
    .await
    .context("the page engine stopped")??;
    if let Some(out) = pages_out {
        std::fs::write(out, serde_json::to_vec_pretty(&pages)?)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }

    if json {
        let mut out = serde_json::to_value(&result)?;
        if let Some(crosswalk) = &crosswalk {
            for (doc, json) in result
                .documents
                .iter()
                .zip(out["documents"].as_array_mut().into_iter().flatten())
            {
                crate::units::annotate(crosswalk, doc, json);
            }
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{} ({}, {} page(s), sha256 {})",
            result.source.file_name, result.source.media_type, result.source.pages, hash
        );
        if result.documents.is_empty() {
            println!("no documents found");
        }
        for (i, doc) in result.documents.iter().enumerate() {
            super::print_document(&format!("document {}", i + 1), doc);
            if let Some(crosswalk) = &crosswalk {
                for line in crate::units::describe(crosswalk, doc) {
                    println!("{line}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
