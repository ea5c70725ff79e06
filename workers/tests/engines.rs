//! The page engine against the real Tesseract and PDFium, on files nobody here tuned.

use std::path::PathBuf;

use hoso_extractors::{Method, PageText};
use hoso_pipeline::ports::{PageEngine, PageError};
use hoso_pipeline::{Limits, MediaType};
use hoso_workers::{EngineConfig, LocalPageEngine};

fn corpus(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn engine() -> LocalPageEngine {
    LocalPageEngine::new(&EngineConfig::default()).expect("tesseract with vie and eng")
}

fn read(
    engine: &mut LocalPageEngine,
    media: MediaType,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<PageText>, PageError> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    let mut pages = Vec::new();
    let n = engine.read_pages(media, file.path(), limits, &mut |p| pages.push(p))?;
    assert_eq!(n as usize, pages.len(), "every page is handed over");
    Ok(pages)
}

/// The generator's specimens `0..count` of `seed` in `dir`, in one file format, rotating
/// through `qualities`.
fn generated(
    dir: &std::path::Path,
    seed: u64,
    count: usize,
    format: hoso_testdata::FileFormat,
    qualities: &[hoso_testdata::Quality],
) -> Vec<hoso_testdata::Specimen> {
    let mut opts = hoso_testdata::GenerateOptions::new(seed, count, dir);
    opts.formats = vec![format];
    opts.qualities = qualities.to_vec();
    hoso_testdata::generate(&opts).unwrap()
}

/// Reads a file of the shared corpus with the default limits.
fn read_corpus(
    engine: &mut LocalPageEngine,
    media: MediaType,
    rel: &str,
) -> Result<Vec<PageText>, PageError> {
    read(engine, media, &corpus(rel), &Limits::default())
}

#[test]
fn ocr_reads_tesseracts_own_test_page_with_boxes_and_lines() {
    let mut e = engine();
    let pages = read_corpus(&mut e, MediaType::Tiff, "ocr/phototest.tif").unwrap();
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    assert_eq!(page.method, Method::Ocr);
    let text: Vec<String> = page.words.iter().map(|w| w.text.to_lowercase()).collect();
    for expected in ["quick", "brown", "jumped", "lazy"] {
        assert!(
            text.iter().any(|w| w.contains(expected)),
            "{expected} missing from {text:?}"
        );
    }
    for w in &page.words {
        let b = w.bbox;
        assert!(0.0 <= b.x0 && b.x0 < b.x1 && b.x1 <= 1.0, "{w:?}");
        assert!(0.0 <= b.y0 && b.y0 < b.y1 && b.y1 <= 1.0, "{w:?}");
        assert!((0.0..=1.0).contains(&w.confidence));
    }
    let lines = page.words.iter().map(|w| w.line).max().unwrap();
    assert!(lines >= 4, "the page has several lines, got {lines}");
    // Words on one line share a baseline band.
    let first_line: Vec<_> = page.words.iter().filter(|w| w.line == 0).collect();
    let spread = first_line
        .iter()
        .map(|w| w.bbox.center_y())
        .fold(0f32, f32::max)
        - first_line
            .iter()
            .map(|w| w.bbox.center_y())
            .fold(1f32, f32::min);
    assert!(spread < 0.03, "line 0 spans {spread}");
    let versions: serde_json::Value = serde_json::from_str(&e.describe()).unwrap();
    assert!(
        versions["tesseract"]["version"]
            .as_str()
            .unwrap()
            .starts_with('5'),
        "{versions}"
    );
    assert_eq!(
        versions["tesseract"]["traineddata"]["vie"]
            .as_str()
            .map(str::len),
        Some(64),
        "{versions}"
    );
    assert_eq!(
        versions["pdfium"]["library_sha256"].as_str().map(str::len),
        Some(64),
        "{versions}"
    );
}

#[test]
fn a_pdf_with_a_real_text_layer_skips_ocr() {
    let mut e = engine();
    let pages = read_corpus(
        &mut e,
        MediaType::Pdf,
        "pdf-malformed/pdfjs-issue-files/issue11913.pdf",
    )
    .unwrap();
    assert_eq!(pages[0].method, Method::TextLayer);
    assert!(pages[0].words.len() > 50, "{} words", pages[0].words.len());
    assert!(pages[0].words.iter().all(|w| w.confidence == 1.0));
}

#[test]
fn a_pdf_without_text_is_rendered_and_ocrd() {
    // A scanned-looking page: render a corpus TIFF into a one-page PDF would need a writer;
    // instead use a corpus PDF whose page is vector art with fewer letters than the
    // text-layer threshold, which must take the OCR path without failing.
    let mut e = engine();
    let pages = read_corpus(
        &mut e,
        MediaType::Pdf,
        "pdf-malformed/qpdf-malformed/annotation-no-resources.pdf",
    )
    .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].method, Method::Ocr);
}

