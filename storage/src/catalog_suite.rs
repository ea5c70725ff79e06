//! The behaviour every `Catalog` backend must show.

use std::collections::BTreeMap;
use std::time::Duration;

use hoso_extractors::{BBox, DocumentType, Evidence, ExtractedDocument, Field, FieldKey, Method};
use hoso_pipeline::ports::{
    AttemptOutcome, Catalog, CatalogError, JobFate, NewOriginal, OriginalStatus, QueueCounts,
    Registration,
};
use hoso_pipeline::{ContentHash, ExtractionResult, MediaType, SourceInfo};

pub fn new_original(hash: &ContentHash) -> NewOriginal {
    NewOriginal {
        hash: *hash,
        file_name: "cccd mặt trước.jpg".to_string(),
        media_type: MediaType::Jpeg,
        byte_size: 1234,
    }
}

fn result_for(hash: &ContentHash) -> ExtractionResult {
    let mut fields = BTreeMap::new();
    fields.insert(
        FieldKey::IdNumber,
        Field {
            value: "001099012345".to_string(),
            confidence: 0.93,
            method: Method::Ocr,
            evidence: vec![Evidence {
                page: 1,
                bbox: BBox::new(0.1, 0.2, 0.3, 0.25),
                raw: "001099012345".to_string(),
            }],
        },
    );
    fields.insert(
        FieldKey::FullName,
        Field {
            value: "NGUYỄN VĂN AN".to_string(),
            confidence: 0.8,
            method: Method::Ocr,
            evidence: vec![],
        },
    );
    ExtractionResult {
        source: SourceInfo {
            sha256: hash.to_hex(),
            file_name: "cccd mặt trước.jpg".to_string(),
            media_type: "image/jpeg".to_string(),
            pages: 2,
        },
        documents: vec![
            ExtractedDocument {
                document_type: DocumentType::CitizenId,
                pages: vec![1],
                confidence: 0.9,
                fields,
                warnings: vec!["a warning".to_string()],
            },
            ExtractedDocument {
                document_type: DocumentType::Unknown,
                pages: vec![2],
                confidence: 0.0,
                fields: BTreeMap::new(),
                warnings: vec![],
            },
        ],
    }
}

const LEASE: Duration = Duration::from_secs(60);

pub async fn run(c: &dyn Catalog) {
    registration_is_idempotent(c).await;
    completes_with_results_in_one_step(c).await;
    stale_attempts_are_fenced(c).await;
    failures_retry_then_stick(c).await;
    released_jobs_run_again(c).await;
    a_job_handed_back_keeps_its_attempts(c).await;
    a_job_that_kills_every_worker_fails(c).await;
    hostile_text_round_trips(c).await;
}

async fn drain_claims(c: &dyn Catalog) {
    // Leave no claimable job behind for the next scenario.
    while let Some(job) = c.claim_job("janitor", LEASE).await.unwrap() {
        c.fail_job(&job, "drained by the test", None).await.unwrap();
    }
}

async fn registration_is_idempotent(c: &dyn Catalog) {
    let hash = ContentHash::of(b"registration");
    assert_eq!(
        c.register_original(&new_original(&hash)).await.unwrap(),
        Registration::New
    );
    match c.register_original(&new_original(&hash)).await.unwrap() {
        Registration::Known(rec) => {
            assert_eq!(rec.hash, hash);
            assert_eq!(rec.status, OriginalStatus::Queued);
            assert_eq!(rec.file_name, "cccd mặt trước.jpg");
            assert_eq!(rec.media_type, MediaType::Jpeg);
        }
        other => panic!("expected known, got {other:?}"),
    }
    let counts = c.queue_counts().await.unwrap();
    assert_eq!(
        counts.queued, 1,
        "a second registration must not queue a second job"
    );
    drain_claims(c).await;
}

async fn completes_with_results_in_one_step(c: &dyn Catalog) {
    let hash = ContentHash::of(b"complete");
    c.register_original(&new_original(&hash)).await.unwrap();
    let job = c
        .claim_job("w1", LEASE)
        .await
        .unwrap()
        .expect("a queued job");
    assert_eq!(job.hash, hash);
    assert_eq!(job.attempt, 1);
    assert_eq!(job.media_type, MediaType::Jpeg);
    assert!(
        c.claim_job("w2", LEASE).await.unwrap().is_none(),
        "claimed jobs are exclusive"
    );
    assert!(c.extend_lease(&job, LEASE).await.unwrap());

    let result = result_for(&hash);
    c.complete_job(&job, &result, "test-engine 1.0")
        .await
        .unwrap();

    let rec = c.original(&hash).await.unwrap().unwrap();
    assert_eq!(rec.status, OriginalStatus::Processed);
    assert_eq!(rec.pages, Some(2));
    let docs = c.documents_of(&hash).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, format!("{}-1", hash.short()));
    assert_eq!(docs[0].document, result.documents[0]);
    assert_eq!(docs[0].producer, "test-engine 1.0");
    assert_eq!(docs[1].document, result.documents[1]);
    let one = c.document(&docs[0].id).await.unwrap().unwrap();
    assert_eq!(
        one.document.fields[&FieldKey::FullName].value,
        "NGUYỄN VĂN AN"
    );
    assert!(c.document("nope-1").await.unwrap().is_none());
    assert!(c
        .documents()
        .await
        .unwrap()
        .iter()
        .any(|d| d.id == docs[1].id));
    assert!(
        !c.extend_lease(&job, LEASE).await.unwrap(),
        "a done job has no lease"
    );
}

