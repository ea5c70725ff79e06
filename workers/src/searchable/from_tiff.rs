//! TIFF originals: each page decoded under the pixel budget, with its own resolution.

use super::*;

pub(super) fn tiff_unreadable(e: tiff::TiffError) -> SearchableError {
    SearchableError::Unreadable {
        media: MediaType::Tiff,
        detail: e.to_string(),
    }
}

pub(super) fn tiff_original(
    bytes: &[u8],
    pages: &[PageText],
    limits: &Limits,
) -> Result<Vec<u8>, SearchableError> {
    use tiff::decoder::Decoder;

    // Count the directories first, stopping one past the pages read, so that a file with
    // more pages than were read is refused before any pixel is decoded.
    let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff_unreadable)?;
    let mut count = 1usize;
    while decoder.more_images() && count <= pages.len() {
        decoder.next_image().map_err(tiff_unreadable)?;
        count += 1;
    }
    let order = page_order(pages, count)?;

    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size =
        usize::try_from(limits.max_pixels_per_page.saturating_mul(8)).unwrap_or(usize::MAX);
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(tiff_unreadable)?
        .with_limits(tiff_limits);
    let mut doc = ImageDocument::new();
    for (i, page) in order.iter().enumerate() {
        if i > 0 {
            decoder.next_image().map_err(tiff_unreadable)?;
        }
        let image = tiff_page(&mut decoder, i as u32 + 1, limits)?;
        doc.add_page(image, &page.printed_words(), page.rotation);
    }
    doc.finish()
}

pub(super) fn tiff_page<R: std::io::Read + std::io::Seek>(
    decoder: &mut tiff::decoder::Decoder<R>,
    page: u32,
    limits: &Limits,
) -> Result<PageImage, SearchableError> {
    use tiff::decoder::DecodingResult;
    use tiff::tags::Tag;
    use tiff::ColorType;

    let (width, height) = decoder.dimensions().map_err(tiff_unreadable)?;
    check_pixels(page, width, height, limits)?;
    let unsupported = |detail: String| SearchableError::Unsupported {
        media: MediaType::Tiff,
        detail: format!("page {page}: {detail}"),
    };
    let planar = decoder
        .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
        .map_err(tiff_unreadable)?;
    let color = decoder.colortype().map_err(tiff_unreadable)?;
    if planar == Some(2) && !matches!(color, ColorType::Gray(_)) {
        return Err(unsupported("separate colour planes".to_string()));
    }
    let dpi = tiff_dpi(decoder);
    let data = decoder.read_image().map_err(tiff_unreadable)?;
    let (w, h) = (width as usize, height as usize);
    let pixels = match (color, data) {
        (ColorType::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            Pixels::packed_gray(width, height, bits, v)
        }
        (ColorType::Gray(8), DecodingResult::U8(v)) => Pixels::new(width, height, 1, 8, v, None),
        (ColorType::Gray(16), DecodingResult::U16(v)) => {
            Pixels::new(width, height, 1, 16, ne_bytes(&v), None)
        }
        (ColorType::GrayA(8), DecodingResult::U8(v)) => split_alpha(width, height, 1, 8, v),
        (ColorType::GrayA(16), DecodingResult::U16(v)) => {
            split_alpha(width, height, 1, 16, ne_bytes(&v))
        }
        (ColorType::RGB(8), DecodingResult::U8(v)) => Pixels::new(width, height, 3, 8, v, None),
        (ColorType::RGB(16), DecodingResult::U16(v)) => {
            Pixels::new(width, height, 3, 16, ne_bytes(&v), None)
        }
        (ColorType::RGBA(8), DecodingResult::U8(v)) => split_alpha(width, height, 3, 8, v),
        (ColorType::RGBA(16), DecodingResult::U16(v)) => {
            split_alpha(width, height, 3, 16, ne_bytes(&v))
        }
        (ColorType::CMYK(8), DecodingResult::U8(v)) => Pixels::new(width, height, 4, 8, v, None),
        (color, _) => return Err(unsupported(format!("colour type {color:?}"))),
    };
    // The decoder's buffer is sized from the header; a mismatch would be its bug.
    let row = (w * usize::from(pixels.channels) * usize::from(pixels.bits)).div_ceil(8);
    if pixels.data.len() != row * h {
        return Err(SearchableError::Unreadable {
            media: MediaType::Tiff,
            detail: format!(
                "page {page} decoded to {} bytes, not {}",
                pixels.data.len(),
                row * h
            ),
        });
    }
    pixels.into_page_image(dpi, MediaType::Tiff)
}

/// Dots per inch from the current directory's resolution tags.
pub(super) fn tiff_dpi<R: std::io::Read + std::io::Seek>(
    decoder: &mut tiff::decoder::Decoder<R>,
) -> Option<(f64, f64)> {
    use tiff::tags::Tag;
    let x = tiff_number(decoder.find_tag(Tag::XResolution).ok()??)?;
    let y = tiff_number(decoder.find_tag(Tag::YResolution).ok()??)?;
    let unit = decoder
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()?
        .unwrap_or(2);
    match unit {
        2 => Some((x, y)),
        3 => Some((x * 2.54, y * 2.54)),
        _ => None,
    }
}

/// A numeric tag value; resolutions are rationals, but writers vary.
pub(super) fn tiff_number(value: tiff::decoder::ifd::Value) -> Option<f64> {
    use tiff::decoder::ifd::Value;
    let v = match value {
        Value::Rational(n, d) => (d != 0).then(|| f64::from(n) / f64::from(d))?,
        Value::SRational(n, d) => (d != 0).then(|| f64::from(n) / f64::from(d))?,
        Value::RationalBig(n, d) => (d != 0).then(|| n as f64 / d as f64)?,
        Value::Short(v) => f64::from(v),
        Value::Unsigned(v) => f64::from(v),
        Value::Float(v) => f64::from(v),
        Value::Double(v) => v,
        Value::List(values) => return values.into_iter().next().and_then(tiff_number),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

pub(super) fn ne_bytes(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|s| s.to_ne_bytes()).collect()
}
