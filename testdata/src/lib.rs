//! Deterministic generator of synthetic scan specimens of Vietnamese administrative
//! documents, each with a ground-truth file in the extraction contract's shape
//! (`shared/spec/document-types.md`).
//!
//! Every person, address and company is composed at random from word lists; nothing
//! describes a real person. The same seed and options always give byte-identical files.

mod broad;
mod canvas;
mod cards;
mod certificates;
pub mod codes;
mod data;
pub mod date;
mod fonts;
mod layout;
mod output;
pub use output::crc32;
mod people;
mod scan;
mod specimen;
#[cfg(test)]
mod tests;
pub mod truth;
pub mod units;
mod words;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use data::{Province, PROVINCES};
pub use specimen::Kind;
pub use truth::Truth;

/// Where the Debian font packages put their files.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/truetype";

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("font file {path} not found: install the Debian package {package}")]
    MissingFont {
        path: PathBuf,
        package: &'static str,
    },
    #[error("font file {path} is not a usable font")]
    BadFont { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("image encoding failed: {0}")]
    Image(#[from] image::ImageError),
    #[error("tiff encoding failed: {0}")]
    Tiff(#[from] tiff::TiffError),
    #[error("pdf writing failed: {0}")]
    Pdf(String),
    #[error("qr encoding failed: {0}")]
    Qr(String),
    #[error("truth serialisation failed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no scan quality selected")]
    NoQuality,
    #[error("no file format selected")]
    NoFormat,
    #[error("field {key} would be recorded twice with different values: {first:?} and {second:?}")]
    Inconsistent {
        key: hoso_extractors::FieldKey,
        first: String,
        second: String,
    },
    #[error("cannot use the unit table {path}: {detail}")]
    UnitTable { path: PathBuf, detail: String },
    #[error("a generator thread panicked")]
    WorkerPanicked,
    #[error("internal error: {0}")]
    Internal(&'static str),
    #[error("{key} is not a field of {document_type} in its schema")]
    NotInSchema {
        document_type: &'static str,
        key: hoso_extractors::FieldKey,
    },
}

/// Scan conditions of a specimen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 300 dpi, straight, no noise.
    Clean,
    /// Flatbed scanner: 200 or 300 dpi, skew up to ±1.5°, light noise.
    Office,
    /// Grey, hard contrast, specks; ID cards with both faces on one A4 sheet.
    Photocopy,
    /// Photographed: skew up to ±4°, perspective, blur, uneven light, background, JPEG.
    Phone,
}

impl Quality {
    pub const ALL: [Quality; 4] = [
        Quality::Clean,
        Quality::Office,
        Quality::Photocopy,
        Quality::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Clean => "clean",
            Quality::Office => "office",
            Quality::Photocopy => "photocopy",
            Quality::Phone => "phone",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown format {0:?}: expected png, jpeg, tiff or pdf")]
pub struct UnknownFormat(pub String);

impl FromStr for FileFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "png" => Ok(FileFormat::Png),
            "jpeg" | "jpg" => Ok(FileFormat::Jpeg),
            "tiff" | "tif" => Ok(FileFormat::Tiff),
            "pdf" => Ok(FileFormat::Pdf),
            other => Err(UnknownFormat(other.to_string())),
        }
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown quality {0:?}: expected clean, office, photocopy or phone")]
pub struct UnknownQuality(pub String);

impl FromStr for Quality {
    type Err = UnknownQuality;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quality::ALL
            .into_iter()
            .find(|q| q.as_str() == s.trim())
            .ok_or_else(|| UnknownQuality(s.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Png,
    Jpeg,
    /// Single page.
    Tiff,
    /// Every page one embedded JPEG (DCTDecode) filling the page.
    Pdf,
}

impl FileFormat {
    pub const ALL: [FileFormat; 4] = specimen::FORMATS;

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Png => "png",
            FileFormat::Jpeg => "jpg",
            FileFormat::Tiff => "tif",
            FileFormat::Pdf => "pdf",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            FileFormat::Png => "image/png",
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Tiff => "image/tiff",
            FileFormat::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub seed: u64,
    pub count: usize,
    pub out_dir: PathBuf,
    /// Scan conditions to rotate through, in this order.
    pub qualities: Vec<Quality>,
    /// File formats to rotate through, in this order. Dossiers are always PDFs.
    pub formats: Vec<FileFormat>,
    /// Root holding the `dejavu`, `liberation2` and `freefont` font directories.
    pub font_dir: PathBuf,
    /// Worker threads; 0 uses the available cores. Output does not depend on it.
    pub threads: usize,
    /// Adds the broad variety's variation (`broad.rs`); off, a seed gives the same
    /// files as before it existed.
    pub broad: bool,
    /// The kinds of specimen to rotate through; empty for all of them.
    pub kinds: Vec<Kind>,
    /// Draws addresses from this unit table (real communes, printed in the units before
    /// or after 1 July 2025, with their codes in the truth); `None` keeps the invented
    /// places, and a seed gives the same files as before the table was used.
    pub units_table: Option<PathBuf>,
}

impl GenerateOptions {
    pub fn new(seed: u64, count: usize, out_dir: impl Into<PathBuf>) -> GenerateOptions {
        GenerateOptions {
            seed,
            count,
            out_dir: out_dir.into(),
            qualities: Quality::ALL.to_vec(),
            formats: FileFormat::ALL.to_vec(),
            font_dir: PathBuf::from(DEFAULT_FONT_DIR),
            threads: 0,
            broad: false,
            kinds: Vec::new(),
            units_table: None,
        }
    }
}

/// One written specimen.
#[derive(Debug, Clone)]
pub struct Specimen {
    pub index: usize,
    pub file_name: String,
    pub path: PathBuf,
    pub truth_path: PathBuf,
    pub format: FileFormat,
    pub quality: Quality,
    pub pages: u32,
    pub size_bytes: u64,
    pub sha256: String,
    pub document_types: Vec<String>,
    pub template: String,
    pub truth: Truth,
}

impl fmt::Display for Specimen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}  {} page(s)  {}  {} KB  [{}]",
            self.file_name,
            self.pages,
            self.document_types.join("+"),
            self.size_bytes.div_ceil(1024),
            self.template
        )
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Generates `opts.count` specimens into `opts.out_dir`, each file `NAME.EXT` with its
/// ground truth in `NAME.EXT.truth.json`, and returns them in index order.
pub fn generate(opts: &GenerateOptions) -> Result<Vec<Specimen>, GenerateError> {
    if opts.qualities.is_empty() {
        return Err(GenerateError::NoQuality);
    }
    if opts.formats.is_empty() {
        return Err(GenerateError::NoFormat);
    }
    std::fs::create_dir_all(&opts.out_dir).map_err(io_err(&opts.out_dir))?;
    let lib = fonts::FontLibrary::load(&opts.font_dir, opts.broad)?;
    let table = opts
        .units_table
        .as_deref()
        .map(units::UnitTable::load)
        .transpose()?;
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    }
    .clamp(1, opts.count.max(1));
    let lib = &lib;
    let results: Vec<Result<Vec<Specimen>, GenerateError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for index in (t..opts.count).step_by(threads) {
                        mine.push(write_one(lib, opts, table, index)?);
                    }
                    Ok(mine)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(GenerateError::WorkerPanicked)))
            .collect()
    });
    let mut all = Vec::with_capacity(opts.count);
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|s| s.index);
    Ok(all)
}

fn write_one(
    lib: &fonts::FontLibrary,
    opts: &GenerateOptions,
    table: Option<&'static units::UnitTable>,
    index: usize,
) -> Result<Specimen, GenerateError> {
    let _units = units::Session::start(table);
    let built = specimen::build(
        lib,
        opts.seed,
        index,
        &opts.kinds,
        &opts.qualities,
        &opts.formats,
        opts.broad,
    )?;
    let path = opts.out_dir.join(&built.file_name);
    std::fs::write(&path, &built.bytes).map_err(io_err(&path))?;
    let truth_path = opts.out_dir.join(format!("{}.truth.json", built.file_name));
    let mut json = serde_json::to_string_pretty(&built.truth)?;
    json.push('\n');
    std::fs::write(&truth_path, json).map_err(io_err(&truth_path))?;
    Ok(Specimen {
        index,
        file_name: built.file_name,
        path,
        truth_path,
        format: built.format,
        quality: built.quality,
        pages: built.truth.source.pages,
        size_bytes: built.bytes.len() as u64,
        sha256: built.truth.source.sha256.clone(),
        document_types: built
            .truth
            .documents
            .iter()
            .map(|d| d.document_type.clone())
            .collect(),
        template: built.template,
        truth: built.truth,
    })
}
