//! `hoso units reconvert`: every live record's places converted with the configured
//! table, stored with its version, and what changed listed.

use std::process::ExitCode;

use hoso_pipeline::access::Caller;

use crate::backends::Backends;
use crate::config::Settings;

pub async fn reconvert(settings: Settings, dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?.with_units()?;
    let report = backends
        .service
        .reconvert_places(&Caller::system(), hoso_pipeline::audit::now_ms(), dry_run)
        .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    if !report.changes.is_empty() {
        let mut t = super::table(&["record", "field", "before", "today's units", "note"]);
        for c in &report.changes {
            let codes = |v: &[String]| {
                if v.is_empty() {
                    "-".to_string()
                } else {
                    v.join(" | ")
                }
            };
            t.add_row(vec![
                c.record_id.clone(),
                c.key.clone(),
                match &c.before {
                    Some(version) => format!("{} by {version}", codes(&c.current_before)),
                    None => "not converted".to_string(),
                },
                codes(&c.current_after),
                c.choice_dropped
                    .as_ref()
                    .map(|code| format!("choice {code} no longer offered: choose again"))
                    .unwrap_or_default(),
            ]);
        }
        println!("{t}");
    }
    println!(
        "{} place field(s) of {} record(s) by {}: {} converted for the first time, {} changed, {} unchanged, {} not identified{}",
        report.fields,
        report.records,
        report.crosswalk,
        report.converted,
        report.changed,
        report.unchanged,
        report.unidentified,
        if dry_run { " (dry run: nothing stored)" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}
