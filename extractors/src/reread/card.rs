//! What a card page needs read again, and what a reading of an area must achieve to
//! be kept. The rules are the card's; `super` turns them into steps.

use crate::classify::{self, page_signals};
use crate::model::{BBox, DocumentType, ExtractedDocument, Field, Method, PageText, Word};
use crate::spec::FieldKey;
use crate::{extract_documents, fields, text};

/// Fields every card prints on the face that carries them, whichever template.
const FRONT_FIELDS: [FieldKey; 5] = [
    FieldKey::IdNumber,
    FieldKey::FullName,
    FieldKey::DateOfBirth,
    FieldKey::Sex,
    FieldKey::Nationality,
];
/// What the 2021 chip card's front prints besides, which no QR payload carries.
const CHIP_FRONT_FIELDS: [FieldKey; 2] = [FieldKey::PlaceOfOrigin, FieldKey::DateOfExpiry];
const BACK_FIELDS: [FieldKey; 1] = [FieldKey::DateOfIssue];
/// A field read with less confidence than this is worth a second look.
const UNSURE_FIELD: f32 = 0.6;

/// Whether a page that may show an ID card's front (`may_be_front`) shows no decoded QR
/// code, so that a slower search for the code is worth it.
pub(super) fn misses_card_code(page: &PageText) -> bool {
    if !page.barcodes.is_empty() {
        return false;
    }
    let signals = page_signals(page);
    classify::is_card(&signals) && may_be_front(&signals)
}

/// A card page shows its front, a face the signals could not tell, or a front's labels
/// beside a back whose zone outweighs them.
fn may_be_front(signals: &classify::PageSignals) -> bool {
    signals.front || !signals.back || signals.front_labels
}

/// Whether a page that looks like an ID card is worth reading again: its front shows no
/// decoded QR code (whose payload would carry most fields exactly), or its reading so
/// far, extracted on its own, lacks a field its face always prints, or holds a field no
/// code gave that was read with little confidence or cut short, or raised a warning (a
/// failed check digit, a conflict). A print that disagrees with the code is no reason:
/// the code's value is picked whatever a rereading of the print says. A card read whole
/// and clean is not read twice.
pub(super) fn wants_rereading(page: &PageText, docs: &[ExtractedDocument]) -> bool {
    let signals = page_signals(page);
    let code_missing = may_be_front(&signals) && page.barcodes.is_empty();
    classify::is_card(&signals) && (code_missing || wanting(&signals, docs))
}

/// Whether a card page's reading so far, its code aside, is incomplete or unsure: what
/// `wants_rereading` asks of a page that was read again already, whose missing code a
/// further reading cannot give and whose second reading was weighed with the first.
pub(super) fn reading_wanting(page: &PageText, docs: &[ExtractedDocument]) -> bool {
    let signals = page_signals(page);
    classify::is_card(&signals) && wanting(&signals, docs)
}

/// `reading_wanting` of a card page whose signals are `signals`.
fn wanting(signals: &classify::PageSignals, docs: &[ExtractedDocument]) -> bool {
    let Some(card) = docs
        .iter()
        .find(|d| d.document_type == DocumentType::CitizenId)
    else {
        return true;
    };
    // A face the signals could not tell is read as needing both.
    let front = may_be_front(signals);
    let back = signals.back || !signals.front;
    let needed = FRONT_FIELDS
        .iter()
        .filter(|_| front)
        .chain(CHIP_FRONT_FIELDS.iter().filter(|_| signals.chip_front))
        .chain(BACK_FIELDS.iter().filter(|_| back));
    let doubtful = |key: FieldKey, f: &Field| {
        f.method != Method::Qr && (f.confidence < UNSURE_FIELD || cut_short_place(key, f))
    };
    let warned = card
        .warnings
        .iter()
        .any(|w| !fields::solve::code_outranked_another(w));
    warned
        || needed.into_iter().any(|k| !card.fields.contains_key(k))
        || card.fields.iter().any(|(key, f)| doubtful(*key, f))
}

