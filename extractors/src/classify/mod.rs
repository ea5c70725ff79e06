//! Which document type each page shows, and which pages form one document.

pub mod keywords;
pub mod segment;
pub mod signals;

pub use segment::{segment, Segment};
pub use signals::{page_signals, PageSignals};
