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

/// Pages that are nothing but one full-page JPEG scan, read from the file with lopdf so the
/// OCR sees the scanner's own pixels instead of a resampling of them, at no render cost.
pub struct EmbeddedScans {
    doc: lopdf::Document,
    pages: std::collections::BTreeMap<u32, lopdf::ObjectId>,
}

/// How far an image's or a placement's proportions may stray from the page's and still be
/// the whole page (rounding in scanners' PDF writers).
const FULL_PAGE_TOLERANCE: f32 = 0.02;

fn close(a: f32, b: f32) -> bool {
    b.abs() > f32::EPSILON && ((a / b) - 1.0).abs() <= FULL_PAGE_TOLERANCE
}

impl EmbeddedScans {
    /// Parses the file with lopdf; `None` when lopdf cannot, and PDFium renders instead.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        // A second parser over hostile input: if it panics, only the shortcut is lost.
        let doc = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes).ok())
            .ok()
            .flatten()?;
        let pages = doc.get_pages();
        Some(Self { doc, pages })
    }

    /// The JPEG bytes of 1-based `page`, when the page (`width_pt` × `height_pt`, unrotated)
    /// draws exactly one DCT-encoded image scaled to cover it.
    pub fn jpeg(&self, page: u32, width_pt: f32, height_pt: f32) -> Option<Vec<u8>> {
        let id = *self.pages.get(&page)?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.full_page_jpeg(id, width_pt, height_pt)
        }))
        .ok()
        .flatten()
    }

    fn full_page_jpeg(
        &self,
        id: lopdf::ObjectId,
        width_pt: f32,
        height_pt: f32,
    ) -> Option<Vec<u8>> {
        let page = self.doc.get_dictionary(id).ok()?;
        let rotate = page
            .get(b"Rotate")
            .ok()
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        if rotate.rem_euclid(360) != 0 {
            return None;
        }
        let images = self.doc.get_page_images(id).ok()?;
        let [image] = images.as_slice() else {
            return None;
        };
        let is_jpeg = image.filters.as_deref() == Some(&["DCTDecode".to_string()][..]);
        if !is_jpeg || image.width <= 0 || image.height <= 0 {
            return None;
        }
        if !close(
            image.width as f32 / image.height as f32,
            width_pt / height_pt,
        ) {
            return None;
        }
        // The image must also be placed over the whole page, not drawn small in a corner.
        let content = self.doc.get_and_decode_page_content(id).ok()?;
        let covers_page = content.operations.iter().any(|op| {
            let n: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            op.operator == "cm"
                && n.len() == 6
                && close(n[0], width_pt)
                && close(n[3], height_pt)
                && n[1].abs() < 1.0
                && n[2].abs() < 1.0
                && n[4].abs() <= width_pt * FULL_PAGE_TOLERANCE
                && n[5].abs() <= height_pt * FULL_PAGE_TOLERANCE
        });
        covers_page.then(|| image.content.to_vec())
    }
}
