//! `hoso audit`: the tamper-evident log for auditors, run by whoever holds the server's
//! settings (acting as the system), except `verify-receipt`, which needs nothing but a
//! receipt and a public key.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use hoso_audit::keys::SigningKey;
use hoso_audit::receipt::Receipt;
use hoso_audit::time::rfc3339;
use hoso_pipeline::access::Caller;
use hoso_pipeline::audit::Auditor;
use hoso_pipeline::ports::ObjectKey;
use hoso_pipeline::provenance::Provenance;
use hoso_pipeline::MediaType;

use crate::backends::{write_key_file, Backends};
use crate::config::Settings;

fn auditor(backends: &Backends) -> anyhow::Result<&Auditor> {
    backends
        .service
        .auditor()
        .context("the audit log is not configured")
}

/// Prints the log's public key, the one auditors verify with.
pub async fn key(settings: Settings) -> anyhow::Result<ExitCode> {
    let key = crate::backends::signing_key(&settings.audit)?;
    println!("{}", key.verifier_key());
    Ok(ExitCode::SUCCESS)
}

pub async fn checkpoint(settings: Settings) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let c = backends.service.audit_sign(&Caller::system()).await?;
    eprintln!(
        "checkpoint {} over {} entries, {}",
        c.id,
        c.tree_size,
        rfc3339(c.created_at_ms)
    );
    print!("{}", c.note);
    Ok(ExitCode::SUCCESS)
}

