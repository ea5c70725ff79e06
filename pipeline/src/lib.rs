//! The hoso pipeline: the domain model, the stages and the ports the outside world plugs into.
//!
//! The stages (`store → rasterise/OCR → classify → extract → register`) are written against
//! the traits in [`ports`]; `storage` and `workers` implement them, and the `hoso` binary wires
//! them together. Nothing here knows SQL, HTTP or a file system layout.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod desk;
pub mod eval;
pub mod hash;
pub mod limits;
pub mod media;
pub mod open_data;
pub mod places;
pub mod ports;
pub mod prefill;
pub mod procedures;
pub mod provenance;
pub mod record_rules;
pub mod records;
pub mod registry;
pub mod result;
pub mod search;
pub mod service;
pub mod service_error;
pub mod statistics;
pub mod telemetry;
pub mod throttle;

pub use hash::ContentHash;
pub use limits::Limits;
pub use media::MediaType;
pub use result::{ExtractionResult, SourceInfo};
