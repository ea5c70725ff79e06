//! What the API promises its callers: a specific 4xx for each kind of bad input, never a
//! 500, and an OpenAPI document that lists every route.

use serde_json::json;

use crate::support::*;

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
        ("/api/v1/records/{id}/fields/{key}/units", "post"),
        ("/open-data/", "get"),
        ("/open-data/{file}", "get"),
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
