//! The HTTP API end to end: the real `hoso serve` on the embedded default (SQLite and a
//! local object store), tokens made with `hoso token create`, and in-process workers with
//! the stand-in engine where reading is irrelevant or the real engines where records must
//! come from real documents.

#[path = "support/api_server.rs"]
mod support;

use serde_json::{json, Value};
use support::*;

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
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": CITIZEN, "procedure_code": "marriage_registration"})),
    );
    assert_eq!(
        r.status, 403,
        "the procedure needs residence_confirmation too: {}",
        r.raw
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
    assert_eq!(by_ps.len(), 3, "{entries:?}");
    for e in &by_ps {
        assert_eq!(e["role"], "procedure_system");
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

#[test]
fn bad_input_gets_a_specific_4xx_never_a_500() {
    let server = stand_in_server();
    let ok_file = png("validation");
    let upload = |fields: &[(&str, &str)], files: &[(&str, &[u8])]| {
        server.upload_dossier("clerk", fields, files)
    };
    let good = |code: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("dossier_code", code),
            ("procedure_code", "marriage_registration"),
            ("subject_id", CITIZEN),
        ]
    };

    let cases: Vec<(Reply, u16, &str)> = vec![
        (
            upload(
                &[
                    ("dossier_code", "V-1"),
                    ("procedure_code", "marriage_registration"),
                    ("subject_id", "12345"),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "subject id",
        ),
        (
            upload(
                &[
                    ("dossier_code", "V-1"),
                    ("procedure_code", "marriage_registration"),
                    ("subject_id", "0010990123ab"),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "subject id",
        ),
        (
            upload(
                &[
                    ("dossier_code", "V-1"),
                    ("procedure_code", "marriage_registration"),
                    ("subject_id", "0101234567"),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "is for a citizen",
        ),
        (
            upload(
                &[
                    ("dossier_code", "V-1"),
                    ("procedure_code", "passport_renewal"),
                    ("subject_id", CITIZEN),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "unknown procedure",
        ),
        (
            upload(
                &[
                    ("dossier_code", "bad code/x"),
                    ("procedure_code", "marriage_registration"),
                    ("subject_id", CITIZEN),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "dossier code",
        ),
        (
            upload(
                &[
                    ("procedure_code", "marriage_registration"),
                    ("subject_id", CITIZEN),
                ],
                &[("a.png", &ok_file)],
            ),
            400,
            "dossier_code is required",
        ),
        (upload(&good("V-2"), &[]), 400, "at least one file"),
        (
            upload(
                &good("V-3"),
                &[("big.png", &[png("x"), vec![0u8; 70_000]].concat())],
            ),
            413,
            "upload limit",
        ),
        (
            upload(&good("V-4"), &[("notes.txt", b"just text")]),
            415,
            "not a pdf",
        ),
        (upload(&good("V-5"), &[("empty.png", b"")]), 400, "empty"),
        (
            upload(&[("dossier_code", "V-6"), ("colour", "blue")], &[]),
            400,
            "unexpected form field",
        ),
    ];
    for (i, (r, status, needle)) in cases.iter().enumerate() {
        assert_eq!(r.status, *status, "case {i}: {}", r.raw);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(needle),
            "case {i}: {}",
            r.raw
        );
    }
    // A code is used once.
    assert_eq!(upload(&good("V-7"), &[("a.png", &ok_file)]).status, 201);
    let r = upload(&good("V-7"), &[("a.png", &ok_file)]);
    assert_eq!((r.status, error_code(&r)), (409, "conflict"), "{}", r.raw);

    let clerk = format!("Bearer {}", server.token("clerk"));
    let raw = |method: &str, path: &str, ct: &str, body: &[u8]| {
        server.send(
            method,
            path,
            &[("Authorization", &clerk), ("Content-Type", ct)],
            body,
        )
    };
    let more = vec![
        raw("POST", "/api/v1/dossiers", "application/json", b"{}"),
        raw("POST", "/api/v1/dossiers", "multipart/form-data", b"--x\r\n"),
        raw("POST", "/api/v1/dossiers", "multipart/form-data; boundary=zzz", b"garbage without parts"),
        raw("POST", "/api/v1/dossiers", "multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data; name=\"dossier_code\"\r\n\r\nunterminated"),
        raw("PATCH", "/api/v1/records/r-1/fields/full_name", "application/json", b"{not json"),
        raw("PATCH", "/api/v1/records/r-1/fields/full_name", "application/json", b"{\"reason\": \"no value\"}"),
        raw("POST", "/api/v1/records/r-1/revoke", "text/plain", b"because"),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": CITIZEN}).to_string().as_bytes()),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": CITIZEN, "procedure_code": "marriage_registration", "fields": ["citizen_id.sex"]}).to_string().as_bytes()),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": CITIZEN, "procedure_code": "nope"}).to_string().as_bytes()),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": CITIZEN, "fields": ["citizen_id.shoe_size"]}).to_string().as_bytes()),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": CITIZEN, "fields": ["passport.number"]}).to_string().as_bytes()),
        raw("POST", "/api/v1/prefill", "application/json", json!({"subject_id": "abc", "fields": ["citizen_id.sex"]}).to_string().as_bytes()),
        raw("GET", "/api/v1/subjects/12345/records", "", b""),
        raw("GET", "/api/v1/subjects/001099012345/records?type=passport", "", b""),
        raw("GET", "/api/v1/subjects/001099012345/records?type=unknown", "", b""),
        raw("GET", "/api/v1/originals/not-a-hash", "", b""),
        raw("GET", "/api/v1/dossiers/has%20space", "", b""),
        raw("POST", "/api/v1/tokens", "application/json", b"{}"),
    ];
    for (i, r) in more.iter().enumerate() {
        assert_eq!(
            (r.status, error_code(r)),
            (400, "bad_request"),
            "case {i}: {}",
            r.raw
        );
    }
    let admin = format!("Bearer {}", server.token("admin"));
    for (body, needle) in [
        (
            json!({"name": "p", "role": "procedure_system"}),
            "needs the document types",
        ),
        (
            json!({"name": "c", "role": "clerk", "document_types": ["citizen_id"]}),
            "only for procedure_system",
        ),
        (json!({"name": "x", "role": "root"}), "unknown role"),
        (
            json!({"name": "bad name!", "role": "clerk"}),
            "not a token name",
        ),
    ] {
        let r = server.send(
            "POST",
            "/api/v1/tokens",
            &[
                ("Authorization", &admin),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 400, "{}", r.raw);
        assert!(r.raw.contains(needle), "{}", r.raw);
    }
    // Audit queries are checked too.
    for q in ["limit=0", "limit=abc", "subject=42"] {
        let r = server.call("auditor", "GET", &format!("/api/v1/access-log?{q}"), None);
        assert_eq!(r.status, 400, "{q}: {}", r.raw);
    }
    // Unknown paths and methods are JSON errors too.
    let r = server.call("clerk", "GET", "/api/v1/nothing-here", None);
    assert_eq!((r.status, error_code(&r)), (404, "not_found"));
    let r = server.call("clerk", "PUT", "/api/v1/prefill", None);
    assert_eq!(r.status, 405, "{}", r.raw);
    // The originals endpoint keeps its own limit.
    let r = server.send(
        "POST",
        "/api/v1/originals?name=big.png",
        &[
            ("Authorization", &clerk),
            ("Content-Type", "application/octet-stream"),
        ],
        &[png("y"), vec![1u8; 70_000]].concat(),
    );
    assert_eq!(
        (r.status, error_code(&r)),
        (413, "payload_too_large"),
        "{}",
        r.raw
    );

    // The command line checks the same rules.
    let out = server
        .hoso()
        .args([
            "token",
            "create",
            "--name",
            "p2",
            "--role",
            "procedure_system",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the document types"));
    let out = server
        .hoso()
        .args([
            "token",
            "create",
            "--name",
            "a2",
            "--role",
            "auditor",
            "--types",
            "citizen_id",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = server
        .hoso()
        .args(["token", "create", "--name", "clerk", "--role", "clerk"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "names are unique");
}

#[test]
fn the_openapi_document_lists_every_route() {
    let server = stand_in_server();
    let r = server.call("none", "GET", "/openapi.json", None);
    assert_eq!(r.status, 200);
    assert!(
        r.raw
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        r.raw
    );
    let doc = &r.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let expected = [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/openapi.json", "get"),
        ("/api/v1/originals", "post"),
        ("/api/v1/originals/{sha256}", "get"),
        ("/api/v1/queue", "get"),
        ("/api/v1/dossiers", "post"),
        ("/api/v1/dossiers/{code}", "get"),
        ("/api/v1/records/{id}", "get"),
        ("/api/v1/records/{id}/fields/{key}", "patch"),
        ("/api/v1/records/{id}/verify", "post"),
        ("/api/v1/records/{id}/revoke", "post"),
        ("/api/v1/subjects/{id}/records", "get"),
        ("/api/v1/prefill", "post"),
        ("/api/v1/access-log", "get"),
        ("/api/v1/tokens", "get"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/{name}", "delete"),
        ("/api/v1/audit/checkpoint", "get"),
        ("/api/v1/audit/checkpoints", "post"),
        ("/api/v1/audit/proofs/inclusion", "get"),
        ("/api/v1/audit/proofs/consistency", "get"),
        ("/api/v1/audit/entries", "get"),
        ("/api/v1/records/{id}/provenance", "get"),
        ("/api/v1/records/{id}/receipt", "get"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    let listed: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        listed,
        expected.len(),
        "{:?}",
        paths.keys().collect::<Vec<_>>()
    );
    for (path, method) in expected {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} missing");
        // Every operation documents its answers; those under /api/v1 need the token.
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
        if path.starts_with("/api/v1") {
            assert_eq!(op["security"], json!([{"bearer": []}]), "{method} {path}");
            assert!(op["responses"]["401"].is_object(), "{method} {path}");
        }
        // The route answers: anything but a 404 for an unknown path or a 405.
        let probe = path.replace(['{', '}'], "");
        let r = server.call("none", &method.to_uppercase(), &probe, None);
        assert!(
            r.status != 405
                && !(r.status == 404
                    && error_code(&r) == "not_found"
                    && r.raw.contains("no such endpoint")),
            "{method} {path}: {}",
            r.raw
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["RecordOut"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

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
