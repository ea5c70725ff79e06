use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use hoso_extractors::PageText;
use hoso_pipeline::eval::{Scoreboard, Tally, Truth, UnitsScore};
use hoso_pipeline::service::{analyse, extraction_of};
use hoso_pipeline::{ContentHash, Limits, MediaType};
use hoso_workers::{EngineConfig, LocalPageEngine};
use serde_json::json;

use crate::config::Settings;

struct Sample {
    file: PathBuf,
    truth: PathBuf,
}

fn find_samples(dir: &Path) -> anyhow::Result<Vec<Sample>> {
    Ok(super::files_under(dir)?
        .into_iter()
        .filter_map(|truth| {
            let file = PathBuf::from(truth.to_str()?.strip_suffix(super::TRUTH_SUFFIX)?);
            file.is_file().then_some(Sample { file, truth })
        })
        .collect())
}

/// Runs extraction over every sample with ground truth, on parallel engine threads.
///
/// With `pages_cache`, each file's engine reading is kept by content hash and replayed
/// on later runs, so a change to the extractors is scored in seconds. The replayed boxes
/// are rounded to four decimals as in the fixtures, which can flip a borderline
/// geometric decision (one field in 2,456 on the tuning seed).
pub async fn run(
    settings: &Settings,
    dir: &Path,
    workers: Option<usize>,
    as_json: bool,
    show_misses: bool,
    pages_cache: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let samples = find_samples(dir)?;
    if let Some(cache) = pages_cache {
        std::fs::create_dir_all(cache)
            .with_context(|| format!("cannot create the pages cache {}", cache.display()))?;
    }
    let cache = pages_cache.map(Path::to_path_buf);
    anyhow::ensure!(
        !samples.is_empty(),
        "no samples with {} files under {}",
        super::TRUTH_SUFFIX,
        dir.display()
    );
    let workers = workers
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let config = EngineConfig {
        ocr_languages: settings.workers.ocr_languages.clone(),
    };
    let total = samples.len();
    let crosswalk = crate::units::load(&settings.units)?;
    let (board, busy, wall) = tokio::task::spawn_blocking(move || {
        score(
            samples,
            workers,
            &config,
            cache.as_deref(),
            crosswalk.as_ref(),
        )
    })
    .await
    .context("evaluation stopped")??;
    report(&board, total, busy, wall, workers, as_json, show_misses)?;
    Ok(ExitCode::SUCCESS)
}

fn score(
    samples: Vec<Sample>,
    workers: usize,
    config: &EngineConfig,
    pages_cache: Option<&Path>,
    crosswalk: Option<&hoso_units::Crosswalk>,
) -> anyhow::Result<(Scoreboard, Duration, Duration)> {
    let queue = Mutex::new(samples);
    let board = Mutex::new(Scoreboard::default());
    let busy = Mutex::new(Duration::ZERO);
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    let mut engine = LocalPageEngine::new(config)?;
                    loop {
                        let next = queue.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.pop();
                        let Some(sample) = next else { return Ok(()) };
                        let t0 = Instant::now();
                        let outcome = evaluate_one(&mut engine, &sample, pages_cache);
                        let spent = t0.elapsed();
                        *busy.lock().map_err(|_| anyhow::anyhow!("poisoned"))? += spent;
                        let mut b = board.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                        let name = sample.file.display().to_string();
                        match outcome {
                            Ok((truth, result)) => {
                                b.record(&name, &truth, &result);
                                if let Some(crosswalk) = crosswalk {
                                    b.record_units(&name, &truth, &result, crosswalk);
                                }
                            }
                            Err(e) => b.record_error(&name, &format!("{e:#}")),
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("an evaluation thread panicked"))??;
        }
        Ok(())
    })?;
    let wall = started.elapsed();
    let board = board
        .into_inner()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    let busy = busy.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
    Ok((board, busy, wall))
}

