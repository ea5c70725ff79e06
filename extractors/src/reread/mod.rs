//! Rereading as a protocol. After a page's first reading, the extractors say what to
//! read again and what a new reading must achieve to be kept; the page engine runs
//! one generic loop over the steps and knows nothing of cards:
//!
//! ```text
//! let mut r = Rereading::new(page);
//! while let Some(step) = r.next_step() {
//!     for attempt in step.attempts {
//!         let found = engine.look(&attempt.look, r.page());   // OCR or a code search
//!         if r.offer(&attempt.keep, found) && step.first_kept { break }
//!     }
//! }
//! let page = r.finish();
//! ```
//!
//! The page's extraction is computed once for each state of the page and shared by
//! the steps' decisions. The steps, in order: the other face of a card a page reading
//! passed over, the card's code searched for, the expiry's area read alone, and the
//! card read again whole (its print enlarged, the page under a local threshold).

mod card;
#[cfg(test)]
mod tests;

pub use card::ExpiryArea;
use card::*;

use crate::model::{BBox, Barcode, ExtractedDocument, PageText, Word};

/// How an area is binarised before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Otsu's, over the whole area.
    Global,
    /// Sauvola's, window by window.
    Local,
}

/// What the engine is asked to read again.
#[derive(Debug, Clone, PartialEq)]
pub enum Look {
    /// `bbox` (fractions of the page) read as a page region of its own, enlarged to the
    /// size of the page's print; when `upside_down`, its pixels turned half round
    /// first, and the words found where the area shows them so turned.
    Area { bbox: BBox, upside_down: bool },
    /// `bbox` read as one block of a few lines, framed in white, enlarged `factor` times
    /// what the page's print size asks for, under `threshold`.
    Lines {
        bbox: BBox,
        factor: f32,
        threshold: Threshold,
    },
    /// The page's print enlarged to the size the engine reads best (nothing when it is
    /// large enough already).
    PrintEnlarged,
    /// The whole page under a local threshold.
    LocalThreshold,
    /// A slower search for a machine-readable code where the print is.
    CodeSearch,
}

/// What makes a reading worth keeping, and how it joins the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Keep {
    /// The words in place of the page's inside `area`, if the page then shows both
    /// faces of a card; when `upside_down`, the area stays turned half round for every
    /// look after (`PageText::half_turned`).
    BothFaces { area: BBox, upside_down: bool },
    /// The words in place of the page's inside the area, if the card then reads an
    /// expiry and keeps every field it read before, as it was.
    Expiry(ExpiryArea),
    /// As a further reading of the page (`PageText::rereadings`), reconciled with the
    /// others field by field.
    Rereading,
    /// The codes found, beside the page's own.
    Codes,
}

/// One look and what keeps what it finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub look: Look,
    pub keep: Keep,
}

/// A step of the plan: its attempts, in order. When `first_kept`, they are
/// alternatives and the first one kept ends the step (so does a look that fails);
/// otherwise each is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: &'static str,
    pub attempts: Vec<Attempt>,
    pub first_kept: bool,
}

/// What a look found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Words(Vec<Word>),
    Codes(Vec<Barcode>),
}

/// Below this mean confidence of its words, a card page's first reading is unsure
/// enough to be worth a reading under a local threshold, which keeps light-grey print
/// that Otsu's global one loses. Clean scans of cards read 0.83 to 0.91, photocopies
/// 0.52 to 0.86 (tuning seed).
const UNSURE_READING: f32 = 0.85;

/// The readings tried, in turn, on the area of a front's lost expiry: an enlargement,
/// as a multiple of what the page's print size asks for, and a binarisation. On the
/// 2021 fronts of seed 7373 whose expiry the page reading lost, each one read an expiry
/// another missed.
const EXPIRY_READINGS: [(f32, Threshold); 3] = [
    (1.0, Threshold::Local),
    (1.0, Threshold::Global),
    (1.4, Threshold::Local),
];

type Planner = fn(&mut Rereading) -> Option<Step>;

/// The steps, in the order they are planned: each sees the page as the ones before
/// left it.
const STEPS: [Planner; 5] = [
    other_face,
    card_code,
    lost_expiry,
    card_again,
    card_unsure_again,
];

/// A page being read again: its reading so far, and that reading's extraction,
/// computed once for each state of the page.
#[derive(Debug)]
pub struct Rereading {
    page: PageText,
    docs: Option<Vec<ExtractedDocument>>,
    next: usize,
}

impl Rereading {
    pub fn new(page: PageText) -> Rereading {
        Rereading {
            page,
            docs: None,
            next: 0,
        }
    }

