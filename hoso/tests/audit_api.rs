//! The audit side of the HTTP API end to end: after a clerk corrected and verified a
//! record read from a real card, an auditor traces its values to pixels, engines and
//! people (PROV-JSON), gets a receipt that checks with the public key alone, and checks
//! an inclusion proof against the signed checkpoint.

#[path = "support/api_server.rs"]
mod support;

use serde_json::json;
use support::*;

#[test]
fn an_auditor_traces_a_corrected_record_and_proves_its_history() {
    let server = start(&[("HOSO_WORKERS", "1")]);
    let dir = tempfile::tempdir().unwrap();
    let specimens = id_card_specimens(dir.path());
    let card_a = &specimens[0];
    let a = truth_id(card_a);
    let bytes_a = std::fs::read(&card_a.path).unwrap();
    let r = server.upload_dossier(
        "clerk",
        &[
            ("dossier_code", "D-1"),
            ("procedure_code", "marriage_registration"),
            ("subject_id", &a),
        ],
        &[(&card_a.file_name, &bytes_a)],
    );
    assert_eq!(r.status, 201, "{}", r.raw);
    let id_a = only_record(&server.wait_processed("D-1"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = server.call(
        "clerk",
        "PATCH",
        &format!("/api/v1/records/{id_a}/fields/full_name"),
        Some(&json!({"value": "TRẦN THỊ MAI", "reason": "printed name differs"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let r = server.call(
        "clerk",
        "POST",
        &format!("/api/v1/records/{id_a}/verify"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);

    // The auditor traces every value to its pixels, engines and people (PROV-JSON) and
    // gets a receipt that checks with the public key alone.
    let provenance = format!("/api/v1/records/{id_a}/provenance");
    let r = server.call("auditor", "GET", &provenance, None);
    assert_eq!(r.status, 200, "{}", r.raw);
    let prov = &r.body;
    let field = &prov["entity"][format!("hoso:field/{id_a}/full_name")];
    assert_eq!(field["prov:value"], "TRẦN THỊ MAI", "{prov}");
    assert_eq!(field["hoso:method"], "manual");
    assert!(prov["agent"]["hoso:user/clerk"].is_object(), "{prov}");
    assert!(
        prov["entity"][format!("hoso:original/{}", card_a.sha256)].is_object(),
        "{prov}"
    );
    let relation = |kind: &str, key: &str, prefix: &str| {
        prov[kind].as_object().is_some_and(|m| {
            m.values()
                .any(|v| v[key].as_str().is_some_and(|x| x.starts_with(prefix)))
        })
    };
    assert!(
        relation("wasGeneratedBy", "prov:activity", "hoso:correction/"),
        "{prov}"
    );
    assert!(
        relation("wasGeneratedBy", "prov:activity", "hoso:extraction/"),
        "{prov}"
    );
    assert!(
        relation("wasAssociatedWith", "prov:agent", "hoso:worker/"),
        "{prov}"
    );
    assert!(
        relation("actedOnBehalfOf", "prov:delegate", "hoso:engines/"),
        "{prov}"
    );
    assert!(
        relation("wasDerivedFrom", "prov:usedEntity", "hoso:region/"),
        "{prov}"
    );
    let engines = prov["agent"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.starts_with("hoso:engines/"))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        engines["hoso:versions"]["tesseract"]["traineddata"]["vie"]
            .as_str()
            .is_some_and(|h| h.len() == 64),
        "{engines}"
    );
    assert_eq!(server.call("clerk", "GET", &provenance, None).status, 403);

    assert_eq!(
        server
            .call("clerk", "GET", &format!("/api/v1/records/{id_a}"), None)
            .status,
        200
    );
    let key = {
        let out = server.hoso().args(["audit", "key"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let r = server.call(
        "auditor",
        "GET",
        &format!("/api/v1/records/{id_a}/receipt"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let text = r.raw.split_once("\r\n\r\n").unwrap().1;
    let receipt = hoso_audit::receipt::Receipt::parse(text).unwrap();
    let verified = receipt.verify(&key).unwrap();
    let actions: Vec<&str> = verified
        .entries
        .iter()
        .map(|(_, e)| e.action.as_str())
        .collect();
    for action in [
        "record.created",
        "record.corrected",
        "record.verified",
        "record.read",
        "record.provenance_read",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    let corrected = verified
        .entries
        .iter()
        .find(|(_, e)| e.action == "record.corrected")
        .unwrap();
    assert_eq!(
        (
            corrected.1.actor.as_str(),
            corrected.1.detail["new_value"].as_str()
        ),
        ("clerk", Some("TRẦN THỊ MAI"))
    );

    // The same proofs one by one through the API, against the latest checkpoint.
    let r = server.call("auditor", "GET", "/api/v1/audit/checkpoint", None);
    assert_eq!(r.status, 200, "{}", r.raw);
    let head = hoso_audit::checkpoint::open(r.raw.split_once("\r\n\r\n").unwrap().1, &key).unwrap();
    let (index, _) = verified.entries[0];
    let r = server.call(
        "auditor",
        "GET",
        &format!(
            "/api/v1/audit/proofs/inclusion?index={index}&size={}",
            head.size
        ),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let proof: Vec<hoso_audit::tree::Hash> = r.body["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hoso_audit::tree::from_base64(h.as_str().unwrap()).unwrap())
        .collect();
    hoso_audit::tree::check_inclusion(
        &proof,
        head.size,
        head.root,
        index,
        &receipt.proofs[0].entry,
    )
    .unwrap();
    let r = server.call(
        "auditor",
        "GET",
        &format!(
            "/api/v1/audit/proofs/inclusion?index={}&size={}",
            head.size, head.size
        ),
        None,
    );
    assert_eq!(r.status, 404, "{}", r.raw);
}
