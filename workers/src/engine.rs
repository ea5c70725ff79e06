//! The in-process page engine: PDFium for PDFs, the `image` crate for image files,
//! Tesseract for OCR.

use std::borrow::Cow;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

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

/// Below this mean confidence of its words, a card page's first reading is unsure enough
/// to be worth a reading under a local threshold, which keeps light-grey print that
/// Otsu's global one loses. Clean scans of cards read 0.83 to 0.91, photocopies 0.52
/// to 0.86 (tuning seed).
const UNSURE_READING: f32 = 0.85;
/// Readings tried, in turn, on an area read on its own: an enlargement, as a multiple
/// of what the page's print size asks for, and a binarisation. On the 2021 fronts of
/// seed 7373 whose expiry the page reading lost, each one read an expiry another missed.
const AREA_READINGS: [(f32, Threshold); 3] = [
    (1.0, Threshold::Local),
    (1.0, Threshold::Global),
    (1.4, Threshold::Local),
];

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
            let turn = self.orientation.upright_turn(gray, dpi) as f32;
            if turn != 0.0 {
                let turned = self.read_turned(page, gray, turn, Level::Measured, dpi, limits)?;
                // Tesseract reads some sideways text well; on a tie the detector decides.
                if reading_score(&turned.words) >= reading_score(&best.words) {
                    best = turned;
                }
            }
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
        let mut text = PageText {
            page,
            method: Method::Ocr,
            words,
            barcodes,
            rotation: turn + skew,
            rereadings: Vec::new(),
        };
        // Before the code search and the rereadings, which look where the card's print is.
        self.read_other_face(&mut text, gray, dpi, limits);
        if hoso_extractors::misses_card_code(&text) {
            search_card_code(&mut text, gray);
        }
        if let Some(area) = hoso_extractors::lost_expiry_region(&text) {
            self.read_expiry_again(&mut text, gray, area, dpi, limits);
        }
        if hoso_extractors::wants_rereading(&text) {
            self.read_card_again(&mut text, gray, dpi, limits);
        }
        Ok(text)
    }

    /// Reads a card's page again, as `PageText::rereadings`: its text region enlarged
    /// when the print is small, and the whole page under a local threshold when the
    /// first reading was unsure. Each reading recovers lines the others lose (measured
    /// in BENCHMARKS.md); the extractors reconcile them. A rereading that fails leaves
    /// the first reading standing.
    fn read_card_again(
        &mut self,
        text: &mut PageText,
        gray: &image::GrayImage,
        dpi: u32,
        limits: &Limits,
    ) {
        let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
        let page = text.page;
        let started = Instant::now();
        if let Some(region) = crate::upscale::card_region(&text.words, gray) {
            let pixels = (region.x, region.y, region.w, region.h);
            match self
                .ocr
                .recognize_region(gray, pixels, region.scale, dpi, limit)
            {
                Ok(words) if !words.is_empty() => text.rereadings.push(words),
                Ok(_) => {}
                Err(e) => tracing::warn!(page, error = %e, "card region not read enlarged"),
            }
        }
        let unsure = hoso_extractors::mean_confidence(text).is_some_and(|c| c < UNSURE_READING);
        if unsure {
            match self.ocr.recognize_local_threshold(gray, dpi, limit) {
                Ok(words) if !words.is_empty() => text.rereadings.push(words),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(page, error = %e, "card page not read under a local threshold")
                }
            }
        }
        tracing::debug!(
            page,
            readings = text.rereadings.len(),
            ms = started.elapsed().as_millis() as u64,
            "card page read again"
        );
    }

    /// Reads on its own each area where the other face of a card page's one face may lie
    /// (`other_face_areas`), and keeps the first reading that completes the card: a page
    /// reading can pass over a whole face that reads well cut out.
    fn read_other_face(
        &mut self,
        text: &mut PageText,
        gray: &image::GrayImage,
        dpi: u32,
        limits: &Limits,
    ) {
        let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
        let areas: Vec<_> = hoso_extractors::other_face_areas(text)
            .into_iter()
            .filter_map(|area| Some((area, crate::upscale::area_region(area, &text.words, gray)?)))
            .collect();
        let ocr = &mut self.ocr;
        let readings = areas.into_iter().map(|(area, region)| {
            let pixels = (region.x, region.y, region.w, region.h);
            (
                area,
                ocr.recognize_region(gray, pixels, region.scale, dpi, limit),
            )
        });
        keep_first_reading(text, "other face", readings, |page, area, words| {
            hoso_extractors::with_other_face(page, area, words)
        });
    }

    /// Reads the part of a card front where its expiry is printed on its own, and keeps
    /// what it read there when that gives the expiry (`with_region_reading`): a page
    /// reading often loses that small print beside the photo. Tesseract reads a few
    /// small lines well at one enlargement and loses one at the next, so a second,
    /// larger one is tried when the first finds nothing.
    fn read_expiry_again(
        &mut self,
        text: &mut PageText,
        gray: &image::GrayImage,
        area: hoso_extractors::ExpiryArea,
        dpi: u32,
        limits: &Limits,
    ) {
        let Some(region) = crate::upscale::area_region(area.bbox, &text.words, gray) else {
            return;
        };
        let limit = std::time::Duration::from_millis(limits.ocr_timeout_ms);
        let pixels = (region.x, region.y, region.w, region.h);
        let ocr = &mut self.ocr;
        let readings = AREA_READINGS.into_iter().map(|(factor, threshold)| {
            let cut = Area {
                pixels,
                scale: region.scale * factor,
                dpi,
            };
            (&area, ocr.recognize_area(gray, cut, threshold, limit))
        });
        keep_first_reading(text, "expiry", readings, |page, area, words| {
            hoso_extractors::with_region_reading(page, area, words)
        });
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

fn reads_well(words: &[hoso_extractors::Word], width: u32, height: u32) -> bool {
    let real: Vec<&hoso_extractors::Word> = words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .collect();
    if real.len() < UPRIGHT_MIN_WORDS {
        return false;
    }
    let n = real.len() as f32;
    let confidence = real.iter().map(|w| w.confidence).sum::<f32>() / n;
    let across = real
        .iter()
        .filter(|w| w.bbox.width() * width as f32 > w.bbox.height() * height as f32)
        .count() as f32;
    confidence >= UPRIGHT_MIN_MEAN_CONFIDENCE && across / n >= UPRIGHT_MIN_ACROSS
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

/// Looks for the QR code of a card front that rxing's own reader missed, with the grid
/// reader over the card's part of the page.
fn search_card_code(text: &mut PageText, gray: &image::GrayImage) {
    let Some(region) = crate::upscale::code_region(&text.words, gray) else {
        return;
    };
    let started = Instant::now();
    let found = crate::qr_grid::read(gray, region);
    tracing::debug!(
        page = text.page,
        found = found.is_some(),
        ms = started.elapsed().as_millis() as u64,
        "card code searched by its grid"
    );
    if let Some(code) = found {
        text.barcodes.push(Barcode {
            payload: code.payload,
            bbox: crate::qr::bbox_of(&code.corners, gray.width(), gray.height()),
        });
    }
}

/// Puts the first of `readings` (an area of the page, read on its own) that `keep`
/// accepts in place of `text`, trying them in order and reading no further once one
/// is kept; a reading that fails ends the search and the page stands as it was read.
fn keep_first_reading<A>(
    text: &mut PageText,
    what: &'static str,
    readings: impl Iterator<Item = (A, Result<Vec<hoso_extractors::Word>, OcrError>)>,
    keep: impl Fn(&PageText, A, Vec<hoso_extractors::Word>) -> Option<PageText>,
) {
    for (attempt, (area, reading)) in readings.enumerate() {
        match reading {
            Ok(words) => {
                // The area's text, for following a miss; joined only when traced.
                let read = tracing::enabled!(tracing::Level::DEBUG).then(|| {
                    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
                    texts.join(" ")
                });
                // The words with their boxes, to replay a miss against the page's reading.
                if tracing::enabled!(tracing::Level::TRACE) {
                    let words = serde_json::to_string(&words).unwrap_or_default();
                    tracing::trace!(page = text.page, what, attempt, words, "area words");
                }
                let found = keep(text, area, words);
                tracing::debug!(
                    page = text.page,
                    what,
                    attempt,
                    found = found.is_some(),
                    read = read.as_deref().unwrap_or_default(),
                    "area read again"
                );
                if let Some(merged) = found {
                    *text = merged;
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(page = text.page, what, error = %e, "area not read again");
                return;
            }
        }
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
