//! The broad variety (`--broad`): variation the extraction rules were not written
//! against, to measure how far they generalise. Card faces side by side or turned a
//! quarter on the sheet, labels and values set in different typefaces (Noto and
//! DejaVu Condensed besides the classic families), seals and "certified copy" stamps
//! over the text, certificates printed at another scale and margin, and other scanner
//! and phone profiles (a bilevel fax-like scan, a dim phone photo with defocus).
//!
//! Every draw here comes from its own generator, seeded from the specimen's, so the
//! classic variety stays byte-identical for a given seed.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::canvas::{Canvas, Rgb, STAMP_RED, WHITE};
use crate::layout::draw_stamp;
use crate::output::PageImage;
use crate::people::Rng8;
use crate::scan;
use crate::Quality;

/// Salt that sets the broad generator apart from the specimen's own.
const SALT: u64 = 0xb40a_d5ee_d000_0001;

pub fn rng_for(specimen_seed: u64) -> Rng8 {
    ChaCha8Rng::seed_from_u64(specimen_seed ^ SALT)
}

/// How a card's faces lie on an A4 sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// One above the other, as the classic variety lays them.
    Stacked,
    /// Next to each other across the sheet.
    SideBySide,
    /// One above the other, each turned a quarter (clockwise or not).
    TurnedStacked,
    /// Next to each other, each turned a quarter.
    TurnedSideBySide,
}

impl Arrangement {
    pub fn pick(rng: &mut Rng8) -> Arrangement {
        match rng.gen_range(0..4) {
            0 => Arrangement::Stacked,
            1 => Arrangement::SideBySide,
            2 => Arrangement::TurnedStacked,
            _ => Arrangement::TurnedSideBySide,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Arrangement::Stacked => "stacked",
            Arrangement::SideBySide => "side_by_side",
            Arrangement::TurnedStacked => "turned",
            Arrangement::TurnedSideBySide => "turned_side_by_side",
        }
    }
}

const A4_MM: (f32, f32) = (210.0, 297.0);
const CARD_MM: (f32, f32) = (85.6, 54.0);

/// The faces on a white A4 sheet at `dpi`, in `arrangement`, each tilted up to `tilt`
/// degrees besides.
pub fn card_sheet(
    faces: &[&Canvas],
    dpi: f32,
    arrangement: Arrangement,
    tilt: f64,
    corner_radius: f64,
    rng: &mut Rng8,
) -> Canvas {
    let k = dpi / 25.4;
    let mut sheet = Canvas::new((A4_MM.0 * k) as usize, (A4_MM.1 * k) as usize, WHITE);
    let turned = matches!(
        arrangement,
        Arrangement::TurnedStacked | Arrangement::TurnedSideBySide
    );
    let across = matches!(
        arrangement,
        Arrangement::SideBySide | Arrangement::TurnedSideBySide
    );
    // The footprint of one face as it lies.
    let (fw, fh) = if turned {
        (CARD_MM.1, CARD_MM.0)
    } else {
        CARD_MM
    };
    let n = faces.len().max(1) as f32;
    let gap = if across { 6.0 } else { 15.0 };
    let (span_w, span_h) = if across {
        (fw * n + gap * (n - 1.0), fh)
    } else {
        (fw, fh * n + gap * (n - 1.0))
    };
    // Side by side, two plain cards do not fit across A4: lay the sheet's content
    // smaller the way a copier's "2 in 1" does.
    let fit = ((A4_MM.0 - 16.0) / span_w)
        .min((A4_MM.1 - 16.0) / span_h)
        .min(1.0);
    let left = (A4_MM.0 - span_w * fit) / 2.0 + rng.gen_range(-4.0..4.0) * fit;
    let top = rng
        .gen_range(20.0..60.0f32)
        .min(A4_MM.1 - span_h * fit - 8.0);
    for (i, face) in faces.iter().enumerate() {
        let i = i as f32;
        let (cx, cy) = if across {
            (
                left + (fw / 2.0 + i * (fw + gap)) * fit,
                top + fh / 2.0 * fit,
            )
        } else {
            (
                left + fw / 2.0 * fit,
                top + (fh / 2.0 + i * (fh + gap)) * fit,
            )
        };
        let quarter = if !turned {
            0.0
        } else if rng.gen_bool(0.5) {
            90.0
        } else {
            -90.0
        };
        let angle = quarter
            + if tilt > 0.0 {
                rng.gen_range(-tilt..tilt)
            } else {
                0.0
            };
        let scale = f64::from(fit) * f64::from(dpi) / f64::from(face_dpi(face, dpi));
        let quad = scan::placed_quad(
            face.w as f64,
            face.h as f64,
            f64::from(cx * k),
            f64::from(cy * k),
            angle,
            scale,
            [(0.0, 0.0); 4],
        );
        let soft = (face.w as f64 / 250.0).max(1.5);
        scan::shadow(&mut sheet, quad, (soft * 0.5, soft * 0.7), soft, 0.5);
        scan::warp(&mut sheet, face, quad, corner_radius);
    }
    sheet
}

