//! The searchable PDF of one ingested file: every page of the original as it is, with the
//! words read from it as an invisible text layer (`3 Tr`), so that a PDF reader's search,
//! copy and paste and `pdftotext` find each word where it is printed.
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

/// Resolution of an image without a usable one of its own.
pub const DEFAULT_DPI: f64 = 300.0;

/// Resolutions outside this range are not a scanner's and are ignored.
const DPI_RANGE: std::ops::RangeInclusive<f64> = 50.0..=4800.0;

/// The largest page side PDF readers accept (the PDF 1.7 implementation limit, 200 in).
const MAX_PAGE_SIDE_PT: f64 = 14_400.0;

/// Advance of every glyph of the glyph-less font, in thousandths of the font size.
const GLYPH_WIDTH: f64 = 500.0;

/// Font name of the text layer in the PDFs built here.
const FONT_RESOURCE: &str = "HosoOcr";

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
            doc.add_page(image, &order[0].words, order[0].rotation);
            doc.finish()
        }
        MediaType::Png => {
            let order = page_order(pages, 1)?;
            let image = png_image(original, limits)?;
            let mut doc = ImageDocument::new();
            doc.add_page(image, &order[0].words, order[0].rotation);
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
fn check_page_count(pages: &[PageText], limits: &Limits) -> Result<(), SearchableError> {
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
fn catch_panic<T>(
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
fn page_order(pages: &[PageText], count: usize) -> Result<Vec<&PageText>, SearchableError> {
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

fn check_pixels(
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

fn write_error(e: impl std::fmt::Display) -> SearchableError {
    SearchableError::Write {
        detail: e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Image originals
// ---------------------------------------------------------------------------------------

/// One page image ready to embed: its image XObject (and soft mask), pixel size and the
/// resolution it declares.
struct PageImage {
    width: u32,
    height: u32,
    dpi: Option<(f64, f64)>,
    stream: Stream,
    smask: Option<Stream>,
}

/// A new PDF made of page images.
struct ImageDocument {
    doc: Document,
    pages_id: ObjectId,
    font_id: ObjectId,
    kids: Vec<Object>,
}

impl ImageDocument {
    fn new() -> Self {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = add_font(&mut doc);
        Self {
            doc,
            pages_id,
            font_id,
            kids: Vec::new(),
        }
    }

    /// Adds one page showing `image` turned `rotation` degrees clockwise (the turn OCR gave
    /// it, see [`PageText::rotation`]) on a page the size of the turned image's bounding
    /// box, with `words` (fractions of that box) as its text layer.
    fn add_page(&mut self, image: PageImage, words: &[Word], rotation: f32) {
        let (image_w, image_h) = page_size(image.width, image.height, image.dpi);
        let turn = Turn::new(rotation);
        let (canvas_w, canvas_h) = turn.canvas(image_w, image_h);
        // The turned image may not fit the largest page either: all of it shrinks.
        let fit = if turn.is_none() {
            1.0
        } else {
            (MAX_PAGE_SIDE_PT / canvas_w.max(canvas_h)).min(1.0)
        };
        let (image_w, image_h) = (image_w * fit, image_h * fit);
        let (width_pt, height_pt) = (canvas_w * fit, canvas_h * fit);
        let mut stream = image.stream;
        if let Some(smask) = image.smask {
            let smask_id = self.doc.add_object(smask);
            stream.dict.set("SMask", smask_id);
        }
        let image_id = self.doc.add_object(stream);
        let m = if turn.is_none() {
            [image_w, 0.0, 0.0, image_h, 0.0, 0.0]
        } else {
            // The unit square onto the image, centred on the page, turned about the centre.
            let r = turn.matrix_about(width_pt / 2.0, height_pt / 2.0);
            let place = [
                image_w,
                0.0,
                0.0,
                image_h,
                (width_pt - image_w) / 2.0,
                (height_pt - image_h) / 2.0,
            ];
            concat(place, r)
        };
        let mut content = format!("q\n{} cm\n/Im0 Do\nQ\n", matrix(m));
        let layer = text_layer(words, width_pt, height_pt, FONT_RESOURCE);
        if !layer.is_empty() {
            content.push_str("q\n");
            content.push_str(&layer);
            content.push_str("Q\n");
        }
        let content_id = self.doc.add_object(compressed(Stream::new(
            Dictionary::new(),
            content.into_bytes(),
        )));
        let page_id = self.doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => vec![
                0.into(),
                0.into(),
                Object::Real(width_pt as f32),
                Object::Real(height_pt as f32),
            ],
            "Contents" => content_id,
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im0" => image_id },
                "Font" => dictionary! { FONT_RESOURCE => self.font_id },
            },
        });
        self.kids.push(page_id.into());
    }

    fn finish(mut self) -> Result<Vec<u8>, SearchableError> {
        let count = self.kids.len() as i64;
        self.doc.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => self.kids,
                "Count" => count,
            }),
        );
        let catalog_id = self.doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
        });
        self.doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).map_err(write_error)?;
        Ok(out)
    }
}

