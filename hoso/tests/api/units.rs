//! Places as units through the API and the CLI: a split commune's candidates, a clerk's
//! choice kept like a correction, prefill in today's units or as printed, and
//! `hoso units reconvert` storing conversions with their table and reporting changes.

use serde_json::{json, Value};

use crate::support::*;

const SPLIT: &str = "Tổ 5, Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội";

fn crosswalk_file() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/admin-units-2025/old_to_new.tsv")
}

fn reconvert(server: &Server, env: &[(&str, &str)]) -> Value {
    let mut command = server.hoso();
    command.envs(env.iter().copied());
    let out = succeed(command.args(["units", "reconvert", "--json"]));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_split_commune_is_chosen_by_a_clerk_and_prefill_answers_in_today_s_units() {
    let server = start(&[("HOSO_WORKERS", "1")]);
    let dir = tempfile::tempdir().unwrap();
    let specimens = id_card_specimens(dir.path());
    let card = &specimens[0];
    let subject = truth_id(card);
    let r = server.card_dossier("U-1", "marriage_registration", card);
    assert_eq!(r.status, 201, "{}", r.raw);
    let record = only_record(&server.wait_processed("U-1"));
    let id = record["id"].as_str().unwrap().to_string();

    // The clerk corrects the residence to a commune split in 2025: every candidate.
    let r = server.call(
        "clerk",
        "PATCH",
        &format!("/api/v1/records/{id}/fields/place_of_residence"),
        Some(&json!({"value": SPLIT, "reason": "read from the household book"})),
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let units = &r.body["fields"]["place_of_residence"]["units"];
    assert_eq!(units["printed"]["commune"]["code"], "00007", "{units}");
    let candidates: Vec<String> = units["current"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["merge"], "partial", "{c}");
            c["commune"]["code"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(candidates.len() >= 2, "{units}");

    // Refused: a code that is not a candidate, no reason, a field that is no place.
    let choose = format!("/api/v1/records/{id}/fields/place_of_residence/units");
    for (body, problem) in [
        (
            json!({"commune_code": "99999", "reason": "guess"}),
            "not one of the candidates",
        ),
        (
            json!({"commune_code": candidates[1], "reason": " "}),
            "needs a reason",
        ),
    ] {
        let r = server.call("clerk", "POST", &choose, Some(&body));
        assert_eq!(
            (r.status, error_code(&r)),
            (400, "bad_request"),
            "{}",
            r.raw
        );
        assert!(r.raw.contains(problem), "{}", r.raw);
    }
    let r = server.call(
        "clerk",
        "POST",
        &format!("/api/v1/records/{id}/fields/full_name/units"),
        Some(&json!({"commune_code": candidates[1], "reason": "x"})),
    );
    assert_eq!(r.status, 400, "{}", r.raw);
    // A procedure system may not choose.
    let r = server.call(
        "ps",
        "POST",
        &choose,
        Some(&json!({"commune_code": candidates[1], "reason": "x"})),
    );
    assert_eq!(r.status, 403, "{}", r.raw);

    // The review page shows the units and offers the candidates to a clerk.
    user(
        &server,
        "create",
        "lan",
        "clerk",
        "một mật khẩu đủ dài 2026",
    );
    let (session, csrf) = sign_in(&server, "lan", "một mật khẩu đủ dài 2026");
    let page = server.send(
        "GET",
        &format!("/records/{id}"),
        &[("Cookie", &session)],
        b"",
    );
    assert_eq!(page.status, 200, "{}", page.raw);
    assert!(
        page.raw
            .contains("data-testid=\"units-place_of_residence\""),
        "{}",
        page.raw
    );
    assert!(page.raw.contains("Phường Cống Vị (00007)"), "{}", page.raw);
    assert!(page
        .raw
        .contains("data-testid=\"choose-place_of_residence\""));
    for code in &candidates {
        assert!(page.raw.contains(&format!("value=\"{code}\"")), "{code}");
    }
    // The choice, through the review's form: the one chosen, marked manual, and in the
    // history with its reason.
    let chosen = candidates[1].clone();
    let r = server.send(
        "POST",
        &format!("/records/{id}/fields/place_of_residence/units"),
        &[
            ("Cookie", &session),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &form(&[
            ("csrf", &csrf),
            ("commune_code", &chosen),
            ("reason", "tổ 5 thuộc phần sáp nhập"),
        ]),
    );
    assert_eq!(r.status, 303, "{}", r.raw);
    let page = server.send(
        "GET",
        &format!("/records/{id}"),
        &[("Cookie", &session)],
        b"",
    );
    assert!(!page
        .raw
        .contains("data-testid=\"choose-place_of_residence\""));
    let r = server.call("clerk", "GET", &format!("/api/v1/records/{id}"), None);
    assert_eq!(r.status, 200, "{}", r.raw);
    let units = &r.body["fields"]["place_of_residence"]["units"];
    assert_eq!(units["method"], "manual", "{units}");
    assert_eq!(units["current"].as_array().unwrap().len(), 1, "{units}");
    assert_eq!(units["current"][0]["commune"]["code"], chosen.as_str());
    assert_eq!(r.body["fields"]["place_of_residence"]["value"], SPLIT);
    let last = r.body["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "unit_chosen", "{last}");
    assert_eq!(last["commune_code"], chosen.as_str());
    assert_eq!(last["reason"], "tổ 5 thuộc phần sáp nhập");

    // Prefill answers in today's units by default, the printed value beside.
    let r = server.call(
        "admin",
        "POST",
        &format!("/api/v1/records/{id}/verify"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.raw);
    let prefill = |units: Option<&str>| {
        let mut body = json!({"subject_id": subject, "fields": [
            "citizen_id.place_of_residence", "citizen_id.full_name"]});
        if let Some(u) = units {
            body["units"] = json!(u);
        }
        let r = server.call("ps", "POST", "/api/v1/prefill", Some(&body));
        assert_eq!(r.status, 200, "{}", r.raw);
        r.body["known"].clone()
    };
    let today = prefill(None);
    let residence = &today["citizen_id.place_of_residence"];
    assert_eq!(residence["in_units"], "current", "{residence}");
    assert_eq!(residence["printed"], SPLIT);
    let value = residence["value"].as_str().unwrap();
    let chosen_name = residence["units"]["current"][0]["commune"]["name"]
        .as_str()
        .unwrap();
    assert_eq!(
        value,
        format!("Tổ 5, {chosen_name}, Thành phố Hà Nội"),
        "{residence}"
    );
    assert!(today["citizen_id.full_name"].get("in_units").is_none());
    // A lookup answers the same way: today's units by default, or as printed.
    let lookup = |query: &str| {
        let r = server.call(
            "ps",
            "GET",
            &format!("/api/v1/subjects/{subject}/records{query}"),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.raw);
        r.body["records"][0]["fields"]["place_of_residence"].clone()
    };
    let looked_up = lookup("");
    assert_eq!(looked_up["value"], value, "{looked_up}");
    assert_eq!(looked_up["printed"], SPLIT);
    assert_eq!(looked_up["in_units"], "current");
    let looked_up = lookup("?units=printed");
    assert_eq!(looked_up["value"], SPLIT, "{looked_up}");
    assert_eq!(looked_up["in_units"], "printed");
    let printed = prefill(Some("printed"));
    assert_eq!(printed["citizen_id.place_of_residence"]["value"], SPLIT);
    assert_eq!(
        printed["citizen_id.place_of_residence"]["in_units"],
        "printed"
    );
    let r = server.call(
        "ps",
        "POST",
        "/api/v1/prefill",
        Some(&json!({"subject_id": subject, "fields": ["citizen_id.full_name"], "units": "old"})),
    );
    assert_eq!(r.status, 400, "{}", r.raw);

    // Reconverting stores every place with the table's version; again, nothing changes.
    let first = reconvert(&server, &[]);
    assert_eq!(first["crosswalk"], "dvhcvn/20250701@dd94887");
    assert!(first["fields"].as_u64().unwrap() >= 2, "{first}");
    assert_eq!(first["changed"], 0, "{first}");
    let again = reconvert(&server, &[]);
    assert_eq!(
        (again["converted"].as_u64(), again["changed"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(again["unchanged"], first["fields"]);

    // A newer table without the chosen part: the choice is dropped, and reported.
    let table = std::fs::read_to_string(crosswalk_file()).unwrap();
    let newer: String = table
        .lines()
        .filter(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            !(cols.get(2) == Some(&"00007") && cols.get(6) == Some(&chosen.as_str()))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let newer_path = dir.path().join("newer.tsv");
    std::fs::write(&newer_path, newer).unwrap();
    let newer_env = [
        ("HOSO_UNITS_CROSSWALK", newer_path.to_str().unwrap()),
        (
            "HOSO_UNITS_CROSSWALK_VERSION",
            "test/without-the-chosen-part",
        ),
    ];
    let report = reconvert(&server, &newer_env);
    assert_eq!(report["crosswalk"], "test/without-the-chosen-part");
    let changes = report["changes"].as_array().unwrap();
    let residence_change = changes
        .iter()
        .find(|c| c["key"] == "place_of_residence")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        residence_change["choice_dropped"],
        chosen.as_str(),
        "{report}"
    );
    assert_eq!(residence_change["before"], "dvhcvn/20250701@dd94887");
    // The dropped choice is in the audit log, once the server has sequenced it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let r = server.call("auditor", "GET", "/api/v1/audit/entries?limit=1000", None);
        assert_eq!(r.status, 200, "{}", r.raw);
        let dropped = r.body.as_array().unwrap().iter().any(|e| {
            let entry = e["entry"].as_str().unwrap_or_default();
            entry.contains("record.unit_choice_dropped") && entry.contains(&chosen)
        });
        if dropped {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", r.raw);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    // The record now answers with the newer table's conversion and its version.
    let r = server.call("clerk", "GET", &format!("/api/v1/records/{id}"), None);
    let units = &r.body["fields"]["place_of_residence"]["units"];
    assert_eq!(
        units["crosswalk"], "test/without-the-chosen-part",
        "{units}"
    );
    assert!(units.get("method").is_none(), "{units}");
    let codes: Vec<&str> = units["current"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["commune"]["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&chosen.as_str()), "{units}");
}
