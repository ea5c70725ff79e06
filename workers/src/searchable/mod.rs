//! The searchable PDF of one ingested file: every page of the original as it is, with the
//! words read from it as an invisible text layer (`3 Tr`), so that a PDF reader's search,
//! copy and paste and `pdftotext` find each word where it is printed. It is a derivative,
//! never the original: a PDF's copy is re-saved, so signatures in the copy no longer
//! verify while the original keeps them.
//!
//! - Image originals become one PDF page per image page, the image drawn over the whole
//!   page, sized from its pixels and its own resolution (300 dpi when it has none). A JPEG
//!   is embedded byte for byte (`DCTDecode`), never re-encoded. A PNG's own compressed
//!   data is copied when PDF reads it as it is (`FlateDecode` with PNG predictors: grey,
//!   RGB or palette, not interlaced, no transparency); other PNGs and every TIFF page are
//!   decoded and embedded losslessly, 1-bit when the page is black and white, with any
//!   transparency as a soft mask. A page OCR read turned ([`PageText::rotation`]) is shown
//!   turned the same way, on a page the size of the turned image's bounding box, the image
//!   placed by a `cm` that turns it about the page's centre (its bytes stay as they are).
//! - PDF originals are copied with lopdf (the original bytes are only read) and each page
//!   whose words came from OCR gets the text layer appended as one more content stream,
//!   after the page's own content, which is wrapped in `q`/`Q` so its graphics state cannot
//!   leak into the layer. Pages read from their own text layer are left alone; when no page
//!   needs a layer, the result is the original bytes. A page OCR read turned is shown
//!   turned: the nearest quarter turns join its `/Rotate`, and the rest (a deskew) turns
//!   its content about the centre of its visible box, which grows to hold it.
//!
//! The text layer follows Tesseract's PDF renderer. The font is a Type0 font with
//! `Identity-H` encoding over a CIDFontType2 whose embedded TrueType program has no
//! outlines at all ([`glyphless_font`]); every 2-byte code is one UTF-16 code unit of the
//! text, drawn by the same empty glyph, half an em wide, and a `ToUnicode` map sends each
//! code back to itself. Each word is positioned on its box and stretched across it with
//! `Tz`; one explicit space, stretched over the gap, separates the words of a line, and
//! the words of one OCR line share one text object.

use std::fmt::Write as _;
use std::io::Cursor;
use std::panic::AssertUnwindSafe;

use hoso_extractors::{Method, PageText, Word};
use hoso_pipeline::{Limits, MediaType};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder, ImageFormat, ImageReader};
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};

mod from_images;
mod from_pdf;
mod from_tiff;
mod layer;

use from_images::*;
use from_pdf::*;
use from_tiff::*;
pub use layer::glyphless_font;
use layer::*;

/// Resolution of an image without a usable one of its own.
pub const DEFAULT_DPI: f64 = 300.0;

/// Resolutions outside this range are not a scanner's and are ignored.
pub(super) const DPI_RANGE: std::ops::RangeInclusive<f64> = 50.0..=4800.0;

/// The largest page side PDF readers accept (the PDF 1.7 implementation limit, 200 in).
pub(super) const MAX_PAGE_SIDE_PT: f64 = 14_400.0;

/// Advance of every glyph of the glyph-less font, in thousandths of the font size.
pub(super) const GLYPH_WIDTH: f64 = 500.0;

/// Font name of the text layer in the PDFs built here.
pub(super) const FONT_RESOURCE: &str = "HosoOcr";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchableError {
    #[error("cannot read the {media} original: {detail}")]
    Unreadable { media: MediaType, detail: String },
    #[error("the {media} original holds what a searchable pdf cannot carry: {detail}")]
    Unsupported { media: MediaType, detail: String },
    #[error("the original has more pages than the {read} that were read")]
    MorePagesThanRead { read: usize },
    #[error("page {page} was read, but the original has {pages} pages")]
    NoSuchPage { page: u32, pages: usize },
    #[error("page {page} was read twice")]
    DuplicatePage { page: u32 },
    #[error("{read} pages were read, over the limit of {limit}")]
    TooManyPages { read: usize, limit: u32 },
    #[error("page {page} is {width}x{height} pixels, over the limit of {limit} pixels")]
    TooManyPixels {
        page: u32,
        width: u64,
        height: u64,
        limit: u64,
    },
    #[error("cannot write the searchable pdf: {detail}")]
    Write { detail: String },
    #[error("the searchable pdf builder panicked: {detail}")]
    Panicked { detail: String },
}

