//! Red seals and stamps lifted off a page before OCR, by colour and shape.
//!
//! Official papers carry red seals pressed over the signature and often over printed
//! text; converted to grey, the red ring binarises to black and cuts through the words
//! under it. Red is also the colour of titles ("GIẤY KHAI SINH"), which must stay. The two
//! differ in shape: a seal is one large connected ring, a title is a row of letter-sized
//! pieces. So red pixels are found by colour, grouped into connected regions on a coarse
//! grid, and only regions the size and shape of a seal (with everything inside their
//! bounds, such as the seal's own lettering) are turned white. Everything else converts
//! to luminance as usual.
//!
//! Gaps are bridged on the grid (text under a seal cuts its ring) and only round-ish
//! groups at least 0.35 inch across are whitened. On 40 generated specimens the change was
//! neutral (423/477 fields either way): the generator rarely stamps over text.

use image::{DynamicImage, GrayImage, Rgb};

/// A seal is at least this wide and tall (Vietnamese seals are 30-45 mm; card stamps
/// about 12 mm).
const MIN_SEAL_INCHES: f32 = 0.35;
/// Coarse grid cell, in pixels at 300 dpi: fine enough to keep a ring connected, coarse
/// enough to make labelling cheap.
const CELL_AT_300_DPI: u32 = 4;
/// Red pieces this close belong together: black text printed under a seal cuts its ring
/// (dark ink wins over red), and a line of text is about this tall.
const BRIDGE_INCHES: f32 = 0.1;

/// Red ink: the red channel well above both others, and not dark. Dark text under a seal
/// (multiplied ink) stays dark and is kept.
fn is_red(p: Rgb<u8>) -> bool {
    let [r, g, b] = p.0;
    r >= 110 && i16::from(r) - i16::from(g.max(b)) >= 55
}

/// A rectangle in pixels, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// Luminance for OCR with seals removed. Grey images pass through unchanged.
pub fn gray_without_seals(image: &DynamicImage, dpi: u32) -> GrayImage {
    let mut gray = image.to_luma8();
    let rgb = match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA16(_) => return gray,
        DynamicImage::ImageRgb8(rgb) => std::borrow::Cow::Borrowed(rgb),
        other => std::borrow::Cow::Owned(other.to_rgb8()),
    };
    for seal in find_seals(&rgb, dpi) {
        for y in seal.y0..=seal.y1 {
            for x in seal.x0..=seal.x1 {
                if is_red(*rgb.get_pixel(x, y)) {
                    gray.put_pixel(x, y, image::Luma([255]));
                }
            }
        }
    }
    gray
}

