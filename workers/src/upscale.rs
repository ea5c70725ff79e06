//! A second, enlarged reading of the part of a page where an ID card's text lies.
//!
//! A card is 85.6 mm wide: photocopied on an A4 sheet at 200 dpi, or photographed with
//! the sheet around it, its print is 10 to 15 pixels high, below what Tesseract reads
//! well. Enlarging the card's region (not the empty sheet) gives Tesseract letters of a
//! size it was trained on, at the cost of one more OCR pass over a small area; the
//! reading itself is `TesseractOcr::recognize_region` with the region's scale.

use hoso_extractors::{BBox, Word};
use image::GrayImage;

/// Pixel height of a word box (ascenders, descenders and stacked tone marks included)
/// that Tesseract reads best at; measured on generated cards between 30 and 50.
const TARGET_WORD_HEIGHT: f32 = 40.0;
/// Below this enlargement a second reading sees the same pixels.
const MIN_SCALE: f32 = 1.3;
const MAX_SCALE: f32 = 3.0;
/// An enlarged region may have this many pixels.
const PIXEL_BUDGET: f32 = 30_000_000.0;
/// Margin around the words, as a fraction of the page, so that a label or a value the
/// first reading lost at the region's edge is inside it.
const MARGIN: f32 = 0.03;
/// Margin around a card's words where its QR code is looked for, as a fraction of the
/// page: on an A4 sheet a card's code lies up to about 6% of the sheet's width past the
/// header line.
const CODE_MARGIN: f32 = 0.08;

/// The pixels to read again and how much to enlarge them.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub scale: f32,
}

/// The region holding `words` on `image`, with the enlargement their size asks for, or
/// `None` when the print is already large enough.
pub fn card_region(words: &[Word], image: &GrayImage) -> Option<Region> {
    let real = real_words(words);
    let (x0, y0, w, h) = bounds(&real, image, MARGIN)?;
    let region = Region {
        x: x0,
        y: y0,
        w,
        h,
        scale: enlargement(&real, image, w, h)?,
    };
    (region.scale >= MIN_SCALE).then_some(region)
}

/// The pixels of `area` (fractions of the page), enlarged as the page's print asks
/// for, or read as they are when it is large enough: for a small part of a page that
/// its reading lost, read on its own whatever its print size.
pub fn area_region(area: BBox, words: &[Word], image: &GrayImage) -> Option<Region> {
    let (x, y, w, h) = pixels_of(area, image)?;
    let scale = enlargement(&real_words(words), image, w, h)?.max(1.0);
    Some(Region { x, y, w, h, scale })
}

/// How much to enlarge a `w` by `h` region for print the size of `words`.
fn enlargement(words: &[&Word], image: &GrayImage, w: u32, h: u32) -> Option<f32> {
    let ph = image.height() as f32;
    let mut heights: Vec<f32> = words.iter().map(|w| w.bbox.height() * ph).collect();
    heights.sort_by(f32::total_cmp);
    let median = heights.get(heights.len() / 2)?.max(1.0);
    let fits = (PIXEL_BUDGET / (w as f32 * h as f32)).sqrt();
    Some((TARGET_WORD_HEIGHT / median).min(MAX_SCALE).min(fits))
}

/// The pixels around a card's words where its QR code can be: the code sits beside the
/// printed fields, past the words' extent by up to a fifth of the card.
pub fn code_region(words: &[Word], image: &GrayImage) -> Option<(u32, u32, u32, u32)> {
    bounds(&real_words(words), image, CODE_MARGIN)
}

/// Words with two letters or digits: marks and specks say nothing of where print is.
fn real_words(words: &[Word]) -> Vec<&Word> {
    words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .collect()
}

/// The pixel rectangle holding `words`, widened by `margin` (a fraction of the page).
fn bounds(words: &[&Word], image: &GrayImage, margin: f32) -> Option<(u32, u32, u32, u32)> {
    if words.is_empty() {
        return None;
    }
    let x0 = words.iter().map(|w| w.bbox.x0).fold(1.0, f32::min) - margin;
    let y0 = words.iter().map(|w| w.bbox.y0).fold(1.0, f32::min) - margin;
    let x1 = words.iter().map(|w| w.bbox.x1).fold(0.0, f32::max) + margin;
    let y1 = words.iter().map(|w| w.bbox.y1).fold(0.0, f32::max) + margin;
    pixels_of(BBox::new(x0, y0, x1, y1), image)
}

