//! Checks over generated specimens: the files are what their truth says, and the truth
//! follows the extraction contract.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use hoso_extractors::{DocumentType, FieldKey, Format};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::codes::{
    citizen_id_consistent, enterprise_check_digit, parse_qr_payload, td1_checks_ok,
};
use crate::date::Date;
use crate::truth::{Truth, TruthDocument};
use crate::{generate, FileFormat, GenerateError, GenerateOptions, Quality};

struct Loaded {
    file_name: String,
    format: FileFormat,
    bytes: Vec<u8>,
    truth: Truth,
}

/// Three rounds of the kind rotation, generated once and held in memory.
fn specimens() -> &'static [Loaded] {
    static SHARED: OnceLock<Vec<Loaded>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = GenerateOptions::new(11, 21, dir.path());
        let written = generate(&opts).expect("generation succeeds");
        written
            .iter()
            .map(|s| {
                let bytes = std::fs::read(&s.path).expect("specimen readable");
                let json = std::fs::read_to_string(&s.truth_path).expect("truth readable");
                let truth: Truth = serde_json::from_str(&json).expect("truth parses");
                Loaded {
                    file_name: s.file_name.clone(),
                    format: s.format,
                    bytes,
                    truth,
                }
            })
            .collect()
    })
}

fn docs<'a>(
    doc_type: &'a str,
) -> impl Iterator<Item = (&'static Loaded, &'static TruthDocument)> + 'a {
    specimens().iter().flat_map(move |s| {
        s.truth
            .documents
            .iter()
            .filter(move |d| d.document_type == doc_type)
            .map(move |d| (s, d))
    })
}

fn field<'a>(d: &'a TruthDocument, key: &str) -> Option<&'a str> {
    d.fields.get(key).map(|f| f.value.as_str())
}

fn date_of(d: &TruthDocument, key: &str) -> Date {
    field(d, key)
        .and_then(Date::parse_iso)
        .unwrap_or_else(|| panic!("{key} is a date in {:?}", d.fields))
}

fn female(d: &TruthDocument, key: &str) -> bool {
    match field(d, key) {
        Some("female") => true,
        Some("male") => false,
        other => panic!("{key} is {other:?}"),
    }
}

fn pdf_page_count(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes)
        .expect("pdf parses")
        .get_pages()
        .len()
}

#[test]
fn same_seed_gives_identical_bytes_whatever_the_thread_count() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let mut opts = GenerateOptions::new(5, 8, a.path());
    opts.threads = 1;
    let first = generate(&opts).expect("first run");
    opts.out_dir = b.path().to_path_buf();
    opts.threads = 2;
    let second = generate(&opts).expect("second run");
    assert_eq!(first.len(), 8);
    let mut names = BTreeSet::new();
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(x.file_name, y.file_name);
        names.insert(x.file_name.clone());
        for (px, py) in [(&x.path, &y.path), (&x.truth_path, &y.truth_path)] {
            let (bx, by) = (
                std::fs::read(px).expect("read"),
                std::fs::read(py).expect("read"),
            );
            assert!(bx == by, "{} differs between runs", px.display());
        }
    }
    assert_eq!(names.len(), 8, "file names are unique");

    let c = tempfile::tempdir().expect("temp dir");
    let other = generate(&GenerateOptions::new(6, 1, c.path())).expect("other seed");
    let (p5, p6) = (&first[0].path, &other[0].path);
    assert_ne!(
        std::fs::read(p5).expect("read"),
        std::fs::read(p6).expect("read")
    );
}

#[test]
fn truth_describes_its_file() {
    for s in specimens() {
        let t = &s.truth;
        assert_eq!(t.source.file_name, s.file_name);
        assert_eq!(t.source.sha256, hex::encode(Sha256::digest(&s.bytes)));
        let pages = match s.format {
            FileFormat::Pdf => {
                assert_eq!(t.source.media_type, "application/pdf");
                pdf_page_count(&s.bytes)
            }
            other => {
                assert_eq!(t.source.media_type, other.media_type());
                let img = image::load_from_memory(&s.bytes).expect("image decodes");
                assert!(img.width() > 500 && img.height() > 300, "{}", s.file_name);
                1
            }
        };
        assert_eq!(t.source.pages as usize, pages, "{}", s.file_name);
        assert!(!t.documents.is_empty());
        for d in &t.documents {
            assert!(!d.pages.is_empty());
            assert!(d.pages.iter().all(|p| *p >= 1 && *p as usize <= pages));
        }
        assert!(!t.specimen.fonts.is_empty());
        // Monospaced faces set only the MRZ: they are listed exactly when a back face shows.
        let monos = [
            "DejaVuSansMono.ttf",
            "FreeMonoBold.ttf",
            "LiberationMono-Regular.ttf",
        ];
        let has_mrz = t.specimen.codes.iter().any(|c| c.kind == "mrz");
        let has_mono = t.specimen.fonts.iter().any(|f| monos.contains(&f.as_str()));
        assert_eq!(has_mrz, has_mono, "{}: {:?}", s.file_name, t.specimen.fonts);
        assert!(t.specimen.dpi >= 150 && t.specimen.dpi <= 450);
    }
}

