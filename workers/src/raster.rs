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

/// Tesseract binarises internally; it wants 8-bit luminance.
pub fn to_gray(image: &DynamicImage) -> GrayImage {
    image.to_luma8()
}