async fn stale_attempts_are_fenced(c: &dyn Catalog) {
    let hash = ContentHash::of(b"fenced");
    c.register_original(&new_original(&hash)).await.unwrap();
    let stale = c
        .claim_job("slow", Duration::from_millis(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let fresh = c
        .claim_job("fast", LEASE)
        .await
        .unwrap()
        .expect("expired lease is reclaimed");
    assert_eq!(fresh.id, stale.id);
    assert_eq!(fresh.attempt, stale.attempt + 1);

    let err = c
        .complete_job(&stale, &result_for(&hash), "slow")
        .await
        .unwrap_err();
    assert!(matches!(err, CatalogError::LostLease { .. }), "{err}");
    assert_eq!(
        err.kind(),
        hoso_pipeline::ports::CatalogErrorKind::LostLease
    );
    assert!(c.fail_job(&stale, "late", None).await.is_err());
    assert!(!c.extend_lease(&stale, LEASE).await.unwrap());
    assert!(
        c.documents_of(&hash).await.unwrap().is_empty(),
        "the stale result left no trace"
    );

    c.complete_job(&fresh, &result_for(&hash), "fast")
        .await
        .unwrap();
    assert_eq!(c.documents_of(&hash).await.unwrap()[0].producer, "fast");

    let history: Vec<_> = c
        .attempts(&hash)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.attempt, a.worker, a.outcome))
        .collect();
    assert_eq!(
        history,
        vec![
            (1, "slow".to_string(), AttemptOutcome::Abandoned),
            (2, "fast".to_string(), AttemptOutcome::Done),
        ],
        "every attempt is kept, and exactly one is done"
    );
}

async fn failures_retry_then_stick(c: &dyn Catalog) {
    let hash = ContentHash::of(b"failing");
    c.register_original(&new_original(&hash)).await.unwrap();
    let mut attempts = 0;
    loop {
        let job = c.claim_job("w", LEASE).await.unwrap().expect("job is due");
        attempts += 1;
        assert_eq!(job.attempt, attempts);
        let fate = c
            .fail_job(&job, "engine hiccup", Some(Duration::ZERO))
            .await
            .unwrap();
        if fate == JobFate::Failed {
            break;
        }
        assert_eq!(fate, JobFate::Retrying);
    }
    assert_eq!(attempts, 3, "three attempts, then the job stays failed");
    let rec = c.original(&hash).await.unwrap().unwrap();
    assert_eq!(rec.status, OriginalStatus::Failed);
    assert_eq!(rec.error.as_deref(), Some("engine hiccup"));
    assert!(c.claim_job("w", LEASE).await.unwrap().is_none());

    // A retry delay keeps the job out of reach until it is due.
    let later = ContentHash::of(b"backoff");
    c.register_original(&new_original(&later)).await.unwrap();
    let job = c.claim_job("w", LEASE).await.unwrap().unwrap();
    let fate = c
        .fail_job(&job, "busy", Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    assert_eq!(fate, JobFate::Retrying);
    assert!(c.claim_job("w", LEASE).await.unwrap().is_none());

    // A permanent error fails at once, and a retry of the original starts afresh.
    c.retry_original(&hash).await.unwrap();
    assert_eq!(
        c.original(&hash).await.unwrap().unwrap().status,
        OriginalStatus::Queued
    );
    let job = c.claim_job("w", LEASE).await.unwrap().unwrap();
    assert_eq!(job.hash, hash);
    assert_eq!(
        job.attempt, 4,
        "attempt numbers keep growing across retries"
    );
    assert_eq!(
        c.fail_job(&job, "not a pdf", None).await.unwrap(),
        JobFate::Failed
    );
    let history: Vec<_> = c
        .attempts(&hash)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.outcome, a.error))
        .collect();
    let hiccup = Some("engine hiccup".to_string());
    assert_eq!(
        history,
        vec![
            (AttemptOutcome::Retrying, hiccup.clone()),
            (AttemptOutcome::Retrying, hiccup.clone()),
            (AttemptOutcome::Failed, hiccup),
            (AttemptOutcome::Failed, Some("not a pdf".to_string())),
        ]
    );

    // Retrying anything but a failed original changes nothing.
    let done = ContentHash::of(b"complete");
    c.retry_original(&done).await.unwrap();
    assert_eq!(
        c.original(&done).await.unwrap().unwrap().status,
        OriginalStatus::Processed
    );

    // `later` stays queued behind its backoff; retry is only for failed originals.
    c.retry_original(&later).await.unwrap();
    assert!(c.claim_job("w", LEASE).await.unwrap().is_none());
}

