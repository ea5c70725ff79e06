//! PDF originals: their own text kept and a layer on their OCR pages only, rotated,
//! cropped, generated and damaged pages; and originals that cannot be read.

use hoso_pipeline::{Limits, MediaType};
use hoso_workers::searchable::{searchable_pdf, searchable_pdf_with_limits, SearchableError};

use super::*;

#[test]
fn a_pdf_keeps_its_own_text_and_gains_a_layer_on_its_ocr_pages_only() {
    let original = two_page_pdf(None);
    let copy = original.clone();
    let words = vietnamese_words();
    let pages = vec![
        PageText {
            page: 1,
            method: Method::TextLayer,
            // Already in the page's own text: must not be added again.
            words: vec![word("Original", 0, [0.1, 0.1, 0.3, 0.15])],
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        },
        ocr_page(2, words.clone()),
    ];
    let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
    assert_eq!(original, copy, "the original is only read");
    let doc = load(&pdf);
    assert_eq!(doc.get_pages().len(), 2, "page count unchanged");

    let t1 = text(&pdf, 1);
    assert_eq!(lines(&t1), vec!["Original born digital words".to_string()]);
    let t2 = text(&pdf, 2);
    assert_lines(&t2, &VIETNAMESE_LINES);
    assert!(!t2.contains("Original"));
    assert_boxes(&pdf, 2, &words, 0.02);
    // The scan is still the scan.
    let (dict, data) = page_image(&doc, 2);
    assert_eq!(name(&dict, b"Filter"), "DCTDecode");
    assert!(data == sample("0000_citizen_id_cccd2021_office.jpg"));

    let pdfium = pdfium_text(&pdf);
    assert!(
        pdfium[0].contains("Original born digital words"),
        "{pdfium:?}"
    );
    assert!(pdfium[1].contains("NGUYỄN"), "{pdfium:?}");
}

/// Renders every page with poppler at 30 dpi, as PPM bytes.
fn render(pdf: &[u8]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "30"])
        .arg(&input)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils, run scripts/setup.sh)");
    assert!(status.success());
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ppm"))
        .collect();
    pages.sort();
    pages.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn the_text_layer_is_invisible_and_leaves_the_pages_as_they_looked() {
    for rotate in [None, Some(90)] {
        let original = two_page_pdf(rotate);
        let pages = vec![
            ocr_page(1, vietnamese_words()),
            ocr_page(2, vietnamese_words()),
        ];
        let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
        assert_lines(&text(&pdf, 1), &VIETNAMESE_LINES);
        // Page 1's own content leaves a `cm` in force; the layer is not scaled by it.
        assert_boxes(&pdf, 1, &vietnamese_words(), 0.02);
        let (before, after) = (render(&original), render(&pdf));
        assert_eq!(before.len(), 2);
        assert!(before == after, "pages look the same (rotate {rotate:?})");
    }
}

#[test]
fn a_pdf_without_ocr_pages_comes_back_as_it_is() {
    let original = two_page_pdf(None);
    let pages = vec![
        PageText {
            page: 1,
            method: Method::TextLayer,
            words: vec![word("Original", 0, [0.1, 0.1, 0.3, 0.15])],
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        },
        ocr_page(2, vec![]),
    ];
    assert_eq!(
        searchable_pdf(MediaType::Pdf, &original, &pages).unwrap(),
        original
    );
}

#[test]
fn a_rotated_pdf_page_gets_its_words_where_the_reader_shows_them() {
    for rotate in [90, 180, 270, -90] {
        let original = two_page_pdf(Some(rotate));
        let words = vietnamese_words();
        let pages = vec![ocr_page(1, vec![]), ocr_page(2, words.clone())];
        let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
        // pdftotext reports boxes on the page as shown, rotation applied.
        assert_boxes_turned(&pdf, 2, &words, 0.02, rotate % 180 != 0);
        assert_lines(&text(&pdf, 2), &VIETNAMESE_LINES);
    }
}

