//! Straightening a page before OCR: the skew angle from projection profiles, and
//! rotations that keep the whole page on a white canvas.
//!
//! Text lines make the row profile of dark pixels spiky when they are level and smooth
//! when they are tilted; the angle whose sheared profile is spikiest is the skew.

use image::{imageops, GrayImage, Luma};

/// Skews smaller than this are left alone: Tesseract copes, and resampling blurs.
const MIN_SKEW_DEGREES: f32 = 0.4;
/// Scans are rarely more crooked than this; a larger "skew" is more likely a misreading.
const MAX_SKEW_DEGREES: f32 = 6.0;
/// Width the profile is computed at: enough to resolve 0.1°, cheap to shear.
const PROFILE_WIDTH: u32 = 1000;

/// The clockwise rotation, in degrees, that levels the page's text lines (0 when the page
/// is level or has too little text to tell).
pub fn skew_correction(gray: &GrayImage) -> f32 {
    let scale = (gray.width() as f32 / PROFILE_WIDTH as f32).max(1.0);
    let (w, h) = (
        (gray.width() as f32 / scale) as u32,
        (gray.height() as f32 / scale) as u32,
    );
    if w < 50 || h < 50 {
        return 0.0;
    }
    let small = imageops::resize(gray, w, h, imageops::FilterType::Triangle);
    let dark: Vec<(f32, f32)> = small
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0[0] < 110)
        .map(|(x, y, _)| (x as f32 - w as f32 / 2.0, y as f32))
        .collect();
    // Too few marks for a profile, or a page that is mostly dark (a photo).
    if dark.len() < 500 || dark.len() > (w * h / 3) as usize {
        return 0.0;
    }
    let score = |degrees: f32| -> f64 {
        let t = degrees.to_radians().tan();
        let mut rows = vec![0u32; h as usize * 2 + 1];
        for &(x, y) in &dark {
            let r = (y + x * t).round() as i64 + h as i64 / 2;
            if let Some(bin) = usize::try_from(r).ok().and_then(|r| rows.get_mut(r)) {
                *bin += 1;
            }
        }
        rows.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let best = |from: f32, to: f32, step: f32| -> f32 {
        let mut best = (0.0f32, f64::MIN);
        let mut a = from;
        while a <= to + f32::EPSILON {
            let s = score(a);
            if s > best.1 {
                best = (a, s);
            }
            a += step;
        }
        best.0
    };
    let coarse = best(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.25);
    let fine = best(coarse - 0.25, coarse + 0.25, 0.05);
    // Shearing rows by +a levels lines that tilt down to the left, which a clockwise
    // turn by a straightens.
    let level = fine;
    if level.abs() < MIN_SKEW_DEGREES || level.abs() >= MAX_SKEW_DEGREES {
        0.0
    } else {
        level
    }
}

/// Turns the image clockwise by `degrees` onto a white canvas just large enough to hold
/// all of it. Quarter turns are exact.
pub fn rotate(gray: &GrayImage, degrees: f32) -> GrayImage {
    let quarter = ((degrees / 90.0).round() as i32).rem_euclid(4);
    if (degrees - quarter as f32 * 90.0).abs() < 1e-3
        || (degrees - (quarter as f32 * 90.0 - 360.0)).abs() < 1e-3
    {
        return match quarter {
            1 => imageops::rotate90(gray),
            2 => imageops::rotate180(gray),
            3 => imageops::rotate270(gray),
            _ => gray.clone(),
        };
    }
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (w, h) = (gray.width() as f32, gray.height() as f32);
    let (nw, nh) = (
        (w * cos.abs() + h * sin.abs()).ceil(),
        (w * sin.abs() + h * cos.abs()).ceil(),
    );
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw / 2.0, nh / 2.0);
    GrayImage::from_fn(nw as u32, nh as u32, |x, y| {
        // The source of each output pixel: the inverse (anticlockwise) turn, in image
        // coordinates where y grows downwards.
        let (dx, dy) = (x as f32 + 0.5 - ncx, y as f32 + 0.5 - ncy);
        let sx = dx * cos + dy * sin + cx - 0.5;
        let sy = -dx * sin + dy * cos + cy - 0.5;
        Luma([bilinear(gray, sx, sy)])
    })
}

fn bilinear(gray: &GrayImage, x: f32, y: f32) -> u8 {
    if x < -0.5 || y < -0.5 || x > gray.width() as f32 - 0.5 || y > gray.height() as f32 - 0.5 {
        return 255;
    }
    let (x0, y0) = (x.floor().max(0.0) as u32, y.floor().max(0.0) as u32);
    let (x1, y1) = (
        (x0 + 1).min(gray.width() - 1),
        (y0 + 1).min(gray.height() - 1),
    );
    let (fx, fy) = (
        (x - x0 as f32).clamp(0.0, 1.0),
        (y - y0 as f32).clamp(0.0, 1.0),
    );
    let p = |xx, yy| f32::from(gray.get_pixel(xx, yy).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of level "text lines": dark bars with gaps, like words.
    fn lined_page() -> GrayImage {
        let mut img = GrayImage::from_pixel(1200, 1600, Luma([255]));
        for line in 0..30 {
            let y0 = 100 + line * 45;
            for x in 100..1100 {
                if (x / 40) % 4 == 3 {
                    continue;
                }
                for y in y0..y0 + 14 {
                    img.put_pixel(x, y, Luma([0]));
                }
            }
        }
        img
    }

    #[test]
    fn a_level_page_needs_no_correction() {
        assert_eq!(skew_correction(&lined_page()), 0.0);
    }

    #[test]
    fn a_tilted_page_is_measured_and_straightened() {
        for tilt in [-3.0f32, -1.2, 2.0, 4.5] {
            let tilted = rotate(&lined_page(), tilt);
            let correction = skew_correction(&tilted);
            assert!(
                (correction + tilt).abs() <= 0.15,
                "tilted {tilt}°, corrected by {correction}°"
            );
            let straight = rotate(&tilted, correction);
            assert_eq!(skew_correction(&straight), 0.0, "after correcting {tilt}°");
        }
    }

    #[test]
    fn quarter_turns_are_exact_and_other_turns_keep_the_whole_page() {
        let page = lined_page();
        assert_eq!(rotate(&page, 90.0).dimensions(), (1600, 1200));
        assert_eq!(rotate(&rotate(&page, 90.0), 270.0), page);
        assert_eq!(rotate(&page, -180.0), rotate(&page, 180.0));
        let turned = rotate(&page, 10.0);
        assert!(turned.width() > page.width() && turned.height() > page.height());
        // The corners of the canvas are background.
        assert_eq!(turned.get_pixel(0, 0).0[0], 255);
    }
}
