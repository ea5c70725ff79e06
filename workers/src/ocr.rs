//! Tesseract through its C API: one engine per worker thread, loaded once, reused per page.

use std::os::raw::{c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hoso_extractors::{BBox, Word};
use image::GrayImage;
use tesseract_rs::{TessPageIteratorLevel, TessPageSegMode, TesseractAPI};

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("tesseract could not load languages {languages:?} from {datapath}: is tesseract-ocr-{first} installed?")]
    Init {
        languages: String,
        datapath: String,
        first: String,
    },
    #[error("tesseract failed: {0}")]
    Recognition(String),
    #[error("ocr took longer than its limit of {0:?}")]
    TimedOut(Duration),
}

// tesseract-rs calls Recognize without a progress monitor, which is the only way to give
// Tesseract a deadline; these are the C API's own entry points, from the same library.
extern "C" {
    fn TessBaseAPIRecognize(handle: *mut c_void, monitor: *mut c_void) -> c_int;
    fn TessMonitorCreate() -> *mut c_void;
    fn TessMonitorDelete(monitor: *mut c_void);
    fn TessMonitorSetDeadlineMSecs(monitor: *mut c_void, deadline: c_int);
    fn TessBaseAPIDetectOrientationScript(
        handle: *mut c_void,
        orient_deg: *mut c_int,
        orient_conf: *mut f32,
        script_name: *mut *const c_char,
        script_conf: *mut f32,
    ) -> c_int;
}

/// Tesseract's orientation and script detection (`osd.traineddata`), on its own engine.
pub struct OrientationDetector {
    api: TesseractAPI,
}

/// Below this confidence Tesseract's orientation guess is noise: a card with a few lines
/// of text can look upside down.
const MIN_ORIENTATION_CONFIDENCE: f32 = 3.0;

impl OrientationDetector {
    pub fn new() -> Result<Self, OcrError> {
        let datapath = default_tessdata();
        let api = TesseractAPI::new();
        api.init(&datapath, "osd").map_err(|_| OcrError::Init {
            languages: "osd".to_string(),
            datapath: datapath.display().to_string(),
            first: "osd".to_string(),
        })?;
        api.set_page_seg_mode(TessPageSegMode::PSM_OSD_ONLY)
            .map_err(recognition)?;
        api.set_variable("debug_file", "/dev/null")
            .map_err(recognition)?;
        Ok(Self { api })
    }

    /// The clockwise quarter turns (0, 90, 180 or 270 degrees) that make the page upright,
    /// or 0 when Tesseract is not confident.
    pub fn upright_turn(&mut self, image: &GrayImage, dpi: u32) -> u32 {
        // Orientation needs no fine detail: a smaller image costs a fraction of the time.
        let scale = (image.width().max(image.height()) as f32 / 1400.0).max(1.0);
        let small;
        let (image, dpi) = if scale > 1.0 {
            small = image::imageops::resize(
                image,
                (image.width() as f32 / scale) as u32,
                (image.height() as f32 / scale) as u32,
                image::imageops::FilterType::Triangle,
            );
            (&small, (dpi as f32 / scale) as u32)
        } else {
            (image, dpi)
        };
        let (w, h) = image.dimensions();
        if self
            .api
            .set_image(image.as_raw(), w as i32, h as i32, 1, w as i32)
            .is_err()
            || self
                .api
                .set_source_resolution(dpi.clamp(70, 1200) as i32)
                .is_err()
        {
            return 0;
        }
        let Ok(handle) = self.api.handle.lock() else {
            return 0;
        };
        let (mut degrees, mut confidence, mut script_conf) = (0 as c_int, 0f32, 0f32);
        let mut script: *const c_char = std::ptr::null();
        // SAFETY: a live TessBaseAPI initialised with osd and holding an image; every out
        // pointer is a valid local. The script name points into Tesseract's own tables
        // and is not kept.
        let found = unsafe {
            TessBaseAPIDetectOrientationScript(
                *handle,
                &mut degrees,
                &mut confidence,
                &mut script,
                &mut script_conf,
            )
        };
        drop(handle);
        let _ = self.api.clear();
        tracing::debug!(degrees, confidence, "orientation detected");
        if found == 0 || confidence < MIN_ORIENTATION_CONFIDENCE {
            return 0;
        }
        // Tesseract reports how far the text is turned anticlockwise; turning the page
        // clockwise by the rest of the circle sets it upright.
        ((360 - degrees.rem_euclid(360)) % 360) as u32
    }
}

