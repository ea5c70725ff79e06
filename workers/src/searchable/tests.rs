//! Tests of the searchable PDF: every kind of original, turned pages, hostile inputs.

use super::*;
use hoso_extractors::BBox;

fn word(text: &str, line: u32, b: [f32; 4]) -> Word {
    Word {
        text: text.to_string(),
        bbox: BBox::new(b[0], b[1], b[2], b[3]),
        confidence: 0.9,
        line,
    }
}

fn page(n: u32, method: Method, words: Vec<Word>) -> PageText {
    PageText {
        page: n,
        method,
        words,
        barcodes: Vec::new(),
        rotation: 0.0,
        rereadings: Vec::new(),
        half_turned: Vec::new(),
    }
}

#[test]
fn the_font_program_is_a_well_formed_truetype_file() {
    let font = glyphless_font();
    assert_eq!(&font[..4], &[0, 1, 0, 0]);
    assert_eq!(font.len() % 4, 0);
    // The whole file sums to the magic constant once the adjustment is in.
    assert_eq!(table_checksum(&font), 0xB1B0_AFBA);
    let tables = u16::from_be_bytes([font[4], font[5]]) as usize;
    assert_eq!(tables, 10);
    let mut previous = [0u8; 4];
    for i in 0..tables {
        let entry = &font[12 + 16 * i..28 + 16 * i];
        let tag: [u8; 4] = entry[..4].try_into().unwrap();
        assert!(tag > previous, "tables sorted by tag");
        previous = tag;
        let sum = u32::from_be_bytes(entry[4..8].try_into().unwrap());
        let offset = u32::from_be_bytes(entry[8..12].try_into().unwrap()) as usize;
        let len = u32::from_be_bytes(entry[12..16].try_into().unwrap()) as usize;
        assert_eq!(offset % 4, 0);
        let data = &font[offset..offset + len];
        if &tag == b"head" {
            assert_eq!(len, 54);
            let mut zeroed = data.to_vec();
            zeroed[8..12].fill(0);
            assert_eq!(table_checksum(&zeroed), sum);
        } else {
            assert_eq!(
                table_checksum(data),
                sum,
                "{}",
                String::from_utf8_lossy(&tag)
            );
        }
        let expected_len = match &tag {
            b"OS/2" => 96,
            b"hhea" => 36,
            b"maxp" => 32,
            b"post" => 32,
            b"hmtx" => 8,
            b"loca" => 6,
            b"glyf" => 0,
            b"cmap" => 36,
            _ => len,
        };
        assert_eq!(len, expected_len, "{}", String::from_utf8_lossy(&tag));
    }
}

#[test]
fn to_unicode_skips_surrogates_and_keeps_blocks_small() {
    let cmap = to_unicode_cmap();
    assert!(cmap.contains("<1E00> <1EFF> <1E00>"), "Vietnamese letters");
    assert!(cmap.contains("<0000> <00FF> <0000>"));
    assert!(!cmap.contains("<D800>"));
    assert_eq!(cmap.matches("beginbfrange").count(), 3);
}

#[test]
fn numbers_are_short_and_plain() {
    assert_eq!(num(1.0), "1");
    assert_eq!(num(12.345_67), "12.346");
    assert_eq!(num(-0.0001), "0");
    assert_eq!(num(0.5), "0.5");
    assert_eq!(num(f64::NAN), "0");
    assert_eq!(num(1e20), "100000000000000000000");
}

#[test]
fn page_order_wants_each_page_once() {
    let p = |n| page(n, Method::Ocr, vec![]);
    assert_eq!(page_order(&[p(2), p(1)], 2).unwrap()[0].page, 1);
    assert_eq!(
        page_order(&[p(1)], 2).unwrap_err(),
        SearchableError::MorePagesThanRead { read: 1 }
    );
    assert_eq!(
        page_order(&[p(1), p(3)], 2).unwrap_err(),
        SearchableError::NoSuchPage { page: 3, pages: 2 }
    );
    assert_eq!(
        page_order(&[p(0)], 1).unwrap_err(),
        SearchableError::NoSuchPage { page: 0, pages: 1 }
    );
    assert_eq!(
        page_order(&[p(1), p(1)], 2).unwrap_err(),
        SearchableError::DuplicatePage { page: 1 }
    );
    assert_eq!(
        page_order(&[], 1).unwrap_err(),
        SearchableError::MorePagesThanRead { read: 0 }
    );
}

