//! `hoso bench audit`: what the audit log costs. Record operations (a completed job
//! making a record, a correction, a verification) timed with and without their audit
//! entries, in pairs on the same database; `hoso audit verify` over a log
//! of N entries; inclusion proofs served from that log. Use a scratch database.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use hoso_audit::entry::Entry;
use hoso_extractors::{BBox, DocumentType, Evidence, ExtractedDocument, Field, FieldKey, Method};
use hoso_pipeline::access::Caller;
use hoso_pipeline::audit::{entry, AuditLog};
use hoso_pipeline::ports::{Catalog, NewOriginal};
use hoso_pipeline::registry::Registry;
use hoso_pipeline::{ContentHash, ExtractionResult, MediaType, SourceInfo};
use hoso_storage::SqlCatalog;
use rand::Rng;
use serde_json::json;

use crate::backends::Backends;
use crate::config::{Database, Settings};

async fn open_catalog(settings: &Settings) -> anyhow::Result<SqlCatalog> {
    Ok(match &settings.database {
        Database::Sqlite => {
            std::fs::create_dir_all(&settings.data_dir)?;
            SqlCatalog::open(&settings.data_dir.join("hoso.db")).await?
        }
        Database::Postgres {
            url,
            max_connections,
            ..
        } => {
            let pool = hoso_storage::PgPoolSettings {
                max_connections: *max_connections,
                ..Default::default()
            };
            SqlCatalog::connect(url, pool).await?
        }
    })
}

fn card(number: &str) -> ExtractedDocument {
    let field = |v: &str| Field {
        value: v.to_string(),
        confidence: 0.95,
        method: Method::Ocr,
        evidence: vec![Evidence {
            page: 1,
            bbox: BBox {
                x0: 0.1,
                y0: 0.2,
                x1: 0.5,
                y1: 0.25,
            },
            raw: v.to_string(),
        }],
    };
    ExtractedDocument {
        document_type: DocumentType::CitizenId,
        pages: vec![1],
        confidence: 0.95,
        fields: [
            (FieldKey::IdNumber, number),
            (FieldKey::FullName, "NGUYỄN VĂN AN"),
            (FieldKey::DateOfBirth, "1990-01-02"),
            (FieldKey::Sex, "male"),
        ]
        .into_iter()
        .map(|(k, v)| (k, field(v)))
        .collect(),
        warnings: Vec::new(),
    }
}

