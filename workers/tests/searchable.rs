//! The searchable PDF builder against real readers: poppler's `pdftotext` (installed by
//! `scripts/setup.sh`) and PDFium, on generated and committed specimens.

/// Named so that `cargo test -p hoso-workers searchable` runs these too.
mod searchable {
    use std::io::Cursor;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use hoso_extractors::text::nfc;
    use hoso_extractors::{BBox, Method, PageText, Word};
    use hoso_pipeline::{Limits, MediaType};
    use hoso_workers::searchable::{searchable_pdf, searchable_pdf_with_limits, SearchableError};
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

    #[test]
    fn a_jpeg_is_embedded_byte_for_byte_under_a_vietnamese_text_layer() {
        let jpeg = sample("0000_citizen_id_cccd2021_office.jpg");
        let words = vietnamese_words();
        let pdf = searchable_pdf(MediaType::Jpeg, &jpeg, &[ocr_page(1, words.clone())]).unwrap();

        let doc = load(&pdf);
        assert_eq!(doc.get_pages().len(), 1);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(name(&dict, b"Filter"), "DCTDecode");
        assert!(data == jpeg, "the JPEG stream is the original file");
        // The sample says 200 dpi in its JFIF header: the page is the paper's size.
        let (w, h) = (int(&dict, b"Width") as f32, int(&dict, b"Height") as f32);
        let mb = media_box(&doc, 1);
        assert!(
            (mb[2] - w * 72.0 / 200.0).abs() < 0.01,
            "{mb:?} for {w}x{h}"
        );
        assert!(
            (mb[3] - h * 72.0 / 200.0).abs() < 0.01,
            "{mb:?} for {w}x{h}"
        );

        let t = text(&pdf, 1);
        assert_lines(&t, &VIETNAMESE_LINES);
        assert_boxes(&pdf, 1, &words, 0.02);

        // PDFium reads the same words, spaces between them.
        let pdfium = pdfium_text(&pdf);
        for line in VIETNAMESE_LINES {
            assert!(
                pdfium[0].contains(&nfc(line)),
                "{line} not in pdfium's {:?}",
                pdfium[0]
            );
        }
    }