/// A Tesseract progress monitor that cancels recognition at a deadline.
struct Deadline(*mut c_void);

impl Deadline {
    fn after(limit: Duration) -> Option<Self> {
        // SAFETY: TessMonitorCreate has no preconditions; a null result is handled.
        let monitor = unsafe { TessMonitorCreate() };
        if monitor.is_null() {
            return None;
        }
        let ms = c_int::try_from(limit.as_millis()).unwrap_or(c_int::MAX);
        // SAFETY: `monitor` is a live monitor created above.
        unsafe { TessMonitorSetDeadlineMSecs(monitor, ms) };
        Some(Self(monitor))
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // SAFETY: created by TessMonitorCreate and deleted exactly once, after Recognize
        // returned.
        unsafe { TessMonitorDelete(self.0) }
    }
}

pub struct TesseractOcr {
    api: TesseractAPI,
    languages: String,
}

/// Debian's tessdata folder, unless `TESSDATA_PREFIX` says otherwise.
pub fn default_tessdata() -> PathBuf {
    if let Some(p) = std::env::var_os("TESSDATA_PREFIX") {
        return PathBuf::from(p);
    }
    for candidate in [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
    ] {
        if Path::new(candidate).join("eng.traineddata").exists() {
            return PathBuf::from(candidate);
        }
    }
    PathBuf::from("/usr/share/tesseract-ocr/5/tessdata")
}

/// White pixels framing an area read on its own (`recognize_area`).
const AREA_MARGIN: u32 = 32;

/// An area of a page to read on its own: its pixels `(x, y, width, height)`, how much
/// to enlarge them, and the page's resolution.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub pixels: (u32, u32, u32, u32),
    pub scale: f32,
    pub dpi: u32,
}

/// How an area is binarised before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Otsu's, over the whole area.
    Global,
    /// Sauvola's, window by window.
    Local,
}

/// Region `(x, y, width, height)` of `image` enlarged `scale` times (never shrunk), and
/// the region as it was cut (clipped to the image).
fn enlarged_crop(
    image: &GrayImage,
    (x, y, w, h): (u32, u32, u32, u32),
    scale: f32,
) -> (GrayImage, (u32, u32, u32, u32)) {
    let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
    let region = (x, y, crop.width(), crop.height());
    if scale <= 1.0 {
        return (crop, region);
    }
    let (sw, sh) = (
        ((crop.width() as f32 * scale).round() as u32).max(1),
        ((crop.height() as f32 * scale).round() as u32).max(1),
    );
    let big = image::imageops::resize(&crop, sw, sh, image::imageops::FilterType::CatmullRom);
    (big, region)
}

/// A box in fractions of `region` (pixels of the page), as fractions of the page: an
/// enlarged region's fractions are the same as the region's.
fn region_box_on_page(b: BBox, (x, y, w, h): (u32, u32, u32, u32), (pw, ph): (u32, u32)) -> BBox {
    let (x, y, w, h) = (x as f32, y as f32, w as f32, h as f32);
    let (pw, ph) = (pw as f32, ph as f32);
    BBox::new(
        (x + b.x0 * w) / pw,
        (y + b.y0 * h) / ph,
        (x + b.x1 * w) / pw,
        (y + b.y1 * h) / ph,
    )
}

fn recognition(e: impl std::fmt::Display) -> OcrError {
    OcrError::Recognition(e.to_string())
}

impl TesseractOcr {
    pub fn new(languages: &str) -> Result<Self, OcrError> {
        let datapath = default_tessdata();
        let api = TesseractAPI::new();
        api.init(&datapath, languages).map_err(|_| OcrError::Init {
            languages: languages.to_string(),
            datapath: datapath.display().to_string(),
            first: languages.split('+').next().unwrap_or(languages).to_string(),
        })?;
        api.set_page_seg_mode(TessPageSegMode::PSM_AUTO)
            .map_err(recognition)?;
        // Tesseract prints diagnostics ("Detected 34 diacritics") to stderr, where they
        // would interleave with the command's own output.
        api.set_variable("debug_file", "/dev/null")
            .map_err(recognition)?;
        Ok(Self {
            api,
            languages: languages.to_string(),
        })
    }