/// The page size in points of an image of `width` × `height` pixels at its resolution,
/// or [`DEFAULT_DPI`], kept within what PDF readers accept.
fn page_size(width: u32, height: u32, dpi: Option<(f64, f64)>) -> (f64, f64) {
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
struct Turn {
    /// Degrees clockwise, in [0, 360); a quarter turn exactly when it is within a
    /// thousandth of a degree of one.
    degrees: f64,
    cos: f64,
    sin: f64,
}

impl Turn {
    fn new(rotation: f32) -> Self {
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

    fn is_none(&self) -> bool {
        self.degrees == 0.0
    }

    /// The nearest quarter turn, as a count of quarters clockwise (0 to 3), and what is left
    /// of the turn after it (within 45 degrees either way).
    fn split(&self) -> (i64, Turn) {
        let quarters = (self.degrees / 90.0).round();
        let rest = self.degrees - quarters * 90.0;
        (quarters as i64 % 4, Turn::new(rest as f32))
    }

    /// The size of the bounding box of a `width` × `height` rectangle so turned.
    fn canvas(&self, width: f64, height: f64) -> (f64, f64) {
        let (c, s) = (self.cos.abs(), self.sin.abs());
        (width * c + height * s, width * s + height * c)
    }

    /// The matrix turning PDF space (y up) clockwise, as the page is seen, about `(cx, cy)`.
    fn matrix_about(&self, cx: f64, cy: f64) -> [f64; 6] {
        let (c, s) = (self.cos, self.sin);
        [c, -s, s, c, cx - (c * cx + s * cy), cy - (-s * cx + c * cy)]
    }
}

/// The matrix applying `first`, then `then`.
fn concat(first: [f64; 6], then: [f64; 6]) -> [f64; 6] {
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
fn matrix(m: [f64; 6]) -> String {
    m.map(num).join(" ")
}

fn compressed(mut stream: Stream) -> Stream {
    // Compression only fails on an allocation failure inside zlib; the stream then stays
    // uncompressed, which is still a valid stream.
    let _ = stream.compress();
    stream
}

// JPEG ----------------------------------------------------------------------------------

/// What a PDF needs to know of a JPEG, read from its markers without decoding it.
#[derive(Debug, Clone, PartialEq)]
struct JpegInfo {
    width: u32,
    height: u32,
    components: u8,
    /// An Adobe APP14 marker: its CMYK data is stored inverted.
    adobe: bool,
    dpi: Option<(f64, f64)>,
}

fn jpeg_image(bytes: &[u8], limits: &Limits) -> Result<PageImage, SearchableError> {
    let info = jpeg_info(bytes)?;
    check_pixels(1, info.width, info.height, limits)?;
    let color_space = match info.components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(info.width),
        "Height" => i64::from(info.height),
        "ColorSpace" => color_space,
        "BitsPerComponent" => 8,
        "Filter" => "DCTDecode",
    };
    if info.components == 4 && info.adobe {
        dict.set(
            "Decode",
            [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec(),
        );
    }
    Ok(PageImage {
        width: info.width,
        height: info.height,
        dpi: info.dpi,
        stream: Stream::new(dict, bytes.to_vec()).with_compression(false),
        smask: None,
    })
}

fn jpeg_info(bytes: &[u8]) -> Result<JpegInfo, SearchableError> {
    let unreadable = |detail: &str| SearchableError::Unreadable {
        media: MediaType::Jpeg,
        detail: detail.to_string(),
    };
    let unsupported = |detail: String| SearchableError::Unsupported {
        media: MediaType::Jpeg,
        detail,
    };
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(unreadable("no start of image marker"));
    }
    let mut pos = 2;
    let mut frame: Option<(u32, u32, u8)> = None;
    let (mut jfif_dpi, mut exif_dpi, mut adobe) = (None, None, false);
    loop {
        match bytes.get(pos) {
            Some(0xFF) => {}
            Some(_) => return Err(unreadable("no marker where one should start")),
            None => return Err(unreadable("the file ends before its first scan")),
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return Err(unreadable("the file ends before its first scan"));
        };
        pos += 1;
        match marker {
            // Markers without a segment.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(unreadable("the file ends before its first scan")),
            _ => {}
        }
        let len = match bytes.get(pos..pos + 2) {
            Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
            _ => return Err(unreadable("the file ends inside a marker")),
        };
        let segment = len
            .checked_sub(2)
            .and_then(|n| bytes.get(pos + 2..pos + 2 + n))
            .ok_or_else(|| unreadable("a marker segment runs past the end of the file"))?;
        pos += len;
        match marker {
            0xDA => {
                let (width, height, components) =
                    frame.ok_or_else(|| unreadable("a scan before the frame header"))?;
                return Ok(JpegInfo {
                    width,
                    height,
                    components,
                    adobe,
                    dpi: jfif_dpi.or(exif_dpi),
                });
            }
            // Baseline, extended sequential and progressive Huffman frames: what PDF's
            // DCTDecode reads.
            0xC0..=0xC2 => {
                let &[precision, h0, h1, w0, w1, components, ..] = segment else {
                    return Err(unreadable("a truncated frame header"));
                };
                let (height, width) = (u16::from_be_bytes([h0, h1]), u16::from_be_bytes([w0, w1]));
                if precision != 8 {
                    return Err(unsupported(format!("{precision}-bit samples")));
                }
                if width == 0 || height == 0 {
                    return Err(unsupported("a height defined after the first scan".into()));
                }
                if !matches!(components, 1 | 3 | 4) {
                    return Err(unsupported(format!("{components} colour components")));
                }
                frame = Some((u32::from(width), u32::from(height), components));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(unsupported(format!(
                    "a lossless, hierarchical or arithmetic-coded frame (marker {marker:#04x})"
                )));
            }
            0xE0 if segment.starts_with(b"JFIF\0") => jfif_dpi = jfif_density(segment),
            0xE1 if segment.starts_with(b"Exif\0\0") => exif_dpi = exif_density(&segment[6..]),
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            _ => {}
        }
    }
}

/// Dots per inch from a JFIF APP0 segment, when it gives a unit.
fn jfif_density(segment: &[u8]) -> Option<(f64, f64)> {
    let &[units, x0, x1, y0, y1] = segment.get(7..12)? else {
        return None;
    };
    let (x, y) = (
        f64::from(u16::from_be_bytes([x0, x1])),
        f64::from(u16::from_be_bytes([y0, y1])),
    );
    match units {
        1 => Some((x, y)),
        2 => Some((x * 2.54, y * 2.54)),
        _ => None,
    }
}

/// Dots per inch from the first image directory of an Exif block (a little TIFF file).
fn exif_density(tiff: &[u8]) -> Option<(f64, f64)> {
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let rational = |at: usize| -> Option<f64> {
        let offset = u32_at(at)? as usize;
        let (n, d) = (u32_at(offset)?, u32_at(offset.checked_add(4)?)?);
        (d != 0).then(|| f64::from(n) / f64::from(d))
    };
    let ifd = u32_at(4)? as usize;
    let entries = usize::from(u16_at(ifd)?);
    let (mut x, mut y, mut unit) = (None, None, 2u16);
    for i in 0..entries.min(512) {
        let entry = ifd + 2 + 12 * i;
        let (tag, kind) = (u16_at(entry)?, u16_at(entry + 2)?);
        match (tag, kind) {
            (0x011A, 5) => x = rational(entry + 8),
            (0x011B, 5) => y = rational(entry + 8),
            (0x0128, 3) => unit = u16_at(entry + 8)?,
            _ => {}
        }
    }
    let per_inch = match unit {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    Some((x? * per_inch, y? * per_inch))
}

// PNG -----------------------------------------------------------------------------------

/// The chunks of a PNG that decide whether PDF can read its data as it is.
#[derive(Debug, Default)]
struct PngChunks {
    width: u32,
    height: u32,
    bit_depth: u8,
    color_type: u8,
    interlaced: bool,
    palette: Option<Vec<u8>>,
    transparency: bool,
    dpi: Option<(f64, f64)>,
    /// The concatenated IDAT data: one zlib stream of filtered rows.
    data: Vec<u8>,
}

fn png_chunks(bytes: &[u8]) -> Result<PngChunks, SearchableError> {
    let unreadable = |detail: &str| SearchableError::Unreadable {
        media: MediaType::Png,
        detail: detail.to_string(),
    };
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(unreadable("no png signature"));
    }
    let mut out = PngChunks::default();
    let mut pos = 8usize;
    let mut header = false;
    loop {
        let (len, kind) = match bytes.get(pos..pos + 8) {
            Some(&[a, b, c, d, ref kind @ ..]) => (u32::from_be_bytes([a, b, c, d]) as usize, kind),
            _ => return Err(unreadable("the file ends before its last chunk")),
        };
        let data = pos
            .checked_add(8 + len)
            .and_then(|end| bytes.get(pos + 8..end))
            .ok_or_else(|| unreadable("a chunk runs past the end of the file"))?;
        pos += 12 + len;
        match kind {
            b"IHDR" => {
                let &[w0, w1, w2, w3, h0, h1, h2, h3, depth, color, _, _, interlace] = data else {
                    return Err(unreadable("a malformed header chunk"));
                };
                out.width = u32::from_be_bytes([w0, w1, w2, w3]);
                out.height = u32::from_be_bytes([h0, h1, h2, h3]);
                out.bit_depth = depth;
                out.color_type = color;
                out.interlaced = interlace != 0;
                header = true;
            }
            b"PLTE" => out.palette = Some(data.to_vec()),
            b"tRNS" => out.transparency = true,
            b"pHYs" => {
                if let &[x0, x1, x2, x3, y0, y1, y2, y3, 1] = data {
                    // Pixels per metre.
                    let x = f64::from(u32::from_be_bytes([x0, x1, x2, x3])) * 0.0254;
                    let y = f64::from(u32::from_be_bytes([y0, y1, y2, y3])) * 0.0254;
                    out.dpi = Some((x, y));
                }
            }
            b"IDAT" => out.data.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
    }
    if !header || out.width == 0 || out.height == 0 {
        return Err(unreadable("no image header"));
    }
    Ok(out)
}

fn png_image(bytes: &[u8], limits: &Limits) -> Result<PageImage, SearchableError> {
    let chunks = png_chunks(bytes)?;
    check_pixels(1, chunks.width, chunks.height, limits)?;
    let depth = chunks.bit_depth;
    let direct = !chunks.interlaced
        && !chunks.transparency
        && !chunks.data.is_empty()
        && match chunks.color_type {
            0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
            2 => matches!(depth, 8 | 16),
            3 => matches!(depth, 1 | 2 | 4 | 8),
            _ => false,
        };
    let color_space: Option<(Object, i64)> = match chunks.color_type {
        0 => Some(("DeviceGray".into(), 1)),
        2 => Some(("DeviceRGB".into(), 3)),
        3 => chunks.palette.as_ref().and_then(|p| {
            let entries = p.len() / 3;
            (p.len() % 3 == 0 && (1..=(1usize << depth)).contains(&entries)).then(|| {
                (
                    Object::Array(vec![
                        "Indexed".into(),
                        "DeviceRGB".into(),
                        (entries as i64 - 1).into(),
                        Object::String(p.clone(), StringFormat::Hexadecimal),
                    ]),
                    1,
                )
            })
        }),
        _ => None,
    };
    if let (true, Some((color_space, colors))) = (direct, color_space) {
        let dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => i64::from(chunks.width),
            "Height" => i64::from(chunks.height),
            "ColorSpace" => color_space,
            "BitsPerComponent" => i64::from(depth),
            "Filter" => "FlateDecode",
            "DecodeParms" => dictionary! {
                "Predictor" => 15,
                "Colors" => colors,
                "BitsPerComponent" => i64::from(depth),
                "Columns" => i64::from(chunks.width),
            },
        };
        return Ok(PageImage {
            width: chunks.width,
            height: chunks.height,
            dpi: chunks.dpi,
            stream: Stream::new(dict, chunks.data).with_compression(false),
            smask: None,
        });
    }
    let image = decode_png(bytes, limits)?;
    let pixels = Pixels::from_image(image);
    pixels.into_page_image(chunks.dpi, MediaType::Png)
}

fn decode_png(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, SearchableError> {
    let unreadable = |e: image::ImageError| SearchableError::Unreadable {
        media: MediaType::Png,
        detail: e.to_string(),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
    let mut image_limits = image::Limits::default();
    // Four 16-bit channels per pixel at most; the header was checked against the limit.
    image_limits.max_alloc = Some(limits.max_pixels_per_page.saturating_mul(8));
    reader.limits(image_limits);
    reader.decode().map_err(unreadable)
}

// TIFF ----------------------------------------------------------------------------------

fn tiff_unreadable(e: tiff::TiffError) -> SearchableError {
    SearchableError::Unreadable {
        media: MediaType::Tiff,
        detail: e.to_string(),
    }
}

fn tiff_original(
    bytes: &[u8],
    pages: &[PageText],
    limits: &Limits,
) -> Result<Vec<u8>, SearchableError> {
    use tiff::decoder::Decoder;

    // Count the directories first, stopping one past the pages read, so that a file with
    // more pages than were read is refused before any pixel is decoded.
    let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff_unreadable)?;
    let mut count = 1usize;
    while decoder.more_images() && count <= pages.len() {
        decoder.next_image().map_err(tiff_unreadable)?;
        count += 1;
    }
    let order = page_order(pages, count)?;

    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size =
        usize::try_from(limits.max_pixels_per_page.saturating_mul(8)).unwrap_or(usize::MAX);
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(tiff_unreadable)?
        .with_limits(tiff_limits);
    let mut doc = ImageDocument::new();
    for (i, page) in order.iter().enumerate() {
        if i > 0 {
            decoder.next_image().map_err(tiff_unreadable)?;
        }
        let image = tiff_page(&mut decoder, i as u32 + 1, limits)?;
        doc.add_page(image, &page.words, page.rotation);
    }
    doc.finish()
}

fn tiff_page<R: std::io::Read + std::io::Seek>(
    decoder: &mut tiff::decoder::Decoder<R>,
    page: u32,
    limits: &Limits,
) -> Result<PageImage, SearchableError> {
    use tiff::decoder::DecodingResult;
    use tiff::tags::Tag;
    use tiff::ColorType;

    let (width, height) = decoder.dimensions().map_err(tiff_unreadable)?;
    check_pixels(page, width, height, limits)?;
    let unsupported = |detail: String| SearchableError::Unsupported {
        media: MediaType::Tiff,
        detail: format!("page {page}: {detail}"),
    };
    let planar = decoder
        .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
        .map_err(tiff_unreadable)?;
    let color = decoder.colortype().map_err(tiff_unreadable)?;
    if planar == Some(2) && !matches!(color, ColorType::Gray(_)) {
        return Err(unsupported("separate colour planes".to_string()));
    }
    let dpi = tiff_dpi(decoder);
    let data = decoder.read_image().map_err(tiff_unreadable)?;
    let (w, h) = (width as usize, height as usize);
    let pixels = match (color, data) {
        (ColorType::Gray(bits @ (1 | 2 | 4)), DecodingResult::U8(v)) => {
            Pixels::packed_gray(width, height, bits, v)
        }
        (ColorType::Gray(8), DecodingResult::U8(v)) => Pixels::new(width, height, 1, 8, v, None),
        (ColorType::Gray(16), DecodingResult::U16(v)) => {
            Pixels::new(width, height, 1, 16, ne_bytes(&v), None)
        }
        (ColorType::GrayA(8), DecodingResult::U8(v)) => split_alpha(width, height, 1, 8, v),
        (ColorType::GrayA(16), DecodingResult::U16(v)) => {
            split_alpha(width, height, 1, 16, ne_bytes(&v))
        }
        (ColorType::RGB(8), DecodingResult::U8(v)) => Pixels::new(width, height, 3, 8, v, None),
        (ColorType::RGB(16), DecodingResult::U16(v)) => {
            Pixels::new(width, height, 3, 16, ne_bytes(&v), None)
        }
        (ColorType::RGBA(8), DecodingResult::U8(v)) => split_alpha(width, height, 3, 8, v),
        (ColorType::RGBA(16), DecodingResult::U16(v)) => {
            split_alpha(width, height, 3, 16, ne_bytes(&v))
        }
        (ColorType::CMYK(8), DecodingResult::U8(v)) => Pixels::new(width, height, 4, 8, v, None),
        (color, _) => return Err(unsupported(format!("colour type {color:?}"))),
    };
    // The decoder's buffer is sized from the header; a mismatch would be its bug.
    let row = (w * usize::from(pixels.channels) * usize::from(pixels.bits)).div_ceil(8);
    if pixels.data.len() != row * h {
        return Err(SearchableError::Unreadable {
            media: MediaType::Tiff,
            detail: format!(
                "page {page} decoded to {} bytes, not {}",
                pixels.data.len(),
                row * h
            ),
        });
    }
    pixels.into_page_image(dpi, MediaType::Tiff)
}

/// Dots per inch from the current directory's resolution tags.
fn tiff_dpi<R: std::io::Read + std::io::Seek>(
    decoder: &mut tiff::decoder::Decoder<R>,
) -> Option<(f64, f64)> {
    use tiff::tags::Tag;
    let x = tiff_number(decoder.find_tag(Tag::XResolution).ok()??)?;
    let y = tiff_number(decoder.find_tag(Tag::YResolution).ok()??)?;
    let unit = decoder
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()?
        .unwrap_or(2);
    match unit {
        2 => Some((x, y)),
        3 => Some((x * 2.54, y * 2.54)),
        _ => None,
    }
}

/// A numeric tag value; resolutions are rationals, but writers vary.
fn tiff_number(value: tiff::decoder::ifd::Value) -> Option<f64> {
    use tiff::decoder::ifd::Value;
    let v = match value {
        Value::Rational(n, d) => (d != 0).then(|| f64::from(n) / f64::from(d))?,
        Value::SRational(n, d) => (d != 0).then(|| f64::from(n) / f64::from(d))?,
        Value::RationalBig(n, d) => (d != 0).then(|| n as f64 / d as f64)?,
        Value::Short(v) => f64::from(v),
        Value::Unsigned(v) => f64::from(v),
        Value::Float(v) => f64::from(v),
        Value::Double(v) => v,
        Value::List(values) => return values.into_iter().next().and_then(tiff_number),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

fn ne_bytes(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|s| s.to_ne_bytes()).collect()
}

// Decoded pixels ------------------------------------------------------------------------

/// Decoded pixels, rows packed: samples of fewer than 8 bits fill bytes from the high bit
/// and each row starts on a byte; 16-bit samples are in native byte order.
struct Pixels {
    width: u32,
    height: u32,
    /// 1 (grey), 3 (RGB) or 4 (CMYK).
    channels: u8,
    bits: u8,
    data: Vec<u8>,
    /// One sample per pixel, of the original sample width (8 or 16 bits), when the image
    /// has transparency.
    alpha: Option<(u8, Vec<u8>)>,
}

fn split_alpha(width: u32, height: u32, channels: u8, bits: u8, data: Vec<u8>) -> Pixels {
    let bytes = usize::from(bits / 8);
    let pixel = (usize::from(channels) + 1) * bytes;
    let mut color = Vec::with_capacity(data.len() / pixel * (pixel - bytes));
    let mut alpha = Vec::with_capacity(data.len() / pixel * bytes);
    for p in data.chunks_exact(pixel) {
        color.extend_from_slice(&p[..pixel - bytes]);
        alpha.extend_from_slice(&p[pixel - bytes..]);
    }
    Pixels::new(width, height, channels, bits, color, Some(alpha))
}

impl Pixels {
    /// Pixels of 8 or 16 bits, reduced where that loses nothing: RGB whose channels are all
    /// equal becomes grey, 8-bit grey of only black and white becomes 1-bit, and an alpha
    /// channel that is opaque everywhere is dropped.
    fn new(
        width: u32,
        height: u32,
        channels: u8,
        bits: u8,
        mut data: Vec<u8>,
        mut alpha: Option<Vec<u8>>,
    ) -> Pixels {
        if alpha.as_ref().is_some_and(|a| a.iter().all(|&b| b == 0xFF)) {
            alpha = None;
        }
        let mut channels = channels;
        if channels == 3 && bits == 8 && data.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2])
        {
            data = data.chunks_exact(3).map(|p| p[0]).collect();
            channels = 1;
        }
        if channels == 1 && bits == 8 && data.iter().all(|&v| v == 0 || v == 0xFF) {
            let row = (width as usize).div_ceil(8);
            let mut packed = vec![0u8; row * height as usize];
            for (y, line) in data.chunks_exact(width.max(1) as usize).enumerate() {
                for (x, &v) in line.iter().enumerate() {
                    if v != 0 {
                        packed[y * row + x / 8] |= 0x80 >> (x % 8);
                    }
                }
            }
            return Pixels {
                width,
                height,
                channels: 1,
                bits: 1,
                data: packed,
                alpha: alpha.map(|a| (bits, a)),
            };
        }
        Pixels {
            width,
            height,
            channels,
            bits,
            data,
            alpha: alpha.map(|a| (bits, a)),
        }
    }

    fn packed_gray(width: u32, height: u32, bits: u8, data: Vec<u8>) -> Pixels {
        Pixels {
            width,
            height,
            channels: 1,
            bits,
            data,
            alpha: None,
        }
    }

    fn from_image(image: DynamicImage) -> Pixels {
        let (w, h) = (image.width(), image.height());
        match image {
            DynamicImage::ImageLuma8(b) => Pixels::new(w, h, 1, 8, b.into_raw(), None),
            DynamicImage::ImageLumaA8(b) => split_alpha(w, h, 1, 8, b.into_raw()),
            DynamicImage::ImageRgb8(b) => Pixels::new(w, h, 3, 8, b.into_raw(), None),
            DynamicImage::ImageRgba8(b) => split_alpha(w, h, 3, 8, b.into_raw()),
            DynamicImage::ImageLuma16(b) => Pixels::new(w, h, 1, 16, ne_bytes(&b.into_raw()), None),
            DynamicImage::ImageLumaA16(b) => split_alpha(w, h, 1, 16, ne_bytes(&b.into_raw())),
            DynamicImage::ImageRgb16(b) => Pixels::new(w, h, 3, 16, ne_bytes(&b.into_raw()), None),
            DynamicImage::ImageRgba16(b) => split_alpha(w, h, 3, 16, ne_bytes(&b.into_raw())),
            other => split_alpha(w, h, 3, 8, other.to_rgba8().into_raw()),
        }
    }

    fn into_page_image(
        self,
        dpi: Option<(f64, f64)>,
        media: MediaType,
    ) -> Result<PageImage, SearchableError> {
        let color_space = match self.channels {
            1 => "DeviceGray",
            3 => "DeviceRGB",
            _ => "DeviceCMYK",
        };
        let mut stream = image_stream(
            self.width,
            self.height,
            self.channels,
            self.bits,
            &self.data,
            media,
        )?;
        stream.dict.set("ColorSpace", color_space);
        let smask = match &self.alpha {
            Some((bits, alpha)) => {
                let mut mask = image_stream(self.width, self.height, 1, *bits, alpha, media)?;
                mask.dict.set("ColorSpace", "DeviceGray");
                Some(mask)
            }
            None => None,
        };
        Ok(PageImage {
            width: self.width,
            height: self.height,
            dpi,
            stream,
            smask,
        })
    }
}

/// A Flate-compressed image XObject of the given samples (without its colour space).
///
/// Grey and RGB of 8 or 16 bits go through the PNG encoder, whose compressed data is the
/// `FlateDecode` data of a PDF image with PNG predictors, filters chosen row by row;
/// other samples are compressed as they are.
fn image_stream(
    width: u32,
    height: u32,
    channels: u8,
    bits: u8,
    data: &[u8],
    media: MediaType,
) -> Result<Stream, SearchableError> {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(width),
        "Height" => i64::from(height),
        "BitsPerComponent" => i64::from(bits),
    };
    let png_color = match (channels, bits) {
        (1, 8) => Some(ExtendedColorType::L8),
        (1, 16) => Some(ExtendedColorType::L16),
        (3, 8) => Some(ExtendedColorType::Rgb8),
        (3, 16) => Some(ExtendedColorType::Rgb16),
        _ => None,
    };
    if let Some(color) = png_color {
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive)
            .write_image(data, width, height, color)
            .map_err(|e| SearchableError::Unsupported {
                media,
                detail: e.to_string(),
            })?;
        let chunks = png_chunks(&png).map_err(write_error)?;
        dict.set("Filter", "FlateDecode");
        dict.set(
            "DecodeParms",
            dictionary! {
                "Predictor" => 15,
                "Colors" => i64::from(channels),
                "BitsPerComponent" => i64::from(bits),
                "Columns" => i64::from(width),
            },
        );
        return Ok(Stream::new(dict, chunks.data).with_compression(false));
    }
    let raw = if bits == 16 {
        data.chunks_exact(2)
            .flat_map(|s| u16::from_ne_bytes([s[0], s[1]]).to_be_bytes())
            .collect()
    } else {
        data.to_vec()
    };
    Ok(compressed(Stream::new(dict, raw)))
}

