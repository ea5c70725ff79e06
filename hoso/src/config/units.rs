//! The `[units]` settings: the table that converts places to today's administrative units.

use std::path::PathBuf;

use serde::Deserialize;

use super::{invalid, pick, ConfigError, Env};

/// The crosswalk this checkout is tested with, used in place (`../shared/data`), and its
/// version as its README gives it.
const CHECKOUT_CROSSWALK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/admin-units-2025/old_to_new.tsv"
);
const CHECKOUT_CROSSWALK_VERSION: &str = "dvhcvn/20250701@dd94887";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileUnits {
    crosswalk: Option<PathBuf>,
    crosswalk_version: Option<String>,
}

/// Where the crosswalk is read from at start-up, and the version every conversion
/// carries. `None`: no table, places keep only what was printed.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitsSettings {
    pub crosswalk: Option<(PathBuf, String)>,
}

pub(super) fn units_settings(file: FileUnits, env: &dyn Env) -> Result<UnitsSettings, ConfigError> {
    let path = pick(
        env,
        "HOSO_UNITS_CROSSWALK",
        "units.crosswalk",
        file.crosswalk,
    )?;
    let version = pick(
        env,
        "HOSO_UNITS_CROSSWALK_VERSION",
        "units.crosswalk_version",
        file.crosswalk_version,
    )?;
    let crosswalk = match (path, version) {
        (Some(path), Some(version)) if !version.trim().is_empty() => Some((path, version)),
        (Some(_), _) => {
            return Err(invalid(
                "units.crosswalk_version",
                "HOSO_UNITS_CROSSWALK_VERSION",
                "is required with units.crosswalk: every conversion names its table",
            ))
        }
        (None, _) => {
            let checkout = PathBuf::from(CHECKOUT_CROSSWALK);
            checkout
                .is_file()
                .then(|| (checkout, CHECKOUT_CROSSWALK_VERSION.to_string()))
        }
    };
    Ok(UnitsSettings { crosswalk })
}