#[test]
fn an_encrypted_pdf_is_refused_with_a_clear_error() {
    let mut e = engine();
    let err = read_corpus(
        &mut e,
        MediaType::Pdf,
        "pdf-malformed/qpdf-malformed/enc-long-password.pdf",
    )
    .unwrap_err();
    assert_eq!(err, PageError::Encrypted);
    assert!(err.is_permanent());
    assert_eq!(err.to_string(), "the pdf is encrypted and needs a password");
}

#[test]
fn page_count_limit_is_checked_before_rendering() {
    let mut e = engine();
    let limits = Limits {
        max_pages: 0,
        ..Limits::default()
    };
    let err = read(
        &mut e,
        MediaType::Pdf,
        &corpus("pdf-malformed/pdfjs-issue-files/issue1002.pdf"),
        &limits,
    )
    .unwrap_err();
    assert_eq!(err, PageError::TooManyPages { pages: 1, limit: 0 });
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A tiny PNG whose header claims 100,000 x 100,000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = png_bomb();
    assert!(bomb.len() < 100);
    let mut e = engine();
    let err = read(&mut e, MediaType::Png, &bomb, &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        PageError::TooManyPixels {
            page: 1,
            width: 100_000,
            height: 100_000,
            limit: Limits::default().max_pixels_per_page
        }
    );
}

#[test]
fn a_truncated_image_is_unreadable_not_a_crash() {
    let mut e = engine();
    let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00garbage".to_vec();
    let err = read(&mut e, MediaType::Jpeg, &jpeg, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            PageError::Unreadable {
                media: MediaType::Jpeg,
                ..
            }
        ),
        "{err:?}"
    );
    // The same engine still works afterwards.
    let pages = read_corpus(&mut e, MediaType::Tiff, "ocr/phototest.tif").unwrap();
    assert!(!pages[0].words.is_empty());
}

#[test]
fn qr_codes_on_a_page_are_decoded_byte_exact() {
    let mut e = engine();
    let pages = read_corpus(&mut e, MediaType::Png, "qr/zxing-qrcode-1/1.png").unwrap();
    let expected = String::from_utf8(corpus("qr/zxing-qrcode-1/1.txt")).unwrap();
    assert_eq!(pages[0].barcodes.len(), 1);
    assert_eq!(pages[0].barcodes[0].payload, expected);
    let b = pages[0].barcodes[0].bbox;
    assert!(b.x0 < b.x1 && b.y0 < b.y1);
}

#[test]
fn a_card_code_too_blurred_for_rxing_is_read_by_its_grid() {
    use hoso_testdata::{FileFormat, Quality};

    let dir = tempfile::tempdir().unwrap();
    // Seed 1's first specimen: a 2021 card photocopied on A4 at 200 dpi, its code two
    // pixels a module.
    let specimen = generated(dir.path(), 1, 1, FileFormat::Png, &[Quality::Photocopy]).remove(0);
    let want = &specimen
        .truth
        .specimen
        .codes
        .iter()
        .find(|c| c.kind == "qr")
        .unwrap()
        .payload;
    let gray = image::open(&specimen.path).unwrap().to_luma8();
    // The case the grid reader exists for: rxing alone finds nothing.
    assert_eq!(hoso_workers::qr::find_qr(&gray), None);
    let mut e = engine();
    let bytes = std::fs::read(&specimen.path).unwrap();
    let pages = read(&mut e, MediaType::Png, &bytes, &Limits::default()).unwrap();
    let payloads: Vec<&str> = pages
        .iter()
        .flat_map(|p| &p.barcodes)
        .map(|b| b.payload.as_str())
        .collect();
    assert_eq!(payloads, [want.as_str()]);
    // Its box is the code's, in the card's top right on the sheet's upper half.
    let b = pages[0].barcodes[0].bbox;
    assert!(
        b.x0 > 0.4 && b.x1 < 1.0 && b.y1 < 0.5 && b.x1 - b.x0 < 0.15,
        "{b:?}"
    );
}