    /// Recognises `image` as `recognize` does, but binarised with Sauvola's local
    /// threshold instead of Otsu's global one: it keeps light-grey print a global
    /// threshold drops, and loses some of what that keeps, so it serves for rereading
    /// unsure card pages. The same engine switches back, so no second model is loaded.
    pub fn recognize_local_threshold(
        &mut self,
        image: &GrayImage,
        dpi: u32,
        limit: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        self.under_local_threshold(|ocr| ocr.recognize(image, dpi, limit))
    }

    fn under_local_threshold(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<Vec<Word>, OcrError>,
    ) -> Result<Vec<Word>, OcrError> {
        self.with_setting(
            |api| api.set_variable("thresholding_method", "2"),
            |api| api.set_variable("thresholding_method", "0"),
            read,
        )
    }

    /// Runs `read` with a setting applied, then restores the engine's default even when
    /// `read` failed: one engine serves every page of a worker, so nothing an unusual
    /// reading sets may outlive it.
    fn with_setting<E: std::fmt::Display>(
        &mut self,
        apply: impl Fn(&TesseractAPI) -> Result<(), E>,
        restore: impl Fn(&TesseractAPI) -> Result<(), E>,
        read: impl FnOnce(&mut Self) -> Result<Vec<Word>, OcrError>,
    ) -> Result<Vec<Word>, OcrError> {
        apply(&self.api).map_err(recognition)?;
        let words = read(self);
        let restored = restore(&self.api).map_err(recognition);
        let words = words?;
        restored?;
        Ok(words)
    }

    /// An engine for machine-readable zones: the English model, one block of text,
    /// only the zone's 37 characters.
    pub fn for_mrz() -> Result<Self, OcrError> {
        let ocr = Self::new("eng")?;
        ocr.api
            .set_page_seg_mode(TessPageSegMode::PSM_SINGLE_BLOCK)
            .map_err(recognition)?;
        ocr.api
            .set_variable("tessedit_char_whitelist", crate::mrz_zone::MRZ_ALPHABET)
            .map_err(recognition)?;
        Ok(ocr)
    }

    /// Recognises the words of region `(x, y, width, height)` (pixels) of a page image,
    /// enlarged `scale` times first (Catmull-Rom; 1 reads it as it is), with boxes as
    /// fractions of the whole page.
    pub fn recognize_region(
        &mut self,
        image: &GrayImage,
        region: (u32, u32, u32, u32),
        scale: f32,
        dpi: u32,
        limit: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        self.recognize_cut(image, region, scale, 0, dpi, limit)
    }

    /// Recognises a small area of a page as `recognize_region` does, framed in a white
    /// margin and read as one block of lines: Tesseract's layout analysis loses lines
    /// cut close at an image's edge, and over a card's photo and guilloche it often
    /// takes the whole area for a picture and reads nothing. `threshold` picks the
    /// binarisation: a global one over a card's corner and the darker desk beside it
    /// can drop the card's print, a local one can break thin strokes on a pattern.
    pub fn recognize_area(
        &mut self,
        image: &GrayImage,
        area: Area,
        threshold: Threshold,
        limit: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        let cut = |ocr: &mut Self| {
            ocr.recognize_cut(image, area.pixels, area.scale, AREA_MARGIN, area.dpi, limit)
        };
        self.with_setting(
            |api| api.set_page_seg_mode(TessPageSegMode::PSM_SINGLE_BLOCK),
            |api| api.set_page_seg_mode(TessPageSegMode::PSM_AUTO),
            |ocr| match threshold {
                Threshold::Local => ocr.under_local_threshold(cut),
                Threshold::Global => cut(ocr),
            },
        )
    }

    /// `region` cut out, enlarged, framed in `margin` white pixels and read, with boxes
    /// mapped back to fractions of the whole page.
    fn recognize_cut(
        &mut self,
        image: &GrayImage,
        region: (u32, u32, u32, u32),
        scale: f32,
        margin: u32,
        dpi: u32,
        limit: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        let (crop, region) = enlarged_crop(image, region, scale);
        let (cw, ch) = crop.dimensions();
        let framed = if margin == 0 {
            crop
        } else {
            let mut framed =
                GrayImage::from_pixel(cw + 2 * margin, ch + 2 * margin, image::Luma([255]));
            image::imageops::replace(&mut framed, &crop, margin.into(), margin.into());
            framed
        };
        let dpi = (dpi as f32 * scale.max(1.0)) as u32;
        let mut words = self.recognize(&framed, dpi, limit)?;
        let (fw, fh) = (framed.width() as f32, framed.height() as f32);
        let m = margin as f32;
        let unframe =
            |v: f32, full: f32, inner: u32| ((v * full - m) / inner as f32).clamp(0.0, 1.0);
        for word in &mut words {
            let b = word.bbox;
            let in_crop = BBox::new(
                unframe(b.x0, fw, cw),
                unframe(b.y0, fh, ch),
                unframe(b.x1, fw, cw),
                unframe(b.y1, fh, ch),
            );
            word.bbox = region_box_on_page(in_crop, region, image.dimensions());
        }
        Ok(words)
    }