#[test]
fn pdf_pages_are_single_jpeg_scans() {
    let mut seen = 0;
    for s in specimens().iter().filter(|s| s.format == FileFormat::Pdf) {
        let doc = lopdf::Document::load_mem(&s.bytes).expect("pdf parses");
        for (_, page_id) in doc.get_pages() {
            let page = doc
                .get_object(page_id)
                .and_then(|o| o.as_dict())
                .expect("page dict");
            let resources = page
                .get(b"Resources")
                .and_then(|r| r.as_dict())
                .expect("resources");
            let xobjects = resources
                .get(b"XObject")
                .and_then(|x| x.as_dict())
                .expect("xobjects");
            assert_eq!(xobjects.len(), 1);
            for (_, r) in xobjects.iter() {
                let id = r.as_reference().expect("image reference");
                let stream = doc
                    .get_object(id)
                    .and_then(|o| o.as_stream())
                    .expect("image stream");
                let filter = stream
                    .dict
                    .get(b"Filter")
                    .and_then(|f| f.as_name())
                    .expect("filter");
                assert_eq!(filter, b"DCTDecode");
                assert!(stream.content.starts_with(&[0xff, 0xd8]), "jpeg data");
            }
            seen += 1;
        }
    }
    assert!(seen >= 5, "the sample holds several pdf pages");
}

/// The type's field keys, from its schema in the extractors.
fn allowed_keys(doc_type: &str) -> Vec<&'static str> {
    let t = DocumentType::parse(doc_type)
        .unwrap_or_else(|| panic!("unexpected document type {doc_type}"));
    t.field_keys().into_iter().map(FieldKey::as_str).collect()
}

