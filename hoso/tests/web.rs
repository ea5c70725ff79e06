//! The web interface over HTTP, without a browser: sign-in and its cookie, throttling,
//! the CSRF and origin checks, roles, sessions ended by a password change, page images
//! rendered once and kept, and a page that cannot be rendered answered with a reason.
//! The browser journey is `web_journey.rs`.

#[path = "support/api_server.rs"]
mod support;

use support::{form, header, multipart, sign_in, Server};

const PASSWORD: &str = "một mật khẩu đủ dài 2026";

fn user(server: &Server, name: &str, role: &str, command: &str, password: &str) {
    support::user(server, command, name, role, password);
}

fn white_png() -> Vec<u8> {
    let image = image::GrayImage::from_pixel(400, 300, image::Luma([255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn sign_in_sessions_csrf_roles_and_page_images() {
    let server = support::stand_in_server();
    user(&server, "lan", "clerk", "create", PASSWORD);
    user(&server, "minh", "auditor", "create", PASSWORD);

    // Anonymous: to the sign-in page; the pages carry a strict CSP.
    let r = server.send("GET", "/", &[], b"");
    assert_eq!((r.status, header(&r, "location")), (303, Some("/sign-in")));
    let r = server.send("GET", "/sign-in", &[], b"");
    let csp = header(&r, "content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );

    // The cookie: HttpOnly, SameSite=Strict, Secure behind a TLS proxy.
    let login = form(&[("name", "lan"), ("password", PASSWORD)]);
    let urlencoded = ("Content-Type", "application/x-www-form-urlencoded");
    let r = server.send("POST", "/sign-in", &[urlencoded], &login);
    let cookie = header(&r, "set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "{cookie}");
    let r = server.send(
        "POST",
        "/sign-in",
        &[urlencoded, ("X-Forwarded-Proto", "https")],
        &login,
    );
    assert!(header(&r, "set-cookie").unwrap().contains("; Secure"));

    let (clerk, csrf) = sign_in(&server, "lan", PASSWORD);

    // State changes need the session's token, from our own origin.
    let search = |headers: &[(&str, &str)], body: &[(&str, &str)]| {
        let mut all = vec![("Cookie", clerk.as_str()), urlencoded];
        all.extend_from_slice(headers);
        server.send("POST", "/search", &all, &form(body))
    };
    assert_eq!(search(&[], &[("q", support::CITIZEN)]).status, 403);
    assert_eq!(
        search(&[], &[("q", support::CITIZEN), ("csrf", "hoso_wrong")]).status,
        403
    );
    let evil = [("Origin", "http://evil.example")];
    assert_eq!(
        search(&evil, &[("q", support::CITIZEN), ("csrf", &csrf)]).status,
        403
    );
    let other_site = [("Sec-Fetch-Site", "cross-site")];
    assert_eq!(
        search(&other_site, &[("q", support::CITIZEN), ("csrf", &csrf)]).status,
        403
    );
    let ok = search(&[], &[("q", support::CITIZEN), ("csrf", &csrf)]);
    assert_eq!(ok.status, 200, "{}", ok.raw);

    // A clerk is refused the auditors' pages; an auditor reaches them.
    for path in ["/audit", "/audit/access-log"] {
        let r = server.send("GET", path, &[("Cookie", &clerk)], b"");
        assert_eq!(r.status, 403, "{path}");
    }
    let (auditor, _) = sign_in(&server, "minh", PASSWORD);
    assert_eq!(
        server
            .send("GET", "/audit", &[("Cookie", &auditor)], b"")
            .status,
        200
    );

    // A dossier from the interface: multipart with the token in its header.
    let picture = white_png();
    let broken = support::png("not really a png");
    let (content_type, body) = multipart(
        &[
            ("dossier_code", "WEB-1"),
            ("procedure_code", "residence_registration"),
            ("subject_id", support::CITIZEN),
        ],
        &[("white.png", &picture), ("broken.png", &broken)],
    );
    let r = server.send(
        "POST",
        "/dossiers",
        &[
            ("Cookie", &clerk),
            ("Content-Type", &content_type),
            ("X-CSRF-Token", &csrf),
        ],
        &body,
    );
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["location"], "/dossiers/WEB-1");
    server.wait_processed("WEB-1");
    let page = server.send("GET", "/dossiers/WEB-1", &[("Cookie", &clerk)], b"");
    assert_eq!(page.status, 200);
    assert_eq!(page.raw.matches("data-testid=\"file\"").count(), 2);

    // Page images: rendered once by the child, then served from the kept derivative.
    let sha = hoso_pipeline::ContentHash::of(&picture).to_hex();
    let path = format!("/pages/{sha}/1");
    let r = server.send("GET", &path, &[("Cookie", &clerk)], b"");
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(header(&r, "content-type"), Some("image/png"));
    let kept = server
        .data
        .join(format!("objects/derived/{sha}/page-1-w1000.png"));
    assert!(kept.is_file(), "{}", kept.display());
    let again = server.send("GET", &path, &[("Cookie", &clerk)], b"");
    assert_eq!(again.raw.len(), r.raw.len());
    // A file the renderer cannot read is a clear 422, and the server goes on.
    let bad = hoso_pipeline::ContentHash::of(&broken).to_hex();
    let r = server.send(
        "GET",
        &format!("/pages/{bad}/1"),
        &[("Cookie", &clerk)],
        b"",
    );
    assert_eq!(r.status, 422, "{}", r.raw);
    let r = server.send(
        "GET",
        &format!("/pages/{sha}/2"),
        &[("Cookie", &clerk)],
        b"",
    );
    assert_eq!(r.status, 404, "an image has one page");
    assert_eq!(server.send("GET", "/healthz", &[], b"").status, 200);

    // A new password ends every session of the user.
    user(&server, "lan", "", "password", "another long password");
    let r = server.send("GET", "/", &[("Cookie", &clerk)], b"");
    assert_eq!((r.status, header(&r, "location")), (303, Some("/sign-in")));
    sign_in(&server, "lan", "another long password");

    // Failed sign-ins are slowed: after three, the account must wait.
    let wrong = form(&[("name", "minh"), ("password", "guess guess guess")]);
    for _ in 0..3 {
        assert_eq!(
            server
                .send("POST", "/sign-in", &[urlencoded], &wrong)
                .status,
            401
        );
    }
    let right = form(&[("name", "minh"), ("password", PASSWORD)]);
    let r = server.send("POST", "/sign-in", &[urlencoded], &right);
    assert_eq!(r.status, 429, "{}", r.raw);

    // Signing out ends the session.
    let (session, csrf) = sign_in(&server, "lan", "another long password");
    let r = server.send(
        "POST",
        "/sign-out",
        &[("Cookie", &session), urlencoded],
        &form(&[("csrf", &csrf)]),
    );
    assert_eq!(r.status, 303);
    let r = server.send("GET", "/", &[("Cookie", &session)], b"");
    assert_eq!(r.status, 303);
}
