//! QR codes on page images (the chip ID card carries one), decoded with rxing.

use hoso_extractors::{BBox, Barcode};
use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHints};

/// Shrink factors a QR code is looked for at. A photocopy's toner specks and a photo's
/// blur break the finder patterns at full resolution more often than at half or a
/// third of it, where they average out.
const SHRINK: [u32; 3] = [1, 2, 3];
/// A smaller image than this on its short side has no readable card code left.
const MIN_SIDE: u32 = 200;

/// Finds a QR code on the page and returns its exact payload, or nothing.
pub fn find_qr(image: &GrayImage) -> Option<Barcode> {
    SHRINK.iter().find_map(|&factor| {
        if factor == 1 {
            return find_qr_as_is(image);
        }
        if image.width().min(image.height()) / factor < MIN_SIDE {
            return None;
        }
        // Boxes are fractions of the image, the same at every size.
        find_qr_as_is(&shrink(image, factor))
    })
}

/// The image with each `factor` × `factor` block averaged into one pixel: what the
/// smaller sizes need (specks averaged away) at a fraction of a resampling filter's cost.
fn shrink(image: &GrayImage, factor: u32) -> GrayImage {
    let (w, h) = (image.width() / factor, image.height() / factor);
    let area = factor * factor;
    GrayImage::from_fn(w, h, |x, y| {
        let mut sum = 0u32;
        for dy in 0..factor {
            for dx in 0..factor {
                sum += u32::from(image.get_pixel(x * factor + dx, y * factor + dy).0[0]);
            }
        }
        image::Luma([(sum / area) as u8])
    })
}

fn find_qr_as_is(image: &GrayImage) -> Option<Barcode> {
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let mut hints = DecodeHints {
        TryHarder: Some(true),
        // ID-card QR payloads are UTF-8 Vietnamese; without this, rxing may guess a
        // single-byte charset and mangle the diacritics.
        CharacterSet: Some("UTF-8".to_string()),
        ..DecodeHints::default()
    };
    let found = rxing::helpers::detect_in_luma_slice_with_hints(
        image.as_raw(),
        w,
        h,
        Some(BarcodeFormat::QR_CODE),
        &mut hints,
    )
    .ok()?;
    let points: Vec<(f32, f32)> = found.getPoints().iter().map(|p| (p.x, p.y)).collect();
    let bbox = if points.is_empty() {
        BBox::new(0.0, 0.0, 1.0, 1.0)
    } else {
        bbox_of(&points, w, h)
    };
    Some(Barcode {
        payload: found.getText().to_string(),
        bbox,
    })
}

/// The box, in fractions of a `w` × `h` image, around a code's corner points.
pub(crate) fn bbox_of(points: &[(f32, f32)], w: u32, h: u32) -> BBox {
    let (fw, fh) = (w as f32, h as f32);
    let (x0, x1) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (y0, y1) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    BBox::new(
        (x0 / fw).clamp(0.0, 1.0),
        (y0 / fh).clamp(0.0, 1.0),
        (x1 / fw).clamp(0.0, 1.0),
        (y1 / fh).clamp(0.0, 1.0),
    )
}