async fn released_jobs_run_again(c: &dyn Catalog) {
    let hash = ContentHash::of(b"released");
    c.register_original(&new_original(&hash)).await.unwrap();
    let before: QueueCounts = c.queue_counts().await.unwrap();
    let job = c.claim_job("dead worker", LEASE).await.unwrap().unwrap();
    assert_eq!(c.queue_counts().await.unwrap().running, 1);
    assert_eq!(c.release_running_jobs().await.unwrap(), 1);
    let again = c.claim_job("new worker", LEASE).await.unwrap().unwrap();
    assert_eq!(again.id, job.id);
    assert!(again.attempt > job.attempt);
    c.complete_job(&again, &result_for(&hash), "new")
        .await
        .unwrap();
    let after = c.queue_counts().await.unwrap();
    assert_eq!(after.done, before.done + 1);
    assert_eq!(after.running, 0);
    assert_eq!(after.queued, before.queued - 1);
    assert!(c.originals().await.unwrap().iter().any(|o| o.hash == hash));
}

async fn a_job_handed_back_keeps_its_attempts(c: &dyn Catalog) {
    let hash = ContentHash::of(b"handed back");
    c.register_original(&new_original(&hash)).await.unwrap();
    // More hand-backs than the policy's attempts: none of them counts.
    for _ in 0..5 {
        let job = c.claim_job("stopping", LEASE).await.unwrap().unwrap();
        let depth = c.queue_depth().await.unwrap();
        assert!(
            depth.iter().any(|d| d.state == "running" && d.jobs == 1),
            "{depth:?}"
        );
        assert!(c.release_job(&job, "the worker was stopped").await.unwrap());
        // Only once: the lease is gone with it.
        assert!(!c.release_job(&job, "again").await.unwrap());
        assert!(!c.extend_lease(&job, LEASE).await.unwrap());
    }
    let last = c
        .claim_job("next", LEASE)
        .await
        .unwrap()
        .expect("still claimable");
    let completion = c
        .complete_job(&last, &result_for(&hash), "next")
        .await
        .unwrap();
    // The citizen id's record: made, or linked when an earlier scenario made it.
    assert_eq!(completion.records_made + completion.records_linked, 1);
    let attempts = c.attempts(&hash).await.unwrap();
    let outcomes: Vec<_> = attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes.len(), 6);
    assert!(outcomes[..5]
        .iter()
        .all(|o| *o == AttemptOutcome::Abandoned));
    assert_eq!(outcomes[5], AttemptOutcome::Done);
    assert_eq!(attempts[0].error.as_deref(), Some("the worker was stopped"));
    assert_eq!(
        c.original(&hash).await.unwrap().unwrap().status,
        OriginalStatus::Processed
    );
    // The same content read again links to that record instead of making another.
    let again = ContentHash::of(b"handed back, scanned again");
    c.register_original(&new_original(&again)).await.unwrap();
    let job = c.claim_job("next", LEASE).await.unwrap().unwrap();
    let completion = c
        .complete_job(&job, &result_for(&again), "next")
        .await
        .unwrap();
    assert_eq!((completion.records_made, completion.records_linked), (0, 1));
}