// ---------------------------------------------------------------------------------------
// PDF originals
// ---------------------------------------------------------------------------------------

fn pdf_original(bytes: &[u8], pages: &[PageText]) -> Result<Vec<u8>, SearchableError> {
    let mut out = Vec::new();
    layered_pdf(Original::Bytes(bytes), pages, &mut out)?;
    Ok(out)
}

/// A PDF original, in memory or on disk.
#[derive(Clone, Copy)]
enum Original<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
}

impl Original<'_> {
    fn load(&self, options: lopdf::LoadOptions) -> Result<Document, SearchableError> {
        match self {
            Original::Bytes(bytes) => Document::load_mem_with_options(bytes, options),
            Original::File(path) => Document::load_with_options(path, options),
        }
        .map_err(|e| SearchableError::Unreadable {
            media: MediaType::Pdf,
            detail: e.to_string(),
        })
    }

    fn unreadable(&self, e: std::io::Error) -> SearchableError {
        let detail = match self {
            Original::Bytes(_) => e.to_string(),
            Original::File(path) => format!("cannot read {}: {e}", path.display()),
        };
        SearchableError::Unreadable {
            media: MediaType::Pdf,
            detail,
        }
    }

    /// Up to 64 bytes from `offset` on.
    fn head(&self, offset: usize) -> Result<Vec<u8>, SearchableError> {
        match self {
            Original::Bytes(bytes) => {
                let rest = bytes.get(offset..).unwrap_or_default();
                Ok(rest[..rest.len().min(64)].to_vec())
            }
            Original::File(path) => {
                use std::io::{Read, Seek, SeekFrom};
                let mut file = std::fs::File::open(path).map_err(|e| self.unreadable(e))?;
                let mut head = Vec::with_capacity(64);
                file.seek(SeekFrom::Start(offset as u64))
                    .and_then(|_| file.take(64).read_to_end(&mut head))
                    .map_err(|e| self.unreadable(e))?;
                Ok(head)
            }
        }
    }

    /// Copies the original to `out` and returns its length.
    fn copy_to(&self, out: &mut impl std::io::Write) -> Result<u64, SearchableError> {
        match self {
            Original::Bytes(bytes) => {
                out.write_all(bytes).map_err(write_error)?;
                Ok(bytes.len() as u64)
            }
            Original::File(path) => {
                let mut file = std::fs::File::open(path).map_err(|e| self.unreadable(e))?;
                std::io::copy(&mut file, out).map_err(write_error)
            }
        }
    }
}

