//! The in-process page engine: PDFium for PDFs, the `image` crate for image files,
//! Tesseract for OCR.

use std::borrow::Cow;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use hoso_extractors::reread::{self, Attempt, Found, Look, Rereading};
use hoso_extractors::{Barcode, Method, PageText};
use hoso_pipeline::ports::{PageEngine, PageError};
use hoso_pipeline::{Limits, MediaType};
use pdfium_render::prelude::*;

use crate::ocr::{Area, OcrError, TesseractOcr, Threshold};
use crate::pdf::{self, PdfiumLoadError};
use crate::raster::{self, ASSUMED_IMAGE_DPI};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// Tesseract languages, `+`-joined.
    pub ocr_languages: String,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            ocr_languages: "vie".to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Ocr(#[from] OcrError),
    #[error(transparent)]
    Pdfium(#[from] PdfiumLoadError),
}

pub struct LocalPageEngine {
    ocr: TesseractOcr,
    mrz: TesseractOcr,
    orientation: crate::ocr::OrientationDetector,
}

impl LocalPageEngine {
    /// Loads Tesseract (about 150 ms for `vie`, plus `eng` for machine-readable zones): build one per worker thread and reuse it.
    pub fn new(config: &EngineConfig) -> Result<Self, EngineError> {
        Ok(Self {
            ocr: TesseractOcr::new(&config.ocr_languages)?,
            mrz: TesseractOcr::for_mrz()?,
            orientation: crate::ocr::OrientationDetector::new()?,
        })
    }

    fn ocr_page(
        &mut self,
        page: u32,
        gray: &image::GrayImage,
        dpi: u32,
        limits: &Limits,
    ) -> Result<PageText, PageError> {
        let started = Instant::now();
        // Upright first (quarter turns), then level (a few degrees): Tesseract reads
        // sideways pages badly and crooked ones worse. Most pages come upright, and a page
        // that reads well as it came needs no orientation detection. Otherwise detection
        // can still take a card with little text for upside down, so a turn is kept only
        // if the turned page also reads better than the page as it came.
        let mut best = self.read_turned(page, gray, 0.0, Level::Measured, dpi, limits)?;
        // The skew is measured on the page's lines, which a card's guilloche and a
        // phone photo's slant can outweigh: a levelled page that reads badly is read as
        // it came too, and the better reading kept (a phone photo levelled the wrong way
        // read no word at all).
        if best.skew != 0.0 && !reads_well(&best.words, best.image.width(), best.image.height()) {
            let as_came = self.read_turned(page, gray, 0.0, Level::AsCame, dpi, limits)?;
            if reading_score(&as_came.words) > reading_score(&best.words) {
                best = as_came;
            }
        }
        if !reads_well(&best.words, best.image.width(), best.image.height()) {
            best = self.turned_upright(page, gray, best, dpi, limits)?;
        }
        let Reading {
            turn,
            skew,
            mut words,
            image: gray,
        } = best;
        let gray: &image::GrayImage = &gray;
        if let Some(zone) = crate::mrz_zone::find_zone(&words) {
            let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
            let region = crate::mrz_zone::pixels(&zone.region, gray);
            match self.mrz.recognize_region(gray, region, 1.0, dpi, limit) {
                Ok(reread) => {
                    let lines = crate::mrz_zone::merge_zone(&mut words, &zone, reread);
                    tracing::debug!(page, lines, "machine-readable zone read again");
                }
                // The page reading's zone stands; the extractor checks its digits.
                Err(e) => tracing::warn!(page, error = %e, "machine-readable zone not read again"),
            }
        }
        let ocr_done = Instant::now();
        let barcodes: Vec<_> = crate::qr::find_qr(gray).into_iter().collect();
        tracing::debug!(
            page,
            width = gray.width(),
            height = gray.height(),
            words = words.len(),
            turn,
            skew,
            ocr_ms = (ocr_done - started).as_millis() as u64,
            qr_ms = ocr_done.elapsed().as_millis() as u64,
            "page read"
        );
        let text = PageText {
            page,
            method: Method::Ocr,
            words,
            barcodes,
            rotation: turn + skew,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        };
        Ok(self.read_again(text, gray, dpi, limits))
    }

    /// A reading of the page turned a quarter or half round, in place of `best`, which
    /// did not read well, when it reads better.
    ///
    /// A page Tesseract read sideways is turned a quarter one way or the other;
    /// orientation detection is no guide there (over a sheet with two cards lying small
    /// it reported confident turns the wrong way), so both turns are read and the one
    /// whose words lie across and read better kept: sideways words stand in the
    /// extractors' way whatever they scored. Otherwise orientation detection says the
    /// turn, and Tesseract reads some sideways text well: on a tie the detector decides.
    fn turned_upright<'a>(
        &mut self,
        page: u32,
        gray: &'a image::GrayImage,
        best: Reading<'a>,
        dpi: u32,
        limits: &Limits,
    ) -> Result<Reading<'a>, PageError> {
        if reads_sideways(&best.words, best.image.width(), best.image.height()) {
            let mut upright: Option<Reading<'a>> = None;
            for turn in [90.0, 270.0] {
                let turned = self.read_turned(page, gray, turn, Level::Measured, dpi, limits)?;
                let across =
                    across_share(&turned.words, turned.image.width(), turned.image.height());
                let better = upright
                    .as_ref()
                    .is_none_or(|u| reading_score(&turned.words) > reading_score(&u.words));
                if across >= 0.5 && better {
                    upright = Some(turned);
                }
            }
            return Ok(upright.unwrap_or(best));
        }
        let turn = self.orientation.upright_turn(gray, dpi) as f32;
        if turn == 0.0 {
            return Ok(best);
        }
        let turned = self.read_turned(page, gray, turn, Level::Measured, dpi, limits)?;
        Ok(
            if reading_score(&turned.words) >= reading_score(&best.words) {
                turned
            } else {
                best
            },
        )
    }

    /// Runs the extractors' plan of what to read again (`hoso_extractors::reread`) over
    /// the page: each look is an image operation of this engine's, and what is kept of
    /// it is theirs to say. A look that fails leaves the page as it stood.
    fn read_again(
        &mut self,
        text: PageText,
        gray: &image::GrayImage,
        dpi: u32,
        limits: &Limits,
    ) -> PageText {
        let page = text.page;
        let mut rereading = Rereading::new(text);
        // The image as the page's reading shows it: areas the reading keeps turned half
        // round are turned here too, so every look after sees what the words describe.
        let (mut shown, mut turned) = (Cow::Borrowed(gray), 0);
        while let Some(step) = rereading.next_step() {
            let started = Instant::now();
            let mut kept = 0;
            for (attempt, Attempt { look, keep }) in step.attempts.into_iter().enumerate() {
                for area in &rereading.page().half_turned[turned..] {
                    shown = Cow::Owned(crate::upscale::with_area_half_turned(&shown, *area));
                    turned += 1;
                }
                match self.look(&look, rereading.page(), &shown, dpi, limits) {
                    Ok(Some(found)) => {
                        // What was read, for following a miss; joined only when traced.
                        let read =
                            tracing::enabled!(tracing::Level::DEBUG).then(|| found_text(&found));
                        if tracing::enabled!(tracing::Level::TRACE) {
                            let found =
                                serde_json::to_string(&found_words(&found)).unwrap_or_default();
                            tracing::trace!(
                                page,
                                step = step.name,
                                attempt,
                                found,
                                "words read again"
                            );
                        }
                        let was_kept = rereading.offer(&keep, found);
                        tracing::debug!(
                            page,
                            step = step.name,
                            attempt,
                            kept = was_kept,
                            read = read.as_deref().unwrap_or_default(),
                            "read again"
                        );
                        if was_kept {
                            kept += 1;
                            if step.first_kept {
                                break;
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(page, step = step.name, error = %e, "not read again");
                        if step.first_kept {
                            break;
                        }
                    }
                }
            }
            tracing::debug!(
                page,
                step = step.name,
                kept,
                ms = started.elapsed().as_millis() as u64,
                "rereading step done"
            );
        }
        rereading.finish()
    }

    /// One look of a rereading plan: `Ok(None)` when there is nothing to read (the
    /// print is large enough already, the area is off the image).
    fn look(
        &mut self,
        look: &Look,
        page: &PageText,
        gray: &image::GrayImage,
        dpi: u32,
        limits: &Limits,
    ) -> Result<Option<Found>, OcrError> {
        let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
        let words = match look {
            Look::Area { bbox, upside_down } => {
                let Some(r) = crate::upscale::area_region(*bbox, &page.words, gray)
                    .filter(|r| crate::upscale::has_ink(r, gray))
                else {
                    return Ok(None);
                };
                let turned;
                let image = if *upside_down {
                    turned = crate::upscale::with_area_half_turned(gray, *bbox);
                    &turned
                } else {
                    gray
                };
                self.ocr
                    .recognize_region(image, (r.x, r.y, r.w, r.h), r.scale, dpi, limit)?
            }
            Look::Lines {
                bbox,
                factor,
                threshold,
            } => {
                let Some(r) = crate::upscale::area_region(*bbox, &page.words, gray) else {
                    return Ok(None);
                };
                let cut = Area {
                    pixels: (r.x, r.y, r.w, r.h),
                    scale: r.scale * factor,
                    dpi,
                };
                let threshold = match threshold {
                    reread::Threshold::Global => Threshold::Global,
                    reread::Threshold::Local => Threshold::Local,
                };
                self.ocr.recognize_area(gray, cut, threshold, limit)?
            }
            Look::PrintEnlarged => {
                let Some(r) = crate::upscale::card_region(&page.words, gray) else {
                    return Ok(None);
                };
                self.ocr
                    .recognize_region(gray, (r.x, r.y, r.w, r.h), r.scale, dpi, limit)?
            }
            Look::LocalThreshold => self.ocr.recognize_local_threshold(gray, dpi, limit)?,
            Look::CodeSearch => return Ok(Some(Found::Codes(search_code(page, gray)))),
        };
        Ok(Some(Found::Words(words)))
    }

    /// Turns the page by `turn` degrees, levels it (unless told to read it as it came)
    /// and reads it.
    ///
    /// Tesseract's orientation detection runs on a reduced image and takes some ID cards
    /// for upside down (confidence 5.9-7.1 against 9.3-11 for truly turned pages), so a
    /// quarter turn is kept only when the turned page also reads better (summed confidence
    /// of words of two letters or more) than the page as it came. Skews of 0.4° to 6° are
    /// levelled; a levelled page that still reads badly is read as it came too and the
    /// better reading kept (a phone photo whose guilloche and slant misled the skew measure
    /// read no word levelled). On 40 generated specimens: 426/477 fields against 423/477
    /// without; a page that orientation detection wants to turn costs a second OCR.
    fn read_turned<'a>(
        &mut self,
        page: u32,
        gray: &'a image::GrayImage,
        turn: f32,
        level: Level,
        dpi: u32,
        limits: &Limits,
    ) -> Result<Reading<'a>, PageError> {
        // Most pages are read as they came: borrow them rather than copy a page of pixels.
        let turned = if turn == 0.0 {
            Cow::Borrowed(gray)
        } else {
            Cow::Owned(crate::deskew::rotate(gray, turn))
        };
        let skew = match level {
            Level::Measured => crate::deskew::skew_correction(&turned),
            Level::AsCame => 0.0,
        };
        let image = if skew == 0.0 {
            turned
        } else {
            Cow::Owned(crate::deskew::rotate(&turned, skew))
        };
        let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
        let words = self
            .ocr
            .recognize(&image, dpi, limit)
            .map_err(|e| match e {
                OcrError::TimedOut(_) => PageError::OcrTimeout {
                    page,
                    limit_ms: limits.ocr_timeout_ms,
                },
                other => PageError::Engine {
                    page,
                    detail: other.to_string(),
                },
            })?;
        Ok(Reading {
            turn,
            skew,
            words,
            image,
        })
    }

    fn read_pdf(
        &mut self,
        source: &Path,
        limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError> {
        let unreadable = |detail: String| PageError::Unreadable {
            media: MediaType::Pdf,
            detail,
        };
        let pdfium = pdf::pdfium().map_err(|e| PageError::Engine {
            page: 0,
            detail: e.to_string(),
        })?;
        // From the file, not from memory: PDFium reads the parts each page needs, so a
        // 200-page dossier costs no more memory than a 20-page one.
        let document = pdfium
            .load_pdf_from_file(source, None)
            .map_err(|e| match e {
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
                    PageError::Encrypted
                }
                other => unreadable(describe_load_error(&other)),
            })?;
        let count = document.pages().len() as u32;
        if count == 0 {
            return Err(unreadable("the pdf has no pages".to_string()));
        }
        if count > limits.max_pages {
            return Err(PageError::TooManyPages {
                pages: count,
                limit: limits.max_pages,
            });
        }
        for (index, page) in document.pages().iter().enumerate() {
            let number = index as u32 + 1;
            if let Some(words) = pdf::text_layer_words(&page) {
                on_page(PageText {
                    page: number,
                    method: Method::TextLayer,
                    words,
                    barcodes: Vec::new(),
                    rotation: 0.0,
                    rereadings: Vec::new(),
                    half_turned: Vec::new(),
                });
                continue;
            }
            let (w_in, h_in) = (page.width().to_inches(), page.height().to_inches());
            let scan = pdf::embedded_jpeg(&page)
                .and_then(|jpeg| raster::decode_image(MediaType::Jpeg, &jpeg, limits).ok());
            if let Some(image) = scan {
                // The scan's own resolution, from its pixels over the page's inches.
                let dpi = (image.width() as f32 / w_in).round().max(1.0) as u32;
                let gray = raster::to_gray(&image, dpi);
                drop(image);
                tracing::debug!(page = number, dpi, "embedded scan taken as is");
                on_page(self.ocr_page(number, &gray, dpi, limits)?);
                continue;
            }
            let dpi = render_dpi(w_in, h_in, limits);
            let (w_px, h_px) = (
                (w_in * dpi as f32).round().max(1.0),
                (h_in * dpi as f32).round().max(1.0),
            );
            raster::check_pixels(number, w_px as u64, h_px as u64, limits)?;
            let render_started = Instant::now();
            let bitmap = page
                .render_with_config(
                    &PdfRenderConfig::new()
                        .set_target_width(w_px as i32)
                        .set_maximum_height(h_px as i32),
                )
                .map_err(|e| unreadable(format!("page {number} does not render: {e}")))?;
            let image = bitmap
                .as_image()
                .map_err(|e| unreadable(format!("page {number} does not render: {e}")))?;
            // The BGRA bitmap and the RGBA image are each 4 bytes a pixel: free both before OCR.
            drop(bitmap);
            let gray = raster::to_gray(&image, dpi);
            drop(image);
            tracing::debug!(
                page = number,
                render_ms = render_started.elapsed().as_millis() as u64,
                "page rendered"
            );
            on_page(self.ocr_page(number, &gray, dpi, limits)?);
        }
        Ok(count)
    }
}

