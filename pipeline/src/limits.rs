/// Bounds checked before expensive work, so hostile or oversized files fail fast and clearly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_pages: u32,
    /// Pixels of one rasterised or decoded page; guards against decompression bombs.
    pub max_pixels_per_page: u64,
    /// Render resolution for PDF pages without an embedded scan.
    pub render_dpi: u32,
    /// Longest OCR of one page; an ordinary A4 page takes one or two seconds.
    pub ocr_timeout_ms: u64,
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
        }
    }
}