#[test]
fn a_cropped_pdf_page_gets_its_words_on_the_visible_part() {
    let mut doc = load(&two_page_pdf(None));
    let id = doc.get_pages()[&2];
    let crop = [50, 60, 545, 800].map(Object::Integer).to_vec();
    doc.get_dictionary_mut(id).unwrap().set("CropBox", crop);
    let mut original = Vec::new();
    doc.save_to(&mut original).unwrap();
    let words = vietnamese_words();
    let pages = vec![ocr_page(1, vec![]), ocr_page(2, words.clone())];
    let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
    // pdftotext -bbox measures from the media box's top left; the words were read off
    // the crop box (what PDFium renders and readers show).
    let found = word_boxes(&pdf);
    for w in &words {
        let f = found
            .iter()
            .find(|f| f.page == 2 && f.text == nfc(&w.text))
            .unwrap();
        let x = |v: f64| (v * 595.0 - 50.0) / 495.0;
        let y = |v: f64| (v * 842.0 - (842.0 - 800.0)) / 740.0;
        let got = [x(f.b[0]), y(f.b[1]), x(f.b[2]), y(f.b[3])];
        let want = [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1].map(f64::from);
        for (g, e) in got.iter().zip(want) {
            assert!((g - e).abs() <= 0.02, "{}: {got:?} vs {want:?}", w.text);
        }
    }
    assert_lines(&text(&pdf, 2), &VIETNAMESE_LINES);
}

#[test]
fn a_generated_scanned_pdf_gets_a_layer_on_every_page() {
    let original = sample("0006_dossier_photocopy.pdf");
    let count = load(&original).get_pages().len() as u32;
    assert!(count > 1);
    let pages: Vec<PageText> = (1..=count)
        .map(|n| {
            ocr_page(
                n,
                vec![word(&format!("trang{n}"), 0, [0.1, 0.1, 0.3, 0.14])],
            )
        })
        .collect();
    let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
    assert_eq!(load(&pdf).get_pages().len() as u32, count);
    for n in 1..=count {
        assert_eq!(lines(&text(&pdf, n)), vec![format!("trang{n}")]);
    }
    assert_eq!(pdfium_text(&pdf).len(), count as usize);
    // The layers are an incremental update after the original's own bytes (here with
    // a cross-reference stream, like the original's), not a rewrite of its scans.
    assert!(
        pdf.starts_with(&original),
        "the original's bytes come first, unchanged"
    );
    let added = pdf.len() - original.len();
    assert!(
        added < 64 * 1024,
        "{added} bytes added for {count} small layers"
    );
    assert!(String::from_utf8_lossy(&pdf[original.len()..]).contains("/XRef"));
}

#[test]
fn a_damaged_pdf_gets_its_layer_by_a_rewrite() {
    // The last cross-reference offset points nowhere: lopdf rebuilds the table, so an
    // update could not say where the original's is, and the file is rewritten whole.
    let mut original = two_page_pdf(None);
    let at = original
        .windows(9)
        .rposition(|w| w == b"startxref")
        .unwrap();
    let tail = String::from_utf8_lossy(&original[at..]).to_string();
    let offset = tail.split_whitespace().nth(1).unwrap().to_string();
    let broken = tail.replacen(&offset, &"9".repeat(offset.len()), 1);
    original.truncate(at);
    original.extend_from_slice(broken.as_bytes());
    let pages = vec![
        ocr_page(1, vec![word("một", 0, [0.1, 0.1, 0.3, 0.14])]),
        ocr_page(2, vec![word("hai", 0, [0.1, 0.1, 0.3, 0.14])]),
    ];
    // The same file with a classic cross-reference table.
    let mut doc = load(&two_page_pdf(None));
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let mut sound = Vec::new();
    doc.save_to(&mut sound).unwrap();
    let pdf = searchable_pdf(MediaType::Pdf, &sound, &pages).unwrap();
    assert!(pdf.starts_with(&sound), "a sound file is appended to");
    assert!(String::from_utf8_lossy(&pdf[sound.len()..]).contains("\nxref\n"));
    assert!(lines(&text(&pdf, 2)).contains(&"hai".to_string()));
    assert_eq!(pdfium_text(&pdf).len(), 2, "pdfium follows the update too");

    let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
    assert!(!pdf.starts_with(&original), "rewritten, not appended to");
    assert_eq!(load(&pdf).get_pages().len(), 2);
    assert!(lines(&text(&pdf, 1)).contains(&"một".to_string()));
    assert!(lines(&text(&pdf, 2)).contains(&"hai".to_string()));
}

