//! `hoso report reuse`: how much of what procedures needed came from the registry.

use std::process::ExitCode;

use hoso_pipeline::access::Caller;
use hoso_pipeline::prefill::FieldOrigin;

use crate::backends::Backends;
use crate::config::Settings;

pub async fn reuse(settings: Settings, json: bool) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let report = backends.service.reuse_report(&Caller::system()).await?;
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let serde_json::Value::Object(m) = &mut value {
            m.insert("needed".to_string(), report.needed().into());
            m.insert("reuse_share".to_string(), report.reuse_share().into());
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = super::table(&[
        "dossier",
        "procedure",
        "subject",
        "reused",
        "new",
        "missing",
    ]);
    for d in &report.dossiers {
        let count = |pick: fn(&FieldOrigin) -> bool| {
            d.fields
                .iter()
                .filter(|f| pick(&f.origin))
                .count()
                .to_string()
        };
        t.add_row(vec![
            d.code.clone(),
            d.procedure_code.clone(),
            d.subject.clone(),
            count(|o| matches!(o, FieldOrigin::Reused { .. })),
            count(|o| matches!(o, FieldOrigin::New { .. })),
            count(|o| matches!(o, FieldOrigin::Missing)),
        ]);
    }
    println!("{t}");
    match report.reuse_share() {
        Some(share) => println!(
            "{} dossier(s), {} needed field(s): {} reused from the registry, {} from new documents, {} missing; reuse share {:.1}%",
            report.dossiers.len(),
            report.needed(),
            report.reused,
            report.new,
            report.missing,
            share * 100.0
        ),
        None => println!("no dossiers yet: nothing to report"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `hoso report open-data --out DIR`: one release of the open statistics.
pub async fn open_data(settings: Settings, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?.with_units()?;
    let files = crate::open_data::release(
        &backends.service,
        backends.service.crosswalk().map(|c| c.as_ref()),
        &backends.settings.open_data,
    )
    .await?;
    crate::open_data::write(out, &files)?;
    for file in &files {
        println!(
            "{}  {} bytes",
            out.join(&file.name).display(),
            file.bytes.len()
        );
    }
    println!(
        "{} file(s); counts below {} suppressed",
        files.len(),
        backends.settings.open_data.min_count
    );
    Ok(ExitCode::SUCCESS)
}
