//! Images OCR read: a JPEG embedded as it is, PNGs copied or decoded losslessly, a TIFF
//! one PDF page per image, and the limits on them.

use std::io::Cursor;

use hoso_pipeline::{Limits, MediaType};
use hoso_workers::searchable::{searchable_pdf, searchable_pdf_with_limits, SearchableError};

use super::*;

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
