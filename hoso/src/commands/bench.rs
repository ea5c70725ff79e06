//! `hoso bench queue`: claim-and-complete throughput of no-op jobs. `hoso bench
//! registry-seed`: the synthetic registry of the subject lookup load test.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_pipeline::ports::{Catalog, NewOriginal};
use hoso_pipeline::{ContentHash, ExtractionResult, MediaType, SourceInfo};
use hoso_storage::PgPoolSettings;
use hoso_storage::SqlCatalog;

use crate::config::{Database, Settings};

pub async fn queue(settings: Settings, jobs: usize, workers: &[usize]) -> anyhow::Result<ExitCode> {
    let Database::Postgres {
        url,
        max_connections,
        ..
    } = &settings.database
    else {
        anyhow::bail!(
            "the queue benchmark measures the postgresql queue: set database.url (HOSO_DATABASE_URL)"
        );
    };
    // The pool a worker process would have (database.max_connections), so that the
    // figures are those of the configuration that runs in production.
    let pool = PgPoolSettings {
        max_connections: *max_connections,
        ..PgPoolSettings::default()
    };
    let catalog = Arc::new(
        SqlCatalog::connect(url, pool)
            .await
            .context("setting database.url (HOSO_DATABASE_URL): cannot open the database")?,
    );
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    println!("| workers | jobs | seconds | jobs/s |");
    println!("|---:|---:|---:|---:|");
    for &n in workers {
        let n = n.max(1);
        // Registration is set-up, not measured.
        for i in 0..jobs {
            let hash = ContentHash::of(format!("bench {run_id} {n} {i}").as_bytes());
            catalog
                .register_original(&NewOriginal {
                    hash,
                    file_name: format!("bench-{i}.png"),
                    media_type: MediaType::Png,
                    byte_size: 1,
                })
                .await?;
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..n {
            let catalog = Arc::clone(&catalog);
            tasks.push(tokio::spawn(async move {
                let owner = format!("bench-w{w}");
                let mut done = 0usize;
                while let Some(job) = catalog.claim_job(&owner, Duration::from_secs(60)).await? {
                    let result = ExtractionResult {
                        source: SourceInfo {
                            sha256: job.hash.to_hex(),
                            file_name: job.file_name.clone(),
                            media_type: job.media_type.as_mime().to_string(),
                            pages: 1,
                        },
                        documents: Vec::new(),
                    };
                    catalog.complete_job(&job, &result, "bench no-op").await?;
                    done += 1;
                }
                anyhow::Ok(done)
            }));
        }
        let mut done = 0;
        for t in tasks {
            done += t.await??;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "| {n} | {done} | {secs:.2} | {:.0} |",
            done as f64 / secs.max(f64::EPSILON)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Records per subject in the seeded registry: a verified citizen id card and a verified
/// residence confirmation each, as after a citizen's first dossier.
const SEED_RECORDS_PER_SUBJECT: u64 = 2;
/// Rows per INSERT ... SELECT: big enough to be fast, small enough to show progress.
const SEED_BATCH: u64 = 50_000;

/// `hoso bench registry-seed`: fills the configured PostgreSQL database with synthetic
/// verified records (and the originals and documents they cite, so that a lookup does the
/// same work as on real data), then writes a sample of the subject ids. Rows are generated
/// by the server (`generate_series`) in batches: a million records take a minute or two
/// instead of a million round trips.
pub async fn registry_seed(
    settings: Settings,
    records: u64,
    subjects_out: &Path,
    sample: u64,
) -> anyhow::Result<ExitCode> {
    let Database::Postgres { url, .. } = &settings.database else {
        anyhow::bail!(
            "the registry benchmark seeds postgresql: set database.url (HOSO_DATABASE_URL)"
        );
    };
    // Opening the catalog applies the migrations.
    let catalog = SqlCatalog::connect(url, PgPoolSettings::default())
        .await
        .context("setting database.url (HOSO_DATABASE_URL): cannot open the database")?;
    let pool = catalog.pool().clone();
    let already: i64 =
        sqlx::query_scalar("SELECT count(*) FROM records WHERE verified_by = 'bench-seed'")
            .fetch_one(&pool)
            .await?;
    let already = u64::try_from(already).unwrap_or(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let started = Instant::now();
    let mut from = already;
    while from < records {
        let to = (from + SEED_BATCH).min(records);
        seed_batch(&pool, from, to, now).await?;
        from = to;
        eprint!(
            "\rseeded {from} of {records} records ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    sqlx::query("ANALYZE").execute(&pool).await?;
    let subjects = records / SEED_RECORDS_PER_SUBJECT;
    let step = (subjects / sample.max(1)).max(1);
    let mut out = String::new();
    let mut s = 0;
    while s < subjects && (s / step) < sample {
        out.push_str(&seed_subject(s));
        out.push('\n');
        s += step;
    }
    std::fs::write(subjects_out, out)
        .with_context(|| format!("cannot write {}", subjects_out.display()))?;
    println!(
        "{records} verified records about {subjects} citizens ({} new, {:.1} s); {} subject ids in {}",
        records.saturating_sub(already),
        started.elapsed().as_secs_f64(),
        sample.min(subjects),
        subjects_out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The 12-digit citizen number of synthetic subject `n`: province 001, then `n`.
fn seed_subject(n: u64) -> String {
    format!("001{:09}", n)
}

async fn seed_batch(pool: &sqlx::AnyPool, from: u64, to: u64, now: i64) -> anyhow::Result<()> {
    let (from, to) = (from as i64, to as i64 - 1);
    let mut tx = pool.begin().await?;
    // Record i is about subject i / 2; even ones are id cards, odd ones residence forms.
    // Its original's hash starts with i in hex, so that document ids (the hash's first 12
    // hex digits) are distinct.
    let series = "FROM generate_series($1::bigint, $2::bigint) AS i";
    let sha = "rpad(lpad(to_hex(i), 12, '0'), 64, 'b')";
    let subject = "'001' || lpad((i / 2)::text, 9, '0')";
    sqlx::query(&format!(
        "INSERT INTO originals (sha256, file_name, media_type, byte_size, page_count, status, created_at, updated_at) \
         SELECT {sha}, 'seed-' || i || '.jpg', 'image/jpeg', 250000, 1, 'processed', $3, $3 {series}"
    ))
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO documents (id, sha256, ordinal, document_type, pages, confidence, warnings, producer, created_at) \
         SELECT lpad(to_hex(i), 12, '0') || '-1', {sha}, 1, \
                CASE WHEN i % 2 = 0 THEN 'citizen_id' ELSE 'residence_confirmation' END, \
                '[1]', 0.95, '[]', 'bench seed', $3 {series}"
    ))
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let field = |key: &str, value: &str, method: &str| {
        format!(
            "'\"{key}\":{{\"value\":\"' || {value} || '\",\"confidence\":0.97,\"method\":\"{method}\",\
             \"evidence\":[{{\"page\":1,\"bbox\":[0.31,0.42,0.78,0.46],\"raw\":\"' || {value} || '\"}}]}}'"
        )
    };
    let name = "'NGUYỄN VĂN ' || i / 2";
    let dob = "to_char(date '1960-01-01' + (i / 2 % 15000)::int, 'YYYY-MM-DD')";
    let address = "'Số ' || (i % 300) || ' Lê Duẩn, Phường Tân An, Sơn Tây, Hà Nội'";
    let id_card = [
        field("date_of_birth", dob, "qr"),
        field("full_name", name, "qr"),
        field("id_number", subject, "qr"),
        field("nationality", "'Việt Nam'", "ocr"),
        field("place_of_residence", address, "qr"),
        field("sex", "'male'", "qr"),
    ]
    .join(" || ',' || ");
    let residence = [
        field("current_residence", address, "ocr"),
        field("full_name", name, "ocr"),
        field("household_head_name", name, "ocr"),
        field("id_number", subject, "ocr"),
        field("permanent_residence", address, "ocr"),
        field("relation_to_household_head", "'Chủ hộ'", "ocr"),
    ]
    .join(" || ',' || ");
    sqlx::query(&format!(
        "INSERT INTO records (id, document_type, status, content_key, fields, created_at, verified_at, verified_by) \
         SELECT 'r-seed-' || i, \
                CASE WHEN i % 2 = 0 THEN 'citizen_id' ELSE 'residence_confirmation' END, \
                'verified', md5('seed ' || i), \
                '{{' || CASE WHEN i % 2 = 0 THEN {id_card} ELSE {residence} END || '}}', \
                $3, $3, 'bench-seed' {series}"
    ))
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO record_subjects (record_id, kind, value) \
         SELECT 'r-seed-' || i, 'citizen', {subject} {series}"
    ))
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO record_documents (record_id, document_id, sha256, ordinal, linked_at) \
         SELECT 'r-seed-' || i, lpad(to_hex(i), 12, '0') || '-1', {sha}, 1, $3 {series}"
    ))
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
