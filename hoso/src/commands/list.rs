use std::process::ExitCode;

use hoso_extractors::FieldKey;
use hoso_pipeline::ports::{DocumentRecord, OriginalStatus};
use serde_json::json;

use crate::config::Settings;

/// Fields worth a glance in a listing, in order of preference.
const HEADLINE_FIELDS: &[FieldKey] = &[
    FieldKey::IdNumber,
    FieldKey::PersonalIdNumber,
    FieldKey::EnterpriseCode,
    FieldKey::FullName,
    FieldKey::EnterpriseName,
    FieldKey::WifeFullName,
    FieldKey::HusbandFullName,
];

fn record_json(d: &DocumentRecord) -> serde_json::Value {
    json!({
        "id": d.id,
        "source": {"sha256": d.source.to_hex(), "file_name": d.file_name},
        "producer": d.producer,
        "document": d.document,
    })
}

pub async fn list(settings: Settings, as_json: bool) -> anyhow::Result<ExitCode> {
    let embedded = crate::backends::Backends::open(settings).await?;
    let catalog = embedded.service.catalog();
    let docs = catalog.documents().await?;
    let originals = catalog.originals().await?;
    let failed: Vec<_> = originals
        .iter()
        .filter(|o| o.status != OriginalStatus::Processed)
        .collect();
    if as_json {
        let out = json!({
            "documents": docs.iter().map(record_json).collect::<Vec<_>>(),
            "unprocessed_files": failed.iter().map(|o| json!({
                "sha256": o.hash.to_hex(),
                "file_name": o.file_name,
                "status": o.status.as_str(),
                "error": o.error,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = super::table(&["id", "type", "pages", "file", "fields", "headline"]);
    for d in &docs {
        let headline = HEADLINE_FIELDS
            .iter()
            .filter_map(|k| d.document.fields.get(k).map(|f| f.value.clone()))
            .take(2)
            .collect::<Vec<_>>()
            .join(" · ");
        t.add_row(vec![
            d.id.clone(),
            d.document.document_type.as_str().to_string(),
            super::pages_label(&d.document.pages),
            d.file_name.clone(),
            d.document.fields.len().to_string(),
            headline,
        ]);
    }
    println!("{t}");
    println!(
        "{} document(s) from {} file(s)",
        docs.len(),
        originals.len()
    );
    for o in failed {
        println!(
            "{} {} {}: {}",
            o.status.as_str(),
            o.hash.short(),
            o.file_name,
            o.error.as_deref().unwrap_or("waiting for a worker")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn show(settings: Settings, doc_id: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let crosswalk = crate::units::load(&settings.units)?;
    let embedded = crate::backends::Backends::open(settings).await?;
    let Some(d) = embedded.service.catalog().document(doc_id).await? else {
        eprintln!("error: no document {doc_id:?}; `hoso list` shows the ids");
        return Ok(ExitCode::from(1));
    };
    if as_json {
        let mut json = record_json(&d);
        if let Some(crosswalk) = &crosswalk {
            crate::units::annotate(crosswalk, &d.document, &mut json["document"]);
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!("{} from {} (sha256 {})", d.id, d.file_name, d.source);
        println!("produced by {}", d.producer);
        super::print_document("document", &d.document);
        if let Some(crosswalk) = &crosswalk {
            let lines = crate::units::describe(crosswalk, &d.document);
            if !lines.is_empty() {
                println!("places as units ({}):", crosswalk.version());
                for line in lines {
                    println!("{line}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
