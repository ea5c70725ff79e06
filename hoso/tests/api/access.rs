//! Who may call what: every endpoint against each role and against missing or false
//! tokens, and procedure systems reading only their document types, with a purpose,
//! every read logged.

use serde_json::{json, Value};

use crate::support::*;

#[test]
fn every_endpoint_answers_each_role_as_the_table_says() {
    let server = stand_in_server();
    let subject_path = format!("/api/v1/subjects/{CITIZEN}/records?type=citizen_id");
    let prefill = json!({"subject_id": CITIZEN, "fields": ["citizen_id.full_name"]});
    let missing = "r-0000000000000000";
    let correction = json!({"value": "NGUYỄN VĂN AN", "reason": "typo"});
    let reason = json!({"reason": "wrong person"});
    // (method, path, body, roles allowed, the status an allowed role gets)
    type Row<'a> = (&'a str, String, Option<Value>, &'a [&'a str], u16);
    let rows: Vec<Row> = vec![
        (
            "GET",
            "/api/v1/queue".into(),
            None,
            &["clerk", "auditor", "admin"],
            200,
        ),
        (
            "GET",
            format!("/api/v1/originals/{}", "0".repeat(64)),
            None,
            &["clerk", "auditor", "admin"],
            404,
        ),
        (
            "GET",
            "/api/v1/dossiers/NO-SUCH-DOSSIER".into(),
            None,
            &["clerk", "auditor", "admin"],
            404,
        ),
        (
            "GET",
            format!("/api/v1/records/{missing}"),
            None,
            &["clerk", "auditor", "admin"],
            404,
        ),
        (
            "PATCH",
            format!("/api/v1/records/{missing}/fields/full_name"),
            Some(correction),
            &["clerk", "admin"],
            404,
        ),
        (
            "POST",
            format!("/api/v1/records/{missing}/verify"),
            None,
            &["clerk", "admin"],
            404,
        ),
        (
            "POST",
            format!("/api/v1/records/{missing}/revoke"),
            Some(reason),
            &["clerk", "admin"],
            404,
        ),
        (
            "GET",
            subject_path,
            None,
            &["clerk", "ps", "auditor", "admin"],
            200,
        ),
        (
            "POST",
            "/api/v1/prefill".into(),
            Some(prefill),
            &["clerk", "ps", "auditor", "admin"],
            200,
        ),
        (
            "GET",
            "/api/v1/access-log".into(),
            None,
            &["auditor", "admin"],
            200,
        ),
        ("GET", "/api/v1/tokens".into(), None, &["admin"], 200),
        (
            "DELETE",
            "/api/v1/tokens/no-such-token".into(),
            None,
            &["admin"],
            404,
        ),
        (
            "GET",
            "/api/v1/audit/checkpoint".into(),
            None,
            &["auditor", "admin"],
            200,
        ),
        (
            "POST",
            "/api/v1/audit/checkpoints".into(),
            None,
            &["admin"],
            200,
        ),
        (
            "GET",
            "/api/v1/audit/proofs/inclusion?index=0&size=1".into(),
            None,
            &["auditor", "admin"],
            200,
        ),
        (
            "GET",
            "/api/v1/audit/proofs/consistency?from=1&to=1".into(),
            None,
            &["auditor", "admin"],
            200,
        ),
        (
            "GET",
            "/api/v1/audit/entries?first=0&limit=5".into(),
            None,
            &["auditor", "admin"],
            200,
        ),
        (
            "GET",
            format!("/api/v1/records/{missing}/provenance"),
            None,
            &["auditor", "admin"],
            404,
        ),
        (
            "GET",
            format!("/api/v1/records/{missing}/receipt"),
            None,
            &["auditor", "admin"],
            404,
        ),
    ];
    let mut checked = 0;
    for (method, path, body, allowed, ok_status) in &rows {
        for who in [
            "none",
            "raw:Bearer hoso_0000000000000000000000000000000000000000000000000000000000000000",
            "raw:Basic YWRtaW46YWRtaW4=",
            "raw:Bearer ",
        ] {
            let r = server.call(who, method, path, body.as_ref());
            assert_eq!(
                (r.status, error_code(&r)),
                (401, "unauthorized"),
                "{method} {path} as {who}: {}",
                r.raw
            );
        }
        for role in ROLES {
            let r = server.call(role, method, path, body.as_ref());
            if allowed.contains(&role) {
                assert_eq!(r.status, *ok_status, "{method} {path} as {role}: {}", r.raw);
            } else {
                assert_eq!(
                    (r.status, error_code(&r)),
                    (403, "forbidden"),
                    "{method} {path} as {role}: {}",
                    r.raw
                );
                assert!(
                    r.body["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("role may not"),
                    "{}",
                    r.raw
                );
            }
            checked += 1;
        }
    }

    // Endpoints that create something: each allowed role makes its own.
    let uploads: [(&str, &[&str]); 3] = [
        ("originals", &["clerk", "admin"]),
        ("dossiers", &["clerk", "admin"]),
        ("tokens", &["admin"]),
    ];
    for (what, allowed) in uploads {
        for who in ["none"].into_iter().chain(ROLES) {
            let r = match what {
                "originals" => {
                    let auth = (who != "none").then(|| format!("Bearer {}", server.token(who)));
                    let mut headers = vec![("Content-Type", "application/octet-stream")];
                    if let Some(a) = &auth {
                        headers.push(("Authorization", a));
                    }
                    if who == "ps" {
                        headers.push(("X-Purpose", "test"));
                    }
                    server.send(
                        "POST",
                        "/api/v1/originals?name=x.png",
                        &headers,
                        &png(&format!("original by {who}")),
                    )
                }
                "dossiers" if who == "none" => {
                    let (ct, body) = multipart(&[], &[]);
                    server.send("POST", "/api/v1/dossiers", &[("Content-Type", &ct)], &body)
                }
                "dossiers" => {
                    let code = format!("MATRIX-{who}");
                    let file = png(&format!("dossier file by {who}"));
                    let (ct, body) = multipart(
                        &[
                            ("dossier_code", &code),
                            ("procedure_code", "marriage_registration"),
                            ("subject_id", CITIZEN),
                        ],
                        &[("scan.png", &file)],
                    );
                    let auth = format!("Bearer {}", server.token(who));
                    let mut headers = vec![
                        ("Authorization", auth.as_str()),
                        ("Content-Type", ct.as_str()),
                    ];
                    if who == "ps" {
                        headers.push(("X-Purpose", "test"));
                    }
                    server.send("POST", "/api/v1/dossiers", &headers, &body)
                }
                _ => server.call(
                    who,
                    "POST",
                    "/api/v1/tokens",
                    Some(&json!({"name": format!("made-by-{who}"), "role": "clerk"})),
                ),
            };
            let expected = if who == "none" {
                401
            } else if allowed.contains(&who) {
                201
            } else {
                403
            };
            assert_eq!(r.status, expected, "POST {what} as {who}: {}", r.raw);
            checked += 1;
        }
    }
    assert_eq!(checked, rows.len() * ROLES.len() + 3 * 5);

    // A token made over the API works, and stops working once revoked.
    let made = server.call(
        "admin",
        "POST",
        "/api/v1/tokens",
        Some(&json!({"name": "temp-auditor", "role": "auditor"})),
    );
    assert_eq!(made.status, 201, "{}", made.raw);
    let secret = made.body["secret"].as_str().unwrap().to_string();
    let auth = format!("Bearer {secret}");
    let r = server.send(
        "GET",
        "/api/v1/access-log",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let listed = server.call("admin", "GET", "/api/v1/tokens", None);
    assert!(!listed.raw.contains(&secret), "secrets are never listed");
    assert_eq!(
        server
            .call("admin", "DELETE", "/api/v1/tokens/temp-auditor", None)
            .status,
        204
    );
    let r = server.send(
        "GET",
        "/api/v1/access-log",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 401, "{}", r.raw);

    // Health and the document need no token.
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        assert_eq!(server.call("none", "GET", path, None).status, 200, "{path}");
    }
}