#[test]
fn a_line_is_one_text_object_with_stretched_words_and_spaces() {
    let words = vec![
        word("VĂN", 0, [0.40, 0.10, 0.50, 0.15]),
        word("NGUYỄN", 0, [0.10, 0.10, 0.35, 0.15]),
        word("Hưng", 1, [0.10, 0.30, 0.20, 0.36]),
        word("   ", 1, [0.30, 0.30, 0.40, 0.36]),
        word("bad", 1, [0.5, 0.3, 0.4, 0.36]),
        word("nan", 1, [f32::NAN, 0.3, 0.4, 0.36]),
    ];
    let layer = text_layer(&words, 1000.0, 1000.0, "F");
    assert_eq!(layer.matches("BT").count(), 2, "{layer}");
    assert_eq!(layer.matches("3 Tr").count(), 2);
    // NGUYỄN first (left), then a space, then VĂN.
    let n = layer.find("<004E004700550059 1EC4004E>".replace(' ', "").as_str());
    let v = layer.find("<0056 0102 004E>".replace(' ', "").as_str());
    assert!(n.is_some() && v.is_some() && n < v, "{layer}");
    assert_eq!(layer.matches("<0020> Tj").count(), 1, "{layer}");
    // NGUYỄN: 6 codes at 50 pt (the line's height) is 150 pt natural, stretched onto 250.
    assert!(layer.contains("/F 50 Tf"), "{layer}");
    assert!(layer.contains("1 0 0 1 100 850 Tm\n166.667 Tz"), "{layer}");
    // The space spans the 50 pt gap: 25 pt natural.
    assert!(layer.contains("200 Tz\n<0020> Tj"), "{layer}");
    assert!(text_layer(&[], 100.0, 100.0, "F").is_empty());
}

#[test]
fn text_is_nfc_and_astral_characters_are_replaced() {
    let decomposed = "Vie\u{0302}\u{0323}t 😀";
    let p = placed(&word(decomposed, 0, [0.1, 0.1, 0.2, 0.2])).unwrap();
    assert_eq!(p.codes, vec![0x56, 0x69, 0x1EC7, 0x74, 0x20, 0xFFFD]);
}

#[test]
fn a_skewed_line_places_each_word_on_its_own_box() {
    let words = vec![
        word("a", 0, [0.1, 0.10, 0.2, 0.12]),
        word("b", 0, [0.3, 0.20, 0.4, 0.22]),
    ];
    let layer = text_layer(&words, 100.0, 100.0, "F");
    assert!(layer.contains("1 0 0 1 10 88 Tm"), "{layer}");
    assert!(layer.contains("1 0 0 1 30 78 Tm"), "{layer}");
}

