//! Vietnam's administrative units as data. Since 1 July 2025 the country has 34
//! provinces instead of 63 and no districts; cards and certificates issued before print
//! the old units. A [`Crosswalk`] is loaded from a table (every old commune, with its
//! district and province, and the new commune or communes it went into), keeps the
//! table's version, and turns a printed place into its units as printed and as they are
//! today ([`Crosswalk::place`]). Pure: the caller reads the file.
//!
//! A unit that cannot be identified is left out, never guessed; a commune split between
//! several new ones gives every candidate, for a clerk to choose.

mod names;
mod place;
mod table;

pub use place::{CurrentUnit, Merge, Period, PlaceUnits, PrintedUnits, Unit};
pub use table::Crosswalk;

#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    #[error("cannot read the unit table {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("the unit table is not valid at line {line}: {detail}")]
    Invalid { line: usize, detail: String },
}

impl UnitsError {
    pub fn kind(&self) -> UnitsErrorKind {
        match self {
            UnitsError::Read { .. } => UnitsErrorKind::Unreadable,
            UnitsError::Invalid { .. } => UnitsErrorKind::Invalid,
        }
    }
}

/// What a caller branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitsErrorKind {
    Unreadable,
    Invalid,
}
