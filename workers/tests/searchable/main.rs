//! The searchable PDF builder against real readers: poppler's `pdftotext` (installed by
//! `scripts/setup.sh`) and PDFium, on generated and committed specimens. The helpers the
//! tests share are here; the tests are in `images.rs`, `pdfs.rs` and `turned.rs`.

/// Named so that `cargo test -p hoso-workers searchable` runs these too. `#[path = "."]`:
/// its modules are the files next to this one.
#[path = "."]
mod searchable {
    mod images;
    mod pdfs;
    mod turned;

    use std::path::{Path, PathBuf};
    use std::process::Command;

    use hoso_extractors::text::nfc;
    use hoso_extractors::{BBox, Method, PageText, Word};
    use lopdf::{dictionary, Document, Object, Stream};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn sample(name: &str) -> Vec<u8> {
        let path = root().join("testdata/samples").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn corpus(rel: &str) -> PathBuf {
        root().join("../shared/corpus").join(rel)
    }

    fn word(text: &str, line: u32, b: [f32; 4]) -> Word {
        Word {
            text: text.to_string(),
            bbox: BBox::new(b[0], b[1], b[2], b[3]),
            confidence: 0.9,
            line,
        }
    }

    /// Three lines of Vietnamese as OCR would report them, words in reading order.
    fn vietnamese_words() -> Vec<Word> {
        vec![
            word("NGUYỄN", 0, [0.10, 0.10, 0.30, 0.14]),
            word("VĂN", 0, [0.32, 0.10, 0.40, 0.14]),
            word("AN", 0, [0.42, 0.10, 0.47, 0.14]),
            word("Căn", 1, [0.10, 0.30, 0.18, 0.34]),
            word("cước", 1, [0.20, 0.30, 0.30, 0.35]),
            word("công", 1, [0.32, 0.30, 0.42, 0.35]),
            word("dân", 1, [0.44, 0.30, 0.52, 0.34]),
            word("Hưng", 2, [0.60, 0.70, 0.72, 0.75]),
            word("Yên", 2, [0.74, 0.70, 0.83, 0.74]),
        ]
    }

    const VIETNAMESE_LINES: [&str; 3] = ["NGUYỄN VĂN AN", "Căn cước công dân", "Hưng Yên"];

    fn ocr_page(n: u32, words: Vec<Word>) -> PageText {
        PageText {
            page: n,
            method: Method::Ocr,
            words,
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        }
    }

    fn run_poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = Command::new(tool)
            .args(args)
            .arg(&path)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("{tool} (poppler-utils, run scripts/setup.sh): {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(dump) = std::env::var_os("HOSO_SEARCHABLE_DUMP") {
            let n = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let _ = std::fs::write(Path::new(&dump).join(format!("{n}.pdf")), pdf);
        }
        String::from_utf8(out.stdout).expect("utf-8 from pdftotext")
    }

    /// `pdftotext -layout` of one page (or all when `page` is 0), in NFC.
    fn text(pdf: &[u8], page: u32) -> String {
        let p = page.to_string();
        let args: Vec<&str> = if page == 0 {
            vec!["-layout"]
        } else {
            vec!["-layout", "-f", &p, "-l", &p]
        };
        nfc(&run_poppler("pdftotext", pdf, &args))
    }