/// The bounds of every seal-sized red region.
pub fn find_seals(rgb: &image::RgbImage, dpi: u32) -> Vec<Region> {
    let cell = (CELL_AT_300_DPI * dpi.max(72) / 300).max(1);
    let (gw, gh) = (rgb.width().div_ceil(cell), rgb.height().div_ceil(cell));
    let mut red = vec![false; (gw * gh) as usize];
    let mut any = false;
    for (x, y, p) in rgb.enumerate_pixels() {
        if is_red(*p) {
            red[((y / cell) * gw + x / cell) as usize] = true;
            any = true;
        }
    }
    if !any {
        return Vec::new();
    }
    let min_cells = (MIN_SEAL_INCHES * dpi as f32 / cell as f32).ceil() as u32;
    let bridge = (BRIDGE_INCHES * dpi as f32 / cell as f32).ceil() as i32;
    let mut seen = vec![false; red.len()];
    let mut seals = Vec::new();
    let mut stack = Vec::new();
    for start in 0..red.len() {
        if !red[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i as u32 % gw, i as u32 / gw);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            for dy in -bridge..=bridge {
                for dx in -bridge..=bridge {
                    let (nx, ny) = (x as i32 + dx, y as i32 + dy);
                    if nx < 0 || ny < 0 || nx >= gw as i32 || ny >= gh as i32 {
                        continue;
                    }
                    let j = (ny as u32 * gw + nx as u32) as usize;
                    if red[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
        let roundish = w.max(h) <= w.min(h) * 2;
        if w >= min_cells && h >= min_cells && roundish {
            seals.push(Region {
                x0: x0 * cell,
                y0: y0 * cell,
                x1: ((x1 + 1) * cell).min(rgb.width()) - 1,
                y1: ((y1 + 1) * cell).min(rgb.height()) - 1,
            });
        }
    }
    seals
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
    const BLACK: Rgb<u8> = Rgb([20, 20, 20]);
    const RED: Rgb<u8> = Rgb([210, 35, 40]);

    /// A 300-dpi page: black "text" bars, a red title of letter-sized blocks, and a red
    /// ring (a seal, 1.2 inch) stamped over some of the black text.
    fn page() -> RgbImage {
        let mut img = RgbImage::from_pixel(1200, 900, WHITE);
        // Black text lines.
        for line in 0..6 {
            let y = 300 + line * 60;
            for x in 100..1100 {
                for dy in 0..18 {
                    if (x / 25) % 3 != 2 {
                        img.put_pixel(x, y + dy, BLACK);
                    }
                }
            }
        }
        // A red title: separate letters 40 px tall.
        for letter in 0..10 {
            let x0 = 200 + letter * 60;
            for x in x0..x0 + 35 {
                for y in 100..140 {
                    img.put_pixel(x, y, RED);
                }
            }
        }
        // A seal: a ring of radius 180 px, 14 px thick, centred over the text.
        let (cx, cy) = (700.0f32, 450.0f32);
        for (x, y, p) in img.enumerate_pixels_mut() {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if (166.0..180.0).contains(&d) {
                // Red ink multiplies: over black it stays dark.
                *p = if *p == BLACK { BLACK } else { RED };
            }
        }
        img
    }

    #[test]
    fn a_seal_is_lifted_while_red_titles_and_black_text_stay() {
        let img = page();
        let seals = find_seals(&img, 300);
        assert_eq!(seals.len(), 1, "{seals:?}");
        assert!(gray_is_unchanged_outside(&img, &seals));
        let s = seals[0];
        assert!(s.x0.abs_diff(520) <= 8 && s.x1.abs_diff(880) <= 8, "{s:?}");

        let gray = gray_without_seals(&DynamicImage::ImageRgb8(img), 300);
        // The ring, away from text, is gone.
        assert_eq!(gray.get_pixel(700, 450 - 173).0[0], 255);
        // The title letters are still dark.
        assert!(gray.get_pixel(210, 120).0[0] < 128);
        // Black text under the ring is still black.
        // The ring crosses the text line at y 420..438 here.
        let x = 700 - 173;
        let under = (420..438)
            .map(|yy| gray.get_pixel(x, yy).0[0])
            .min()
            .unwrap();
        assert!(under < 60, "{under}");
    }

    fn gray_is_unchanged_outside(img: &RgbImage, seals: &[Region]) -> bool {
        let before = DynamicImage::ImageRgb8(img.clone()).to_luma8();
        let after = gray_without_seals(&DynamicImage::ImageRgb8(img.clone()), 300);
        before.enumerate_pixels().all(|(x, y, p)| {
            let inside = seals
                .iter()
                .any(|s| x >= s.x0 && x <= s.x1 && y >= s.y0 && y <= s.y1);
            inside || after.get_pixel(x, y) == p
        })
    }

    #[test]
    fn pages_without_red_are_plain_luminance() {
        let mut img = RgbImage::from_pixel(50, 50, WHITE);
        img.put_pixel(10, 10, BLACK);
        img.put_pixel(11, 10, Rgb([0, 0, 200]));
        assert!(find_seals(&img, 300).is_empty());
        let gray = gray_without_seals(&DynamicImage::ImageRgb8(img.clone()), 300);
        assert!(gray == DynamicImage::ImageRgb8(img).to_luma8());
    }
}