/// Loads image streams without their data: a text layer never needs the pixels, and a
/// scanned dossier is almost all pixels.
fn without_image_data(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        let image = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Image");
        if image {
            stream.content = Vec::new();
        }
    }
    // lopdf keeps the object as changed in place and only looks at whether this is `Some`.
    Some((id, Object::Null))
}

/// Writes the original with the text layers to `out`. Where it can, the layers go after
/// the original's unchanged bytes as an incremental update, from a parse that skipped the
/// image data, so memory follows the layers rather than the file. A damaged or encrypted
/// original is parsed whole and rewritten instead.
fn layered_pdf(
    original: Original,
    pages: &[PageText],
    out: &mut impl std::io::Write,
) -> Result<(), SearchableError> {
    let mut slim = original.load(lopdf::LoadOptions::with_filter(without_image_data))?;
    let kind = crate::append::appendable(&slim, &original.head(slim.xref_start)?);
    if let Some(kind) = kind {
        let first_new = slim.max_id + 1;
        let layered = add_text_layers(&mut slim, pages)?;
        let original_len = original.copy_to(out)?;
        if layered.is_empty() {
            // No page needed a text layer: the original is as searchable as it gets.
            return Ok(());
        }
        let mut objects = layered;
        objects.extend(slim.objects.keys().filter(|id| id.0 >= first_new));
        return crate::append::write_update(out, original_len, &slim, &objects, kind)
            .map_err(write_error);
    }
    drop(slim);
    let mut doc = original.load(lopdf::LoadOptions::default())?;
    if add_text_layers(&mut doc, pages)?.is_empty() {
        original.copy_to(out)?;
        return Ok(());
    }
    doc.save_to(out).map_err(write_error)
}