fn evaluate_one(
    engine: &mut LocalPageEngine,
    sample: &Sample,
    pages_cache: Option<&Path>,
) -> anyhow::Result<(Truth, hoso_pipeline::ExtractionResult)> {
    let truth: Truth = serde_json::from_slice(&std::fs::read(&sample.truth)?)
        .with_context(|| format!("bad truth file {}", sample.truth.display()))?;
    let bytes = std::fs::read(&sample.file)?;
    let media = MediaType::sniff(&bytes).context("not a pdf, jpeg, png or tiff")?;
    let name = sample
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let hash = ContentHash::of(&bytes);
    let cached = pages_cache.map(|dir| dir.join(format!("{}.json", hash.to_hex())));
    if let Some(path) = cached.as_deref().filter(|p| p.is_file()) {
        let pages: Vec<PageText> = serde_json::from_slice(&std::fs::read(path)?)
            .with_context(|| format!("bad cached pages {}", path.display()))?;
        let result = extraction_of(&hash, &name, media, pages.len() as u32, &pages);
        return Ok((truth, result));
    }
    let (result, pages) = analyse(
        engine,
        &hash,
        &name,
        media,
        &sample.file,
        &Limits::default(),
    )?;
    if let Some(path) = cached {
        std::fs::write(&path, serde_json::to_vec(&pages)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok((truth, result))
}

fn pct(t: &Tally) -> String {
    t.rate()
        .map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn tally_json(t: &Tally) -> serde_json::Value {
    json!({"correct": t.correct, "total": t.total, "accuracy": t.rate()})
}

fn units_json(score: &UnitsScore, with_misses: bool) -> serde_json::Value {
    let qualities: serde_json::Map<_, _> = score
        .per_quality
        .iter()
        .map(|(q, t)| (q.clone(), tally_json(t)))
        .collect();
    let levels: serde_json::Map<_, _> = score
        .per_level
        .iter()
        .map(|(l, t)| (l.to_string(), tally_json(t)))
        .collect();
    let misses: Vec<serde_json::Value> = if with_misses {
        score
            .misses
            .iter()
            .map(|m| {
                json!({"file": m.file, "field": m.field, "level": m.level,
                       "value": m.value, "expected": m.expected, "got": m.got})
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "units": tally_json(&score.units),
        "per_quality": qualities,
        "per_level": levels,
        "wrong": score.wrong,
        "splits": score.splits,
        "split_guesses": score.split_guesses,
        "misses": misses,
    })
}

fn report(
    b: &Scoreboard,
    files: usize,
    busy: Duration,
    wall: Duration,
    workers: usize,
    as_json: bool,
    show_misses: bool,
) -> anyhow::Result<()> {
    let pages = b.pages.max(1) as f64;
    let secs_per_page = busy.as_secs_f64() / pages;
    let wall_per_page = wall.as_secs_f64() / pages;
    if as_json {
        let map = |m: &std::collections::BTreeMap<String, Tally>| {
            m.iter()
                .map(|(k, v)| (k.clone(), tally_json(v)))
                .collect::<serde_json::Map<_, _>>()
        };
        let out = json!({
            "files": files,
            "pages": b.pages,
            "classification": tally_json(&b.classification),
            "fields": tally_json(&b.fields),
            "per_type": map(&b.per_type),
            "per_field": map(&b.per_field),
            "per_quality": map(&b.per_quality),
            "unexpected_fields": b.unexpected_fields,
            "errors": b.errors.iter().map(|(f, e)| json!({"file": f, "error": e})).collect::<Vec<_>>(),
            "misses": b.misses.iter().map(|m| json!({
                "file": m.file, "quality": m.quality, "field": m.field,
                "expected": m.expected, "got": m.got,
            })).collect::<Vec<_>>(),
            "units_from_truth": units_json(&b.units_from_truth, show_misses),
            "units_from_reading": units_json(&b.units_from_reading, show_misses),
            "seconds_per_page": secs_per_page,
            "wall_seconds_per_page": wall_per_page,
            "workers": workers,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    for (heading, tallies) in [
        ("field", &b.per_field),
        ("document type", &b.per_type),
        ("quality", &b.per_quality),
    ] {
        let mut t = super::table(&[heading, "correct", "total", "accuracy"]);
        for (k, v) in tallies {
            t.add_row(vec![
                k.clone(),
                v.correct.to_string(),
                v.total.to_string(),
                pct(v),
            ]);
        }
        println!("{t}");
    }
    if show_misses {
        let mut misses: Vec<_> = b.misses.iter().collect();
        misses.sort_by(|a, b| (&a.field, &a.file).cmp(&(&b.field, &b.file)));
        for m in misses {
            println!(
                "miss: {} [{}] {}: expected {:?}, got {}",
                m.field,
                m.quality,
                m.file,
                m.expected,
                m.got
                    .as_deref()
                    .map_or("nothing".into(), |g| format!("{g:?}"))
            );
        }
    }
    for (f, e) in &b.errors {
        println!("error: {f}: {e}");
    }
    for (heading, score) in [
        ("from the printed value", &b.units_from_truth),
        ("from the value read", &b.units_from_reading),
    ] {
        if score.units.total == 0 {
            continue;
        }
        if show_misses {
            for m in &score.misses {
                println!(
                    "units miss ({heading}): {} {} {}: {:?} expected {}, got {}",
                    m.field,
                    m.level,
                    m.file,
                    m.value,
                    m.expected,
                    m.got.as_deref().unwrap_or("nothing")
                );
            }
        }
        let qualities: Vec<String> = score
            .per_quality
            .iter()
            .map(|(q, t)| format!("{q} {}", pct(t)))
            .collect();
        println!(
            "places as units {heading}: {} right ({}/{}; {}); {} given a wrong code; {} split commune(s), {} narrowed to one (a guess)",
            pct(&score.units),
            score.units.correct,
            score.units.total,
            qualities.join(", "),
            score.wrong,
            score.splits,
            score.split_guesses
        );
    }
    println!(
        "{files} file(s), {} page(s); classification {} ({}/{}); fields {} ({}/{}); {} field(s) emitted that the truth does not have",
        b.pages,
        pct(&b.classification),
        b.classification.correct,
        b.classification.total,
        pct(&b.fields),
        b.fields.correct,
        b.fields.total,
        b.unexpected_fields
    );
    println!(
        "{secs_per_page:.2} s per page on one engine thread; {wall_per_page:.2} s per page wall-clock with {workers} worker(s)"
    );
    Ok(())
}