pub async fn verify(
    settings: Settings,
    trusted_key: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let started = std::time::Instant::now();
    let report = backends
        .service
        .audit_verify(&Caller::system(), trusted_key)
        .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
        eprintln!("verified in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A record id as given, or the record a document id (as `hoso list` prints it) was
/// made into.
async fn resolve_record(backends: &Backends, id: &str) -> anyhow::Result<String> {
    if id.starts_with("r-") {
        return Ok(id.to_string());
    }
    let document = backends
        .service
        .catalog()
        .document(id)
        .await?
        .with_context(|| format!("{id} is neither a record id (r-…) nor a document id"))?;
    let registry = backends
        .service
        .registry()
        .context("the registry is not configured")?;
    registry
        .records_of_original(&document.source)
        .await?
        .into_iter()
        .find(|r| r.documents.iter().any(|d| d.id == id))
        .map(|r| r.id)
        .with_context(|| format!("document {id} was made into no record (an unknown type?)"))
}

pub async fn receipt(settings: Settings, id: &str, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let record_id = resolve_record(&backends, id).await?;
    let record_id = record_id.as_str();
    let receipt = backends
        .service
        .audit_receipt(&Caller::system(), record_id)
        .await?;
    let path = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{record_id}.tlog-proof")));
    std::fs::write(&path, receipt.to_text())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let key = auditor(&backends)?
        .verifier_key()
        .unwrap_or_default()
        .to_string();
    eprintln!(
        "wrote {} ({} entries of record {record_id}); check it anywhere with:\n  hoso audit verify-receipt {} --key {key}",
        path.display(),
        receipt.proofs.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks a receipt with the public key alone: no settings, no database.
pub fn verify_receipt(file: &Path, key: &str) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let receipt = Receipt::parse(&text)?;
    match receipt.verify(key) {
        Ok(v) => {
            println!(
                "valid: {} entries are in the log {} of {} entries (root {})",
                v.entries.len(),
                v.head.origin,
                v.head.size,
                hoso_audit::tree::to_base64(&v.head.root)
            );
            for (index, e) in &v.entries {
                let role = if e.role.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", e.role)
                };
                let about = [
                    e.record.as_deref().map(|r| format!(" record {r}")),
                    e.subject.as_deref().map(|s| format!(" subject {s}")),
                ]
                .into_iter()
                .flatten()
                .collect::<String>();
                println!(
                    "  #{index} {} {}{role} {}{about} {}",
                    e.at, e.actor, e.action, e.detail
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("INVALID: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub async fn rotate_key(settings: Settings) -> anyhow::Result<ExitCode> {
    if settings.audit.key_env.is_some() {
        anyhow::bail!(
            "the signing key comes from HOSO_AUDIT_KEY: rotate with a key file (audit.key_file), or rotate \
             and replace the variable yourself"
        );
    }
    let key_file = settings.audit.key_file.clone();
    let origin = settings.audit.origin.clone();
    let backends = Backends::open(settings).await?;
    let new = SigningKey::generate(&origin)?;
    let handover = auditor(&backends)?.rotate_key(&new, "system").await?;
    write_key_file(&key_file, &new)?;
    eprintln!(
        "rotated: checkpoint {} over {} entries is the old key's last; {} now holds the new key",
        handover.id,
        handover.tree_size,
        key_file.display()
    );
    println!("{}", new.verifier_key());
    Ok(ExitCode::SUCCESS)
}

pub async fn trace(settings: Settings, id: &str, crops: Option<&Path>) -> anyhow::Result<ExitCode> {
    let limits = settings.limits;
    let backends = Backends::open(settings).await?;
    let record_id = resolve_record(&backends, id).await?;
    let p = backends
        .service
        .provenance(&Caller::system(), &record_id)
        .await?;
    print_trace(&p);
    if let Some(dir) = crops {
        write_crops(&backends, &p, dir, &limits).await?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_trace(p: &Provenance) {
    let r = &p.record;
    let subjects: Vec<String> = r.subjects.iter().map(|s| s.qualified()).collect();
    println!(
        "record {} ({}, {}) about {}",
        r.id,
        r.document_type.as_str(),
        r.status.as_str(),
        subjects.join(", ")
    );
    for d in &p.documents {
        println!(
            "  document {} ({}, pages {}) of original sha256:{} ({}, object {})",
            d.id,
            d.document_type.as_deref().unwrap_or("?"),
            super::pages_label(&d.pages),
            d.sha256,
            d.file_name.as_deref().unwrap_or("?"),
            d.object_key
        );
        if let Some(x) = &d.extraction {
            println!(
                "    read by job {} attempt {} on worker {}",
                x.job, x.attempt, x.worker
            );
            println!("    engines {}", x.engines);
        }
    }
    for f in &p.fields {
        println!(
            "  field {} = {:?} ({}, confidence {:.2})",
            f.key,
            f.value,
            f.method.as_str(),
            f.confidence
        );
        for e in &f.evidence {
            let b: [f64; 4] = e.bbox.into();
            println!(
                "    ← page {} [{:.3} {:.3} {:.3} {:.3}] of {} read {:?}",
                e.page,
                b[0],
                b[1],
                b[2],
                b[3],
                e.document_id.as_deref().unwrap_or("?"),
                e.raw
            );
        }
        for d in &f.informed_by {
            println!("    ← informed by document {d} of the same file");
        }
        for c in &f.corrections {
            println!(
                "    ✎ corrected by {} at {}: {:?} → {:?}{}",
                c.by,
                rfc3339(c.at_ms),
                c.old_value.as_deref().unwrap_or(""),
                c.new_value,
                c.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
    }
    for ev in &p.history {
        println!("  history {} {} {:?}", rfc3339(ev.at_ms), ev.actor, ev.kind);
    }
}

/// Writes `<field>-<n>.png` for each piece of evidence: the page region it was read from.
async fn write_crops(
    backends: &Backends,
    p: &Provenance,
    dir: &Path,
    limits: &hoso_pipeline::Limits,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let store = backends.service.store();
    let mut written = 0;
    for f in &p.fields {
        for (i, e) in f.evidence.iter().enumerate() {
            let Some(sha) = &e.sha256 else { continue };
            let hash: hoso_pipeline::ContentHash =
                sha.parse().map_err(|_| anyhow::anyhow!("bad hash {sha}"))?;
            let original = backends
                .service
                .catalog()
                .original(&hash)
                .await?
                .with_context(|| format!("original {sha} is not in the catalog"))?;
            let bytes = store.get(&ObjectKey::original(&hash)).await?;
            let rotation = page_rotation(backends, &hash, e.page).await;
            let media: MediaType = original.media_type;
            let (page, bbox, limits) = (e.page, e.bbox, *limits);
            let png = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
                let image =
                    hoso_workers::crops::page_image(media, &bytes, page, rotation, &limits)?;
                Ok(hoso_workers::crops::png(&hoso_workers::crops::crop(
                    &image, bbox, 0.01,
                ))?)
            })
            .await??;
            let path = dir.join(format!("{}-{}.png", f.key, i + 1));
            std::fs::write(&path, png)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written += 1;
        }
    }
    eprintln!("wrote {written} crops to {}", dir.display());
    Ok(())
}

/// The turn applied to a page before it was read, from the stored page reading.
async fn page_rotation(backends: &Backends, hash: &hoso_pipeline::ContentHash, page: u32) -> f32 {
    let key = ObjectKey::derivative(hash, hoso_pipeline::ports::DerivativeKind::PageText);
    let Ok(bytes) = backends.service.store().get(&key).await else {
        return 0.0;
    };
    let Ok(pages) = serde_json::from_slice::<Vec<hoso_extractors::PageText>>(&bytes) else {
        return 0.0;
    };
    pages
        .iter()
        .find(|p| p.page == page)
        .map(|p| p.rotation)
        .unwrap_or(0.0)
}