/// `c` turned a quarter, clockwise or not: a card photographed or cropped on its side.
pub fn quarter_turn(c: &Canvas, clockwise: bool) -> Canvas {
    let mut out = Canvas::new(c.h, c.w, WHITE);
    for y in 0..c.h {
        for x in 0..c.w {
            let (nx, ny) = if clockwise {
                (c.h - 1 - y, x)
            } else {
                (y, c.w - 1 - x)
            };
            let (i, j) = ((y * c.w + x) * 3, (ny * out.w + nx) * 3);
            out.px[j..j + 3].copy_from_slice(&c.px[i..i + 3]);
        }
    }
    out
}

/// The resolution a face was drawn at, from its width against a card's.
fn face_dpi(face: &Canvas, fallback: f32) -> f32 {
    let dpi = face.w as f32 / (CARD_MM.0 / 25.4);
    if dpi.is_finite() && dpi > 50.0 {
        dpi
    } else {
        fallback
    }
}

/// A certificate printed smaller, with other margins: the page's content drawn at
/// 80 to 97% of its size, anywhere it still fits on the sheet.
pub fn rescaled(page: &Canvas, rng: &mut Rng8) -> (Canvas, f64) {
    let scale = rng.gen_range(0.80..0.97);
    let (w, h) = (page.w as f64, page.h as f64);
    let (room_x, room_y) = (w * (1.0 - scale) / 2.0, h * (1.0 - scale) / 2.0);
    let cx = w / 2.0 + rng.gen_range(-room_x..=room_x);
    let cy = h / 2.0 + rng.gen_range(-room_y..=room_y);
    let mut out = Canvas::new(page.w, page.h, WHITE);
    let quad = scan::placed_quad(w, h, cx, cy, 0.0, scale, [(0.0, 0.0); 4]);
    scan::warp(&mut out, page, quad, 0.0);
    (out, scale)
}

/// Stamps pressed over the text, as offices do: the round seal somewhere in the body,
/// or a rectangular "certified copy" stamp in red or blue. Ink, so the text shows
/// through, as it does on paper.
pub fn stamp_over_text(page: &mut Canvas, dpi: f32, rng: &mut Rng8) -> &'static str {
    let (w, h) = (page.w as f32, page.h as f32);
    let cx = w * rng.gen_range(0.25..0.75);
    let cy = h * rng.gen_range(0.25..0.70);
    if rng.gen_bool(0.5) {
        draw_stamp(page, cx, cy, dpi);
        "seal_over_text"
    } else {
        let mm = dpi / 25.4;
        let colour: Rgb = if rng.gen_bool(0.5) {
            STAMP_RED
        } else {
            [40, 60, 170]
        };
        let (bw, bh) = (
            rng.gen_range(45.0..65.0) * mm,
            rng.gen_range(12.0..18.0) * mm,
        );
        let t = 0.8 * mm;
        for k in 0..2 {
            let inset = k as f32 * 1.6 * mm;
            stroke_ink(
                page,
                cx - bw / 2.0 + inset,
                cy - bh / 2.0 + inset,
                bw - 2.0 * inset,
                bh - 2.0 * inset,
                t,
                colour,
            );
        }
        // Bars for the stamp's words: thick strokes read as text to nobody, but cover
        // the words below as the stamp's letters would.
        let rows = 2;
        for r in 0..rows {
            let y = cy - bh / 4.0 + r as f32 * bh / 2.5;
            let mut x = cx - bw / 2.0 + 4.0 * mm;
            while x < cx + bw / 2.0 - 6.0 * mm {
                let len = rng.gen_range(2.0..5.0) * mm;
                ink_rect(page, x, y, len, 1.6 * mm, colour);
                x += len + rng.gen_range(0.8..1.6) * mm;
            }
        }
        "copy_stamp_over_text"
    }
}

fn ink_rect(c: &mut Canvas, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
    for py in y as i64..(y + h) as i64 {
        for px in x as i64..(x + w) as i64 {
            c.ink(px, py, 0.75, colour);
        }
    }
}

fn stroke_ink(c: &mut Canvas, x: f32, y: f32, w: f32, h: f32, t: f32, colour: Rgb) {
    ink_rect(c, x, y, w, t, colour);
    ink_rect(c, x, y + h - t, w, t, colour);
    ink_rect(c, x, y, t, h, colour);
    ink_rect(c, x + w - t, y, t, h, colour);
}

