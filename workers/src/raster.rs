//! Decoding page images under a pixel budget, and preparing them for OCR.

use std::io::Cursor;

use hoso_pipeline::ports::PageError;
use hoso_pipeline::{Limits, MediaType};
use image::{DynamicImage, GrayImage, ImageFormat, ImageReader};

/// Resolution assumed for image files, whose headers rarely carry a trustworthy one.
pub const ASSUMED_IMAGE_DPI: u32 = 300;

pub fn check_pixels(page: u32, width: u64, height: u64, limits: &Limits) -> Result<(), PageError> {
    if width.saturating_mul(height) > limits.max_pixels_per_page {
        return Err(PageError::TooManyPixels {
            page,
            width,
            height,
            limit: limits.max_pixels_per_page,
        });
    }
    Ok(())
}

/// Decodes an image file, reading its dimensions from the header first so that a
/// decompression bomb is refused before any pixel is allocated.
pub fn decode_image(
    media: MediaType,
    bytes: &[u8],
    limits: &Limits,
) -> Result<DynamicImage, PageError> {
    let format = match media {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Tiff => ImageFormat::Tiff,
        MediaType::Pdf => {
            return Err(PageError::Unreadable {
                media,
                detail: "a pdf is not an image".to_string(),
            })
        }
    };
    let unreadable = |e: image::ImageError| PageError::Unreadable {
        media,
        detail: e.to_string(),
    };
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader.into_dimensions().map_err(unreadable)?;
    check_pixels(1, w as u64, h as u64, limits)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    // The header was checked above; this bounds what the decoder itself may allocate
    // (4 bytes per pixel plus headroom for 16-bit formats).
    image_limits.max_alloc = Some(limits.max_pixels_per_page.saturating_mul(8));
    reader.limits(image_limits);
    reader.decode().map_err(unreadable)
}

/// Tesseract binarises internally; it wants 8-bit luminance, here with red seals lifted
/// off (see `stamps`).
pub fn to_gray(image: &DynamicImage, dpi: u32) -> GrayImage {
    crate::stamps::gray_without_seals(image, dpi)
}

/// Counts the pages (image file directories) of a TIFF without decoding any pixels,
/// stopping one past `cap` so a file with a million directories costs nothing.
pub fn tiff_page_count(bytes: &[u8], cap: u32) -> Result<u32, PageError> {
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(tiff_unreadable)?;
    let mut pages = 1u32;
    while decoder.more_images() && pages <= cap {
        decoder.next_image().map_err(tiff_unreadable)?;
        pages += 1;
    }
    Ok(pages)
}

fn tiff_unreadable(e: tiff::TiffError) -> PageError {
    PageError::Unreadable {
        media: MediaType::Tiff,
        detail: e.to_string(),
    }
}

/// Decodes every page of a multi-page TIFF in order, one at a time, as 8-bit grey.
///
/// The `image` crate reads only the first page of a TIFF, so multi-page scans go through
/// the `tiff` crate directly; it covers what scanners write (grey, RGB, with or without
/// alpha, 8 or 16 bits) and names anything else in its error.
pub fn for_each_tiff_page(
    bytes: &[u8],
    limits: &Limits,
    mut on_page: impl FnMut(u32, GrayImage) -> Result<(), PageError>,
) -> Result<(), PageError> {
    use tiff::decoder::DecodingResult;
    use tiff::ColorType;

    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size =
        usize::try_from(limits.max_pixels_per_page.saturating_mul(8)).unwrap_or(usize::MAX);
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes))
        .map_err(tiff_unreadable)?
        .with_limits(tiff_limits);
    let mut page = 1u32;
    loop {
        let (w, h) = decoder.dimensions().map_err(tiff_unreadable)?;
        check_pixels(page, w as u64, h as u64, limits)?;
        let color = decoder.colortype().map_err(tiff_unreadable)?;
        let data = decoder.read_image().map_err(tiff_unreadable)?;
        let luma: Option<Vec<u8>> = match (color, data) {
            (ColorType::Gray(8), DecodingResult::U8(v)) => Some(v),
            (ColorType::Gray(16), DecodingResult::U16(v)) => {
                Some(v.iter().map(|x| (x >> 8) as u8).collect())
            }
            (ColorType::GrayA(8), DecodingResult::U8(v)) => {
                Some(v.chunks_exact(2).map(|p| p[0]).collect())
            }
            (ColorType::RGB(8), DecodingResult::U8(v)) => {
                Some(v.chunks_exact(3).map(|p| luma8(p[0], p[1], p[2])).collect())
            }
            (ColorType::RGBA(8), DecodingResult::U8(v)) => {
                Some(v.chunks_exact(4).map(|p| luma8(p[0], p[1], p[2])).collect())
            }
            (ColorType::RGB(16), DecodingResult::U16(v)) => Some(
                v.chunks_exact(3)
                    .map(|p| luma8((p[0] >> 8) as u8, (p[1] >> 8) as u8, (p[2] >> 8) as u8))
                    .collect(),
            ),
            _ => None,
        };
        let gray = luma
            .and_then(|l| GrayImage::from_raw(w, h, l))
            .ok_or_else(|| PageError::Unreadable {
                media: MediaType::Tiff,
                detail: format!("page {page} has an unsupported colour type {color:?}"),
            })?;
        on_page(page, gray)?;
        if !decoder.more_images() {
            return Ok(());
        }
        decoder.next_image().map_err(tiff_unreadable)?;
        page += 1;
    }
}

/// ITU-R BT.601 luma, as the `image` crate computes it.
fn luma8(r: u8, g: u8, b: u8) -> u8 {
    ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8
}
