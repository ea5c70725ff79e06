//! The worker side of hoso: page engines over native libraries (PDFium, Tesseract) and the
//! worker pool that drains the job queue.
//!
//! Native engines run only on dedicated worker threads, never on the async runtime.

mod append;
pub mod crops;
pub mod deskew;
pub mod engine;
pub mod events;
pub mod mrz_zone;
pub mod ocr;
pub mod pdf;
pub mod pool;
pub mod preview;
pub mod qr;
pub mod qr_grid;
mod raster;
pub mod searchable;
pub mod stamps;
pub mod stand_in;
pub mod supervised;
pub mod upscale;

pub use engine::{EngineConfig, EngineError, LocalPageEngine};
pub use pool::{PoolEvent, PoolOptions, WorkerPool};
pub use stand_in::StandInEngine;
pub use supervised::{ChildCommand, SupervisedEngine};
