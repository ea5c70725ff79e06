//! Pages OCR read turned: images and PDF pages shown turned, with their words where the
//! turned page shows them.

use hoso_pipeline::MediaType;
use hoso_workers::searchable::searchable_pdf;

use super::*;

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
    let around = |(x, y): (f64, f64)| [x - 0.05, y - 0.02, x + 0.05, y + 0.02].map(|v| v as f32);
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
