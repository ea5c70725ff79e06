//! PDF pages through PDFium: the text layer when it is real, a raster otherwise.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hoso_extractors::{BBox, Word};
use pdfium_render::prelude::*;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfiumLoadError {
    #[error("cannot load the pdfium library from {path}: {detail} (run scripts/setup.sh, or set HOSO_PDFIUM_LIB)")]
    Load { path: String, detail: String },
}

static PDFIUM: OnceLock<Result<Pdfium, PdfiumLoadError>> = OnceLock::new();

/// Where the PDFium shared library is: `HOSO_PDFIUM_LIB`, else the copy `scripts/setup.sh`
/// puts in the checkout's `.deps/`, else next to the executable.
pub fn pdfium_library_path() -> PathBuf {
    if let Some(p) = std::env::var_os("HOSO_PDFIUM_LIB") {
        return PathBuf::from(p);
    }
    let in_checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.deps/pdfium/libpdfium.so");
    if in_checkout.exists() {
        return in_checkout;
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        let beside = dir.join("libpdfium.so");
        if beside.exists() {
            return beside;
        }
    }
    in_checkout
}

/// The process-wide PDFium instance. PDFium is not thread-safe; pdfium-render serialises
/// every call through one lock, so rendering is sequential while OCR runs in parallel.
pub fn pdfium() -> Result<&'static Pdfium, PdfiumLoadError> {
    PDFIUM
        .get_or_init(|| {
            let path = pdfium_library_path();
            Pdfium::bind_to_library(&path)
                .map(Pdfium::new)
                .map_err(|e| PdfiumLoadError::Load {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A page's text layer counts as real when it holds this many letters or digits; fewer is
/// a stray label on a scan.
const MIN_TEXT_LAYER_CHARS: usize = 40;

/// Words of a page's text layer, or `None` when the page has no real text layer.
pub fn text_layer_words(page: &PdfPage) -> Option<Vec<Word>> {
    let text = page.text().ok()?;
    let (pw, ph) = (page.width().value, page.height().value);
    if pw <= 0.0 || ph <= 0.0 {
        return None;
    }
    let mut words: Vec<Word> = Vec::new();
    let mut current = String::new();
    let mut current_box: Option<BBox> = None;
    let mut line = 0u32;
    let mut last_baseline: Option<f32> = None;
    let mut alnum = 0usize;
    let flush =
        |current: &mut String, current_box: &mut Option<BBox>, line: u32, words: &mut Vec<Word>| {
            if let Some(b) = current_box.take() {
                if !current.trim().is_empty() {
                    words.push(Word {
                        text: current.trim().to_string(),
                        bbox: b,
                        confidence: 1.0,
                        line,
                    });
                }
            }
            current.clear();
        };
    for ch in text.chars().iter() {
        let Some(c) = ch.unicode_char() else { continue };
        if c.is_whitespace() || c == '\u{0}' {
            flush(&mut current, &mut current_box, line, &mut words);
            continue;
        }
        let Ok(rect) = ch.loose_bounds() else {
            continue;
        };
        let b = BBox::new(
            rect.left().value / pw,
            1.0 - rect.top().value / ph,
            rect.right().value / pw,
            1.0 - rect.bottom().value / ph,
        );
        let baseline = b.y1;
        if let Some(prev) = last_baseline {
            if (baseline - prev).abs() > b.height().max(0.004) * 0.6 {
                flush(&mut current, &mut current_box, line, &mut words);
                line += 1;
            }
        }
        last_baseline = Some(baseline);
        if c.is_alphanumeric() {
            alnum += 1;
        }
        current.push(c);
        current_box = Some(match current_box {
            Some(cb) => cb.union(&b),
            None => b,
        });
    }
    flush(&mut current, &mut current_box, line, &mut words);
    (alnum >= MIN_TEXT_LAYER_CHARS).then_some(words)
}

/// How far an image's placement may stray from the page's edges and size and still be the
/// whole page (rounding in scanners' PDF writers).
const FULL_PAGE_TOLERANCE: f32 = 0.02;

fn close(a: f32, b: f32) -> bool {
    b.abs() > f32::EPSILON && ((a / b) - 1.0).abs() <= FULL_PAGE_TOLERANCE
}

/// The JPEG bytes of a page that is nothing but one full-page scan, so the OCR sees the
/// scanner's own pixels instead of a resampling of them, at no render cost. PDFium reads
/// only this page's image stream from the file, never the whole file.
///
/// `None` unless the unrotated page draws exactly one DCT-encoded image, with the page's
/// proportions, placed over the whole page.
pub fn embedded_jpeg(page: &PdfPage) -> Option<Vec<u8>> {
    let (width_pt, height_pt) = (page.width().value, page.height().value);
    if !matches!(page.rotation(), Ok(PdfPageRenderRotation::None)) {
        return None;
    }
    let objects = page.objects();
    if objects.len() != 1 {
        return None;
    }
    let object = objects.get(0).ok()?;
    let image = object.as_image_object()?;
    let filters = image.filters();
    if filters.len() != 1 || filters.get(0).ok()?.name() != "DCTDecode" {
        return None;
    }
    let (w_px, h_px) = (image.width().ok()?, image.height().ok()?);
    if w_px <= 0 || h_px <= 0 || !close(w_px as f32 / h_px as f32, width_pt / height_pt) {
        return None;
    }
    // The image must also be placed over the whole page, not drawn small in a corner.
    let bounds = object.bounds().ok()?;
    let covers_page = close(bounds.width().value, width_pt)
        && close(bounds.height().value, height_pt)
        && bounds.left().value.abs() <= width_pt * FULL_PAGE_TOLERANCE
        && bounds.bottom().value.abs() <= height_pt * FULL_PAGE_TOLERANCE;
    if !covers_page {
        return None;
    }
    // pdfium-render asserts on a length mismatch that hostile streams could cause; a panic
    // here only loses the shortcut, and the page is rendered instead.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| image.get_raw_image_data()))
        .ok()?
        .ok()
        .filter(|jpeg| !jpeg.is_empty())
}