/// The pixel rectangle of `b` (fractions of the page), clipped to the page; `None`
/// when nothing of it is left.
/// Share of a region's pixels at most this grey that holds no print worth reading: a
/// line of small text fills several percent of the region around it, a blank of paper
/// with its specks and a scanner's noise a few thousandths.
const INKED_SHARE: f32 = 0.004;
/// Below this grey a pixel is ink.
const INK: u8 = 128;

/// Whether the region has print at all, by its share of dark pixels (every fourth one
/// in each direction, which is plenty for a share): reading a blank of paper again,
/// enlarged, costs an OCR pass and finds nothing.
pub fn has_ink(region: &Region, image: &GrayImage) -> bool {
    let (mut dark, mut seen) = (0u32, 0u32);
    for y in (region.y..region.y + region.h).step_by(4) {
        for x in (region.x..region.x + region.w).step_by(4) {
            if x < image.width() && y < image.height() {
                seen += 1;
                dark += u32::from(image.get_pixel(x, y).0[0] < INK);
            }
        }
    }
    seen > 0 && dark as f32 / seen as f32 >= INKED_SHARE
}

/// `image` with the pixels of `area` (fractions of it) turned half round in place: how a
/// page reading shows a face lying upside down (`PageText::half_turned`).
pub fn with_area_half_turned(image: &GrayImage, area: BBox) -> GrayImage {
    let mut turned = image.clone();
    if let Some((x, y, w, h)) = pixels_of(area, image) {
        let cut = image::imageops::crop_imm(image, x, y, w, h).to_image();
        image::imageops::replace(
            &mut turned,
            &image::imageops::rotate180(&cut),
            x.into(),
            y.into(),
        );
    }
    turned
}

fn pixels_of(b: BBox, image: &GrayImage) -> Option<(u32, u32, u32, u32)> {
    let (pw, ph) = (image.width() as f32, image.height() as f32);
    let (x0, y0) = ((b.x0.max(0.0) * pw) as u32, (b.y0.max(0.0) * ph) as u32);
    let (x1, y1) = ((b.x1.min(1.0) * pw) as u32, (b.y1.min(1.0) * ph) as u32);
    let (w, h) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    (w > 0 && h > 0).then_some((x0, y0, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_of_paper_has_no_ink_and_a_line_of_text_has() {
        let mut image = GrayImage::from_pixel(400, 200, image::Luma([250]));
        let region = Region {
            x: 0,
            y: 0,
            w: 400,
            h: 200,
            scale: 1.0,
        };
        // Specks: a few dark pixels.
        for i in 0..40 {
            image.put_pixel(i * 9, (i * 5) % 200, image::Luma([10]));
        }
        assert!(!has_ink(&region, &image));
        // A line of text: a band of strokes across the region.
        for x in 20..380 {
            for y in 90..104 {
                if x % 6 < 2 {
                    image.put_pixel(x, y, image::Luma([20]));
                }
            }
        }
        assert!(has_ink(&region, &image));
    }

    fn word(text: &str, bbox: [f32; 4]) -> Word {
        Word {
            text: text.to_string(),
            bbox: BBox::new(bbox[0], bbox[1], bbox[2], bbox[3]),
            confidence: 0.9,
            line: 0,
        }
    }

    #[test]
    fn small_print_is_enlarged_within_its_region() {
        let page = GrayImage::new(1000, 2000);
        // Words 16 pixels high in the top quarter: a card on an A4 sheet.
        let words = [
            word("CĂN", [0.2, 0.1, 0.3, 0.108]),
            word("CƯỚC", [0.35, 0.1, 0.5, 0.108]),
            word("079093088921", [0.2, 0.2, 0.6, 0.208]),
        ];
        let r = card_region(&words, &page).expect("small print");
        assert!((r.scale - 2.5).abs() < 1e-3, "{}", r.scale);
        assert_eq!((r.x, r.y), (170, 140));
        assert_eq!((r.w, r.h), (460, 336));
        // Print already as large as Tesseract wants is not read again.
        let large = [
            word("CĂN", [0.2, 0.1, 0.3, 0.12]),
            word("CƯỚC", [0.35, 0.1, 0.5, 0.12]),
        ];
        assert_eq!(card_region(&large, &page), None);
        // Marks and specks alone give no region.
        assert_eq!(
            card_region(&[word(".", [0.1, 0.1, 0.11, 0.105])], &page),
            None
        );
    }
}
