//! The vocabulary shared by every stage: OCR words in, typed documents out.
//!
//! These types serialise to exactly the extraction contract of
//! `shared/spec/document-types.md`; field names here are that public contract.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::spec::FieldKey;

/// A rectangle as fractions of the page's width and height, origin top-left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 4]", into = "[f64; 4]")]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        Self { x0, y0, x1, y1 }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn center_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    /// Whether the centre of `other` lies in this box.
    pub fn holds_centre_of(&self, other: &BBox) -> bool {
        let (x, y) = ((other.x0 + other.x1) / 2.0, other.center_y());
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    /// This box where a half turn of `area` about its centre takes it (a half turn is
    /// its own inverse, so this also takes it back).
    pub fn half_turned_in(&self, area: &BBox) -> BBox {
        let (sx, sy) = (area.x0 + area.x1, area.y0 + area.y1);
        BBox::new(sx - self.x1, sy - self.y1, sx - self.x0, sy - self.y0)
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
}

impl From<[f64; 4]> for BBox {
    fn from(a: [f64; 4]) -> Self {
        BBox::new(a[0] as f32, a[1] as f32, a[2] as f32, a[3] as f32)
    }
}

impl From<BBox> for [f64; 4] {
    fn from(b: BBox) -> Self {
        // Four decimals is sub-pixel at 300 dpi on A4 and keeps the JSON readable.
        [round4(b.x0), round4(b.y0), round4(b.x1), round4(b.y1)]
    }
}

/// Rounds to four decimals in f64, so a value prints the same whether it is serialised
/// directly or through `serde_json::Value` (which widens f32 and shows its binary noise).
fn round4(v: f32) -> f64 {
    (v as f64 * 10_000.0).round() / 10_000.0
}

fn serialize_score<S: serde::Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*v))
}

/// How a value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Qr,
    Mrz,
    Ocr,
    TextLayer,
    Manual,
}

impl Method {
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Qr => "qr",
            Method::Mrz => "mrz",
            Method::Ocr => "ocr",
            Method::TextLayer => "text_layer",
            Method::Manual => "manual",
        }
    }
}

/// One recognised word on a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// 0.0 to 1.0.
    #[serde(serialize_with = "serialize_score")]
    pub confidence: f32,
    /// Words sharing a `line` were put on one text line by the engine.
    pub line: u32,
}

/// A machine-readable code found on a page image (QR today), with its exact payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Barcode {
    pub payload: String,
    pub bbox: BBox,
}

/// Everything the page engine read from one page of the source file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    /// 1-based page number in the source file.
    pub page: u32,
    /// How the words were obtained: `Ocr` or `TextLayer`.
    pub method: Method,
    pub words: Vec<Word>,
    #[serde(default)]
    pub barcodes: Vec<Barcode>,
    /// Clockwise rotation, in degrees, that was applied to the page image before OCR to
    /// make it upright and straight (orientation 0/90/180/270 plus a small deskew angle,
    /// e.g. 90.0 or -1.5). The words' boxes are fractions of that rotated image: the
    /// rotated image has the size of the original's bounding box after rotation (for
    /// multiples of 90 the width and height swap; for other angles the canvas is enlarged
    /// to hold the whole rotated image, centred, background white).
    #[serde(default)]
    pub rotation: f32,
    /// Further OCR readings of an ID card page whose first reading was incomplete
    /// (`reread`):
    /// its text region enlarged to the print size Tesseract reads best, and, when the
    /// first reading was unsure, the page under another binarisation. Boxes as in `words`,
    /// fractions of the same image. Pages are classified by their most telling reading
    /// and fields are read from every one and reconciled (`fields::readings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rereadings: Vec<Vec<Word>>,
    /// Areas (fractions of the page, in the order they were turned) whose pixels were
    /// turned half round before they were read, apart from the page's own `rotation`:
    /// a card's face lying upside down beside the face the page's turn set upright.
    /// Every box here (words, codes, rereadings) shows the page with these areas
    /// turned, so that a face reads the way it was printed; `as_printed` takes a box
    /// back to the page's pixels, and the evidence of every extracted field is taken
    /// back so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub half_turned: Vec<BBox>,
}

impl PageText {
    /// The page as its `i`-th rereading saw it.
    pub fn reread(&self, i: usize) -> Option<PageText> {
        self.rereadings.get(i).map(|words| PageText {
            words: words.clone(),
            rereadings: Vec::new(),
            ..self.clone()
        })
    }

    /// `bbox`, a box of this reading, where the page's pixels show it: back through
    /// each half-turned area holding it, the last turned first.
    pub fn as_printed(&self, bbox: BBox) -> BBox {
        self.half_turned.iter().rev().fold(bbox, |b, area| {
            if area.holds_centre_of(&b) {
                b.half_turned_in(area)
            } else {
                b
            }
        })
    }

    /// The words with their boxes where the page's pixels show them (`as_printed`):
    /// what a text layer over the page's image must place.
    pub fn printed_words(&self) -> std::borrow::Cow<'_, [Word]> {
        if self.half_turned.is_empty() {
            return std::borrow::Cow::Borrowed(&self.words);
        }
        self.words
            .iter()
            .map(|w| Word {
                bbox: self.as_printed(w.bbox),
                ..w.clone()
            })
            .collect()
    }
}

/// Where a value was read: the page, the region and the text as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub page: u32,
    pub bbox: BBox,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub value: String,
    #[serde(serialize_with = "serialize_score")]
    pub confidence: f32,
    pub method: Method,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    CitizenId,
    BirthCertificate,
    MarriageCertificate,
    BusinessRegistration,
    ResidenceConfirmation,
    Unknown,
}

impl DocumentType {
    /// Every type, `Unknown` last.
    pub const ALL: [DocumentType; 6] = [
        DocumentType::CitizenId,
        DocumentType::BirthCertificate,
        DocumentType::MarriageCertificate,
        DocumentType::BusinessRegistration,
        DocumentType::ResidenceConfirmation,
        DocumentType::Unknown,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentType::CitizenId => "citizen_id",
            DocumentType::BirthCertificate => "birth_certificate",
            DocumentType::MarriageCertificate => "marriage_certificate",
            DocumentType::BusinessRegistration => "business_registration",
            DocumentType::ResidenceConfirmation => "residence_confirmation",
            DocumentType::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentType> {
        DocumentType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A document's or a record's fields by key.
pub type Fields = BTreeMap<FieldKey, Field>;

/// One document found in a source file, with its fields keyed as in the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedDocument {
    pub document_type: DocumentType,
    /// 1-based page numbers of the source file.
    pub pages: Vec<u32>,
    #[serde(serialize_with = "serialize_score")]
    pub confidence: f32,
    pub fields: Fields,
    #[serde(default)]
    pub warnings: Vec<String>,
}
