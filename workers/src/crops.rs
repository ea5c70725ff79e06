//! Pages of an original as images, and the regions evidence names on them: what an
//! auditor looks at to see that a value was read from those pixels (`hoso audit trace
//! --crops`). Boxes are fractions of the page as it was read, turned upright and levelled
//! (`PageText::rotation`), so the page is turned the same way before it is cropped.

use image::{DynamicImage, GrayImage};
use pdfium_render::prelude::*;

use hoso_extractors::BBox;
use hoso_pipeline::ports::PageError;
use hoso_pipeline::{Limits, MediaType};

use crate::{deskew, pdf, raster};

/// Resolution of rendered PDF pages: enough to read a crop of print, small enough to
/// render an A4 page in a fraction of a second.
const CROP_DPI: f32 = 150.0;

/// Page `page` (1-based) of an original, in grey, turned by `rotation` degrees clockwise.
pub fn page_image(
    media: MediaType,
    bytes: &[u8],
    page: u32,
    rotation: f32,
    limits: &Limits,
) -> Result<GrayImage, PageError> {
    let gray = match media {
        MediaType::Pdf => render_pdf_page(bytes, page, limits)?,
        MediaType::Tiff => {
            let mut found = None;
            raster::for_each_tiff_page(bytes, limits, |n, image| {
                if n == page {
                    found = Some(image);
                }
                Ok(())
            })?;
            found.ok_or(PageError::Unreadable {
                media,
                detail: format!("the file has no page {page}"),
            })?
        }
        _ if page == 1 => raster::decode_image(media, bytes, limits)?.to_luma8(),
        _ => {
            return Err(PageError::Unreadable {
                media,
                detail: format!("an image has one page, not {page}"),
            })
        }
    };
    Ok(if rotation == 0.0 {
        gray
    } else {
        deskew::rotate(&gray, rotation)
    })
}

fn render_pdf_page(bytes: &[u8], page: u32, limits: &Limits) -> Result<GrayImage, PageError> {
    let unreadable = |detail: String| PageError::Unreadable {
        media: MediaType::Pdf,
        detail,
    };
    let pdfium = pdf::pdfium().map_err(|e| PageError::Engine {
        page,
        detail: e.to_string(),
    })?;
    let document = pdfium
        .load_pdf_from_byte_slice(bytes, None)
        .map_err(|e| unreadable(format!("pdfium cannot open it: {e}")))?;
    let index = page
        .checked_sub(1)
        .and_then(|i| i32::try_from(i).ok())
        .filter(|&i| i < document.pages().len())
        .ok_or_else(|| unreadable(format!("the file has no page {page}")))?;
    let p = document
        .pages()
        .get(index)
        .map_err(|e| unreadable(format!("page {page} does not load: {e}")))?;
    let (w, h) = (
        p.width().to_inches() * CROP_DPI,
        p.height().to_inches() * CROP_DPI,
    );
    raster::check_pixels(page, w as u64, h as u64, limits)?;
    let bitmap = p
        .render_with_config(
            &PdfRenderConfig::new()
                .set_target_width(w.round().max(1.0) as i32)
                .set_maximum_height(h.round().max(1.0) as i32),
        )
        .map_err(|e| unreadable(format!("page {page} does not render: {e}")))?;
    let image = bitmap
        .as_image()
        .map_err(|e| unreadable(format!("page {page} does not render: {e}")))?;
    Ok(image.to_luma8())
}

/// The region `bbox` (fractions of the page) with a margin of `margin` of the page's
/// height around it, clamped to the page.
pub fn crop(page: &GrayImage, bbox: BBox, margin: f32) -> GrayImage {
    let (w, h) = (page.width() as f32, page.height() as f32);
    let pad = margin * h;
    let x0 = (bbox.x0 * w - pad).clamp(0.0, w - 1.0);
    let y0 = (bbox.y0 * h - pad).clamp(0.0, h - 1.0);
    let x1 = (bbox.x1 * w + pad).clamp(x0 + 1.0, w);
    let y1 = (bbox.y1 * h + pad).clamp(y0 + 1.0, h);
    image::imageops::crop_imm(
        page,
        x0 as u32,
        y0 as u32,
        (x1 - x0) as u32,
        (y1 - y0) as u32,
    )
    .to_image()
}

/// A grey page as a PNG's bytes.
pub fn png(image: &GrayImage) -> Result<Vec<u8>, image::ImageError> {
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageLuma8(image.clone()).write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_is_the_box_with_its_margin_and_stays_on_the_page() {
        let page = GrayImage::new(200, 100);
        let c = crop(
            &page,
            BBox {
                x0: 0.25,
                y0: 0.5,
                x1: 0.5,
                y1: 0.6,
            },
            0.0,
        );
        assert_eq!((c.width(), c.height()), (50, 10));
        let c = crop(
            &page,
            BBox {
                x0: 0.0,
                y0: 0.0,
                x1: 1.0,
                y1: 1.0,
            },
            0.1,
        );
        assert_eq!((c.width(), c.height()), (200, 100));
        let c = crop(
            &page,
            BBox {
                x0: 0.99,
                y0: 0.99,
                x1: 0.99,
                y1: 0.99,
            },
            0.0,
        );
        assert!(c.width() >= 1 && c.height() >= 1);
        assert!(!png(&c).unwrap().is_empty());
    }
}
