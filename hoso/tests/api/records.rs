//! A dossier read by the real engines becomes records that the clerk corrects, verifies
//! and revokes, that procedure systems reuse and prefill from, and that the reuse report
//! counts.

use serde_json::{json, Value};

use crate::support::*;

#[test]
fn a_dossier_becomes_verified_records_that_procedures_reuse() {
    let server = start(&[("HOSO_WORKERS", "1")]);
    let dir = tempfile::tempdir().unwrap();
    let specimens = id_card_specimens(dir.path());
    let (card_a, card_b) = (&specimens[0], &specimens[1]);
    let (a, b) = (truth_id(card_a), truth_id(card_b));
    assert_ne!(a, b);
    let bytes_a = std::fs::read(&card_a.path).unwrap();
    let bytes_b = std::fs::read(&card_b.path).unwrap();

    // The clerk uploads the first dossier; the same file in a second dossier is not
    // processed again.
    let fields = |code: &'static str, subject: &str| -> Vec<(&'static str, String)> {
        vec![
            ("dossier_code", code.into()),
            ("procedure_code", "marriage_registration".into()),
            ("subject_id", subject.to_string()),
        ]
    };
    let as_refs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let send = |code: &'static str, subject: &str, file: (&str, &[u8])| {
        let f = as_refs(&fields(code, subject));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        server.upload_dossier("clerk", &f, &[file])
    };
    let r = send("D-1", &a, (&card_a.file_name, &bytes_a));
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["files"][0]["outcome"], "queued");
    assert_eq!(r.body["files"][0]["sha256"], card_a.sha256.as_str());
    assert_eq!(r.body["created_by"], "clerk");
    let r = send("D-1b", &a, ("again.png", &bytes_a));
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["files"][0]["outcome"], "duplicate", "{}", r.raw);

    let d1 = server.wait_processed("D-1");
    assert_eq!(d1["status"], "processed", "{d1}");
    let record_a = only_record(&d1);
    let id_a = record_a["id"].as_str().unwrap().to_string();
    assert_eq!(record_a["status"], "extracted");
    assert_eq!(record_a["document_type"], "citizen_id");
    assert_eq!(
        record_a["subjects"],
        json!([{"kind": "citizen", "value": a}]),
        "{record_a}"
    );
    // Listed records name their documents and originals, without the catalog's details.
    // The residence also as units, printed and today's, through the installed crosswalk.
    let residence = &record_a["fields"]["place_of_residence"];
    assert_eq!(
        residence["units"]["crosswalk"], "dvhcvn/20250701@dd94887",
        "{residence}"
    );
    assert!(
        residence["units"]["printed"]["province"]["code"].is_string(),
        "{residence}"
    );
    assert!(
        residence["units"]["current"][0]["province"]["code"].is_string(),
        "{residence}"
    );
    assert!(record_a["fields"]["full_name"].get("units").is_none());
    let document_a = record_a["sources"][0]["document_id"].clone();
    assert_eq!(
        record_a["sources"],
        json!([{"document_id": document_a, "sha256": card_a.sha256}]),
        "{record_a}"
    );
    let d1b = server.wait_processed("D-1b");
    assert_eq!(
        only_record(&d1b)["id"],
        id_a.as_str(),
        "the same file is the same record"
    );
    let original = server.call(
        "clerk",
        "GET",
        &format!("/api/v1/originals/{}", card_a.sha256),
        None,
    );
    assert_eq!(
        original.body["attempts"], 1,
        "processed once: {}",
        original.raw
    );

    // Nothing is offered before a clerk verifies.
    let lookup = format!("/api/v1/subjects/{a}/records?type=citizen_id");
    assert_eq!(
        server.call("ps", "GET", &lookup, None).body["records"],
        json!([])
    );

    // Correct, with the old value kept in the history; then verify.
    let patch = format!("/api/v1/records/{id_a}/fields/full_name");
    let old_name = record_a["fields"]["full_name"]["value"].clone();
    let r = server.call(
        "clerk",
        "PATCH",
        &patch,
        Some(&json!({"value": "  TRẦN   THỊ  MAI ", "reason": "printed name differs"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["fields"]["full_name"]["value"], "TRẦN THỊ MAI");
    assert_eq!(r.body["fields"]["full_name"]["method"], "manual");
    // One record's answer adds the original's file name and the document's pages.
    let source = &r.body["sources"][0];
    assert_eq!(source["document_id"], document_a, "{}", r.raw);
    assert_eq!(source["sha256"], card_a.sha256.as_str());
    assert_eq!(source["file_name"], card_a.file_name.as_str());
    assert_eq!(source["pages"], json!([1]));
    let corrected = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "corrected")
        .cloned()
        .unwrap();
    assert_eq!(corrected["old_value"], old_name);
    assert_eq!(corrected["new_value"], "TRẦN THỊ MAI");
    assert_eq!(corrected["actor"], "clerk");
    let r = server.call(
        "clerk",
        "PATCH",
        &format!("/api/v1/records/{id_a}/fields/date_of_birth"),
        Some(&json!({"value": "31/12/1990"})),
    );
    assert_eq!(r.status, 400, "values keep the spec's format: {}", r.raw);
    let r = server.call(
        "clerk",
        "PATCH",
        &format!("/api/v1/records/{id_a}/fields/shoe_size"),
        Some(&json!({"value": "42"})),
    );
    assert_eq!(r.status, 400, "{}", r.raw);
    let r = server.call(
        "clerk",
        "POST",
        &format!("/api/v1/records/{id_a}/verify"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["status"], "verified");
    assert_eq!(r.body["verified_by"], "clerk");
    let r = server.call(
        "clerk",
        "POST",
        &format!("/api/v1/records/{id_a}/verify"),
        None,
    );
    assert_eq!((r.status, error_code(&r)), (409, "conflict"), "{}", r.raw);

    // The procedure system finds it, with provenance back to the original's bytes.
    let r = server.call("ps", "GET", &lookup, None);
    assert_eq!(r.status, 200, "{}", r.raw);
    let found = r.body["records"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{}", r.raw);
    assert_eq!(found[0]["id"], id_a.as_str());
    assert_eq!(found[0]["fields"]["full_name"]["value"], "TRẦN THỊ MAI");
    assert_eq!(
        found[0]["fields"]["id_number"]["source"]["sha256"],
        card_a.sha256.as_str()
    );
    assert!(found[0]["fields"]["id_number"]["evidence"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    assert_eq!(
        found[0]["sources"],
        json!([{"document_id": document_a, "sha256": card_a.sha256}]),
        "{}",
        r.raw
    );
    assert_eq!(
        found[0]["fields"]["id_number"]["source"]["document_id"],
        document_a
    );

    // Prefill: what is known comes with its source; the rest is missing.
    let r = server.call(
        "clerk",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": a, "procedure_code": "marriage_registration"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let known = r.body["known"].as_object().unwrap();
    assert_eq!(known["citizen_id.full_name"]["value"], "TRẦN THỊ MAI");
    assert_eq!(known["citizen_id.id_number"]["value"], a.as_str());
    // A place comes with its units too; other fields do not.
    let residence = &known["citizen_id.place_of_residence"];
    assert_eq!(
        residence["value"],
        record_a["fields"]["place_of_residence"]["value"]
    );
    assert!(
        residence["units"]["current"][0]["province"]["code"].is_string(),
        "{residence}"
    );
    assert!(known["citizen_id.full_name"].get("units").is_none());
    let source = &known["citizen_id.id_number"]["source"];
    assert_eq!(source["record_id"], id_a.as_str());
    assert_eq!(source["document_id"], document_a);
    assert_eq!(source["sha256"], card_a.sha256.as_str());
    assert_eq!(source["verified_by"], "clerk");
    assert!(source["verified_at"].is_string());
    let missing: Vec<&str> = r.body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        missing.contains(&"residence_confirmation.permanent_residence"),
        "{missing:?}"
    );
    assert_eq!(
        known.len() + missing.len(),
        8,
        "every needed field is either known or missing"
    );
    let r = server.call("ps", "POST", "/api/v1/prefill", Some(&json!({"subject_id": a, "fields": ["citizen_id.full_name", "citizen_id.date_of_birth"]})));
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["known"]["citizen_id.full_name"]["value"],
        "TRẦN THỊ MAI"
    );

    // A second dossier for the same citizen brings a card that was read as someone else's
    // (card B); the clerk corrects its number, which moves the record to citizen A, and
    // verifying it supersedes A's older record.
    let r = send("D-2", &a, (&card_b.file_name, &bytes_b));
    assert_eq!(r.status, 201, "{}", r.raw);
    let d2 = server.wait_processed("D-2");
    let record_b = only_record(&d2);
    let id_b = record_b["id"].as_str().unwrap().to_string();
    assert_eq!(
        record_b["subjects"],
        json!([{"kind": "citizen", "value": b}]),
        "{record_b}"
    );
    let r = server.call(
        "clerk",
        "PATCH",
        &format!("/api/v1/records/{id_b}/fields/id_number"),
        Some(&json!({"value": a, "reason": "wrong card number read"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["subjects"],
        json!([{"kind": "citizen", "value": a}]),
        "{}",
        r.raw
    );
    let r = server.call(
        "admin",
        "POST",
        &format!("/api/v1/records/{id_b}/verify"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let old = server.call("auditor", "GET", &format!("/api/v1/records/{id_a}"), None);
    assert_eq!(old.body["status"], "superseded", "{}", old.raw);
    assert_eq!(old.body["superseded_by"], id_b.as_str());
    let r = server.call("clerk", "PATCH", &patch, Some(&json!({"value": "X"})));
    assert_eq!(
        (r.status, error_code(&r)),
        (409, "conflict"),
        "a superseded record is history: {}",
        r.raw
    );
    let r = server.call("ps", "GET", &lookup, None);
    let ids: Vec<&str> = r.body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![id_b.as_str()],
        "only the current record is offered"
    );

    // Revoking needs a reason, and takes the record out of reuse.
    let revoke = format!("/api/v1/records/{id_b}/revoke");
    let r = server.call("clerk", "POST", &revoke, Some(&json!({"reason": "  "})));
    assert_eq!(r.status, 400, "{}", r.raw);
    let r = server.call(
        "clerk",
        "POST",
        &revoke,
        Some(&json!({"reason": "card reported stolen"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["status"], "revoked");
    assert_eq!(r.body["revoked_reason"], "card reported stolen");
    let kinds: Vec<&str> = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"corrected") && kinds.contains(&"verified") && kinds.contains(&"revoked"),
        "{kinds:?}"
    );
    let r = server.call("clerk", "POST", &revoke, Some(&json!({"reason": "again"})));
    assert_eq!(r.status, 409, "{}", r.raw);
    assert_eq!(
        server.call("ps", "GET", &lookup, None).body["records"],
        json!([])
    );
    let r = server.call(
        "clerk",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": a, "fields": ["citizen_id.full_name"]})),
    );
    assert_eq!(r.body["missing"], json!(["citizen_id.full_name"]));

    // The reuse report: D-1 and D-1b brought the citizen's fields themselves; D-2 came in
    // after A's record was verified, so the registry had them already.
    let out = server
        .hoso()
        .args(["report", "reuse", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dossiers = report["dossiers"].as_array().unwrap();
    let codes: Vec<&str> = dossiers
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["D-1", "D-1b", "D-2"], "in creation order");
    let origins = |d: &Value, origin: &str| -> Vec<String> {
        d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["origin"] == origin)
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect()
    };
    let card_fields: Vec<String> = record_a["fields"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("citizen_id.{k}"))
        .collect();
    let needed_from_card: Vec<String> = dossiers[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .filter(|f| card_fields.contains(f))
        .collect();
    assert!(needed_from_card.len() >= 4, "{needed_from_card:?}");
    assert_eq!(origins(&dossiers[0], "new"), needed_from_card);
    assert_eq!(origins(&dossiers[0], "reused"), Vec::<String>::new());
    assert_eq!(origins(&dossiers[1], "new"), needed_from_card);
    assert_eq!(
        origins(&dossiers[2], "reused"),
        needed_from_card,
        "{}",
        dossiers[2]
    );
    for d in dossiers {
        assert!(
            origins(d, "missing").contains(&"residence_confirmation.current_residence".to_string())
        );
    }
    assert_eq!(report["reused"], needed_from_card.len());
    assert_eq!(report["new"], 2 * needed_from_card.len());
    assert_eq!(report["needed"], 24);
    let share = report["reuse_share"].as_f64().unwrap();
    assert!(
        (share - needed_from_card.len() as f64 / 24.0).abs() < 1e-9,
        "{share}"
    );
    let out = server.hoso().args(["report", "reuse"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "3 dossier(s), 24 needed field(s): {} reused",
            needed_from_card.len()
        )),
        "{text}"
    );
}