    /// The page as read so far: the boxes of a look are fractions of it.
    pub fn page(&self) -> &PageText {
        &self.page
    }

    /// The next step with something to read, or `None` when the page is done.
    pub fn next_step(&mut self) -> Option<Step> {
        while let Some(plan) = STEPS.get(self.next) {
            self.next += 1;
            if let Some(step) = plan(self).filter(|s| !s.attempts.is_empty()) {
                return Some(step);
            }
        }
        None
    }

    /// Offers what a look found; `true` when it was kept.
    pub fn offer(&mut self, keep: &Keep, found: Found) -> bool {
        let changed = match (keep, found) {
            (Keep::BothFaces { area, upside_down }, Found::Words(words)) => {
                with_other_face(&self.page, *area, *upside_down, words)
            }
            (Keep::Expiry(area), Found::Words(words)) => {
                with_region_reading(&self.page, area, words)
            }
            (Keep::Rereading, Found::Words(words)) if !words.is_empty() => {
                let mut page = self.page.clone();
                page.rereadings.push(words);
                Some(page)
            }
            (Keep::Codes, Found::Codes(codes)) if !codes.is_empty() => {
                let mut page = self.page.clone();
                page.barcodes.extend(codes);
                Some(page)
            }
            _ => None,
        };
        match changed {
            Some(page) => {
                self.page = page;
                self.docs = None;
                true
            }
            None => false,
        }
    }

    /// The page with everything kept.
    pub fn finish(self) -> PageText {
        self.page
    }

    /// The page and its extraction as it stands, computed once for each state of it.
    fn read(&mut self) -> (&PageText, &[ExtractedDocument]) {
        let page = &self.page;
        let docs = self
            .docs
            .get_or_insert_with(|| crate::extract_documents(std::slice::from_ref(page)));
        (page, docs)
    }
}

/// The other face of a card the page reading passed over, looked for around the face
/// it found: as it lies, then upside down (faces copied each turned a quarter, one
/// each way, leave one upside down once the page is turned to read the other).
fn other_face(r: &mut Rereading) -> Option<Step> {
    let areas = other_face_areas(&r.page);
    let attempts = [false, true]
        .into_iter()
        .flat_map(|upside_down| {
            areas.iter().map(move |&bbox| Attempt {
                look: Look::Area { bbox, upside_down },
                keep: Keep::BothFaces {
                    area: bbox,
                    upside_down,
                },
            })
        })
        .collect();
    Some(Step {
        name: "other face",
        attempts,
        first_kept: true,
    })
}

/// A card front whose code no reader decoded.
fn card_code(r: &mut Rereading) -> Option<Step> {
    misses_card_code(&r.page).then(|| Step {
        name: "card code",
        attempts: vec![Attempt {
            look: Look::CodeSearch,
            keep: Keep::Codes,
        }],
        first_kept: true,
    })
}

/// The area of a front's expiry, when its reading lost it.
fn lost_expiry(r: &mut Rereading) -> Option<Step> {
    let (page, docs) = r.read();
    let area = lost_expiry_region(page, docs)?;
    let attempts = EXPIRY_READINGS
        .iter()
        .map(|&(factor, threshold)| Attempt {
            look: Look::Lines {
                bbox: area.bbox,
                factor,
                threshold,
            },
            keep: Keep::Expiry(area.clone()),
        })
        .collect();
    Some(Step {
        name: "expiry",
        attempts,
        first_kept: true,
    })
}

/// A card whose reading is incomplete or unsure, read again whole, its print enlarged.
fn card_again(r: &mut Rereading) -> Option<Step> {
    let (page, docs) = r.read();
    wants_rereading(page, docs).then(|| Step {
        name: "card again",
        attempts: vec![Attempt {
            look: Look::PrintEnlarged,
            keep: Keep::Rereading,
        }],
        first_kept: true,
    })
}

/// A card still incomplete or unsure once read again, whose first reading was unsure:
/// the page under a local threshold. Asked only after the enlarged print's reading was
/// weighed with the first, so that a card it made whole and sure is not read a third
/// time, its code missing or not.
fn card_unsure_again(r: &mut Rereading) -> Option<Step> {
    let (page, docs) = r.read();
    let unsure = crate::mean_confidence(page).is_some_and(|c| c < UNSURE_READING);
    (unsure && reading_wanting(page, docs)).then(|| Step {
        name: "card unsure again",
        attempts: vec![Attempt {
            look: Look::LocalThreshold,
            keep: Keep::Rereading,
        }],
        first_kept: true,
    })
}