#[test]
fn rotated_pages_map_the_shown_page_onto_user_space() {
    let apply = |g: &PageGeometry, x: f64, y: f64| {
        let m = g.matrix();
        (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
    };
    let rect = [10.0, 20.0, 110.0, 220.0]; // 100 wide, 200 high
    for (rotate, shown, top_left) in [
        (0, (100.0, 200.0), (10.0, 220.0)),
        // Turned clockwise: the bottom left corner is shown top left.
        (90, (200.0, 100.0), (10.0, 20.0)),
        (180, (100.0, 200.0), (110.0, 20.0)),
        (270, (200.0, 100.0), (110.0, 220.0)),
    ] {
        let g = PageGeometry { rect, rotate };
        assert_eq!(g.display_size(), shown);
        assert_eq!(apply(&g, 0.0, shown.1), top_left, "rotate {rotate}");
    }
}

#[test]
fn turns_snap_to_quarters_and_split_into_quarters_and_a_skew() {
    let t = Turn::new(-90.0004);
    assert_eq!((t.degrees, t.cos, t.sin), (270.0, 0.0, -1.0));
    assert!(Turn::new(360.0).is_none() && Turn::new(f32::NAN).is_none());
    let (quarters, skew) = Turn::new(88.5).split();
    assert_eq!(quarters, 1);
    assert!((skew.degrees - 358.5).abs() < 1e-4, "{skew:?}");
    let (quarters, skew) = Turn::new(-1.5).split();
    assert_eq!(quarters, 0);
    assert!((skew.degrees - 358.5).abs() < 1e-4);
    assert_eq!(Turn::new(90.0).canvas(200.0, 100.0), (100.0, 200.0));
    let (w, h) = Turn::new(3.0).canvas(200.0, 100.0);
    assert!(w > 200.0 && h > 100.0);
    // A quarter turn clockwise about the centre of a 200 x 100 page: its top left
    // corner (0, 100) goes to the top right of the turned 100 x 200 box centred on it.
    let m = Turn::new(90.0).matrix_about(100.0, 50.0);
    let apply = |x: f64, y: f64| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
    assert_eq!(apply(0.0, 100.0), (150.0, 150.0));
    assert_eq!(apply(100.0, 50.0), (100.0, 50.0));
    let id = concat(m, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    assert_eq!(id, m);
    let back = concat(m, Turn::new(-90.0).matrix_about(100.0, 50.0));
    assert_eq!(back, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn jpeg_headers_give_size_components_and_resolution() {
    let mut img = image::RgbImage::new(40, 30);
    img.put_pixel(1, 1, image::Rgb([200, 10, 10]));
    let mut jpeg = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
    enc.encode_image(&img).unwrap();
    let info = jpeg_info(&jpeg).unwrap();
    assert_eq!((info.width, info.height, info.components), (40, 30, 3));
    assert_eq!(info.dpi, Some((200.0, 200.0)));
    assert!(matches!(
        jpeg_info(&jpeg[..20]),
        Err(SearchableError::Unreadable { .. })
    ));
    assert!(matches!(
        jpeg_info(b"not a jpeg"),
        Err(SearchableError::Unreadable { .. })
    ));
}

#[test]
fn exif_resolution_is_read_in_either_byte_order() {
    // Big-endian TIFF header, one IFD with XResolution, YResolution, ResolutionUnit=cm.
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&3u16.to_be_bytes());
    let entry = |tag: u16, kind: u16, value: u32| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&1u32.to_be_bytes());
        e.extend_from_slice(&value.to_be_bytes());
        e
    };
    t.extend(entry(0x011A, 5, 50));
    t.extend(entry(0x011B, 5, 58));
    t.extend(entry(0x0128, 3, 3 << 16));
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&[0, 0, 0, 118, 0, 0, 0, 1, 0, 0, 0, 236, 0, 0, 0, 2]);
    assert_eq!(exif_density(&t), Some((118.0 * 2.54, 118.0 * 2.54)));
    assert_eq!(exif_density(b"II*\0\xff\xff\xff\xff"), None);
}

#[test]
fn page_size_comes_from_the_resolution_within_bounds() {
    let close = |(w, h): (f64, f64), (ew, eh): (f64, f64)| {
        assert!((w - ew).abs() < 1e-9 && (h - eh).abs() < 1e-9, "{w}x{h}");
    };
    close(page_size(2480, 3508, None), (595.2, 841.92));
    close(page_size(600, 300, Some((150.0, 150.0))), (288.0, 144.0));
    // A resolution no scanner writes is ignored.
    close(page_size(300, 300, Some((1.0, 1.0))), (72.0, 72.0));
    let (w, h) = page_size(60_000, 1_000, Some((72.0, 72.0)));
    assert!((w - MAX_PAGE_SIDE_PT).abs() < 1e-6 && h < 300.0);
}

#[test]
fn too_many_pages_are_refused_before_anything_is_read() {
    let limits = Limits {
        max_pages: 1,
        ..Limits::default()
    };
    let pages = vec![page(1, Method::Ocr, vec![]), page(2, Method::Ocr, vec![])];
    assert_eq!(
        searchable_pdf_with_limits(MediaType::Jpeg, b"", &pages, &limits).unwrap_err(),
        SearchableError::TooManyPages { read: 2, limit: 1 }
    );
}