    fn recognize_within(&mut self, limit: Duration) -> Result<(), OcrError> {
        let deadline = Deadline::after(limit)
            .ok_or_else(|| OcrError::Recognition("cannot create a progress monitor".into()))?;
        let handle = self
            .api
            .handle
            .lock()
            .map_err(|_| OcrError::Recognition("the engine lock is poisoned".into()))?;
        let started = std::time::Instant::now();
        // SAFETY: the handle is a live TessBaseAPI with an image set, owned by this engine
        // and locked for the call; the monitor outlives the call.
        let status = unsafe { TessBaseAPIRecognize(*handle, deadline.0) };
        drop(handle);
        if status == 0 {
            Ok(())
        } else if started.elapsed() >= limit {
            Err(OcrError::TimedOut(limit))
        } else {
            Err(OcrError::Recognition(format!(
                "recognize returned {status}"
            )))
        }
    }

    pub fn languages(&self) -> &str {
        &self.languages
    }

    pub fn version() -> String {
        TesseractAPI::version()
    }

    /// Recognises the words of one page image, with boxes as fractions of the image, giving
    /// up after `limit`.
    pub fn recognize(
        &mut self,
        image: &GrayImage,
        dpi: u32,
        limit: Duration,
    ) -> Result<Vec<Word>, OcrError> {
        let (w, h) = image.dimensions();
        self.api
            .set_image(image.as_raw(), w as i32, h as i32, 1, w as i32)
            .map_err(recognition)?;
        // Without the true resolution Tesseract mis-sizes diacritics and drops tone marks.
        self.api
            .set_source_resolution(dpi.clamp(70, 1200) as i32)
            .map_err(recognition)?;
        self.recognize_within(limit)?;
        let iter = self.api.get_iterator().map_err(recognition)?;
        let (fw, fh) = (w as f32, h as f32);
        let mut words = Vec::new();
        let mut line = 0u32;
        let mut last_line_box = None;
        loop {
            if let Ok((text, l, t, r, b, conf)) = iter.get_current_word() {
                let line_box = iter
                    .get_bounding_box(TessPageIteratorLevel::RIL_TEXTLINE)
                    .ok();
                if last_line_box.is_some() && line_box != last_line_box {
                    line += 1;
                }
                last_line_box = line_box;
                let text = text.trim().to_string();
                if !text.is_empty() {
                    words.push(Word {
                        text,
                        bbox: BBox::new(l as f32 / fw, t as f32 / fh, r as f32 / fw, b as f32 / fh),
                        confidence: (conf / 100.0).clamp(0.0, 1.0),
                        line,
                    });
                }
            }
            match iter.next_word() {
                Ok(true) => continue,
                _ => break,
            }
        }
        // The iterator points into the recognition results that `clear` frees.
        drop(iter);
        self.api.clear().map_err(recognition)?;
        Ok(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_in_a_region_map_back_to_the_page() {
        let b = region_box_on_page(
            BBox::new(0.0, 0.0, 1.0, 0.5),
            (100, 200, 500, 400),
            (1000, 2000),
        );
        assert_eq!((b.x0, b.y0, b.x1, b.y1), (0.1, 0.1, 0.6, 0.2));
        let page = GrayImage::new(1000, 2000);
        let (big, region) = enlarged_crop(&page, (100, 200, 500, 400), 2.0);
        assert_eq!(big.dimensions(), (1000, 800));
        assert_eq!(region, (100, 200, 500, 400));
        // A region past the page's edge is clipped before it is enlarged.
        let (big, region) = enlarged_crop(&page, (900, 1900, 500, 400), 2.0);
        assert_eq!(
            (big.dimensions(), region),
            ((200, 200), (900, 1900, 100, 100))
        );
    }
}