/// A card prints every place down to its province, and a code spells it whole: a
/// printed place that ends before one lost its last line or word to the reading. A
/// division (origin, place of birth registration) also opens with its commune's unit
/// word: one that does not kept words of something else before it.
fn cut_short_place(key: FieldKey, field: &Field) -> bool {
    let division = matches!(
        key,
        FieldKey::PlaceOfOrigin | FieldKey::PlaceOfBirthRegistration
    );
    crate::spec::format_of(key) == Some(crate::spec::Format::Place)
        && field.method == Method::Ocr
        && (!text::ends_with_province(&field.value)
            || (division && !text::is_whole_division(&field.value)))
}

/// The part of a card front to read again for the expiry its reading lost, and the
/// fields that reading had, which a reading of the area must keep.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiryArea {
    /// In fractions of the page.
    pub bbox: BBox,
    /// Each field the card read before, and its value.
    fields_read: Vec<(FieldKey, String)>,
}

pub(super) fn card_of(page: &PageText) -> Option<ExtractedDocument> {
    extract_documents(std::slice::from_ref(page))
        .into_iter()
        .find(|d| d.document_type == DocumentType::CitizenId)
}

/// Where to read a card front again for the expiry its reading lost: the front prints
/// it (see `fields::citizen_id::expiry_region`) and no source, neither the print nor
/// the zone of a back on the same page, gave it.
pub(super) fn lost_expiry_region(
    page: &PageText,
    docs: &[ExtractedDocument],
) -> Option<ExpiryArea> {
    let signals = page_signals(page);
    if !(classify::is_card(&signals) && may_be_front(&signals)) {
        return None;
    }
    let card = docs
        .iter()
        .find(|d| d.document_type == DocumentType::CitizenId)?;
    if card.fields.contains_key(&FieldKey::DateOfExpiry) {
        return None;
    }
    Some(ExpiryArea {
        bbox: fields::citizen_id::expiry_region(page)?,
        fields_read: card
            .fields
            .iter()
            .map(|(k, f)| (*k, f.value.clone()))
            .collect(),
    })
}

/// `page` with `words`, read from `area` on its own (boxes as fractions of the page),
/// in place of what the page reading holds there; `None` unless the card then reads an
/// expiry and keeps every field it read before as it was, so that a reading of the
/// area never costs the page what it had: specks the area's guilloche reads beside
/// the photo must not become part of the place of origin next to them.
pub(super) fn with_region_reading(
    page: &PageText,
    area: &ExpiryArea,
    words: Vec<Word>,
) -> Option<PageText> {
    let merged = with_area_read_again(page, area.bbox, words);
    let after = card_of(&merged)?;
    let keeps = area
        .fields_read
        .iter()
        .all(|(k, v)| after.fields.get(k).is_some_and(|f| &f.value == v));
    (keeps && after.fields.contains_key(&FieldKey::DateOfExpiry)).then_some(merged)
}

/// `page` with the words it held inside `area` replaced by `words`, read from the
/// area on its own, as lines after the page's.
fn with_area_read_again(page: &PageText, area: BBox, words: Vec<Word>) -> PageText {
    let inside = |w: &Word| area.holds_centre_of(&w.bbox);
    let next_line = page.words.iter().map(|w| w.line + 1).max().unwrap_or(0);
    let mut merged = page.clone();
    merged.words.retain(|w| !inside(w));
    merged
        .words
        .extend(words.into_iter().filter(inside).map(|w| Word {
            line: next_line + w.line,
            ..w
        }));
    merged
}

/// How far from the print of the face a page reading found its card's other face may
/// lie, in heights of that print: a copy of both faces on one sheet puts them one
/// above the other, a face's height or so apart.
const OTHER_FACE_REACH: f32 = 2.2;
/// How much wider than the face found the other face may be, each side, in its widths.
const OTHER_FACE_SPREAD: f32 = 0.15;
/// How far beside the print of the face found the other face may lie, in widths of
/// that print: a copy may put the faces side by side.
const OTHER_FACE_SIDE_REACH: f32 = 1.3;