/// Builds the searchable PDF of `original` (of type `media`) from the words of its
/// `pages`, under the default [`Limits`]. See the module documentation.
///
/// `pages` must hold each page of the original exactly once: an original with more pages
/// than were read is refused before any of them is decoded, and so is a page number the
/// original does not have.
pub fn searchable_pdf(
    media: MediaType,
    original: &[u8],
    pages: &[PageText],
) -> Result<Vec<u8>, SearchableError> {
    searchable_pdf_with_limits(media, original, pages, &Limits::default())
}

/// [`searchable_pdf`] under the given limits: at most `max_pages` pages, and at most
/// `max_pixels_per_page` pixels in any image page, checked from its header before it is
/// decoded.
pub fn searchable_pdf_with_limits(
    media: MediaType,
    original: &[u8],
    pages: &[PageText],
    limits: &Limits,
) -> Result<Vec<u8>, SearchableError> {
    check_page_count(pages, limits)?;
    catch_panic(|| match media {
        MediaType::Pdf => pdf_original(original, pages),
        MediaType::Jpeg => {
            let order = page_order(pages, 1)?;
            let image = jpeg_image(original, limits)?;
            let mut doc = ImageDocument::new();
            doc.add_page(image, &order[0].printed_words(), order[0].rotation);
            doc.finish()
        }
        MediaType::Png => {
            let order = page_order(pages, 1)?;
            let image = png_image(original, limits)?;
            let mut doc = ImageDocument::new();
            doc.add_page(image, &order[0].printed_words(), order[0].rotation);
            doc.finish()
        }
        MediaType::Tiff => tiff_original(original, pages, limits),
    })
}

/// [`searchable_pdf_with_limits`] from the original's file at `source`, written to `out`.
/// A PDF original is parsed from the file and the result streamed out, never built
/// whole in memory as well.
pub fn write_searchable_pdf(
    media: MediaType,
    source: &std::path::Path,
    pages: &[PageText],
    limits: &Limits,
    out: &mut impl std::io::Write,
) -> Result<(), SearchableError> {
    let unreadable = |e: std::io::Error| SearchableError::Unreadable {
        media,
        detail: format!("cannot read {}: {e}", source.display()),
    };
    if media != MediaType::Pdf {
        let original = std::fs::read(source).map_err(unreadable)?;
        let pdf = searchable_pdf_with_limits(media, &original, pages, limits)?;
        return out.write_all(&pdf).map_err(write_error);
    }
    check_page_count(pages, limits)?;
    catch_panic(|| layered_pdf(Original::File(source), pages, out))
}

/// Refuses more page readings than the page limit, before anything is decoded.
pub(super) fn check_page_count(pages: &[PageText], limits: &Limits) -> Result<(), SearchableError> {
    if pages.len() > limits.max_pages as usize {
        return Err(SearchableError::TooManyPages {
            read: pages.len(),
            limit: limits.max_pages,
        });
    }
    Ok(())
}

/// Runs `build` and turns a panic (lopdf and the image decoders see hostile files) into an
/// error for this file only.
pub(super) fn catch_panic<T>(
    build: impl FnOnce() -> Result<T, SearchableError>,
) -> Result<T, SearchableError> {
    match std::panic::catch_unwind(AssertUnwindSafe(build)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            Err(SearchableError::Panicked { detail })
        }
    }
}

/// The page texts in the original's page order, one for each of its `count` pages.
pub(super) fn page_order(
    pages: &[PageText],
    count: usize,
) -> Result<Vec<&PageText>, SearchableError> {
    if count > pages.len() {
        return Err(SearchableError::MorePagesThanRead { read: pages.len() });
    }
    let mut order: Vec<Option<&PageText>> = vec![None; count];
    for page in pages {
        let slot = (page.page as usize)
            .checked_sub(1)
            .and_then(|i| order.get_mut(i))
            .ok_or(SearchableError::NoSuchPage {
                page: page.page,
                pages: count,
            })?;
        if slot.is_some() {
            return Err(SearchableError::DuplicatePage { page: page.page });
        }
        *slot = Some(page);
    }
    // `count <= pages.len()`, every page in range and none twice: every slot is filled.
    order
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.ok_or(SearchableError::MorePagesThanRead { read: i }))
        .collect()
}