#[test]
fn a_page_without_a_qr_code_reports_none() {
    let mut e = engine();
    let pages = read_corpus(&mut e, MediaType::Tiff, "ocr/phototest.tif").unwrap();
    assert!(pages[0].barcodes.is_empty());
}

#[test]
fn every_page_of_a_multi_page_tiff_is_read() {
    use tiff::encoder::{colortype, TiffEncoder};
    let page = image::load_from_memory(&corpus("ocr/phototest.tif")).unwrap();
    let gray = page.to_luma8();
    let rgb = page.to_rgb8();
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut enc = TiffEncoder::new(&mut bytes).unwrap();
        enc.write_image::<colortype::Gray8>(gray.width(), gray.height(), gray.as_raw())
            .unwrap();
        enc.write_image::<colortype::RGB8>(rgb.width(), rgb.height(), rgb.as_raw())
            .unwrap();
    }
    let bytes = bytes.into_inner();
    let mut e = engine();
    let pages = read(&mut e, MediaType::Tiff, &bytes, &Limits::default()).unwrap();
    assert_eq!(pages.iter().map(|p| p.page).collect::<Vec<_>>(), vec![1, 2]);
    for p in &pages {
        assert!(
            p.words
                .iter()
                .any(|w| w.text.to_lowercase().contains("quick")),
            "page {}",
            p.page
        );
    }
    let limits = Limits {
        max_pages: 1,
        ..Limits::default()
    };
    assert_eq!(
        read(&mut e, MediaType::Tiff, &bytes, &limits).unwrap_err(),
        PageError::TooManyPages { pages: 2, limit: 1 }
    );
}

#[test]
fn ocr_that_overruns_its_time_limit_stops_with_a_clear_error() {
    let mut e = engine();
    let limits = Limits {
        ocr_timeout_ms: 1,
        ..Limits::default()
    };
    let err = read(
        &mut e,
        MediaType::Tiff,
        &corpus("ocr/phototest.tif"),
        &limits,
    )
    .unwrap_err();
    assert_eq!(
        err,
        PageError::OcrTimeout {
            page: 1,
            limit_ms: 1
        }
    );
    assert!(err.is_permanent());
    assert_eq!(
        err.to_string(),
        "ocr of page 1 took longer than its limit of 1 ms"
    );
    // The engine is still usable with a sane limit.
    let pages = read_corpus(&mut e, MediaType::Tiff, "ocr/phototest.tif").unwrap();
    assert!(pages[0].words.len() > 20);
}

#[test]
fn a_scanned_pdf_page_is_read_from_its_embedded_jpeg_not_re_rendered() {
    use hoso_testdata::{FileFormat, Quality};
    use hoso_workers::pdf::{embedded_jpeg, pdfium};

    let dir = tempfile::tempdir().unwrap();
    let specimens = generated(dir.path(), 21, 2, FileFormat::Pdf, &[Quality::Office]);
    let mut e = engine();
    for s in &specimens {
        let bytes = std::fs::read(&s.path).unwrap();
        let doc = pdfium()
            .unwrap()
            .load_pdf_from_byte_slice(&bytes, None)
            .unwrap();
        for page in doc.pages().iter() {
            let (w, h) = (page.width().value, page.height().value);
            let jpeg = embedded_jpeg(&page).expect("a full-page scan");
            assert!(
                bytes.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
                "the JPEG bytes exactly as the file holds them"
            );
            assert!(
                jpeg.starts_with(&[0xFF, 0xD8, 0xFF]),
                "the original JPEG bytes"
            );
            let image = image::load_from_memory(&jpeg).unwrap();
            let ratio = (image.width() as f32 / image.height() as f32) / (w / h);
            assert!((ratio - 1.0).abs() < 0.02, "{ratio}");
        }
        let pages = read(&mut e, MediaType::Pdf, &bytes, &Limits::default()).unwrap();
        assert_eq!(pages.len() as u32, s.pages);
        assert!(pages
            .iter()
            .all(|p| p.method == Method::Ocr && p.words.len() > 10));
    }

    // A born-digital page draws text and vector art, not one full-page scan.
    let text_pdf = corpus("pdf-malformed/pdfjs-issue-files/issue11913.pdf");
    let doc = pdfium()
        .unwrap()
        .load_pdf_from_byte_slice(&text_pdf, None)
        .unwrap();
    let page = doc.pages().get(0).unwrap();
    assert!(embedded_jpeg(&page).is_none());
}

