//! The `[open_data]` settings: who publishes the open statistics and below which count a
//! cell is suppressed.

use serde::Deserialize;

use super::{invalid, pick, ConfigError, Env};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileOpenData {
    publisher: Option<String>,
    min_count: Option<u64>,
    base_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpenDataSettings {
    /// Named as the datasets' publisher in the catalog.
    pub publisher: String,
    /// Counts below this are published as suppressed.
    pub min_count: u64,
    /// Where the files are served, for the catalog's download links; `None`: the links
    /// are the files' names, relative to the catalog.
    pub base_url: Option<String>,
}

pub(super) fn open_data_settings(
    file: FileOpenData,
    env: &dyn Env,
) -> Result<OpenDataSettings, ConfigError> {
    let publisher = pick(
        env,
        "HOSO_OPEN_DATA_PUBLISHER",
        "open_data.publisher",
        file.publisher,
    )?
    .filter(|p| !p.trim().is_empty())
    .unwrap_or_else(|| "hoso".to_string());
    let min_count = pick(
        env,
        "HOSO_OPEN_DATA_MIN_COUNT",
        "open_data.min_count",
        file.min_count,
    )?
    .unwrap_or(hoso_pipeline::open_data::DEFAULT_MIN_COUNT);
    if min_count < 2 {
        return Err(invalid(
            "open_data.min_count",
            "HOSO_OPEN_DATA_MIN_COUNT",
            "must be at least 2: a count of one is a person",
        ));
    }
    let base_url = pick(
        env,
        "HOSO_OPEN_DATA_BASE_URL",
        "open_data.base_url",
        file.base_url,
    )?
    .filter(|u| !u.trim().is_empty());
    if let Some(url) = &base_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) || !url.ends_with('/') {
            return Err(invalid(
                "open_data.base_url",
                "HOSO_OPEN_DATA_BASE_URL",
                format!("{url:?} is not an http(s) URL ending in /"),
            ));
        }
    }
    Ok(OpenDataSettings {
        publisher,
        min_count,
        base_url,
    })
}
