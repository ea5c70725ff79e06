/// Bounds checked before expensive work, so hostile or oversized files fail fast and clearly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_pages: u32,
    /// Pixels of one rasterised or decoded page; guards against decompression bombs.
    pub max_pixels_per_page: u64,
    /// Render resolution for PDF pages without an embedded scan.
    pub render_dpi: u32,
    /// Longest OCR of one page; an ordinary A4 page takes one or two seconds.
    pub ocr_timeout_ms: u64,
    /// Longest the page engine may take over a whole file, whatever it is doing.
    pub file_timeout_ms: u64,
    /// Longest the page engine may go without finishing a page: a parser or renderer that
    /// hangs is stopped here, not only OCR.
    pub page_timeout_ms: u64,
    /// Address space of the process that reads a file (rasteriser and OCR): a file that
    /// needs more fails alone instead of exhausting the machine.
    pub engine_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 100 * 1024 * 1024,
            max_pages: 500,
            // A4 at 600 dpi is about 35 Mpx; anything past 60 Mpx is not a document scan.
            max_pixels_per_page: 60_000_000,
            render_dpi: 300,
            ocr_timeout_ms: 120_000,
            // A 500-page dossier at two or three seconds a page.
            file_timeout_ms: 30 * 60 * 1000,
            page_timeout_ms: 180_000,
            engine_memory_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}