impl LocalPageEngine {
    fn read_single_image(
        &mut self,
        media: MediaType,
        bytes: &[u8],
        limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError> {
        let decode_started = Instant::now();
        let image = raster::decode_image(media, bytes, limits)?;
        let gray = raster::to_gray(&image, ASSUMED_IMAGE_DPI);
        drop(image);
        tracing::debug!(
            decode_ms = decode_started.elapsed().as_millis() as u64,
            "image decoded"
        );
        on_page(self.ocr_page(1, &gray, ASSUMED_IMAGE_DPI, limits)?);
        Ok(1)
    }
}

impl PageEngine for LocalPageEngine {
    fn read_pages(
        &mut self,
        media: MediaType,
        source: &Path,
        limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError> {
        match media {
            MediaType::Pdf => self.read_pdf(source, limits, on_page),
            MediaType::Tiff => {
                let bytes = &read_source(source)?;
                let count = raster::tiff_page_count(bytes, limits.max_pages)?;
                if count > limits.max_pages {
                    return Err(PageError::TooManyPages {
                        pages: count,
                        limit: limits.max_pages,
                    });
                }
                if count == 1 {
                    return self.read_single_image(media, bytes, limits, on_page);
                }
                raster::for_each_tiff_page(bytes, limits, |page, gray| {
                    on_page(self.ocr_page(page, &gray, ASSUMED_IMAGE_DPI, limits)?);
                    Ok(())
                })?;
                Ok(count)
            }
            MediaType::Jpeg | MediaType::Png => {
                let bytes = &read_source(source)?;
                self.read_single_image(media, bytes, limits, on_page)
            }
        }
    }

    fn searchable_pdf(
        &mut self,
        media: MediaType,
        source: &Path,
        pages: &[PageText],
        limits: &Limits,
        output: &Path,
    ) -> Result<bool, PageError> {
        let failed = |detail: String| PageError::Searchable { detail };
        let file = std::fs::File::create(output)
            .map_err(|e| failed(format!("cannot create {}: {e}", output.display())))?;
        let mut out = std::io::BufWriter::new(file);
        crate::searchable::write_searchable_pdf(media, source, pages, limits, &mut out)
            .map_err(|e| failed(e.to_string()))?;
        out.flush()
            .map_err(|e| failed(format!("cannot write {}: {e}", output.display())))?;
        Ok(true)
    }

    fn describe(&self) -> String {
        engine_versions(self.ocr.languages()).to_string()
    }
}

/// What produced a reading, for provenance: hoso's and the extractors' versions,
/// Tesseract's version with the SHA-256 of each model file it loads (the page languages,
/// `eng` for machine-readable zones, `osd` for orientation), and PDFium's build number
/// (from the wheel's `version.json` that setup keeps beside the library) with the
/// library's SHA-256. Hashed once per process.
pub fn engine_versions(languages: &str) -> serde_json::Value {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<Vec<(String, serde_json::Value)>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, v)) = cache.iter().find(|(l, _)| l == languages) {
        return v.clone();
    }
    let tessdata = crate::ocr::default_tessdata();
    let mut models = serde_json::Map::new();
    let mut names: Vec<&str> = languages.split('+').collect();
    names.extend(["eng", "osd"]);
    names.sort_unstable();
    names.dedup();
    for name in names {
        let path = tessdata.join(format!("{name}.traineddata"));
        models.insert(name.to_string(), serde_json::json!(file_sha256(&path)));
    }
    let pdfium = crate::pdf::pdfium_library_path();
    // The wheel's version.json beside the library, which setup.sh keeps (build number).
    let pdfium_build = std::fs::read(pdfium.with_file_name("version.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("build").cloned());
    let v = serde_json::json!({
        "hoso": env!("CARGO_PKG_VERSION"),
        "extractors": hoso_extractors::VERSION,
        "tesseract": {
            "version": TesseractOcr::version(),
            "languages": languages,
            "traineddata": models,
        },
        "pdfium": {"build": pdfium_build, "library_sha256": file_sha256(&pdfium)},
    });
    cache.push((languages.to_string(), v.clone()));
    v
}

/// A file's SHA-256 in hex, or `None` when it cannot be read.
fn file_sha256(path: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    Some(hex::encode(hasher.finalize()))
}

/// An image file's bytes. Image files are small next to their decoded pixels, which the
/// pixel limit bounds; PDFs are never read whole. A file that cannot be read is the
/// machine's fault, not the file's: a transient error.
fn read_source(source: &Path) -> Result<Vec<u8>, PageError> {
    std::fs::read(source).map_err(|e| PageError::Engine {
        page: 0,
        detail: format!("cannot read {}: {e}", source.display()),
    })
}

/// Whether a page is levelled by its measured skew before it is read.
#[derive(Debug, Clone, Copy)]
enum Level {
    Measured,
    AsCame,
}

/// One reading of a page: the turn and skew applied, the words, and the image they were
/// read from (its boxes are fractions of it).
struct Reading<'a> {
    turn: f32,
    skew: f32,
    words: Vec<hoso_extractors::Word>,
    image: Cow<'a, image::GrayImage>,
}

/// Words of three letters or more a page needs, their mean confidence, and the share of
/// them lying across the page, to count as read the right way up. Text upside down reads
/// as noise of low confidence; Tesseract can read sideways text well, but its words then
/// stand taller than wide.
const UPRIGHT_MIN_WORDS: usize = 8;
const UPRIGHT_MIN_MEAN_CONFIDENCE: f32 = 0.80;
const UPRIGHT_MIN_ACROSS: f32 = 0.9;

/// Words of three letters or digits or more: what a reading's quality is judged by.
fn real_words(words: &[hoso_extractors::Word]) -> Vec<&hoso_extractors::Word> {
    words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .collect()
}

/// Whether a word lies across a `width` by `height` page rather than standing up.
fn lies_across(w: &hoso_extractors::Word, width: u32, height: u32) -> bool {
    w.bbox.width() * width as f32 > w.bbox.height() * height as f32
}

/// The share of a reading's real words that lie across the page.
fn across_share(words: &[hoso_extractors::Word], width: u32, height: u32) -> f32 {
    let real = real_words(words);
    if real.is_empty() {
        return 0.0;
    }
    real.iter()
        .filter(|w| lies_across(w, width, height))
        .count() as f32
        / real.len() as f32
}

fn reads_well(words: &[hoso_extractors::Word], width: u32, height: u32) -> bool {
    let real = real_words(words);
    if real.len() < UPRIGHT_MIN_WORDS {
        return false;
    }
    let confidence = real.iter().map(|w| w.confidence).sum::<f32>() / real.len() as f32;
    confidence >= UPRIGHT_MIN_MEAN_CONFIDENCE
        && across_share(words, width, height) >= UPRIGHT_MIN_ACROSS
}

/// Whether most of a reading's real words stand taller than wide: Tesseract read the
/// page sideways, its text turned a quarter one way or the other.
fn reads_sideways(words: &[hoso_extractors::Word], width: u32, height: u32) -> bool {
    real_words(words).len() >= UPRIGHT_MIN_WORDS && across_share(words, width, height) < 0.5
}

/// How well a page read: the confidence summed over words of two letters or more, so
/// that the noise a page read sideways turns into counts for little.
fn reading_score(words: &[hoso_extractors::Word]) -> f32 {
    words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .map(|w| w.confidence)
        .sum()
}

/// Pixels a rendered page may have: A3 at 300 dpi is 17 Mpx. Larger pages (plans,
/// posters) are rendered at a lower resolution instead of being refused.
const RENDER_PIXEL_BUDGET: f32 = 25_000_000.0;

/// The resolution to render a page of `w_in` × `h_in` inches at: the configured one
/// (300 dpi, right for text), lowered for pages so large that it would exceed the pixel
/// budget or the per-page pixel limit.
fn render_dpi(w_in: f32, h_in: f32, limits: &Limits) -> u32 {
    let area = (w_in * h_in).max(f32::EPSILON);
    let budget = RENDER_PIXEL_BUDGET.min(limits.max_pixels_per_page as f32);
    let fitting = (budget / area).sqrt().floor();
    (limits.render_dpi as f32).min(fitting).max(1.0) as u32
}

/// PDFium's reasons for refusing a document, in words a clerk can act on.
fn describe_load_error(e: &PdfiumError) -> String {
    match e {
        PdfiumError::PdfiumLibraryInternalError(internal) => match internal {
            PdfiumInternalError::FormatError => {
                "it is damaged beyond repair (pdfium cannot parse its structure)".to_string()
            }
            PdfiumInternalError::SecurityError => {
                "its security handler is not supported".to_string()
            }
            PdfiumInternalError::FileError => "pdfium cannot read its bytes".to_string(),
            PdfiumInternalError::PageError => "a page cannot be loaded".to_string(),
            PdfiumInternalError::PasswordError => "it needs a password".to_string(),
            PdfiumInternalError::Unknown => "pdfium refused it without a reason".to_string(),
        },
        other => format!("pdfium refused it: {other}"),
    }
}

/// Looks for a QR code that rxing's own reader missed, with the grid reader over the
/// part of the page where the print is.
fn search_code(page: &PageText, gray: &image::GrayImage) -> Vec<Barcode> {
    let Some(region) = crate::upscale::code_region(&page.words, gray) else {
        return Vec::new();
    };
    let started = Instant::now();
    let found = crate::qr_grid::read(gray, region);
    tracing::debug!(
        page = page.page,
        found = found.is_some(),
        ms = started.elapsed().as_millis() as u64,
        "code searched by its grid"
    );
    found
        .into_iter()
        .map(|code| Barcode {
            payload: code.payload,
            bbox: crate::qr::bbox_of(&code.corners, gray.width(), gray.height()),
        })
        .collect()
}

fn found_words(found: &Found) -> &[hoso_extractors::Word] {
    match found {
        Found::Words(words) => words,
        Found::Codes(_) => &[],
    }
}

/// What a look found, as text for a trace.
fn found_text(found: &Found) -> String {
    match found {
        Found::Words(words) => {
            let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            texts.join(" ")
        }
        Found::Codes(codes) => format!("{} code(s)", codes.len()),
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn pages_render_at_300_dpi_unless_too_large() {
        let limits = Limits::default();
        assert_eq!(render_dpi(8.27, 11.69, &limits), 300, "a4");
        assert_eq!(render_dpi(11.69, 16.54, &limits), 300, "a3");
        let a0 = render_dpi(33.1, 46.8, &limits);
        assert_eq!(a0, 127, "a0");
        let poster = render_dpi(200.0, 200.0, &limits);
        assert_eq!(poster, 25, "a 200-inch poster");
        let tight = Limits {
            max_pixels_per_page: 4_000_000,
            ..Limits::default()
        };
        assert_eq!(render_dpi(8.27, 11.69, &tight), 203);
    }
}