    /// Lines of text, each with its words separated by single spaces.
    fn lines(text: &str) -> Vec<String> {
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn assert_lines(text: &str, expected: &[&str]) {
        let got = lines(text);
        for line in expected {
            let line = nfc(line);
            assert!(
                got.iter().any(|l| l.contains(&line)),
                "{line:?} not found in {got:#?}"
            );
        }
    }

    /// A word box from `pdftotext -bbox`: text, then x0, y0, x1, y1 as fractions of its page
    /// (origin top left), and the page number.
    #[derive(Debug, Clone)]
    struct Found {
        text: String,
        page: u32,
        b: [f64; 4],
    }

    fn word_boxes(pdf: &[u8]) -> Vec<Found> {
        let html = run_poppler("pdftotext", pdf, &["-bbox"]);
        let attr = |tag: &str, name: &str| -> f64 {
            let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + tag[start..].find('"').unwrap();
            tag[start..end].parse().unwrap()
        };
        let mut out = Vec::new();
        let (mut page, mut pw, mut ph) = (0, 1.0, 1.0);
        for line in html.lines().map(str::trim) {
            if line.starts_with("<page ") {
                page += 1;
                pw = attr(line, "width");
                ph = attr(line, "height");
            } else if line.starts_with("<word ") {
                let close = line.find('>').unwrap();
                let text = line[close + 1..].trim_end_matches("</word>");
                out.push(Found {
                    text: nfc(&text.replace("&amp;", "&")),
                    page,
                    b: [
                        attr(line, "xMin") / pw,
                        attr(line, "yMin") / ph,
                        attr(line, "xMax") / pw,
                        attr(line, "yMax") / ph,
                    ],
                });
            }
        }
        out
    }

    /// Every word comes back once from `pdftotext -bbox`, within `tolerance` (a fraction of
    /// the page as shown) of its box. `turned`: the page is shown turned a quarter, and
    /// pdftotext gives the words' boxes as shown but the page's size unturned.
    fn assert_boxes(pdf: &[u8], page: u32, words: &[Word], tolerance: f64) {
        assert_boxes_turned(pdf, page, words, tolerance, false)
    }

    fn assert_boxes_turned(pdf: &[u8], page: u32, words: &[Word], tolerance: f64, turned: bool) {
        let mut found = word_boxes(pdf);
        if turned {
            let (w, h) = page_size(pdf, page);
            for f in found.iter_mut().filter(|f| f.page == page) {
                f.b = [
                    f.b[0] * w / h,
                    f.b[1] * h / w,
                    f.b[2] * w / h,
                    f.b[3] * h / w,
                ];
            }
        }
        for w in words {
            let hits: Vec<&Found> = found
                .iter()
                .filter(|f| f.page == page && f.text == nfc(&w.text))
                .collect();
            assert_eq!(hits.len(), 1, "{} on page {page}: {found:#?}", w.text);
            let got = hits[0].b;
            let want = [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1].map(f64::from);
            for (g, e) in got.iter().zip(want) {
                assert!(
                    (g - e).abs() <= tolerance,
                    "{}: box {got:?}, expected {want:?}",
                    w.text
                );
            }
        }
    }

    /// Width and height of a page, unturned, as `pdftotext -bbox` reports them.
    fn page_size(pdf: &[u8], page: u32) -> (f64, f64) {
        let doc = load(pdf);
        let mb = media_box_inherited(&doc, page);
        ((mb[2] - mb[0]) as f64, (mb[3] - mb[1]) as f64)
    }

    fn media_box_inherited(doc: &Document, page: u32) -> Vec<f32> {
        let mut id = doc.get_pages()[&page];
        loop {
            let d = doc.get_dictionary(id).unwrap();
            if let Ok(mb) = d.get(b"MediaBox") {
                return mb
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.as_float().unwrap())
                    .collect();
            }
            id = d.get(b"Parent").unwrap().as_reference().unwrap();
        }
    }

    fn pdfium_text(pdf: &[u8]) -> Vec<String> {
        let pdfium = hoso_workers::pdf::pdfium().expect("pdfium (run scripts/setup.sh)");
        let doc = pdfium
            .load_pdf_from_byte_slice(pdf, None)
            .expect("pdfium opens the searchable pdf");
        doc.pages()
            .iter()
            .map(|p| nfc(&p.text().expect("page text").all()))
            .collect()
    }

    fn load(pdf: &[u8]) -> Document {
        Document::load_mem(pdf).expect("lopdf reads the searchable pdf")
    }

    fn media_box(doc: &Document, page: u32) -> Vec<f32> {
        let id = doc.get_pages()[&page];
        doc.get_dictionary(id)
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect()
    }

    /// The one image drawn on `page`, decoded (filters and predictors undone) when it is not
    /// a JPEG, with its dictionary.
    fn page_image(doc: &Document, page: u32) -> (lopdf::Dictionary, Vec<u8>) {
        let id = doc.get_pages()[&page];
        let images = doc.get_page_images(id).unwrap();
        assert_eq!(images.len(), 1, "one image on page {page}");
        let stream = doc.get_object(images[0].id).unwrap().as_stream().unwrap();
        let data = if images[0].filters.as_deref() == Some(&["DCTDecode".to_string()][..]) {
            stream.content.clone()
        } else {
            stream.decompressed_content().unwrap()
        };
        (stream.dict.clone(), data)
    }

    fn name(dict: &lopdf::Dictionary, key: &[u8]) -> String {
        String::from_utf8_lossy(dict.get(key).unwrap().as_name().unwrap()).into_owned()
    }

    fn int(dict: &lopdf::Dictionary, key: &[u8]) -> i64 {
        dict.get(key).unwrap().as_i64().unwrap()
    }

    /// A two-page PDF: page 1 born digital (real text, drawn under a scaling `cm` that its
    /// content never restores), page 2 one JPEG scan.
    fn two_page_pdf(rotate_second: Option<i64>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
        });
        let text = b"2 0 0 2 0 0 cm\nBT /F1 12 Tf 36 300 Td (Original born digital words) Tj ET\n"
            .to_vec();
        let content1 = doc.add_object(Stream::new(dictionary! {}, text));
        let page1 = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content1,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        });
        let jpeg = sample("0000_citizen_id_cccd2021_office.jpg");
        let info = image::load_from_memory(&jpeg).unwrap();
        let image_id = doc.add_object(
            Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => info.width() as i64,
                    "Height" => info.height() as i64,
                    "ColorSpace" => "DeviceRGB",
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                jpeg,
            )
            .with_compression(false),
        );
        let content2 = doc.add_object(Stream::new(
            dictionary! {},
            b"q 595 0 0 842 0 0 cm /Im0 Do Q\n".to_vec(),
        ));
        let mut page2 = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => vec![Object::Reference(content2)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        };
        if let Some(r) = rotate_second {
            page2.set("Rotate", r);
        }
        let page2 = doc.add_object(page2);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page1.into(), page2.into()],
                "Count" => 2,
                // Inherited by page 2.
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }
}
