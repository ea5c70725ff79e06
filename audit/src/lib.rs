//! The audit log's pure side. Storage keeps the bytes; this crate says what they prove.
//!
//! - [`entry`]: what one entry of the log says (who did what to which record, when), and
//!   its bytes, which are the tree's leaf data.
//! - [`tree`]: the RFC 6962 Merkle tree over the entries (leaf `H(0x00‖entry)`, node
//!   `H(0x01‖left‖right)`), in `tlog_tiles`' stored-hash layout, and how to learn which
//!   stored hashes a computation needs before reading them.
//! - [`keys`] and [`checkpoint`]: ed25519 signing keys in the `signed-note` key format, and
//!   C2SP `tlog-checkpoint` notes signed with them.
//! - [`receipt`]: a record's entries as C2SP `tlog-proof`s, checkable offline with the
//!   public key alone.
//! - [`verify`]: the whole log recomputed from its entries and held against every
//!   checkpoint, with each discrepancy located.
//!
//! No I/O, clock or randomness except key generation (`keys::SigningKey::generate`).

pub mod checkpoint;
pub mod entry;
mod error;
pub mod keys;
pub mod receipt;
pub mod time;
pub mod tree;
pub mod verify;

pub use error::{AuditError, AuditErrorKind};