/// Adds each OCR page's words as an invisible text layer; returns the pages that got one.
fn add_text_layers(
    doc: &mut Document,
    pages: &[PageText],
) -> Result<Vec<ObjectId>, SearchableError> {
    let page_ids = doc.get_pages();
    let order = page_order(pages, page_ids.len())?;
    let mut font_id = None;
    let mut layered = Vec::new();
    for ((_, &page_id), page) in page_ids.iter().zip(&order) {
        if page.method != Method::Ocr || page.words.is_empty() {
            continue;
        }
        if !page.words.iter().any(|w| placed(w).is_some()) {
            continue;
        }
        let geometry = PageGeometry::of(doc, page_id);
        let font = *font_id.get_or_insert_with(|| add_font(doc));
        add_layer(
            doc,
            page_id,
            &geometry,
            Turn::new(page.rotation),
            &page.words,
            font,
        )?;
        layered.push(page_id);
    }
    Ok(layered)
}

/// Where a page's words go: its visible box (the crop box within the media box, as PDFium
/// and every reader show it) and its rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageGeometry {
    /// x0, y0, x1, y1 in default user space.
    rect: [f64; 4],
    /// 0, 90, 180 or 270: degrees clockwise the page is turned when shown.
    rotate: i64,
}

impl PageGeometry {
    fn of(doc: &Document, page: ObjectId) -> Self {
        const LETTER: [f64; 4] = [0.0, 0.0, 612.0, 792.0];
        let media = inherited(doc, page, b"MediaBox")
            .and_then(|o| rectangle(doc, o))
            .unwrap_or(LETTER);
        let rect = inherited(doc, page, b"CropBox")
            .and_then(|o| rectangle(doc, o))
            .and_then(|c| {
                let r = [
                    c[0].max(media[0]),
                    c[1].max(media[1]),
                    c[2].min(media[2]),
                    c[3].min(media[3]),
                ];
                (r[2] > r[0] && r[3] > r[1]).then_some(r)
            })
            .unwrap_or(media);
        let rotate = inherited(doc, page, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .map(|r| r.rem_euclid(360))
            .filter(|r| r % 90 == 0)
            .unwrap_or(0);
        Self { rect, rotate }
    }

    /// Width and height of the page as shown.
    fn display_size(&self) -> (f64, f64) {
        let (w, h) = (self.rect[2] - self.rect[0], self.rect[3] - self.rect[1]);
        if self.rotate % 180 == 0 {
            (w, h)
        } else {
            (h, w)
        }
    }

    /// The matrix from the shown page (origin bottom left, y up, in points) to user space.
    fn matrix(&self) -> [f64; 6] {
        let [x0, y0, x1, y1] = self.rect;
        match self.rotate {
            90 => [0.0, 1.0, -1.0, 0.0, x1, y0],
            180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
            270 => [0.0, -1.0, 1.0, 0.0, x0, y1],
            _ => [1.0, 0.0, 0.0, 1.0, x0, y0],
        }
    }
}

/// An attribute of a page, from the page or the nearest ancestor that has it, dereferenced.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    // Page trees are shallow; a longer chain is a loop.
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return doc.dereference(value).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn rectangle(doc: &Document, object: &Object) -> Option<[f64; 4]> {
    let items = object.as_array().ok()?;
    let mut v = [0f64; 4];
    if items.len() != 4 {
        return None;
    }
    for (slot, item) in v.iter_mut().zip(items) {
        let value = doc.dereference(item).ok()?.1.as_float().ok()?;
        if !value.is_finite() {
            return None;
        }
        *slot = f64::from(value);
    }
    let r = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (r[2] > r[0] && r[3] > r[1]).then_some(r)
}

/// Appends the text layer of `words` to a page: the page's own content is wrapped in
/// `q`/`Q`, the layer follows in a stream of its own, and the font joins a copy of the
/// page's resources, so no object another page may share is changed.
///
/// A page OCR read turned (`turn`, see [`PageText::rotation`]) is shown the way OCR read
/// it: its quarter turns join its `/Rotate`, and what is left of the turn (a deskew) turns
/// its content about the centre of its visible box, which grows to the turned box's
/// bounding box (the content stays clipped to its old visible box). Annotations are not
/// turned.
fn add_layer(
    doc: &mut Document,
    page_id: ObjectId,
    geometry: &PageGeometry,
    turn: Turn,
    words: &[Word],
    font_id: ObjectId,
) -> Result<(), SearchableError> {
    let (quarters, skew) = turn.split();
    let mut geometry = *geometry;
    geometry.rotate = (geometry.rotate + 90 * quarters).rem_euclid(360);
    let mut open = "q\n".to_string();
    if !skew.is_none() {
        let [x0, y0, x1, y1] = geometry.rect;
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (shown_w, shown_h) = geometry.display_size();
        let (canvas_w, canvas_h) = skew.canvas(shown_w, shown_h);
        let (half_w, half_h) = if geometry.rotate % 180 == 0 {
            (canvas_w / 2.0, canvas_h / 2.0)
        } else {
            (canvas_h / 2.0, canvas_w / 2.0)
        };
        geometry.rect = [cx - half_w, cy - half_h, cx + half_w, cy + half_h];
        let m = skew.matrix_about(cx, cy);
        let _ = writeln!(
            open,
            "{} cm\n{} {} {} {} re W n",
            m.map(fine).join(" "),
            fine(x0),
            fine(y0),
            fine(x1 - x0),
            fine(y1 - y0)
        );
    }
    // The page's resources, as its own dictionary, with the font under a fresh name.
    let mut resources = inherited(doc, page_id, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut name = FONT_RESOURCE.to_string();
    let mut n = 0u32;
    while fonts.has(name.as_bytes()) {
        n += 1;
        name = format!("{FONT_RESOURCE}{n}");
    }
    fonts.set(name.as_bytes(), font_id);
    resources.set("Font", fonts);

    // The page's content streams, flattened from a reference, an array or an array behind
    // a reference.
    let existing: Vec<Object> = {
        let page = doc.get_dictionary(page_id).map_err(write_error)?;
        match page.get(b"Contents") {
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(items)) => items.clone(),
                Ok(Object::Stream(_)) => vec![Object::Reference(*id)],
                _ => Vec::new(),
            },
            Ok(Object::Array(items)) => items.clone(),
            _ => Vec::new(),
        }
    };

    let (width, height) = geometry.display_size();
    let m = geometry.matrix();
    let mut layer = String::new();
    if !existing.is_empty() {
        layer.push_str("Q\n");
    }
    let _ = writeln!(
        layer,
        "q\n{} {} {} {} {} {} cm",
        num(m[0]),
        num(m[1]),
        num(m[2]),
        num(m[3]),
        num(m[4]),
        num(m[5])
    );
    layer.push_str(&text_layer(words, width, height, &name));
    layer.push_str("Q\n");
    let layer_id = doc.add_object(compressed(Stream::new(
        Dictionary::new(),
        layer.into_bytes(),
    )));

    let mut contents = Vec::with_capacity(existing.len() + 2);
    if !existing.is_empty() {
        let open_id = doc.add_object(Stream::new(Dictionary::new(), open.into_bytes()));
        contents.push(Object::Reference(open_id));
        contents.extend(existing);
    }
    contents.push(Object::Reference(layer_id));

