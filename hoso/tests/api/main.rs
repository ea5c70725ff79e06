//! The HTTP API end to end: the real `hoso serve` on the embedded default (SQLite and a
//! local object store), tokens made with `hoso token create`, and in-process workers with
//! the stand-in engine where reading is irrelevant or the real engines where records must
//! come from real documents.
//!
//! The tests are in `access.rs` (who may call what), `contract.rs` (bad input and the
//! OpenAPI document) and `records.rs` (a dossier's records from upload to reuse).

#[path = "../support/api_server.rs"]
mod support;

mod access;
mod contract;
mod open_data;
mod records;
mod units;