/// One record's life: its job completes (the record is made), a field is corrected, the
/// record is verified. Returns the time the three took.
async fn lifecycle(c: &SqlCatalog, tag: &str, i: usize) -> anyhow::Result<Duration> {
    let hash = ContentHash::of(format!("bench audit {tag} {i}").as_bytes());
    c.register_original(&NewOriginal {
        hash,
        file_name: format!("card-{i}.png"),
        media_type: MediaType::Png,
        byte_size: 1,
    })
    .await?;
    let job = c
        .claim_job("bench", Duration::from_secs(60))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the job just queued is not claimable"))?;
    let number = format!(
        "{:012}",
        rand::thread_rng().gen_range(0..1_000_000_000_000u64)
    );
    let result = ExtractionResult {
        source: SourceInfo {
            sha256: hash.to_hex(),
            file_name: job.file_name.clone(),
            media_type: "image/png".into(),
            pages: 1,
        },
        documents: vec![card(&number)],
    };
    let started = Instant::now();
    c.complete_job(&job, &result, "{}").await?;
    let record = c
        .records_of_original(&hash)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no record was made"))?;
    c.correct_field(
        &record.id,
        "full_name",
        "NGUYỄN VĂN ANH",
        Some("bench"),
        "clerk",
    )
    .await?;
    c.verify(&record.id, "clerk").await?;
    Ok(started.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

pub async fn audit(
    settings: Settings,
    rounds: usize,
    ops: usize,
    entries: u64,
    proofs: usize,
) -> anyhow::Result<ExitCode> {
    if rounds == 0 || ops == 0 || proofs == 0 {
        anyhow::bail!("--rounds, --ops and --proofs must each be at least 1");
    }
    let with = open_catalog(&settings).await?;
    let without = with.clone().without_audit();
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();

    println!("## record operations (complete + correct + verify), {rounds} rounds of {ops} pairs");
    // Paired: each lifecycle with the log runs next to one without, in an order that
    // alternates, on the same database, so a burst of noise from the shared machine or
    // the database's growth falls on both halves of a pair rather than on one round.
    let (mut on, mut off, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let tag = format!("{run} {r}");
        for i in 0..ops {
            let audited_first = (r + i) % 2 == 0;
            let (a, b) = if audited_first {
                (&with, &without)
            } else {
                (&without, &with)
            };
            let first = lifecycle(a, &format!("{tag} {audited_first}"), i).await?;
            let second = lifecycle(b, &format!("{tag} {}", !audited_first), i).await?;
            let (t_on, t_off) = if audited_first {
                (first, second)
            } else {
                (second, first)
            };
            added.push(t_on.as_secs_f64() - t_off.as_secs_f64());
            on.push(t_on);
            off.push(t_off);
        }
    }
    let (m_on, m_off) = (median(on), median(off));
    added.sort_unstable_by(f64::total_cmp);
    let m_added = added[added.len() / 2];
    let off_secs = m_off.as_secs_f64().max(f64::EPSILON);
    println!("| | median per record |");
    println!("|---|---:|");
    println!("| without the log | {:.3} ms |", off_secs * 1e3);
    println!("| with the log | {:.3} ms |", m_on.as_secs_f64() * 1e3);
    println!(
        "| added (medians) | {:+.1}% |",
        (m_on.as_secs_f64() / off_secs - 1.0) * 100.0
    );
    println!(
        "| added (median of pairs) | {:+.3} ms, {:+.1}% |",
        m_added * 1e3,
        m_added / off_secs * 100.0
    );

    if entries > 0 {
        let have = with.integrate().await?;
        if have < entries {
            println!("\nfilling the log to {entries} entries ...");
            let filled = Instant::now();
            let mut written = have;
            while written < entries {
                let n = (entries - written).min(10_000) as usize;
                let batch: Vec<Entry> = (0..n)
                    .map(|k| {
                        let i = written as usize + k;
                        entry(
                            "clerk-1",
                            "clerk",
                            "record.read",
                            Some(&format!("r-{}", i % 100_000)),
                            Some("citizen:001090000001"),
                            json!({"endpoint": "GET /api/v1/records/{id}", "i": i}),
                        )
                    })
                    .collect();
                with.append_many(&batch).await?;
                with.integrate().await?;
                written += n as u64;
            }
            println!("filled in {:.1} s", filled.elapsed().as_secs_f64());
        }
        let backends = Backends::open(settings).await?;
        let service = &backends.service;
        let auditor = service
            .auditor()
            .ok_or_else(|| anyhow::anyhow!("no audit log"))?;
        let checkpoint = auditor.latest().await?;
        let started = Instant::now();
        let report = auditor.verify(None).await?;
        let secs = started.elapsed().as_secs_f64();
        println!("\n## hoso audit verify");
        println!("| entries | checkpoints | seconds | intact |");
        println!("|---:|---:|---:|---|");
        println!(
            "| {} | {} | {secs:.1} | {} |",
            report.entries,
            report.checkpoints,
            report.is_intact()
        );

        let size = checkpoint.tree_size;
        let mut times = Vec::with_capacity(proofs);
        let mut rng = rand::thread_rng();
        for _ in 0..proofs {
            let index = rng.gen_range(0..size);
            let started = Instant::now();
            let proof = service
                .audit_inclusion(&Caller::system(), index, size)
                .await?;
            times.push(started.elapsed());
            std::hint::black_box(proof);
        }
        println!("\n## inclusion proofs (service layer, {proofs} random leaves of {size})");
        println!("| p50 | p99 | max |");
        println!("|---:|---:|---:|");
        let (p50, p99) = (percentile(&mut times, 0.5), percentile(&mut times, 0.99));
        println!(
            "| {:.3} ms | {:.3} ms | {:.3} ms |",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
    Ok(ExitCode::SUCCESS)
}