    let page = doc.get_dictionary_mut(page_id).map_err(write_error)?;
    page.set("Resources", resources);
    page.set("Contents", contents);
    if quarters != 0 {
        page.set("Rotate", geometry.rotate);
    }
    if !skew.is_none() {
        let rect: Vec<Object> = geometry
            .rect
            .iter()
            .map(|&v| Object::Real(v as f32))
            .collect();
        page.set("MediaBox", rect.clone());
        page.set("CropBox", rect);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The text layer
// ---------------------------------------------------------------------------------------

/// A word ready to place: its box as fractions of the page (origin top left) and its
/// 2-byte codes.
#[derive(Debug, Clone)]
struct Placed {
    line: u32,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    codes: Vec<u16>,
}

fn placed(word: &Word) -> Option<Placed> {
    let b = word.bbox;
    let [x0, y0, x1, y1] = [b.x0, b.y0, b.x1, b.y1].map(|v| f64::from(v).clamp(0.0, 1.0));
    if ![b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) || x1 <= x0 || y1 <= y0 {
        return None;
    }
    let text = hoso_extractors::text::nfc(word.text.trim());
    let mut codes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            continue;
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        let mut units = [0u16; 2];
        match c.encode_utf16(&mut units) {
            [unit] => codes.push(*unit),
            // A character beyond the BMP would take two codes, and a reader maps each
            // code on its own: it is shown as the replacement character instead.
            _ => codes.push(0xFFFD),
        }
    }
    if codes.iter().all(|&u| u == 0x20) {
        return None;
    }
    Some(Placed {
        line: word.line,
        x0,
        y0,
        x1,
        y1,
        codes,
    })
}

/// The content stream operators of an invisible text layer for a page of `width` ×
/// `height` points (origin bottom left), in font resource `font` (the module's own name
/// when empty). Empty when no word has text and a box.
fn text_layer(words: &[Word], width: f64, height: f64, font: &str) -> String {
    let font = if font.is_empty() { FONT_RESOURCE } else { font };
    // Words grouped by OCR line, lines in order of their first word, words left to right.
    let mut lines: Vec<Vec<Placed>> = Vec::new();
    let mut index: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for word in words.iter().filter_map(placed) {
        let i = *index.entry(word.line).or_insert_with(|| {
            lines.push(Vec::new());
            lines.len() - 1
        });
        lines[i].push(word);
    }
    let mut out = String::new();
    for line in &mut lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        // One baseline and size for the whole line when its words sit in one band, so a
        // reader sees one line of one size; each word on its own box when they do not
        // (a skewed line, or words grouped loosely).
        let top = line.iter().map(|w| w.y0).fold(1.0, f64::min);
        let bottom = line.iter().map(|w| w.y1).fold(0.0, f64::max);
        let mut heights: Vec<f64> = line.iter().map(|w| w.y1 - w.y0).collect();
        heights.sort_by(f64::total_cmp);
        let median = heights[heights.len() / 2];
        let uniform = bottom - top <= 1.5 * median;
        out.push_str("BT\n3 Tr\n");
        let mut size = f64::NAN;
        for (i, word) in line.iter().enumerate() {
            let (fs, baseline) = if uniform {
                ((bottom - top) * height, (1.0 - bottom) * height)
            } else {
                ((word.y1 - word.y0) * height, (1.0 - word.y1) * height)
            };
            let fs = fs.max(0.01);
            if fs != size {
                let _ = writeln!(out, "/{font} {} Tf", num(fs));
                size = fs;
            }
            let box_width = (word.x1 - word.x0) * width;
            let natural = word.codes.len() as f64 * GLYPH_WIDTH / 1000.0 * fs;
            let _ = writeln!(
                out,
                "1 0 0 1 {} {} Tm\n{} Tz\n<{}> Tj",
                num(word.x0 * width),
                num(baseline),
                num(100.0 * box_width / natural),
                hex(&word.codes)
            );
            if let Some(next) = line.get(i + 1) {
                // An explicit space stretched over the gap to the next word, so readers
                // see a word boundary whatever their spacing heuristics.
                let gap = (next.x0 - word.x1) * width;
                let space = GLYPH_WIDTH / 1000.0 * fs;
                let _ = writeln!(out, "{} Tz\n<0020> Tj", num((100.0 * gap / space).max(1.0)));
            }
        }
        out.push_str("ET\n");
    }
    out
}

fn hex(codes: &[u16]) -> String {
    let mut s = String::with_capacity(codes.len() * 4);
    for c in codes {
        let _ = write!(s, "{c:04X}");
    }
    s
}

/// A number for a content stream with six decimals at most, for the operands of a turn.
fn fine(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

/// A number for a content stream: at most three decimals, no exponent, no `-0`.
fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The glyph-less font
// ---------------------------------------------------------------------------------------

/// Adds the text layer's Type0 font (and its descendant, descriptor, program, CID map and
/// `ToUnicode` map) to `doc`; returns the Type0 font's id.
fn add_font(doc: &mut Document) -> ObjectId {
    let program = glyphless_font();
    let program_id = doc.add_object(compressed(Stream::new(
        dictionary! { "Length1" => program.len() as i64 },
        program,
    )));
    let descriptor_id = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "GlyphLessFont",
        // Fixed pitch, symbolic.
        "Flags" => 5,
        "FontBBox" => vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Integer(GLYPH_WIDTH as i64),
            Object::Integer(1000),
        ],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        "Descent" => -1,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => program_id,
    });
    // Every CID is drawn by glyph 1.
    let cid_to_gid: Vec<u8> = [0u8, 1].repeat(65_536);
    let cid_to_gid_id = doc.add_object(compressed(Stream::new(Dictionary::new(), cid_to_gid)));
    let cid_font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "GlyphLessFont",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor_id,
        "DW" => GLYPH_WIDTH as i64,
        "CIDToGIDMap" => cid_to_gid_id,
    });
    let to_unicode_id = doc.add_object(compressed(Stream::new(
        Dictionary::new(),
        to_unicode_cmap().into_bytes(),
    )));
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "GlyphLessFont",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font_id)],
        "ToUnicode" => to_unicode_id,
    })
}