/// Where to read a card page again for the face its reading passed over: a page
/// reading can lose a whole face, its photo and guilloche taken for a picture, though
/// read on its own the face reads well. Above and below the face found, then beside
/// it (faces copied side by side), when the page shows one face only; none when the
/// page is no card or shows both.
pub(super) fn other_face_areas(page: &PageText) -> Vec<BBox> {
    let signals = page_signals(page);
    if !classify::is_card(&signals) || signals.front == signals.back {
        return Vec::new();
    }
    let print = |min_confidence: f32| {
        page.words
            .iter()
            .filter(|w| w.confidence >= min_confidence)
            .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
            .map(|w| w.bbox)
            .reduce(|a, b| a.union(&b))
    };
    let Some(all) = print(0.0) else {
        return Vec::new();
    };
    let mut areas = areas_around(all);
    // A face lying upside down beside the one read reads as noise of low confidence
    // that widens the print over both faces: around the confident print too.
    if let Some(sure) = print(SURE_WORD).filter(|p| !nearly_equal(p, &all)) {
        areas.extend(areas_around(sure));
    }
    areas
}

/// Words read with this confidence or more are print, not the noise of a face lying
/// upside down (on a sheet of seed 2612073, the face read upright 0.89-0.97, the one
/// upside down 0.81 at most, mostly under 0.6).
const SURE_WORD: f32 = 0.85;

/// Whether two boxes differ by less than a hundredth of the page on every side.
fn nearly_equal(a: &BBox, b: &BBox) -> bool {
    [a.x0 - b.x0, a.y0 - b.y0, a.x1 - b.x1, a.y1 - b.y1]
        .iter()
        .all(|d| d.abs() < 0.01)
}

/// Where the other face may lie around `print`, the extent of the face found.
fn areas_around(print: BBox) -> Vec<BBox> {
    let (width, height) = (print.width(), print.height());
    // The face's own extent across, a little wider; less room than half the face found
    // holds no face.
    let (left, right) = widened(print.x0, print.x1, OTHER_FACE_SPREAD * width);
    let (top, bottom) = widened(print.y0, print.y1, OTHER_FACE_SPREAD * height);
    let above_below = spans_around(print.y0, print.y1, OTHER_FACE_REACH * height, height / 2.0)
        .map(move |(t, b)| BBox::new(left, t, right, b));
    // Beside the face its own photo and code lie within half its print's width: only a
    // span with room for a whole face's print is worth reading.
    let beside = spans_around(
        print.x0,
        print.x1,
        OTHER_FACE_SIDE_REACH * width,
        width * 0.9,
    )
    .map(move |(l, r)| BBox::new(l, top, r, bottom));
    above_below.chain(beside).collect()
}

/// `lo..hi` widened by `by` each side, within the page.
fn widened(lo: f32, hi: f32, by: f32) -> (f32, f32) {
    ((lo - by).max(0.0), (hi + by).min(1.0))
}

/// The spans `reach` long before `lo` and after `hi`, within the page, that are at
/// least `min` long.
fn spans_around(lo: f32, hi: f32, reach: f32, min: f32) -> impl Iterator<Item = (f32, f32)> {
    [((lo - reach).max(0.0), lo), (hi, (hi + reach).min(1.0))]
        .into_iter()
        .filter(move |(a, b)| b - a >= min)
}

/// `page` with `words`, read from `area` (one of `other_face_areas`) on its own, in
/// place of what the page reading holds there; `None` unless the page then shows both
/// faces of a card. When the area was read `upside_down`, the page keeps it turned:
/// its codes move where the turn takes them, like its words.
pub(super) fn with_other_face(
    page: &PageText,
    area: BBox,
    upside_down: bool,
    words: Vec<Word>,
) -> Option<PageText> {
    let mut merged = with_area_read_again(page, area, words);
    if upside_down {
        for code in merged.barcodes.iter_mut() {
            if area.holds_centre_of(&code.bbox) {
                code.bbox = code.bbox.half_turned_in(&area);
            }
        }
        merged.half_turned.push(area);
    }
    let signals = page_signals(&merged);
    (classify::is_card(&signals) && signals.front && signals.back).then_some(merged)
}