fn digits(s: &str, lens: &[usize]) -> bool {
    lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn field_values_follow_the_spec_formats() {
    for s in specimens() {
        for d in &s.truth.documents {
            let allowed = allowed_keys(&d.document_type);
            for (key, f) in &d.fields {
                let v = f.value.as_str();
                let ctx = format!("{} {key}={v:?}", s.file_name);
                assert!(
                    allowed.contains(&key.as_str()),
                    "{ctx}: key not in the spec"
                );
                assert!(!v.is_empty(), "{ctx}");
                assert_eq!(v.nfc().collect::<String>(), v, "{ctx}: not NFC");
                assert_eq!(
                    v.split_whitespace().collect::<Vec<_>>().join(" "),
                    v,
                    "{ctx}: spacing"
                );
                let t = DocumentType::parse(&d.document_type).expect("a type");
                let format = FieldKey::parse(key).and_then(|k| t.format_of(k));
                match format.expect("a field of the type") {
                    Format::Expiry => {
                        assert!(v == "unlimited" || Date::parse_iso(v).is_some(), "{ctx}")
                    }
                    Format::Date => assert!(Date::parse_iso(v).is_some(), "{ctx}"),
                    Format::Sex => assert!(v == "male" || v == "female", "{ctx}"),
                    Format::Digits(lengths) => assert!(digits(v, lengths), "{ctx}"),
                    Format::Year => assert!(digits(v, &[4]), "{ctx}"),
                    Format::Money => {
                        assert!(
                            digits(v, &[7, 8, 9, 10, 11]) && !v.starts_with('0'),
                            "{ctx}"
                        )
                    }
                    Format::EnterpriseCode => {
                        assert!(digits(v, &[10]), "{ctx}");
                        let check = enterprise_check_digit(&v[..9]).map(|c| c.to_string());
                        assert_eq!(check.as_deref(), Some(&v[9..]), "{ctx}: check digit");
                    }
                    Format::Name if t == DocumentType::CitizenId => {
                        assert_eq!(v.to_uppercase(), v, "{ctx}: cards print names in capitals")
                    }
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn complete_documents_list_every_field() {
    for s in specimens() {
        let template = &s.truth.specimen.template;
        for d in &s.truth.documents {
            let must: Vec<&str> = match d.document_type.as_str() {
                "citizen_id" => vec![
                    "id_number",
                    "full_name",
                    "date_of_birth",
                    "sex",
                    "nationality",
                    "place_of_residence",
                    "date_of_issue",
                ],
                // A single image of a certificate that ran onto a second page lacks its tail.
                _ if template.contains("page 1 of") => continue,
                "residence_confirmation" => allowed_keys(&d.document_type)
                    .into_iter()
                    .filter(|k| *k != "temporary_residence")
                    .collect(),
                other => allowed_keys(other),
            };
            for key in must {
                assert!(d.fields.contains_key(key), "{} lacks {key}", s.file_name);
            }
        }
    }
}

#[test]
fn id_numbers_agree_with_birth_date_and_sex() {
    let mut checked = 0;
    for (s, d) in docs("citizen_id").chain(docs("residence_confirmation")) {
        let id = field(d, "id_number").expect("id number");
        assert!(
            citizen_id_consistent(id, date_of(d, "date_of_birth"), female(d, "sex")),
            "{} {id}",
            s.file_name
        );
        checked += 1;
    }
    for (s, d) in docs("birth_certificate") {
        let id = field(d, "personal_id_number").expect("personal id");
        assert!(
            citizen_id_consistent(id, date_of(d, "date_of_birth"), female(d, "sex")),
            "{} {id}",
            s.file_name
        );
        checked += 1;
    }
    for (s, d) in docs("marriage_certificate") {
        for (who, is_female) in [("wife", true), ("husband", false)] {
            let id = field(d, &format!("{who}_id_number")).expect("spouse id");
            if id.len() == 12 {
                let dob = date_of(d, &format!("{who}_date_of_birth"));
                assert!(
                    citizen_id_consistent(id, dob, is_female),
                    "{} {id}",
                    s.file_name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} ids checked");
}

/// The citizen-id document of `s` shown on `page` whose id is `id`.
fn card_on_page<'a>(s: &'a Loaded, page: u32, id: &str) -> &'a TruthDocument {
    s.truth
        .documents
        .iter()
        .find(|d| {
            d.document_type == "citizen_id"
                && d.pages.contains(&page)
                && field(d, "id_number") == Some(id)
        })
        .unwrap_or_else(|| panic!("{}: no card {id} on page {page}", s.file_name))
}

#[test]
fn mrz_check_digits_are_valid_and_agree_with_truth() {
    let mut checked = 0;
    for s in specimens() {
        for code in s.truth.specimen.codes.iter().filter(|c| c.kind == "mrz") {
            let lines: Vec<String> = code.payload.lines().map(str::to_string).collect();
            let lines: [String; 3] = lines.try_into().expect("three lines");
            assert!(td1_checks_ok(&lines), "{}: {lines:?}", s.file_name);
            assert!(lines[0].starts_with("IDVNM"));
            let id = &lines[0][15..27];
            assert_eq!(
                &lines[0][5..14],
                &id[3..],
                "document number is the id's last nine digits"
            );
            let d = card_on_page(s, code.page, id);
            assert_eq!(lines[1][0..6], date_of(d, "date_of_birth").yymmdd());
            assert_eq!(&lines[1][7..8], if female(d, "sex") { "F" } else { "M" });
            match field(d, "date_of_expiry") {
                Some("unlimited") => assert_eq!(&lines[1][8..14], "<<<<<<"),
                Some(exp) => {
                    let exp = Date::parse_iso(exp).expect("expiry date");
                    assert_eq!(lines[1][8..14], exp.yymmdd());
                }
                None => panic!("{}: the back shows the expiry", s.file_name),
            }
            let name = field(d, "full_name").expect("name");
            let surname = crate::codes::strip_diacritics(name.split(' ').next().unwrap_or(""));
            assert!(
                lines[2].starts_with(&format!("{surname}<<")),
                "{}",
                lines[2]
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} zones checked");
}

#[test]
fn qr_payloads_agree_with_truth() {
    let mut checked = 0;
    for s in specimens() {
        for code in s.truth.specimen.codes.iter().filter(|c| c.kind == "qr") {
            let q = parse_qr_payload(&code.payload)
                .unwrap_or_else(|| panic!("bad payload {:?}", code.payload));
            let d = card_on_page(s, code.page, &q.id_number);
            assert_eq!(
                q.full_name.to_lowercase(),
                field(d, "full_name").unwrap_or("").to_lowercase()
            );
            assert_eq!(q.date_of_birth, date_of(d, "date_of_birth"));
            assert_eq!(q.female, female(d, "sex"));
            assert_eq!(Some(q.residence.as_str()), field(d, "place_of_residence"));
            assert_eq!(q.date_of_issue, date_of(d, "date_of_issue"));
            assert_eq!(
                q.previous_id_number.as_deref(),
                field(d, "previous_id_number")
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} payloads checked");
}

#[test]
fn first_round_covers_every_kind_format_and_quality() {
    let first: Vec<&Loaded> = specimens().iter().take(7).collect();
    let formats: BTreeSet<&str> = first.iter().map(|s| s.format.extension()).collect();
    assert_eq!(formats.len(), 4);
    let qualities: BTreeSet<Quality> = first.iter().map(|s| s.truth.specimen.quality).collect();
    assert_eq!(qualities.len(), 4);
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for s in &first {
        for d in &s.truth.documents {
            *types.entry(d.document_type.clone()).or_default() += 1;
        }
    }
    assert_eq!(types.len(), 5, "{types:?}");
    let templates: String = first
        .iter()
        .map(|s| s.truth.specimen.template.clone())
        .collect();
    assert!(templates.contains("cccd_2021") && templates.contains("cancuoc_2024"));
    assert!(
        first
            .iter()
            .any(|s| s.truth.documents.len() >= 2 && s.format == FileFormat::Pdf),
        "a multi-document pdf"
    );
}

#[test]
fn missing_fonts_name_the_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut opts = GenerateOptions::new(1, 1, dir.path());
    opts.font_dir = dir.path().join("no-fonts-here");
    match generate(&opts) {
        Err(e @ GenerateError::MissingFont { .. }) => {
            assert!(e.to_string().contains("fonts-dejavu-core"), "{e}");
        }
        other => panic!("expected a missing font error, got {other:?}"),
    }
}
