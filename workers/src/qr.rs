//! QR codes on page images (the chip ID card carries one), decoded with rxing.

use hoso_extractors::{BBox, Barcode};
use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHints};

/// Sizes, as fractions of the page image, a QR code is looked for at. A photocopy's
/// toner specks and a photo's blur break the finder patterns at full resolution more
/// often than at half or a third, where they average out.
const SCALES: [f32; 3] = [1.0, 0.5, 0.35];
/// A smaller image than this on its short side has no readable card code left.
const MIN_SIDE: u32 = 200;

/// Finds a QR code on the page and returns its exact payload, or nothing.
pub fn find_qr(image: &GrayImage) -> Option<Barcode> {
    SCALES.iter().find_map(|&scale| {
        if scale == 1.0 {
            return find_qr_as_is(image);
        }
        let (w, h) = (
            (image.width() as f32 * scale) as u32,
            (image.height() as f32 * scale) as u32,
        );
        if w.min(h) < MIN_SIDE {
            return None;
        }
        let smaller = image::imageops::resize(image, w, h, image::imageops::FilterType::Triangle);
        // Boxes are fractions of the image, the same at every scale.
        find_qr_as_is(&smaller)
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
    let points = found.getPoints();
    let (fw, fh) = (w as f32, h as f32);
    let bbox = if points.is_empty() {
        BBox::new(0.0, 0.0, 1.0, 1.0)
    } else {
        let xs = points.iter().map(|p| p.x);
        let ys = points.iter().map(|p| p.y);
        let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        BBox::new(
            (x0 / fw).clamp(0.0, 1.0),
            (y0 / fh).clamp(0.0, 1.0),
            (x1 / fw).clamp(0.0, 1.0),
            (y1 / fh).clamp(0.0, 1.0),
        )
    };
    Some(Barcode {
        payload: found.getText().to_string(),
        bbox,
    })
}