/// A scan made bilevel, as a fax or a copier's "text" mode makes it: grey below a
/// threshold becomes black, the rest white.
pub fn bilevel(gray: &mut [u8], rng: &mut Rng8) {
    let threshold = rng.gen_range(120..=170);
    for p in gray.iter_mut() {
        *p = if *p < threshold { 0 } else { 255 };
    }
}

/// A dim photo: the light falls off towards one side and the lens did not quite focus.
pub fn dim_and_defocused(c: &mut Canvas, rng: &mut Rng8) {
    let strength = rng.gen_range(0.25..0.45);
    let from_left = rng.gen_bool(0.5);
    let w = c.w.max(1);
    for y in 0..c.h {
        for x in 0..c.w {
            let t = if from_left { x } else { w - 1 - x } as f32 / w as f32;
            let f = 1.0 - strength * t;
            let i = (y * c.w + x) * 3;
            for p in &mut c.px[i..i + 3] {
                *p = (f32::from(*p) * f) as u8;
            }
        }
    }
    for _ in 0..rng.gen_range(1..=2) {
        scan::blur3(&mut c.px, c.w, c.h, 3);
    }
}

/// The broad variety's scanner and phone profiles over a page as degraded: an office
/// scan or a photocopy made bilevel, a phone photo dim and defocused.
pub fn profile(image: &mut PageImage, quality: Quality, rng: &mut Rng8) -> Option<&'static str> {
    match (quality, &mut *image) {
        (Quality::Office, PageImage::Rgb(c)) if rng.gen_bool(0.3) => {
            let (w, h) = (c.w, c.h);
            let mut px = c.to_gray();
            bilevel(&mut px, rng);
            *image = PageImage::Gray { w, h, px };
            Some("bilevel_scan")
        }
        (Quality::Photocopy, PageImage::Gray { px, .. }) if rng.gen_bool(0.35) => {
            bilevel(px, rng);
            Some("bilevel_copy")
        }
        (Quality::Phone, PageImage::Rgb(c)) if rng.gen_bool(0.35) => {
            dim_and_defocused(c, rng);
            Some("dim_defocused_photo")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::BLACK;

    #[test]
    fn faces_side_by_side_lie_next_to_each_other_and_turned_ones_stand_up() {
        let dpi = 100.0;
        let face = Canvas::new(
            (CARD_MM.0 / 25.4 * dpi) as usize,
            (CARD_MM.1 / 25.4 * dpi) as usize,
            BLACK,
        );
        let dark_box = |c: &Canvas| {
            let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
            for y in 0..c.h {
                for x in 0..c.w {
                    if c.px[(y * c.w + x) * 3] < 60 {
                        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                    }
                }
            }
            (x1 - x0, y1 - y0)
        };
        let mut rng = rng_for(1);
        let across = card_sheet(
            &[&face, &face],
            dpi,
            Arrangement::SideBySide,
            0.0,
            0.0,
            &mut rng,
        );
        let (w, h) = dark_box(&across);
        assert!(w > 2 * h, "two cards across: {w}x{h}");
        let one = card_sheet(
            &[&face],
            dpi,
            Arrangement::TurnedStacked,
            0.0,
            0.0,
            &mut rng,
        );
        let (w, h) = dark_box(&one);
        assert!(h > w, "a card turned a quarter stands up: {w}x{h}");
    }

    #[test]
    fn a_quarter_turn_swaps_the_sides_and_four_come_back() {
        let mut c = Canvas::new(3, 2, WHITE);
        c.paint(0, 0, 1.0, BLACK);
        let turned = quarter_turn(&c, true);
        assert_eq!((turned.w, turned.h), (2, 3));
        // The top-left corner goes to the top-right when turned clockwise.
        // Row 0, column 1 of the 2-wide turned canvas, 3 bytes a pixel.
        assert_eq!(turned.px[3], BLACK[0]);
        let mut back = c.clone();
        for _ in 0..4 {
            back = quarter_turn(&back, false);
        }
        assert_eq!(back.px, c.px);
    }

    #[test]
    fn a_rescaled_page_keeps_its_content_inside_and_smaller() {
        let mut page = Canvas::new(200, 300, WHITE);
        for y in 0..300 {
            for x in 0..200 {
                page.paint(x, y, 1.0, BLACK);
            }
        }
        let mut rng = rng_for(2);
        let (out, scale) = rescaled(&page, &mut rng);
        let dark = out.px.chunks_exact(3).filter(|p| p[0] < 128).count();
        let expected = 200.0 * 300.0 * scale * scale;
        assert!(
            (dark as f64 - expected).abs() < expected * 0.05,
            "{dark} vs {expected}"
        );
    }
}
