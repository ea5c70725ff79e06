//! Places as units, stored: conversions with their table's version, new records found
//! until converted, a correction making its field's conversion stale, and a clerk's
//! choice kept with the conversion and in the history.

use serde_json::json;

use hoso_pipeline::registry::StoredPlace;

use super::*;

fn place(record_id: &str, printed: &str, crosswalk: &str, chosen: Option<&str>) -> StoredPlace {
    StoredPlace {
        record_id: record_id.to_string(),
        key: FieldKey::PlaceOfResidence,
        printed: printed.to_string(),
        crosswalk: crosswalk.to_string(),
        units: json!({"current": [{"commune": {"code": "00008"}}, {"commune": {"code": "00025"}}],
                      "crosswalk": crosswalk}),
        chosen: chosen.map(str::to_string),
        converted_at_ms: 1_767_225_600_000,
    }
}

/// Every live record, read in pages of two: no page repeats a record of another (the
/// order is the database's, whose collation the keyset follows).
async fn all_live<C: Registry>(c: &C) -> Vec<Record> {
    let mut all: Vec<Record> = Vec::new();
    loop {
        let after = all.last().map(|r| r.id.clone());
        let page = c.live_records(after.as_deref(), 2).await.unwrap();
        if page.is_empty() {
            return all;
        }
        assert!(page.len() <= 2);
        for r in &page {
            assert!(all.iter().all(|seen| seen.id != r.id), "{} twice", r.id);
        }
        all.extend(page);
    }
}

pub(super) async fn places_are_stored_with_their_table_and_choices<C: Catalog + Registry>(c: &C) {
    let printed = "Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội";
    let mut fields = card("001099000707", "PHAN VĂN TÂM", "2021-04-01");
    fields
        .fields
        .insert(FieldKey::PlaceOfResidence, field(printed, 1));
    let hash = process(c, "places card", vec![fields]).await;
    let record = only_record(c, &hash).await;

    // New: found among the unconverted and the live, with nothing stored.
    let pending = ids(&c.unconverted_records(10_000).await.unwrap());
    assert!(pending.contains(&record.id), "{pending:?}");
    assert!(ids(&all_live(c).await).contains(&record.id));
    assert_eq!(c.stored_places(Some(&record.id)).await.unwrap(), vec![]);

    // Stored and marked converted, then replaced by a newer table's conversion.
    let v1 = place(&record.id, printed, "table/v1", None);
    let converted = [record.id.clone()];
    c.store_places(std::slice::from_ref(&v1), &converted, true)
        .await
        .unwrap();
    assert_eq!(c.stored_places(Some(&record.id)).await.unwrap(), vec![v1]);
    assert!(!ids(&c.unconverted_records(10_000).await.unwrap()).contains(&record.id));
    let v2 = place(&record.id, printed, "table/v2", None);
    c.store_places(std::slice::from_ref(&v2), &converted, false)
        .await
        .unwrap();
    assert_eq!(
        c.stored_places(Some(&record.id)).await.unwrap(),
        vec![v2.clone()]
    );
    assert!(c.stored_places(None).await.unwrap().contains(&v2));

    // A clerk's choice: kept with the conversion and in the history, like a correction.
    let chosen = place(&record.id, printed, "table/v2", Some("00025"));
    let after = c
        .choose_place_unit(&chosen, "số nhà thuộc phường Ba Đình", "clerk-u")
        .await
        .unwrap();
    assert_eq!(after.id, record.id);
    assert_eq!(
        c.stored_places(Some(&record.id)).await.unwrap(),
        vec![chosen]
    );
    let history = c.history(&record.id).await.unwrap();
    let last = history.last().expect("the choice in the history");
    assert_eq!(last.actor, "clerk-u");
    assert_eq!(
        last.kind,
        RecordEventKind::UnitChosen {
            key: "place_of_residence".to_string(),
            commune_code: "00025".to_string(),
            crosswalk: "table/v2".to_string(),
            reason: "số nhà thuộc phường Ba Đình".to_string(),
        }
    );

    // A conversion of new records leaves a place of the same value alone: the
    // clerk's choice stays.
    c.store_places(
        &[place(&record.id, printed, "table/v2", None)],
        &converted,
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        c.stored_places(Some(&record.id)).await.unwrap()[0]
            .chosen
            .as_deref(),
        Some("00025")
    );

    // A choice for a value the place no longer holds is refused.
    let stale_choice = StoredPlace {
        printed: "Phường Khác, Quận Ba Đình, Thành phố Hà Nội".to_string(),
        ..place(&record.id, printed, "table/v2", Some("00008"))
    };
    let refused = c.choose_place_unit(&stale_choice, "late", "clerk-u").await;
    assert!(
        matches!(refused, Err(RegistryError::Conflict(_))),
        "{refused:?}"
    );

    // Correcting the record takes its conversion mark: it is converted again.
    c.correct_field(
        &record.id,
        "place_of_residence",
        "Phường Hồng Hà, Thành phố Hà Nội",
        Some("new residence"),
        "clerk-u",
    )
    .await
    .unwrap();
    assert!(ids(&c.unconverted_records(10_000).await.unwrap()).contains(&record.id));

    // A revoked record is neither live nor waiting.
    c.revoke(&record.id, "test over", "clerk-u").await.unwrap();
    assert!(!ids(&all_live(c).await).contains(&record.id));
    assert!(!ids(&c.unconverted_records(10_000).await.unwrap()).contains(&record.id));
    // Nor may its places be chosen any more.
    let refused = c
        .choose_place_unit(
            &place(&record.id, printed, "table/v2", Some("00008")),
            "late",
            "clerk-u",
        )
        .await;
    assert!(
        matches!(refused, Err(RegistryError::InvalidTransition { .. })),
        "{refused:?}"
    );
}
