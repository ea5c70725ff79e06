//! What the clerks' interface reads beyond the registry suite, on every backend: records
//! found by a name typed without tone marks (and after a correction, by the new one),
//! the review queue least certain first, and the dossiers opened since a time.

use hoso_pipeline::ports::Catalog;
use hoso_pipeline::registry::{NewDossier, Registry};
use hoso_pipeline::search::name_query;

use crate::registry_suite::{card, citizen, only_record, process};

pub async fn run<C: Catalog + Registry>(c: &C) {
    names_are_found_without_tone_marks_and_after_corrections(c).await;
    the_review_queue_puts_the_least_certain_first_and_drops_verified(c).await;
    dossiers_are_listed_from_a_time(c).await;
}

async fn found<C: Registry>(c: &C, typed: &str) -> Vec<String> {
    let folded = name_query(typed).expect("a query");
    c.search_records(&folded, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

async fn names_are_found_without_tone_marks_and_after_corrections<C: Catalog + Registry>(c: &C) {
    let an = process(
        c,
        "desk an",
        vec![card("001199000101", "NGUYỄN VĂN AN", "2021-01-01")],
    )
    .await;
    let binh = process(
        c,
        "desk binh",
        vec![card("001199000102", "TRẦN THỊ BÌNH", "2021-01-01")],
    )
    .await;
    let an = only_record(c, &an).await;
    let binh = only_record(c, &binh).await;
    assert_eq!(found(c, "nguyen van an").await, vec![an.id.clone()]);
    assert_eq!(found(c, "Nguyễn Văn An").await, vec![an.id.clone()]);
    assert_eq!(found(c, "THI BINH").await, vec![binh.id.clone()]);
    assert!(found(c, "le van tam").await.is_empty());
    // Wildcards typed are matched literally.
    assert!(found(c, "%%%").await.is_empty());
    assert_eq!(
        name_query("an"),
        None,
        "two letters would list half the registry"
    );
    assert!(found(c, "nguyen_van").await.is_empty());

    c.correct_field(
        &an.id,
        "full_name",
        "NGUYỄN VĂN ANH",
        Some("typo"),
        "clerk-1",
    )
    .await
    .unwrap();
    assert_eq!(found(c, "nguyen van anh").await, vec![an.id.clone()]);
    assert_eq!(
        found(c, "van an").await,
        vec![an.id.clone()],
        "a prefix still matches"
    );
}

async fn the_review_queue_puts_the_least_certain_first_and_drops_verified<C: Catalog + Registry>(
    c: &C,
) {
    let mut unsure = card("001199000201", "LÊ THỊ CẨM", "2021-01-01");
    if let Some(f) = unsure
        .fields
        .get_mut(&hoso_extractors::FieldKey::DateOfBirth)
    {
        f.confidence = 0.31;
    }
    let unsure = process(c, "desk unsure", vec![unsure]).await;
    let unsure = only_record(c, &unsure).await;
    let queue = c.review_queue(50).await.unwrap();
    assert_eq!(
        queue.first().map(|r| r.id.as_str()),
        Some(unsure.id.as_str())
    );
    assert!(queue.iter().all(|r| r.status.as_str() == "extracted"));
    // A correction makes the field certain; the record moves back among the others.
    c.correct_field(
        &unsure.id,
        "date_of_birth",
        "1999-01-03",
        Some("read again"),
        "clerk-1",
    )
    .await
    .unwrap();
    let queue = c.review_queue(50).await.unwrap();
    assert_ne!(
        queue.first().map(|r| r.id.as_str()),
        Some(unsure.id.as_str())
    );
    c.verify(&unsure.id, "clerk-1").await.unwrap();
    let queue = c.review_queue(50).await.unwrap();
    assert!(
        queue.iter().all(|r| r.id != unsure.id),
        "verified records leave the queue"
    );
    assert!(c.review_queue(1).await.unwrap().len() <= 1);
}

async fn dossiers_are_listed_from_a_time<C: Registry>(c: &C) {
    let before = hoso_pipeline::audit::now_ms() - 60_000;
    for code in ["DESK-1", "DESK-2"] {
        c.create_dossier(
            &NewDossier {
                code: code.to_string(),
                procedure_code: "residence_registration".to_string(),
                subject: citizen("001199000301"),
            },
            "clerk-1",
        )
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let listed: Vec<String> = c
        .dossiers_since(before, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .filter(|code| code.starts_with("DESK-"))
        .collect();
    assert_eq!(listed, ["DESK-2", "DESK-1"], "newest first");
    let future = hoso_pipeline::audit::now_ms() + 3_600_000;
    assert!(c.dossiers_since(future, 50).await.unwrap().is_empty());
}