/// Each 2-byte code to the UTF-16 code unit of the same value, surrogates excepted.
fn to_unicode_cmap() -> String {
    let ranges: Vec<u16> = (0u16..=0xFF)
        .filter(|hi| !(0xD8..=0xDF).contains(hi))
        .collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block.
    for block in ranges.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", block.len());
        for hi in block {
            let _ = writeln!(s, "<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>");
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// A TrueType font of two glyphs without outlines, `.notdef` and the glyph every code is
/// drawn with, both half an em wide: the program behind the invisible text layer.
///
/// Built table by table after the OpenType specification (the same shape as Tesseract's
/// `pdf.ttf`, but with no outline at all): `head`, `hhea`, `maxp`, `hmtx`, an empty
/// `glyf` with a short `loca`, a minimal format 4 `cmap`, `name`, `post` and `OS/2`,
/// with table checksums and the `head` checksum adjustment.
pub fn glyphless_font() -> Vec<u8> {
    const UNITS_PER_EM: u16 = 1000;
    const ADVANCE: u16 = 500;
    const ASCENT: i16 = 1000;

    fn w16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_be_bytes());
    }
    fn w32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_be_bytes());
    }

    let mut head = Vec::with_capacity(54);
    w32(&mut head, 0x0001_0000); // version
    w32(&mut head, 0x0001_0000); // fontRevision
    w32(&mut head, 0); // checkSumAdjustment, set below
    w32(&mut head, 0x5F0F_3CF5); // magicNumber
    w16(&mut head, 0x000B); // flags: baseline at y=0, lsb at x=0, integer ppem
    w16(&mut head, UNITS_PER_EM);
    head.extend_from_slice(&[0; 16]); // created, modified
    for v in [0, 0, ADVANCE, ASCENT as u16] {
        w16(&mut head, v); // xMin, yMin, xMax, yMax
    }
    w16(&mut head, 0); // macStyle
    w16(&mut head, 8); // lowestRecPPEM
    w16(&mut head, 2); // fontDirectionHint
    w16(&mut head, 0); // indexToLocFormat: short
    w16(&mut head, 0); // glyphDataFormat

    let mut hhea = Vec::with_capacity(36);
    w32(&mut hhea, 0x0001_0000);
    w16(&mut hhea, ASCENT as u16); // ascender
    w16(&mut hhea, 0); // descender
    w16(&mut hhea, 0); // lineGap
    w16(&mut hhea, ADVANCE); // advanceWidthMax
    for _ in 0..3 {
        w16(&mut hhea, 0); // minLeftSideBearing, minRightSideBearing, xMaxExtent
    }
    w16(&mut hhea, 1); // caretSlopeRise
    w16(&mut hhea, 0); // caretSlopeRun
    hhea.extend_from_slice(&[0; 10]); // caretOffset, 4 reserved
    w16(&mut hhea, 0); // metricDataFormat
    w16(&mut hhea, 2); // numberOfHMetrics

    let mut maxp = Vec::with_capacity(32);
    w32(&mut maxp, 0x0001_0000);
    w16(&mut maxp, 2); // numGlyphs
    for v in [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] {
        // maxPoints .. maxComponentDepth; maxZones is 2.
        w16(&mut maxp, v);
    }

    let mut hmtx = Vec::with_capacity(8);
    for _ in 0..2 {
        w16(&mut hmtx, ADVANCE);
        w16(&mut hmtx, 0);
    }

    // Both glyphs empty: every offset is 0 and `glyf` has no bytes.
    let loca = vec![0u8; 6];
    let glyf = Vec::new();

    // One (3,1) subtable of format 4 with only the closing segment: no character maps to
    // a glyph; a CIDFontType2 reaches glyphs through its CIDToGIDMap, not the cmap.
    let mut cmap = Vec::new();
    w16(&mut cmap, 0); // version
    w16(&mut cmap, 1); // numTables
    w16(&mut cmap, 3); // platform: Windows
    w16(&mut cmap, 1); // encoding: Unicode BMP
    w32(&mut cmap, 12); // offset of the subtable
    for v in [4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0] {
        // format, length, language, segCountX2, searchRange, entrySelector, rangeShift,
        // endCode, reservedPad, startCode, idDelta, idRangeOffset
        w16(&mut cmap, v);
    }

    let names: [(u16, &str); 4] = [
        (1, "GlyphLessFont"),
        (2, "Regular"),
        (4, "GlyphLessFont"),
        (6, "GlyphLessFont"),
    ];
    let mut name = Vec::new();
    let mut strings = Vec::new();
    w16(&mut name, 0); // format
    w16(&mut name, names.len() as u16);
    w16(&mut name, (6 + 12 * names.len()) as u16); // stringOffset
    for (id, text) in names {
        let encoded: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for v in [3, 1, 0x0409, id, encoded.len() as u16, strings.len() as u16] {
            w16(&mut name, v);
        }
        strings.extend_from_slice(&encoded);
    }
    name.extend_from_slice(&strings);

    let mut post = Vec::with_capacity(32);
    w32(&mut post, 0x0003_0000); // version 3: no glyph names
    w32(&mut post, 0); // italicAngle
    w16(&mut post, (-100i16) as u16); // underlinePosition
    w16(&mut post, 50); // underlineThickness
    w32(&mut post, 1); // isFixedPitch
    post.extend_from_slice(&[0; 16]); // memory usage hints

    let mut os2 = Vec::with_capacity(96);
    w16(&mut os2, 4); // version
    w16(&mut os2, ADVANCE); // xAvgCharWidth
    w16(&mut os2, 400); // usWeightClass
    w16(&mut os2, 5); // usWidthClass
    w16(&mut os2, 0); // fsType: installable embedding
    for v in [650, 700, 0, 140, 650, 700, 0, 480, 50, 250] {
        // Subscript and superscript sizes and offsets, strikeout size and position.
        w16(&mut os2, v);
    }
    w16(&mut os2, 0); // sFamilyClass
    os2.extend_from_slice(&[0; 10]); // panose
    os2.extend_from_slice(&[0; 16]); // ulUnicodeRange1-4
    os2.extend_from_slice(b"HOSO"); // achVendID
    w16(&mut os2, 0x0040); // fsSelection: regular
    w16(&mut os2, 0x0020); // usFirstCharIndex
    w16(&mut os2, 0xFFFF); // usLastCharIndex
    w16(&mut os2, ASCENT as u16); // sTypoAscender
    w16(&mut os2, 0); // sTypoDescender
    w16(&mut os2, 0); // sTypoLineGap
    w16(&mut os2, ASCENT as u16); // usWinAscent
    w16(&mut os2, 0); // usWinDescent
    w32(&mut os2, 1); // ulCodePageRange1: Latin 1
    w32(&mut os2, 0); // ulCodePageRange2
    w16(&mut os2, 500); // sxHeight
    w16(&mut os2, ASCENT as u16); // sCapHeight
    w16(&mut os2, 0); // usDefaultChar
    w16(&mut os2, 0x20); // usBreakChar
    w16(&mut os2, 1); // usMaxContext

    // Sorted by tag, as the table directory must be.
    let tables: [(&[u8; 4], Vec<u8>); 10] = [
        (b"OS/2", os2),
        (b"cmap", cmap),
        (b"glyf", glyf),
        (b"head", head),
        (b"hhea", hhea),
        (b"hmtx", hmtx),
        (b"loca", loca),
        (b"maxp", maxp),
        (b"name", name),
        (b"post", post),
    ];
    let count = tables.len() as u16;
    let pow2 = 1u16 << (15 - count.leading_zeros() as u16);
    let mut font = Vec::new();
    w32(&mut font, 0x0001_0000); // sfntVersion
    w16(&mut font, count);
    w16(&mut font, pow2 * 16); // searchRange
    w16(&mut font, pow2.trailing_zeros() as u16); // entrySelector
    w16(&mut font, count * 16 - pow2 * 16); // rangeShift
    let mut offset = 12 + 16 * tables.len();
    let mut head_offset = 0;
    for (tag, data) in &tables {
        font.extend_from_slice(*tag);
        w32(&mut font, table_checksum(data));
        w32(&mut font, offset as u32);
        w32(&mut font, data.len() as u32);
        if *tag == b"head" {
            head_offset = offset;
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        font.extend_from_slice(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(table_checksum(&font));
    font[head_offset + 8..head_offset + 12].copy_from_slice(&adjustment.to_be_bytes());
    font
}

/// The OpenType checksum: the sum of the big-endian 32-bit words, zero-padded.
fn table_checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_extractors::BBox;

    fn word(text: &str, line: u32, b: [f32; 4]) -> Word {
        Word {
            text: text.to_string(),
            bbox: BBox::new(b[0], b[1], b[2], b[3]),
            confidence: 0.9,
            line,
        }
    }

    fn page(n: u32, method: Method, words: Vec<Word>) -> PageText {
        PageText {
            page: n,
            method,
            words,
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
        }
    }

    #[test]
    fn the_font_program_is_a_well_formed_truetype_file() {
        let font = glyphless_font();
        assert_eq!(&font[..4], &[0, 1, 0, 0]);
        assert_eq!(font.len() % 4, 0);
        // The whole file sums to the magic constant once the adjustment is in.
        assert_eq!(table_checksum(&font), 0xB1B0_AFBA);
        let tables = u16::from_be_bytes([font[4], font[5]]) as usize;
        assert_eq!(tables, 10);
        let mut previous = [0u8; 4];
        for i in 0..tables {
            let entry = &font[12 + 16 * i..28 + 16 * i];
            let tag: [u8; 4] = entry[..4].try_into().unwrap();
            assert!(tag > previous, "tables sorted by tag");
            previous = tag;
            let sum = u32::from_be_bytes(entry[4..8].try_into().unwrap());
            let offset = u32::from_be_bytes(entry[8..12].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(entry[12..16].try_into().unwrap()) as usize;
            assert_eq!(offset % 4, 0);
            let data = &font[offset..offset + len];
            if &tag == b"head" {
                assert_eq!(len, 54);
                let mut zeroed = data.to_vec();
                zeroed[8..12].fill(0);
                assert_eq!(table_checksum(&zeroed), sum);
            } else {
                assert_eq!(
                    table_checksum(data),
                    sum,
                    "{}",
                    String::from_utf8_lossy(&tag)
                );
            }
            let expected_len = match &tag {
                b"OS/2" => 96,
                b"hhea" => 36,
                b"maxp" => 32,
                b"post" => 32,
                b"hmtx" => 8,
                b"loca" => 6,
                b"glyf" => 0,
                b"cmap" => 36,
                _ => len,
            };
            assert_eq!(len, expected_len, "{}", String::from_utf8_lossy(&tag));
        }
    }

    #[test]
    fn to_unicode_skips_surrogates_and_keeps_blocks_small() {
        let cmap = to_unicode_cmap();
        assert!(cmap.contains("<1E00> <1EFF> <1E00>"), "Vietnamese letters");
        assert!(cmap.contains("<0000> <00FF> <0000>"));
        assert!(!cmap.contains("<D800>"));
        assert_eq!(cmap.matches("beginbfrange").count(), 3);
    }

    #[test]
    fn numbers_are_short_and_plain() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(12.345_67), "12.346");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(1e20), "100000000000000000000");
    }

    #[test]
    fn page_order_wants_each_page_once() {
        let p = |n| page(n, Method::Ocr, vec![]);
        assert_eq!(page_order(&[p(2), p(1)], 2).unwrap()[0].page, 1);
        assert_eq!(
            page_order(&[p(1)], 2).unwrap_err(),
            SearchableError::MorePagesThanRead { read: 1 }
        );
        assert_eq!(
            page_order(&[p(1), p(3)], 2).unwrap_err(),
            SearchableError::NoSuchPage { page: 3, pages: 2 }
        );
        assert_eq!(
            page_order(&[p(0)], 1).unwrap_err(),
            SearchableError::NoSuchPage { page: 0, pages: 1 }
        );
        assert_eq!(
            page_order(&[p(1), p(1)], 2).unwrap_err(),
            SearchableError::DuplicatePage { page: 1 }
        );
        assert_eq!(
            page_order(&[], 1).unwrap_err(),
            SearchableError::MorePagesThanRead { read: 0 }
        );
    }

    #[test]
    fn a_line_is_one_text_object_with_stretched_words_and_spaces() {
        let words = vec![
            word("VĂN", 0, [0.40, 0.10, 0.50, 0.15]),
            word("NGUYỄN", 0, [0.10, 0.10, 0.35, 0.15]),
            word("Hưng", 1, [0.10, 0.30, 0.20, 0.36]),
            word("   ", 1, [0.30, 0.30, 0.40, 0.36]),
            word("bad", 1, [0.5, 0.3, 0.4, 0.36]),
            word("nan", 1, [f32::NAN, 0.3, 0.4, 0.36]),
        ];
        let layer = text_layer(&words, 1000.0, 1000.0, "F");
        assert_eq!(layer.matches("BT").count(), 2, "{layer}");
        assert_eq!(layer.matches("3 Tr").count(), 2);
        // NGUYỄN first (left), then a space, then VĂN.
        let n = layer.find("<004E004700550059 1EC4004E>".replace(' ', "").as_str());
        let v = layer.find("<0056 0102 004E>".replace(' ', "").as_str());
        assert!(n.is_some() && v.is_some() && n < v, "{layer}");
        assert_eq!(layer.matches("<0020> Tj").count(), 1, "{layer}");
        // NGUYỄN: 6 codes at 50 pt (the line's height) is 150 pt natural, stretched onto 250.
        assert!(layer.contains("/F 50 Tf"), "{layer}");
        assert!(layer.contains("1 0 0 1 100 850 Tm\n166.667 Tz"), "{layer}");
        // The space spans the 50 pt gap: 25 pt natural.
        assert!(layer.contains("200 Tz\n<0020> Tj"), "{layer}");
        assert!(text_layer(&[], 100.0, 100.0, "F").is_empty());
    }

    #[test]
    fn text_is_nfc_and_astral_characters_are_replaced() {
        let decomposed = "Vie\u{0302}\u{0323}t 😀";
        let p = placed(&word(decomposed, 0, [0.1, 0.1, 0.2, 0.2])).unwrap();
        assert_eq!(p.codes, vec![0x56, 0x69, 0x1EC7, 0x74, 0x20, 0xFFFD]);
    }

    #[test]
    fn a_skewed_line_places_each_word_on_its_own_box() {
        let words = vec![
            word("a", 0, [0.1, 0.10, 0.2, 0.12]),
            word("b", 0, [0.3, 0.20, 0.4, 0.22]),
        ];
        let layer = text_layer(&words, 100.0, 100.0, "F");
        assert!(layer.contains("1 0 0 1 10 88 Tm"), "{layer}");
        assert!(layer.contains("1 0 0 1 30 78 Tm"), "{layer}");
    }

    #[test]
    fn rotated_pages_map_the_shown_page_onto_user_space() {
        let apply = |g: &PageGeometry, x: f64, y: f64| {
            let m = g.matrix();
            (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
        };
        let rect = [10.0, 20.0, 110.0, 220.0]; // 100 wide, 200 high
        for (rotate, shown, top_left) in [
            (0, (100.0, 200.0), (10.0, 220.0)),
            // Turned clockwise: the bottom left corner is shown top left.
            (90, (200.0, 100.0), (10.0, 20.0)),
            (180, (100.0, 200.0), (110.0, 20.0)),
            (270, (200.0, 100.0), (110.0, 220.0)),
        ] {
            let g = PageGeometry { rect, rotate };
            assert_eq!(g.display_size(), shown);
            assert_eq!(apply(&g, 0.0, shown.1), top_left, "rotate {rotate}");
        }
    }

    #[test]
    fn turns_snap_to_quarters_and_split_into_quarters_and_a_skew() {
        let t = Turn::new(-90.0004);
        assert_eq!((t.degrees, t.cos, t.sin), (270.0, 0.0, -1.0));
        assert!(Turn::new(360.0).is_none() && Turn::new(f32::NAN).is_none());
        let (quarters, skew) = Turn::new(88.5).split();
        assert_eq!(quarters, 1);
        assert!((skew.degrees - 358.5).abs() < 1e-4, "{skew:?}");
        let (quarters, skew) = Turn::new(-1.5).split();
        assert_eq!(quarters, 0);
        assert!((skew.degrees - 358.5).abs() < 1e-4);
        assert_eq!(Turn::new(90.0).canvas(200.0, 100.0), (100.0, 200.0));
        let (w, h) = Turn::new(3.0).canvas(200.0, 100.0);
        assert!(w > 200.0 && h > 100.0);
        // A quarter turn clockwise about the centre of a 200 x 100 page: its top left
        // corner (0, 100) goes to the top right of the turned 100 x 200 box centred on it.
        let m = Turn::new(90.0).matrix_about(100.0, 50.0);
        let apply = |x: f64, y: f64| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        assert_eq!(apply(0.0, 100.0), (150.0, 150.0));
        assert_eq!(apply(100.0, 50.0), (100.0, 50.0));
        let id = concat(m, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(id, m);
        let back = concat(m, Turn::new(-90.0).matrix_about(100.0, 50.0));
        assert_eq!(back, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn jpeg_headers_give_size_components_and_resolution() {
        let mut img = image::RgbImage::new(40, 30);
        img.put_pixel(1, 1, image::Rgb([200, 10, 10]));
        let mut jpeg = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
        enc.encode_image(&img).unwrap();
        let info = jpeg_info(&jpeg).unwrap();
        assert_eq!((info.width, info.height, info.components), (40, 30, 3));
        assert_eq!(info.dpi, Some((200.0, 200.0)));
        assert!(matches!(
            jpeg_info(&jpeg[..20]),
            Err(SearchableError::Unreadable { .. })
        ));
        assert!(matches!(
            jpeg_info(b"not a jpeg"),
            Err(SearchableError::Unreadable { .. })
        ));
    }

    #[test]
    fn exif_resolution_is_read_in_either_byte_order() {
        // Big-endian TIFF header, one IFD with XResolution, YResolution, ResolutionUnit=cm.
        let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
        t.extend_from_slice(&3u16.to_be_bytes());
        let entry = |tag: u16, kind: u16, value: u32| {
            let mut e = tag.to_be_bytes().to_vec();
            e.extend_from_slice(&kind.to_be_bytes());
            e.extend_from_slice(&1u32.to_be_bytes());
            e.extend_from_slice(&value.to_be_bytes());
            e
        };
        t.extend(entry(0x011A, 5, 50));
        t.extend(entry(0x011B, 5, 58));
        t.extend(entry(0x0128, 3, 3 << 16));
        t.extend_from_slice(&[0; 4]);
        t.extend_from_slice(&[0, 0, 0, 118, 0, 0, 0, 1, 0, 0, 0, 236, 0, 0, 0, 2]);
        assert_eq!(exif_density(&t), Some((118.0 * 2.54, 118.0 * 2.54)));
        assert_eq!(exif_density(b"II*\0\xff\xff\xff\xff"), None);
    }

    #[test]
    fn page_size_comes_from_the_resolution_within_bounds() {
        let close = |(w, h): (f64, f64), (ew, eh): (f64, f64)| {
            assert!((w - ew).abs() < 1e-9 && (h - eh).abs() < 1e-9, "{w}x{h}");
        };
        close(page_size(2480, 3508, None), (595.2, 841.92));
        close(page_size(600, 300, Some((150.0, 150.0))), (288.0, 144.0));
        // A resolution no scanner writes is ignored.
        close(page_size(300, 300, Some((1.0, 1.0))), (72.0, 72.0));
        let (w, h) = page_size(60_000, 1_000, Some((72.0, 72.0)));
        assert!((w - MAX_PAGE_SIDE_PT).abs() < 1e-6 && h < 300.0);
    }

    #[test]
    fn too_many_pages_are_refused_before_anything_is_read() {
        let limits = Limits {
            max_pages: 1,
            ..Limits::default()
        };
        let pages = vec![page(1, Method::Ocr, vec![]), page(2, Method::Ocr, vec![])];
        assert_eq!(
            searchable_pdf_with_limits(MediaType::Jpeg, b"", &pages, &limits).unwrap_err(),
            SearchableError::TooManyPages { read: 2, limit: 1 }
        );
    }
}