async fn a_job_that_kills_every_worker_fails(c: &dyn Catalog) {
    let hash = ContentHash::of(b"poison");
    c.register_original(&new_original(&hash)).await.unwrap();
    for attempt in 1..=3 {
        let job = c
            .claim_job("doomed", LEASE)
            .await
            .unwrap()
            .expect("still claimable");
        assert_eq!(job.attempt, attempt);
        // The process dies; the next start releases what it left running.
        c.release_running_jobs().await.unwrap();
    }
    assert!(
        c.claim_job("next", LEASE).await.unwrap().is_none(),
        "poison is not handed out"
    );
    let rec = c.original(&hash).await.unwrap().unwrap();
    assert_eq!(rec.status, OriginalStatus::Failed);
    assert_eq!(
        rec.error.as_deref(),
        Some("the worker stopped during every attempt (3)")
    );

    // The same rule holds for leases that simply expire (several worker processes).
    let hash = ContentHash::of(b"poison by lease");
    c.register_original(&new_original(&hash)).await.unwrap();
    for _ in 1..=3 {
        c.claim_job("doomed", Duration::from_millis(1))
            .await
            .unwrap()
            .expect("claimable");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(c.claim_job("next", LEASE).await.unwrap().is_none());
    assert_eq!(
        c.original(&hash).await.unwrap().unwrap().status,
        OriginalStatus::Failed
    );
}

/// Names and text that would break a query built by pasting strings together. Every one
/// passes `display_name` (no path separator or control character reaches the catalog
/// through an upload; the pipeline's tests cover that), except the backslashes, which
/// other callers may still store. No NUL: PostgreSQL's TEXT cannot hold one, and
/// `display_name` strips it before a name gets here.
pub const HOSTILE_TEXT: &[&str] = &[
    "'; DROP TABLE originals; --.pdf",
    "\" OR 1=1 --.jpg",
    "x' OR 'x'='x",
    "Robert'); DROP TABLE jobs;--",
    "a\\b\\\\c\\'.png",
    "100%_done_%%.tif",
    "$1 $$ ?1 :name @p1 ?",
    "/* comment */ UNION SELECT sha256 FROM originals --",
    "hồ sơ 📄 ﷽ Ǆ.pdf",
    "\u{202e}fdp.exe",
    "line\u{2028}separator",
    "'",
    "''",
    "\\",
];

/// Stored text comes back exactly, and the tables stay whole, whatever the text holds.
async fn hostile_text_round_trips(c: &dyn Catalog) {
    let before = c.originals().await.unwrap();
    let docs_before = c.documents().await.unwrap().len();
    let mut mine = BTreeMap::new();
    for (i, name) in HOSTILE_TEXT.iter().enumerate() {
        let hash = ContentHash::of(format!("hostile {i}").as_bytes());
        let original = NewOriginal {
            file_name: name.to_string(),
            ..new_original(&hash)
        };
        assert_eq!(
            c.register_original(&original).await.unwrap(),
            Registration::New,
            "{name:?}"
        );
        let rec = c.original(&hash).await.unwrap().expect("registered");
        assert_eq!(rec.file_name, *name);
        mine.insert(hash, *name);
    }

    // Every job runs; its results carry the same text in every column they fill.
    let mut completed = 0;
    while let Some(job) = c.claim_job("w'; --", LEASE).await.unwrap() {
        let name = *mine.get(&job.hash).expect("only these jobs are claimable");
        assert_eq!(job.file_name, name);
        let mut result = result_for(&job.hash);
        result.source.file_name = name.to_string();
        let doc = &mut result.documents[0];
        doc.warnings = vec![name.to_string()];
        for field in doc.fields.values_mut() {
            field.value = name.to_string();
            for e in &mut field.evidence {
                e.raw = name.to_string();
            }
        }
        c.complete_job(&job, &result, name).await.unwrap();
        let docs = c.documents_of(&job.hash).await.unwrap();
        assert_eq!(docs.len(), 2, "{name:?}");
        assert_eq!(docs[0].document, result.documents[0], "{name:?}");
        assert_eq!(docs[0].file_name, name);
        assert_eq!(docs[0].producer, name);
        let one = c.document(&docs[0].id).await.unwrap().expect("by id");
        assert_eq!(one.document.fields[&FieldKey::FullName].value, name);
        // The text as an id finds nothing, and matches nothing by pattern.
        assert!(c.document(name).await.unwrap().is_none(), "{name:?}");
        completed += 1;
    }
    assert_eq!(completed, HOSTILE_TEXT.len());

    // The tables are all still there, with everything they held before.
    let after = c.originals().await.unwrap();
    assert_eq!(after.len(), before.len() + HOSTILE_TEXT.len());
    for old in &before {
        assert!(after
            .iter()
            .any(|o| o.hash == old.hash && o.file_name == old.file_name));
    }
    for (hash, name) in &mine {
        let rec = after.iter().find(|o| o.hash == *hash).expect("listed");
        assert_eq!(rec.file_name, *name);
        assert_eq!(rec.status, OriginalStatus::Processed);
        assert_eq!(c.attempts(hash).await.unwrap().len(), 1);
    }
    assert_eq!(
        c.documents().await.unwrap().len(),
        docs_before + 2 * HOSTILE_TEXT.len()
    );
    for id in ["%", "_", "' OR '1'='1", "*"] {
        assert!(c.document(id).await.unwrap().is_none(), "{id:?}");
    }
    let counts = c.queue_counts().await.unwrap();
    assert_eq!(counts.running, 0);
    let plain = ContentHash::of(b"after the hostile names");
    assert_eq!(
        c.register_original(&new_original(&plain)).await.unwrap(),
        Registration::New
    );
    drain_claims(c).await;
}