#[test]
fn a_pdf_lopdf_cannot_read_is_a_typed_error() {
    let pages = vec![ocr_page(1, vec![word("x", 0, [0.1, 0.1, 0.2, 0.2])])];
    let err = searchable_pdf(MediaType::Pdf, b"%PDF-1.4\nnothing here\n", &pages).unwrap_err();
    assert!(
        matches!(
            err,
            SearchableError::Unreadable {
                media: MediaType::Pdf,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("cannot read the application/pdf original"),
        "{err}"
    );
    // Page count mismatch: the engine read one page of a two-page file.
    let err = searchable_pdf(MediaType::Pdf, &two_page_pdf(None), &pages).unwrap_err();
    assert_eq!(err, SearchableError::MorePagesThanRead { read: 1 });
}

#[test]
fn damaged_pdfs_fail_or_succeed_but_never_panic() {
    let dir = corpus("pdf-malformed/qpdf-malformed");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    entries.sort();
    assert!(entries.len() > 100);
    let (mut ok, mut failed) = (0, 0);
    for path in entries {
        let bytes = std::fs::read(&path).unwrap();
        let pages = lopdf::Document::load_mem(&bytes)
            .map(|d| d.get_pages().len() as u32)
            .unwrap_or(1)
            .clamp(1, 50);
        let words: Vec<PageText> = (1..=pages)
            .map(|n| ocr_page(n, vec![word("chữ", 0, [0.1, 0.1, 0.2, 0.12])]))
            .collect();
        match searchable_pdf(MediaType::Pdf, &bytes, &words) {
            Ok(pdf) => {
                ok += 1;
                assert!(pdf.starts_with(b"%PDF-"), "{}", path.display());
            }
            Err(SearchableError::Panicked { detail }) => {
                panic!("{}: panicked: {detail}", path.display())
            }
            Err(_) => failed += 1,
        }
    }
    eprintln!("damaged pdfs: {ok} built, {failed} refused");
    assert!(ok > 0 && failed > 0);
}

#[test]
fn wrong_inputs_are_typed_errors() {
    let page = [ocr_page(1, vec![])];
    for media in [MediaType::Jpeg, MediaType::Png, MediaType::Tiff] {
        let err = searchable_pdf(media, b"garbage", &page).unwrap_err();
        assert!(
            matches!(err, SearchableError::Unreadable { .. }),
            "{media}: {err}"
        );
        let ours = err.to_string();
        let ours = ours.split(": ").next().unwrap();
        assert_eq!(ours, ours.to_lowercase());
    }
    let jpeg = sample("0000_citizen_id_cccd2021_office.jpg");
    assert_eq!(
        searchable_pdf(MediaType::Jpeg, &jpeg, &[ocr_page(2, vec![])]).unwrap_err(),
        SearchableError::NoSuchPage { page: 2, pages: 1 }
    );
    assert_eq!(
        searchable_pdf(MediaType::Jpeg, &jpeg, &[]).unwrap_err(),
        SearchableError::MorePagesThanRead { read: 0 }
    );
    let limits = Limits {
        max_pixels_per_page: 100,
        ..Limits::default()
    };
    assert!(matches!(
        searchable_pdf_with_limits(MediaType::Jpeg, &jpeg, &page, &limits),
        Err(SearchableError::TooManyPixels { .. })
    ));
}
