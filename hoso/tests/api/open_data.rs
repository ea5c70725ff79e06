//! The open statistics end to end: `hoso report open-data` and `/open-data/` over
//! dossiers read by the real engines. Counts below the threshold are suppressed, and no
//! id number, name, address detail or dossier code is published anywhere.

use serde_json::Value;

use hoso_testdata::{generate, FileFormat, GenerateOptions, Kind, Quality};

use crate::support::*;

const DATASETS: [&str; 5] = [
    "dossiers-by-procedure-province-month",
    "documents-by-type-month",
    "reuse-by-procedure-province",
    "digitisation-by-procedure",
    "time-to-registered-by-month",
];

/// Every published count of a dataset's JSON below `min`, as `dataset/column=value`.
fn counts_below(dataset: &Value, min: u64) -> Vec<String> {
    let counts: Vec<&str> = dataset["columns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "count")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(!counts.is_empty(), "{dataset}");
    let mut below = Vec::new();
    for row in dataset["rows"].as_array().unwrap() {
        for column in &counts {
            if let Some(n) = row[*column].as_u64() {
                if n < min {
                    below.push(format!("{}/{column}={n}", dataset["id"]));
                }
            } else {
                assert!(row[*column].is_null(), "a count or suppressed: {row}");
            }
        }
    }
    below
}

#[test]
fn open_statistics_publish_counts_by_current_province_and_nobody_in_them() {
    let server = start(&[("HOSO_WORKERS", "1")]);
    let dir = tempfile::tempdir().unwrap();
    // Six citizens' cards, each in a marriage dossier; their residences, corrected by the
    // clerk, are all in Hà Nội: six dossiers of six people, published.
    let mut opts = GenerateOptions::new(33, 6, dir.path().join("cards"));
    opts.qualities = vec![Quality::Clean];
    opts.formats = vec![FileFormat::Png];
    opts.kinds = Kind::parse("cards").unwrap();
    let cards = generate(&opts).unwrap();
    let mut codes = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let code = format!("OD-MARRIAGE-{i}");
        let r = server.card_dossier(&code, "marriage_registration", card);
        assert_eq!(r.status, 201, "{}", r.raw);
        codes.push(code);
    }
    // The first citizen again: one residence dossier (suppressed), and five birth
    // registrations (five dossiers, one person: suppressed too).
    let card = &cards[0];
    let mut theirs = vec!["OD-RESIDENCE-1".to_string()];
    theirs.extend((1..=5).map(|i| format!("OD-BIRTH-{i}")));
    for code in &theirs {
        let procedure = if code.contains("BIRTH") {
            "birth_registration"
        } else {
            "residence_registration"
        };
        let r = server.card_dossier(code, procedure, card);
        assert_eq!(r.status, 201, "{}", r.raw);
    }
    for code in &codes {
        let record = only_record(&server.wait_processed(code));
        let id = record["id"].as_str().unwrap();
        let r = server.call(
            "clerk",
            "PATCH",
            &format!("/api/v1/records/{id}/fields/place_of_residence"),
            Some(
                &serde_json::json!({"value": "Tổ 7, Phường Hồng Hà, Thành phố Hà Nội",
                                     "reason": "read from the household book"}),
            ),
        );
        assert_eq!(r.status, 200, "{}", r.raw);
    }
    for code in &theirs {
        server.wait_processed(code);
    }
    codes.extend(theirs);

    let out = dir.path().join("open-data");
    succeed(
        server
            .hoso()
            .args(["report", "open-data", "--out"])
            .arg(&out),
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = DATASETS
        .iter()
        .flat_map(|d| [format!("{d}.csv"), format!("{d}.json")])
        .chain(["catalog.jsonld".to_string()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);

    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let json = |name: &str| -> Value { serde_json::from_str(&read(name)).unwrap() };

    // Dossiers by procedure, current province and month: six published, one suppressed.
    let dossiers = json("dossiers-by-procedure-province-month.json");
    let rows = dossiers["rows"].as_array().unwrap();
    let marriage = rows
        .iter()
        .find(|r| r["procedure_code"] == "marriage_registration")
        .unwrap_or_else(|| panic!("{dossiers}"));
    assert_eq!(marriage["dossiers"], 6, "{marriage}");
    assert_eq!(
        marriage["province_code"], "01",
        "today's province: {marriage}"
    );
    let residence = rows
        .iter()
        .find(|r| r["procedure_code"] == "residence_registration")
        .unwrap_or_else(|| panic!("{dossiers}"));
    assert!(residence["dossiers"].is_null(), "one dossier: {residence}");
    let births = rows
        .iter()
        .find(|r| r["procedure_code"] == "birth_registration")
        .unwrap_or_else(|| panic!("{dossiers}"));
    assert!(
        births["dossiers"].is_null(),
        "five dossiers, one person: {births}"
    );
    // Six cards read.
    let documents = json("documents-by-type-month.json");
    let card_row = &documents["rows"][0];
    assert_eq!(card_row["document_type"], "citizen_id", "{documents}");
    assert_eq!(card_row["documents"], 6, "{documents}");
    // The CSV says the same, a suppressed count an empty cell.
    let csv = read("dossiers-by-procedure-province-month.csv");
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "procedure_code,province_code,province_name,month,dossiers"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("marriage_registration,") && l.ends_with(",6")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("residence_registration,") && l.ends_with(',')),
        "{csv}"
    );

    // No published count is below the threshold, in any dataset.
    for d in DATASETS {
        assert_eq!(
            counts_below(&json(&format!("{d}.json")), 5),
            Vec::<String>::new()
        );
    }

    // Nobody in it: not the id number, the name, the residence's detail, nor a dossier.
    let everything: String = names.iter().map(|n| read(n)).collect::<Vec<_>>().join("\n");
    let lower = everything.to_lowercase();
    let mut personal = vec!["Tổ 7".to_string()];
    for card in &cards {
        let truth = &card.truth.documents[0].fields;
        personal.push(truth_id(card));
        personal.push(truth["full_name"].value.clone());
        let detail = truth["place_of_residence"].value.split(',').next().unwrap();
        personal.push(detail.trim().to_string());
    }
    for p in &personal {
        assert!(!lower.contains(&p.to_lowercase()), "{p:?} is published");
    }
    for code in &codes {
        assert!(!everything.contains(code.as_str()), "{code} is published");
    }

    // The catalog describes every dataset in Vietnamese and English, with both files.
    let catalog = json("catalog.jsonld");
    assert_eq!(catalog["@type"], "dcat:Catalog");
    let described = catalog["dcat:dataset"].as_array().unwrap();
    assert_eq!(described.len(), DATASETS.len());
    for d in described {
        let languages: Vec<&str> = d["dct:title"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["@language"].as_str().unwrap())
            .collect();
        assert_eq!(languages, ["vi", "en"], "{d}");
        assert_eq!(d["dcat:distribution"].as_array().unwrap().len(), 2, "{d}");
        assert!(d["dct:license"]["@id"].is_string(), "{d}");
        assert!(d["dct:accrualPeriodicity"]["@id"].is_string(), "{d}");
    }

    // The same files over HTTP, without a token.
    let index = server.call("none", "GET", "/open-data/", None);
    assert_eq!(index.status, 200, "{}", index.raw);
    assert_eq!(index.body["files"][0]["name"], "catalog.jsonld");
    assert_eq!(
        index.body["files"].as_array().unwrap().len(),
        expected.len()
    );
    let served = server.send(
        "GET",
        "/open-data/dossiers-by-procedure-province-month.csv",
        &[],
        b"",
    );
    assert_eq!(served.status, 200, "{}", served.raw);
    assert!(
        served.raw.to_lowercase().contains("content-type: text/csv"),
        "{}",
        served.raw
    );
    assert!(served.raw.ends_with(&csv), "{}", served.raw);
    let missing = server.call("none", "GET", "/open-data/people.csv", None);
    assert_eq!(missing.status, 404, "{}", missing.raw);
    assert_eq!(error_code(&missing), "not_found");

    // A threshold of one would publish a person: refused with the setting's name.
    let run = server
        .hoso()
        .env("HOSO_OPEN_DATA_MIN_COUNT", "1")
        .args(["report", "open-data", "--out"])
        .arg(dir.path().join("unsafe"))
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("HOSO_OPEN_DATA_MIN_COUNT"), "{stderr}");
}