pub(super) fn check_pixels(
    page: u32,
    width: u32,
    height: u32,
    limits: &Limits,
) -> Result<(), SearchableError> {
    let (width, height) = (u64::from(width), u64::from(height));
    if width.saturating_mul(height) > limits.max_pixels_per_page {
        return Err(SearchableError::TooManyPixels {
            page,
            width,
            height,
            limit: limits.max_pixels_per_page,
        });
    }
    Ok(())
}

pub(super) fn write_error(e: impl std::fmt::Display) -> SearchableError {
    SearchableError::Write {
        detail: e.to_string(),
    }
}

/// The page size in points of an image of `width` × `height` pixels at its resolution,
/// or [`DEFAULT_DPI`], kept within what PDF readers accept.
pub(super) fn page_size(width: u32, height: u32, dpi: Option<(f64, f64)>) -> (f64, f64) {
    let (dx, dy) = dpi
        .filter(|(x, y)| DPI_RANGE.contains(x) && DPI_RANGE.contains(y))
        .unwrap_or((DEFAULT_DPI, DEFAULT_DPI));
    let (w, h) = (
        f64::from(width.max(1)) * 72.0 / dx,
        f64::from(height.max(1)) * 72.0 / dy,
    );
    let scale = (MAX_PAGE_SIDE_PT / w.max(h)).min(1.0);
    (w * scale, h * scale)
}

/// A clockwise turn of a page image, as OCR applied it ([`PageText::rotation`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Turn {
    /// Degrees clockwise, in [0, 360); a quarter turn exactly when it is within a
    /// thousandth of a degree of one.
    pub(super) degrees: f64,
    pub(super) cos: f64,
    pub(super) sin: f64,
}

impl Turn {
    pub(super) fn new(rotation: f32) -> Self {
        let degrees = if rotation.is_finite() {
            f64::from(rotation).rem_euclid(360.0)
        } else {
            0.0
        };
        let quarter = (degrees / 90.0).round();
        if (degrees - quarter * 90.0).abs() < 1e-3 {
            let (cos, sin) = match quarter as i64 % 4 {
                1 => (0.0, 1.0),
                2 => (-1.0, 0.0),
                3 => (0.0, -1.0),
                _ => (1.0, 0.0),
            };
            return Self {
                degrees: (quarter * 90.0) % 360.0,
                cos,
                sin,
            };
        }
        let (sin, cos) = degrees.to_radians().sin_cos();
        Self { degrees, cos, sin }
    }

    pub(super) fn is_none(&self) -> bool {
        self.degrees == 0.0
    }

    /// The nearest quarter turn, as a count of quarters clockwise (0 to 3), and what is left
    /// of the turn after it (within 45 degrees either way).
    pub(super) fn split(&self) -> (i64, Turn) {
        let quarters = (self.degrees / 90.0).round();
        let rest = self.degrees - quarters * 90.0;
        (quarters as i64 % 4, Turn::new(rest as f32))
    }

    /// The size of the bounding box of a `width` × `height` rectangle so turned.
    pub(super) fn canvas(&self, width: f64, height: f64) -> (f64, f64) {
        let (c, s) = (self.cos.abs(), self.sin.abs());
        (width * c + height * s, width * s + height * c)
    }

    /// The matrix turning PDF space (y up) clockwise, as the page is seen, about `(cx, cy)`.
    pub(super) fn matrix_about(&self, cx: f64, cy: f64) -> [f64; 6] {
        let (c, s) = (self.cos, self.sin);
        [c, -s, s, c, cx - (c * cx + s * cy), cy - (-s * cx + c * cy)]
    }
}

/// The matrix applying `first`, then `then`.
pub(super) fn concat(first: [f64; 6], then: [f64; 6]) -> [f64; 6] {
    let [a, b, c, d, e, f] = first;
    let [a2, b2, c2, d2, e2, f2] = then;
    [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]
}

/// A matrix as the six operands of `cm`.
pub(super) fn matrix(m: [f64; 6]) -> String {
    m.map(num).join(" ")
}

pub(super) fn compressed(mut stream: Stream) -> Stream {
    // Compression only fails on an allocation failure inside zlib; the stream then stays
    // uncompressed, which is still a valid stream.
    let _ = stream.compress();
    stream
}

#[cfg(test)]
mod tests;
