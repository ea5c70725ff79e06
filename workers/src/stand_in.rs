//! A page engine that reads no pixels: one page per file, whose only words name the
//! file's bytes. It stands in for OCR where the subject is the queue, not the reading (the
//! fault tests and the queue benchmark), so thousands of jobs run in seconds through the
//! same worker, catalog and object store code as real ones.

use std::path::Path;

use hoso_extractors::{BBox, Method, PageText, Word};
use hoso_pipeline::ports::{PageEngine, PageError};
use hoso_pipeline::{ContentHash, Limits, MediaType};

#[derive(Debug, Default)]
pub struct StandInEngine {
    /// Time each file takes, standing in for OCR, so that a test can kill workers while
    /// they hold jobs.
    pub delay: std::time::Duration,
}

impl PageEngine for StandInEngine {
    fn read_pages(
        &mut self,
        _media: MediaType,
        source: &Path,
        _limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError> {
        std::thread::sleep(self.delay);
        let bytes = std::fs::read(source).map_err(|e| PageError::Engine {
            page: 0,
            detail: format!("cannot read {}: {e}", source.display()),
        })?;
        let words = ["stand-in", "page", &ContentHash::of(&bytes).short()]
            .iter()
            .enumerate()
            .map(|(i, text)| Word {
                text: text.to_string(),
                bbox: BBox::new(0.1 + 0.2 * i as f32, 0.1, 0.28 + 0.2 * i as f32, 0.12),
                confidence: 1.0,
                line: 0,
            })
            .collect();
        on_page(PageText {
            page: 1,
            method: Method::TextLayer,
            words,
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        });
        Ok(1)
    }

    fn describe(&self) -> String {
        "stand-in 1 (no ocr)".to_string()
    }
}