#[test]
fn pages_turned_sideways_or_upside_down_are_read_upright() {
    let mut e = engine();
    // Tesseract's own test page, turned left, right and upside down.
    for (file, turn) in [
        ("ocr/phototest-rotated-R.png", 270.0),
        ("ocr/phototest-rotated-L.png", 90.0),
        ("ocr/phototest-rotated-180.png", 180.0),
    ] {
        let pages = read_corpus(&mut e, MediaType::Png, file).unwrap();
        let page = &pages[0];
        assert!(
            (page.rotation - turn).abs() < 1.0,
            "{file}: turned by {} degrees",
            page.rotation
        );
        let text: Vec<String> = page.words.iter().map(|w| w.text.to_lowercase()).collect();
        for expected in ["quick", "brown", "jumped", "lazy"] {
            assert!(
                text.iter().any(|w| w.contains(expected)),
                "{file}: {expected} missing from {text:?}"
            );
        }
        // Upright means lines run across: the first line's words share a band.
        let first_line: Vec<_> = page.words.iter().filter(|w| w.line == 0).collect();
        assert!(first_line.len() >= 3, "{file}: {first_line:?}");
        let heights: Vec<f32> = first_line.iter().map(|w| w.bbox.height()).collect();
        let widths: f32 = first_line.iter().map(|w| w.bbox.width()).sum();
        assert!(
            widths > heights.iter().sum::<f32>(),
            "{file}: lines run across"
        );
    }
    let level = read_corpus(&mut e, MediaType::Tiff, "ocr/phototest.tif").unwrap();
    assert_eq!(
        level[0].rotation, 0.0,
        "an upright, level page is left alone"
    );
}

#[test]
fn the_machine_readable_zone_is_read_again_in_its_own_alphabet() {
    use hoso_testdata::{FileFormat, Quality};
    use hoso_workers::mrz_zone::looks_like_zone_line;

    let dir = tempfile::tempdir().unwrap();
    let quality = [Quality::Office, Quality::Clean];
    // Single cards whose back, with its zone, is on the sheet.
    let cards: Vec<_> = generated(dir.path(), 29, 40, FileFormat::Png, &quality)
        .into_iter()
        .filter(|s| s.document_types == ["citizen_id"] && s.template.contains("back"))
        .collect();
    assert!(cards.len() >= 2, "{cards:?}");
    let mut e = engine();
    for s in &cards {
        let id = &s.truth.documents[0].fields["id_number"].value;
        let bytes = std::fs::read(&s.path).unwrap();
        let pages = read(&mut e, MediaType::Png, &bytes, &Limits::default()).unwrap();
        let mut lines: std::collections::BTreeMap<u32, String> = Default::default();
        for w in pages.iter().flat_map(|p| &p.words) {
            lines.entry(w.line).or_default().push_str(&w.text);
        }
        let zone: Vec<&String> = lines.values().filter(|l| looks_like_zone_line(l)).collect();
        // Line 1: IDVNM, the id's last nine digits, their check digit, the whole id.
        let line1 = format!("IDVNM{}", &id[3..]);
        assert!(
            zone.iter()
                .any(|l| l.starts_with(&line1) && l.contains(id.as_str())),
            "{}: {zone:?}",
            s.file_name
        );
        // With the QR codes left out, the id can only come from the printed number
        // and the zone; the zone's reading must be one whose check digits hold.
        let without_qr: Vec<_> = pages
            .into_iter()
            .map(|mut p| {
                p.barcodes.clear();
                p
            })
            .collect();
        let docs = hoso_extractors::extract_documents(&without_qr);
        let warnings: Vec<&String> = docs.iter().flat_map(|d| &d.warnings).collect();
        assert!(
            !warnings
                .iter()
                .any(|w| w.contains("document number check digit")),
            "{}: {warnings:?}",
            s.file_name
        );
    }
}