#[test]
fn procedure_systems_read_only_their_types_with_a_purpose_and_every_read_is_logged() {
    let server = stand_in_server();
    let path = |q: &str| format!("/api/v1/subjects/{CITIZEN}/records{q}");
    let auth = format!("Bearer {}", server.token("ps"));

    // No purpose: 400, whatever else is right.
    let r = server.send(
        "GET",
        &path("?type=citizen_id"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(
        (r.status, error_code(&r)),
        (400, "bad_request"),
        "{}",
        r.raw
    );
    assert!(r.raw.contains("purpose"), "{}", r.raw);
    let r = server.send(
        "GET",
        &path(""),
        &[("Authorization", &auth), ("X-Purpose", "   ")],
        b"",
    );
    assert_eq!(r.status, 400, "a blank purpose is none: {}", r.raw);
    let r = server.send(
        "POST",
        "/api/v1/prefill",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        json!({"subject_id": CITIZEN, "fields": ["citizen_id.sex"]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.raw);

    // Out of its types: 403.
    let r = server.call("ps", "GET", &path("?type=birth_certificate"), None);
    assert_eq!((r.status, error_code(&r)), (403, "forbidden"), "{}", r.raw);
    let r = server.call(
        "ps",
        "GET",
        &path("?type=citizen_id,marriage_certificate"),
        None,
    );
    assert_eq!(r.status, 403, "{}", r.raw);
    // A procedure needing other types too: what the token covers, the rest listed.
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": CITIZEN, "procedure_code": "marriage_registration"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect()
    };
    let (missing, refused) = (names(&r.body["missing"]), names(&r.body["not_permitted"]));
    assert!(!missing.is_empty(), "{}", r.raw);
    assert!(
        missing.iter().all(|f| f.starts_with("citizen_id.")),
        "{}",
        r.raw
    );
    assert!(!refused.is_empty(), "{}", r.raw);
    assert!(
        refused.iter().all(|f| !f.starts_with("citizen_id.")),
        "{}",
        r.raw
    );
    assert_eq!(r.body["known"], json!({}));
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": CITIZEN, "fields": ["citizen_id.full_name", "birth_certificate.mother_full_name"]})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["missing"], json!(["citizen_id.full_name"]));
    assert_eq!(
        r.body["not_permitted"],
        json!(["birth_certificate.mother_full_name"])
    );
    let r = server.call(
        "ps_birth",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": CITIZEN, "fields": ["citizen_id.full_name"]})),
    );
    assert_eq!(r.status, 403, "{}", r.raw);

    // In scope, with the purpose as a header (UTF-8) or a parameter.
    let r = server.call("ps", "GET", &path(""), None);
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["document_types"],
        json!(["citizen_id"]),
        "defaults to the token's types"
    );
    assert_eq!(r.body["records"], json!([]));
    let r = server.send(
        "GET",
        &path("?type=citizen_id&purpose=cap%20giay%20phep"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": CITIZEN, "fields": ["citizen_id.full_name", "citizen_id.sex"]})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["known"], json!({}));
    assert_eq!(
        r.body["missing"],
        json!(["citizen_id.full_name", "citizen_id.sex"])
    );

    // The auditor sees who read what, why and when.
    let r = server.call(
        "auditor",
        "GET",
        &format!("/api/v1/access-log?subject={CITIZEN}"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let entries = r.body.as_array().unwrap();
    let by_ps: Vec<&Value> = entries.iter().filter(|e| e["token_name"] == "ps").collect();
    // Two lookups and three prefills, two of them partly out of its types.
    assert_eq!(by_ps.len(), 5, "{entries:?}");
    for e in &by_ps {
        assert_eq!(e["role"], "procedure_system");
        assert_eq!(
            e["document_types"],
            json!(["citizen_id"]),
            "only what it read: {e}"
        );
        assert_eq!(e["subject"]["value"], CITIZEN);
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
    }
    let purposes: Vec<&str> = by_ps
        .iter()
        .map(|e| e["purpose"].as_str().unwrap())
        .collect();
    assert!(
        purposes.contains(&"kiểm tra hồ sơ đăng ký kết hôn"),
        "{purposes:?}"
    );
    assert!(purposes.contains(&"cap giay phep"), "{purposes:?}");
    let endpoints: Vec<&str> = by_ps
        .iter()
        .map(|e| e["endpoint"].as_str().unwrap())
        .collect();
    assert!(endpoints.contains(&"POST /api/v1/prefill"), "{endpoints:?}");
    assert!(
        endpoints.contains(&"GET /api/v1/subjects/{id}/records"),
        "{endpoints:?}"
    );
    // Refused reads read nothing and are not logged as reads.
    assert!(
        entries.iter().all(|e| e["token_name"] != "ps_birth"),
        "{entries:?}"
    );
}