    #[test]
    fn a_jpeg_without_resolution_is_laid_out_at_300_dpi_and_unknown_words_are_skipped() {
        let mut img = image::RgbImage::new(600, 300);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([(x % 256) as u8, 80, 160]);
        }
        let mut jpeg = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85);
        // Aspect ratio only: no unit, no resolution.
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity {
            density: (1, 1),
            unit: image::codecs::jpeg::PixelDensityUnit::PixelAspectRatio,
        });
        enc.encode_image(&img).unwrap();
        let words = vec![
            word("Hưng", 0, [0.1, 0.2, 0.3, 0.3]),
            word("", 0, [0.4, 0.2, 0.5, 0.3]),
            word("lạc", 0, [0.9, 0.2, 0.8, 0.3]),
            word("Yên", 0, [0.35, 0.2, 0.5, 0.3]),
        ];
        let pdf = searchable_pdf(MediaType::Jpeg, &jpeg, &[ocr_page(1, words)]).unwrap();
        let doc = load(&pdf);
        assert_eq!(media_box(&doc, 1), vec![0.0, 0.0, 144.0, 72.0]);
        assert_eq!(page_image(&doc, 1).1, jpeg);
        assert_eq!(lines(&text(&pdf, 1)), vec!["Hưng Yên".to_string()]);
    }

    #[test]
    fn a_png_is_embedded_losslessly() {
        // A committed specimen: 8-bit RGB, not interlaced, so its own compressed data is copied.
        let png = sample("0001_citizen_id_cancuoc2024_clean.png");
        let decoded = image::load_from_memory(&png).unwrap();
        let words = vietnamese_words();
        let pdf = searchable_pdf(MediaType::Png, &png, &[ocr_page(1, words.clone())]).unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(name(&dict, b"Filter"), "FlateDecode");
        assert!(data == decoded.to_rgb8().into_raw(), "pixels unchanged");
        assert!(
            raw_image_stream(&doc, 1) == idat(&png),
            "the PNG's own compressed data"
        );
        assert!(
            pdf.len() < png.len() + 20_000,
            "{} vs {}",
            pdf.len(),
            png.len()
        );
        assert_lines(&text(&pdf, 1), &VIETNAMESE_LINES);
        assert_boxes(&pdf, 1, &words, 0.02);
        assert_eq!(pdfium_text(&pdf).len(), 1);
    }

    #[test]
    fn pngs_pdf_cannot_read_as_they_are_are_decoded_and_embedded_losslessly() {
        let encode = |img: image::DynamicImage| {
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                .unwrap();
            out
        };
        let words = vec![word("Hưng", 0, [0.1, 0.1, 0.5, 0.3])];

        // RGBA with real transparency: colour plus a soft mask.
        let mut rgba = image::RgbaImage::new(64, 48);
        for (x, y, p) in rgba.enumerate_pixels_mut() {
            *p = image::Rgba([x as u8 * 3, y as u8 * 5, 7, if x < 32 { 255 } else { 128 }]);
        }
        let pdf = searchable_pdf(
            MediaType::Png,
            &encode(rgba.clone().into()),
            &[ocr_page(1, words.clone())],
        )
        .unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        let rgb: Vec<u8> = rgba.pixels().flat_map(|p| [p[0], p[1], p[2]]).collect();
        assert_eq!(data, rgb);
        assert_eq!(name(&dict, b"ColorSpace"), "DeviceRGB");
        let smask = doc
            .get_object(dict.get(b"SMask").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        let alpha: Vec<u8> = rgba.pixels().map(|p| p[3]).collect();
        assert_eq!(smask.decompressed_content().unwrap(), alpha);
        assert_lines(&text(&pdf, 1), &["Hưng"]);

        // Black and white stored as 8-bit grey with an opaque alpha channel: 1 bit, no mask.
        let mut la = image::GrayAlphaImage::new(20, 3);
        for (x, y, p) in la.enumerate_pixels_mut() {
            *p = image::LumaA([if (x + y) % 3 == 0 { 0 } else { 255 }, 255]);
        }
        let pdf = searchable_pdf(
            MediaType::Png,
            &encode(la.clone().into()),
            &[ocr_page(1, words)],
        )
        .unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(int(&dict, b"BitsPerComponent"), 1);
        assert!(dict.get(b"SMask").is_err());
        assert_eq!(
            data,
            pack_bits(20, 3, &la.pixels().map(|p| p[0]).collect::<Vec<_>>())
        );
    }

    /// The stream data of the image on `page`, as stored.
    fn raw_image_stream(doc: &Document, page: u32) -> Vec<u8> {
        let id = doc.get_pages()[&page];
        doc.get_page_images(id).unwrap()[0].content.to_vec()
    }

    /// The concatenated IDAT data of a PNG.
    fn idat(png: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pos = 8;
        while pos + 8 <= png.len() {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            if &png[pos + 4..pos + 8] == b"IDAT" {
                out.extend_from_slice(&png[pos + 8..pos + 8 + len]);
            }
            pos += 12 + len;
        }
        out
    }

    /// A palette PNG: an 8-bit grey PNG of indices relabelled as colour type 3, with `PLTE`.
    fn palette_png(width: u32, height: u32, indices: &[u8], palette: &[[u8; 3]]) -> Vec<u8> {
        let mut grey = Vec::new();
        image::GrayImage::from_raw(width, height, indices.to_vec())
            .unwrap()
            .write_to(&mut Cursor::new(&mut grey), image::ImageFormat::Png)
            .unwrap();
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            c.extend_from_slice(&body);
            c.extend_from_slice(&hoso_testdata::crc32(&body).to_be_bytes());
            c
        };
        let mut ihdr = grey[16..29].to_vec();
        ihdr[9] = 3; // colour type: palette
        let mut out = grey[..8].to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        out.extend(chunk(b"PLTE", &palette.concat()));
        out.extend(chunk(b"IDAT", &idat(&grey)));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn palette_and_16_bit_pngs_are_copied_as_they_are() {
        let words = vec![word("Yên", 0, [0.1, 0.1, 0.5, 0.3])];
        let (w, h) = (30u32, 20u32);
        let indices: Vec<u8> = (0..w * h).map(|i| (i % 3) as u8).collect();
        let palette = [[255, 0, 0], [0, 128, 0], [10, 20, 250]];
        let png = palette_png(w, h, &indices, &palette);
        let decoded = image::load_from_memory(&png)
            .expect("a valid palette png")
            .to_rgb8();
        assert_eq!(decoded.get_pixel(2, 0).0, palette[2]);
        let pdf = searchable_pdf(MediaType::Png, &png, &[ocr_page(1, words.clone())]).unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(data, indices);
        assert_eq!(raw_image_stream(&doc, 1), idat(&png));
        let cs = dict.get(b"ColorSpace").unwrap().as_array().unwrap();
        assert_eq!(cs[0].as_name().unwrap(), b"Indexed");
        assert_eq!(cs[2].as_i64().unwrap(), 2);
        assert_eq!(cs[3].as_str().unwrap(), palette.concat());
        assert_lines(&text(&pdf, 1), &["Yên"]);
        assert_eq!(pdfium_text(&pdf).len(), 1);

        let grey16 = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_fn(w, h, |x, y| {
            image::Luma([(x * 2000 + y * 7) as u16])
        });
        let mut png = Vec::new();
        grey16
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let pdf = searchable_pdf(MediaType::Png, &png, &[ocr_page(1, words)]).unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(int(&dict, b"BitsPerComponent"), 16);
        let big_endian: Vec<u8> = grey16
            .as_raw()
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        assert_eq!(data, big_endian);
    }

    /// 8-bit black-and-white pixels packed one bit each, rows on byte boundaries, white 1.
    fn pack_bits(width: usize, height: usize, px: &[u8]) -> Vec<u8> {
        let row = width.div_ceil(8);
        let mut out = vec![0u8; row * height];
        for (i, v) in px.iter().enumerate() {
            if *v > 127 {
                out[i / width * row + i % width / 8] |= 0x80 >> (i % width % 8);
            }
        }
        out
    }

    /// A TIFF of three pages, grey, colour and black-and-white, at 200 dpi.
    /// Width, height and pixels of each page.
    type TiffPages = Vec<(u32, u32, Vec<u8>)>;

    fn three_page_tiff() -> (Vec<u8>, TiffPages) {
        use tiff::encoder::{colortype, Rational, TiffEncoder};
        use tiff::tags::ResolutionUnit;

        let (w, h) = (340u32, 480u32);
        let gray: Vec<u8> = (0..w * h).map(|i| (i % 251) as u8).collect();
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i % 199) as u8).collect();
        let bw: Vec<u8> = (0..w * h)
            .map(|i| if i % 7 == 0 { 0 } else { 255 })
            .collect();
        let mut out = Vec::new();
        {
            let mut enc = TiffEncoder::new(Cursor::new(&mut out)).unwrap();
            let res = || Rational { n: 200, d: 1 };
            let mut img = enc.new_image::<colortype::Gray8>(w, h).unwrap();
            img.resolution(ResolutionUnit::Inch, res());
            img.write_data(&gray).unwrap();
            let mut img = enc.new_image::<colortype::RGB8>(w, h).unwrap();
            img.resolution(ResolutionUnit::Inch, res());
            img.write_data(&rgb).unwrap();
            let mut img = enc.new_image::<colortype::Gray8>(w, h).unwrap();
            img.resolution(ResolutionUnit::Inch, res());
            img.write_data(&bw).unwrap();
        }
        (out, vec![(w, h, gray), (w, h, rgb), (w, h, bw)])
    }

    #[test]
    fn a_multi_page_tiff_becomes_one_pdf_page_per_image() {
        let (tiff, pixels) = three_page_tiff();
        let pages = [
            ocr_page(1, vec![word("NGUYỄN", 0, [0.1, 0.1, 0.6, 0.15])]),
            ocr_page(
                2,
                vec![
                    word("Căn", 0, [0.2, 0.5, 0.4, 0.55]),
                    word("cước", 0, [0.45, 0.5, 0.7, 0.56]),
                ],
            ),
            ocr_page(
                3,
                vec![
                    word("Hưng", 0, [0.1, 0.8, 0.3, 0.85]),
                    word("Yên", 0, [0.35, 0.8, 0.5, 0.85]),
                ],
            ),
        ];
        // Handed over in any order.
        let shuffled = vec![pages[2].clone(), pages[0].clone(), pages[1].clone()];
        let pdf = searchable_pdf(MediaType::Tiff, &tiff, &shuffled).unwrap();
        let doc = load(&pdf);
        assert_eq!(doc.get_pages().len(), 3);
        for (i, (w, h, px)) in pixels.iter().enumerate() {
            let n = i as u32 + 1;
            let mb = media_box(&doc, n);
            assert!((mb[2] - *w as f32 * 72.0 / 200.0).abs() < 0.01, "{mb:?}");
            assert!((mb[3] - *h as f32 * 72.0 / 200.0).abs() < 0.01, "{mb:?}");
            let (dict, data) = page_image(&doc, n);
            if n == 3 {
                assert_eq!(
                    int(&dict, b"BitsPerComponent"),
                    1,
                    "black and white is 1 bit"
                );
                assert_eq!(data, pack_bits(*w as usize, *h as usize, px));
            } else {
                assert_eq!(int(&dict, b"BitsPerComponent"), 8);
                assert!(&data == px, "page {n} pixels unchanged");
            }
            assert_boxes(&pdf, n, &pages[i].words, 0.02);
        }
        assert_lines(&text(&pdf, 1), &["NGUYỄN"]);
        assert_lines(&text(&pdf, 2), &["Căn cước"]);
        assert_lines(&text(&pdf, 3), &["Hưng Yên"]);
        assert_eq!(pdfium_text(&pdf).len(), 3);
    }

    #[test]
    fn a_tiff_with_more_pages_than_were_read_is_refused() {
        let (tiff, _) = three_page_tiff();
        let pages = vec![ocr_page(1, vec![]), ocr_page(2, vec![])];
        assert_eq!(
            searchable_pdf(MediaType::Tiff, &tiff, &pages).unwrap_err(),
            SearchableError::MorePagesThanRead { read: 2 }
        );
        let pages = vec![
            ocr_page(1, vec![]),
            ocr_page(2, vec![]),
            ocr_page(4, vec![]),
        ];
        assert_eq!(
            searchable_pdf(MediaType::Tiff, &tiff, &pages).unwrap_err(),
            SearchableError::NoSuchPage { page: 4, pages: 3 }
        );
        // Too many pixels for the limit: refused from the header.
        let limits = Limits {
            max_pixels_per_page: 1000,
            ..Limits::default()
        };
        let pages: Vec<_> = (1..=3).map(|n| ocr_page(n, vec![])).collect();
        assert!(matches!(
            searchable_pdf_with_limits(MediaType::Tiff, &tiff, &pages, &limits),
            Err(SearchableError::TooManyPixels { page: 1, .. })
        ));
    }

    #[test]
    fn tesseracts_black_and_white_test_page_keeps_its_polarity() {
        // 1-bit, WhiteIsZero, uncompressed: embedded as 1-bit with white as 1.
        let tiff = std::fs::read(corpus("ocr/phototest.tif")).unwrap();
        let decoded = image::load_from_memory(&tiff).unwrap().to_luma8();
        let words = vec![word("quick", 0, [0.2, 0.1, 0.4, 0.15])];
        let pdf = searchable_pdf(MediaType::Tiff, &tiff, &[ocr_page(1, words)]).unwrap();
        let doc = load(&pdf);
        let (dict, data) = page_image(&doc, 1);
        assert_eq!(int(&dict, b"BitsPerComponent"), 1);
        let (w, h) = decoded.dimensions();
        assert_eq!(data, pack_bits(w as usize, h as usize, decoded.as_raw()));
        assert_lines(&text(&pdf, 1), &["quick"]);
        assert!(pdf.len() < tiff.len(), "{} vs {}", pdf.len(), tiff.len());
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

    // Pages OCR read turned ---------------------------------------------------------------

    /// Where `(fx, fy)` (fractions of a `w` × `h` picture, origin top left) lands in the
    /// picture turned `degrees` clockwise onto its bounding box, as fractions of that box.
    fn turned_point((fx, fy): (f64, f64), w: f64, h: f64, degrees: f64) -> (f64, f64) {
        let (s, c) = degrees.to_radians().sin_cos();
        let (cw, ch) = (w * c.abs() + h * s.abs(), w * s.abs() + h * c.abs());
        let (x, y) = (fx * w - w / 2.0, fy * h - h / 2.0);
        // Clockwise as seen, with y pointing down.
        let (tx, ty) = (x * c - y * s, x * s + y * c);
        ((tx + cw / 2.0) / cw, (ty + ch / 2.0) / ch)
    }

    fn turned_size(w: f64, h: f64, degrees: f64) -> (f64, f64) {
        let (s, c) = degrees.to_radians().sin_cos();
        (w * c.abs() + h * s.abs(), w * s.abs() + h * c.abs())
    }

    const RED_AT: (f64, f64) = (0.2, 0.25);
    const BLUE_AT: (f64, f64) = (0.75, 0.7);

    /// A white `w` × `h` JPEG at `dpi` with a red disc at [`RED_AT`] and a blue one at
    /// [`BLUE_AT`], so that how it is shown can be checked.
    fn marked_jpeg(w: u32, h: u32, dpi: u16) -> Vec<u8> {
        let r = 0.08 * f64::from(w.min(h));
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let near = |(fx, fy): (f64, f64)| {
                let (dx, dy) = (
                    f64::from(x) - fx * f64::from(w),
                    f64::from(y) - fy * f64::from(h),
                );
                dx * dx + dy * dy <= r * r
            };
            if near(RED_AT) {
                image::Rgb([220, 20, 20])
            } else if near(BLUE_AT) {
                image::Rgb([20, 20, 220])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let mut jpeg = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(dpi));
        enc.encode_image(&img).unwrap();
        jpeg
    }

    /// Words where the discs are once the picture is turned: their boxes are fractions of
    /// the turned picture, as OCR reports them.
    fn marked_words(w: f64, h: f64, degrees: f64) -> Vec<Word> {
        let around =
            |(x, y): (f64, f64)| [x - 0.05, y - 0.02, x + 0.05, y + 0.02].map(|v| v as f32);
        vec![
            word("Đỏ", 0, around(turned_point(RED_AT, w, h, degrees))),
            word("Xanh", 1, around(turned_point(BLUE_AT, w, h, degrees))),
        ]
    }

    /// One page of `pdf` rendered by poppler at `dpi`: width, height and RGB bytes.
    fn render_page(pdf: &[u8], page: u32, dpi: u32) -> (usize, usize, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.pdf");
        std::fs::write(&input, pdf).unwrap();
        let p = page.to_string();
        let status = Command::new("pdftoppm")
            .args(["-r", &dpi.to_string(), "-f", &p, "-l", &p, "-singlefile"])
            .arg(&input)
            .arg(dir.path().join("page"))
            .status()
            .expect("pdftoppm (poppler-utils, run scripts/setup.sh)");
        assert!(status.success());
        let ppm = std::fs::read(dir.path().join("page.ppm")).unwrap();
        // P6, width, height, 255, one whitespace byte, then the pixels.
        let mut fields = Vec::new();
        let mut pos = 0;
        while fields.len() < 4 {
            while ppm[pos].is_ascii_whitespace() {
                pos += 1;
            }
            let start = pos;
            while !ppm[pos].is_ascii_whitespace() {
                pos += 1;
            }
            fields.push(String::from_utf8_lossy(&ppm[start..pos]).into_owned());
        }
        assert_eq!(fields[0], "P6");
        let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let data = ppm[pos + 1..].to_vec();
        assert_eq!(data.len(), w * h * 3);
        (w, h, data)
    }

    /// The discs are shown where the turned picture has them, and so are their words.
    fn assert_marks_shown(pdf: &[u8], page: u32, words: &[Word]) {
        let (w, h, px) = render_page(pdf, page, 72);
        let colour = |word: &Word| {
            let b = word.bbox;
            let (x, y) = (
                f64::from(b.x0 + b.x1) / 2.0 * w as f64,
                f64::from(b.y0 + b.y1) / 2.0 * h as f64,
            );
            let mut sum = [0u32; 3];
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (px_x, px_y) = ((x as i64 + dx) as usize, (y as i64 + dy) as usize);
                    let i = (px_y * w + px_x) * 3;
                    for k in 0..3 {
                        sum[k] += u32::from(px[i + k]);
                    }
                }
            }
            sum.map(|v| v / 9)
        };
        let red = colour(&words[0]);
        assert!(
            red[0] > 150 && red[1] < 100 && red[2] < 100,
            "red disc: {red:?}"
        );
        let blue = colour(&words[1]);
        assert!(
            blue[2] > 150 && blue[0] < 100 && blue[1] < 100,
            "blue disc: {blue:?}"
        );
    }

    #[test]
    fn an_image_ocr_turned_is_shown_turned_with_its_words_on_it() {
        // 600 x 400 pixels at 200 dpi: 216 x 144 points.
        let jpeg = marked_jpeg(600, 400, 200);
        for (degrees, tolerance) in [
            (90.0, 0.02),
            (180.0, 0.02),
            (270.0, 0.02),
            (-90.0, 0.02),
            (3.0, 0.03),
            (-2.5, 0.03),
            (93.0, 0.03),
        ] {
            let words = marked_words(600.0, 400.0, degrees);
            let mut page = ocr_page(1, words.clone());
            page.rotation = degrees as f32;
            let pdf = searchable_pdf(MediaType::Jpeg, &jpeg, &[page]).unwrap();
            let doc = load(&pdf);
            assert!(
                page_image(&doc, 1).1 == jpeg,
                "{degrees}: the JPEG is the original file"
            );
            let (cw, ch) = turned_size(216.0, 144.0, degrees);
            let mb = media_box(&doc, 1);
            assert!(
                (f64::from(mb[2]) - cw).abs() < 0.01 && (f64::from(mb[3]) - ch).abs() < 0.01,
                "{degrees}: {mb:?}, expected {cw} x {ch}"
            );
            assert_boxes(&pdf, 1, &words, tolerance);
            assert_marks_shown(&pdf, 1, &words);
            assert_eq!(lines(&text(&pdf, 1)).len(), 2, "{degrees}");
            let pdfium = pdfium_text(&pdf);
            assert!(pdfium[0].contains("Xanh"), "{degrees}: {pdfium:?}");
        }
    }

    #[test]
    fn an_ocr_turn_of_zero_changes_nothing() {
        let jpeg = marked_jpeg(600, 400, 200);
        let words = marked_words(600.0, 400.0, 0.0);
        let pdf = searchable_pdf(MediaType::Jpeg, &jpeg, &[ocr_page(1, words.clone())]).unwrap();
        let mut page = ocr_page(1, words.clone());
        page.rotation = 360.0;
        assert_eq!(
            searchable_pdf(MediaType::Jpeg, &jpeg, &[page]).unwrap(),
            pdf
        );
        assert_eq!(media_box(&load(&pdf), 1), vec![0.0, 0.0, 216.0, 144.0]);
        assert_marks_shown(&pdf, 1, &words);
    }

    /// A one-page PDF showing `jpeg` (`w` × `h` pixels) over a `w_pt` × `h_pt` page.
    fn scan_pdf(jpeg: &[u8], w: u32, h: u32, w_pt: i64, h_pt: i64, rotate: Option<i64>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let image_id = doc.add_object(
            Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(w),
                    "Height" => i64::from(h),
                    "ColorSpace" => "DeviceRGB",
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                jpeg.to_vec(),
            )
            .with_compression(false),
        );
        let content = doc.add_object(Stream::new(
            dictionary! {},
            format!("q {w_pt} 0 0 {h_pt} 0 0 cm /Im0 Do Q\n").into_bytes(),
        ));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), w_pt.into(), h_pt.into()],
            "Contents" => content,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        };
        if let Some(r) = rotate {
            page.set("Rotate", r);
        }
        let page = doc.add_object(page);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page.into()],
                "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_pdf_page_ocr_turned_is_shown_turned_with_its_words_on_it() {
        let jpeg = marked_jpeg(600, 400, 200);
        // (the page's own /Rotate, the turn OCR gave the page as shown, the /Rotate after)
        for (rotate, degrees, after) in [
            (None, 90.0, 90),
            (None, 180.0, 180),
            (None, 270.0, 270),
            (Some(90), 90.0, 180),
            (Some(270), 90.0, 0),
            (None, 3.0, 0),
            (Some(90), -2.0, 90),
            (None, 88.0, 90),
        ] {
            let original = scan_pdf(&jpeg, 600, 400, 432, 288, rotate);
            // The page as shown before the turn.
            let shown = rotate.unwrap_or(0) as f64;
            let (sw, sh) = turned_size(432.0, 288.0, shown);
            let at = |p| turned_point(turned_point(p, 432.0, 288.0, shown), sw, sh, degrees);
            let around =
                |(x, y): (f64, f64)| [x - 0.05, y - 0.02, x + 0.05, y + 0.02].map(|v| v as f32);
            let words = vec![
                word("Đỏ", 0, around(at(RED_AT))),
                word("Xanh", 1, around(at(BLUE_AT))),
            ];
            let mut page = ocr_page(1, words.clone());
            page.rotation = degrees as f32;
            let pdf = searchable_pdf(MediaType::Pdf, &original, &[page]).unwrap();
            let doc = load(&pdf);
            let id = doc.get_pages()[&1];
            let dict = doc.get_dictionary(id).unwrap();
            let got = dict
                .get(b"Rotate")
                .map(|o| o.as_i64().unwrap())
                .unwrap_or(0);
            assert_eq!(got.rem_euclid(360), after, "{rotate:?} then {degrees}");
            let tolerance = if degrees % 90.0 == 0.0 { 0.02 } else { 0.03 };
            assert_boxes_turned(&pdf, 1, &words, tolerance, after % 180 != 0);
            assert_marks_shown(&pdf, 1, &words);
            assert!(page_image(&doc, 1).1 == jpeg, "the scan is still the scan");
        }
    }

    #[test]
    fn the_sample_scan_ocr_turned_a_quarter_reads_where_the_words_are() {
        let original = two_page_pdf(None);
        let words = vietnamese_words();
        let mut turned = ocr_page(2, words.clone());
        turned.rotation = 90.0;
        let pages = vec![ocr_page(1, vec![]), turned];
        let pdf = searchable_pdf(MediaType::Pdf, &original, &pages).unwrap();
        let doc = load(&pdf);
        let id = doc.get_pages()[&2];
        assert_eq!(int(doc.get_dictionary(id).unwrap(), b"Rotate"), 90);
        assert_boxes_turned(&pdf, 2, &words, 0.02, true);
        assert_lines(&text(&pdf, 2), &VIETNAMESE_LINES);
    }
}