#[test]
fn a_2021_fronts_expiry_lost_beside_its_photo_is_read_on_its_own() {
    use hoso_testdata::{FileFormat, Quality};

    let dir = tempfile::tempdir().unwrap();
    // Phone photos and photocopies, where the page reading loses that small print most.
    let quality = [Quality::Phone, Quality::Photocopy];
    let fronts: Vec<_> = generated(dir.path(), 8086, 24, FileFormat::Png, &quality)
        .into_iter()
        .filter(|s| {
            s.document_types == ["citizen_id"] && s.template.starts_with("cccd_2021 front/")
        })
        .collect();
    assert!(fronts.len() >= 4, "{fronts:?}");
    let mut e = engine();
    let mut read_right = 0;
    for s in &fronts {
        let want = &s.truth.documents[0].fields["date_of_expiry"].value;
        let bytes = std::fs::read(&s.path).unwrap();
        let pages = read(&mut e, MediaType::Png, &bytes, &Limits::default()).unwrap();
        let docs = hoso_extractors::extract_documents(&pages);
        let Some(got) = docs[0].fields.get(&hoso_extractors::FieldKey::DateOfExpiry) else {
            continue;
        };
        // Never a wrong date: a region reading is kept only when it gives the expiry.
        assert_eq!(&got.value, want, "{}", s.file_name);
        read_right += 1;
    }
    // Measured at this seed: all four fronts. Tesseract loses the bold value at both
    // enlargements on some photocopies (one in seven on seed 8086's eval specimens).
    assert!(
        read_right + 1 >= fronts.len(),
        "{read_right} of {}",
        fronts.len()
    );
}

#[test]
fn card_faces_turned_a_quarter_each_way_on_one_sheet_are_both_read() {
    use hoso_extractors::FieldKey;
    use hoso_testdata::{FileFormat, Kind, Quality};

    let dir = tempfile::tempdir().unwrap();
    let mut opts = hoso_testdata::GenerateOptions::new(2612073, 24, dir.path());
    opts.formats = vec![FileFormat::Png];
    opts.qualities = vec![Quality::Clean, Quality::Office];
    opts.kinds = Kind::parse("cards").unwrap();
    opts.broad = true;
    let sheets: Vec<_> = hoso_testdata::generate(&opts)
        .unwrap()
        .into_iter()
        .filter(|s| s.template.contains("sheet turned"))
        .collect();
    assert!(sheets.len() >= 4, "{sheets:?}");
    let mut e = engine();
    let (mut upside_down, mut dates, mut dates_right) = (0, 0, 0);
    for s in &sheets {
        let bytes = std::fs::read(&s.path).unwrap();
        let pages = read(&mut e, MediaType::Png, &bytes, &Limits::default()).unwrap();
        upside_down += pages.iter().filter(|p| !p.half_turned.is_empty()).count();
        let docs = hoso_extractors::extract_documents(&pages);
        let truth = &s.truth.documents[0].fields;
        let value = |key: FieldKey| docs[0].fields.get(&key).map(|f| f.value.to_lowercase());
        let want = |key: FieldKey| truth.get(key.as_str()).map(|f| f.value.to_lowercase());
        // The front's name on every sheet (a code spells it in lower case)...
        assert_eq!(
            value(FieldKey::FullName),
            want(FieldKey::FullName),
            "{}",
            s.file_name
        );
        // ... and the dates the other face prints: the expiry (a 2024 back, a 2021
        // front) and the issue date (every back).
        for key in [FieldKey::DateOfExpiry, FieldKey::DateOfIssue] {
            if let Some(want) = want(key) {
                dates += 1;
                dates_right += usize::from(value(key) == Some(want));
            }
        }
    }
    // Measured at this seed: all of them. One date may fall to an OCR slip.
    assert!(dates_right + 1 >= dates, "{dates_right} dates of {dates}");
    // Faces turned opposite ways leave one upside down once the page is turned.
    assert!(upside_down >= 1, "no sheet had a face upside down");
}
