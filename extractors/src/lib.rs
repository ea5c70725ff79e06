//! Classification and field extraction for Vietnamese administrative documents.
//!
//! Pure functions over OCR words and decoded barcodes: this crate never does I/O,
//! so every rule here is tested from fixtures alone.
//!
//! - [`text`]: normalisation, OCR-tolerant folding and value parsers (dates, money, ids)
//! - [`layout`]: words to lines, labels to values
//! - [`classify`]: page types and document boundaries
//! - [`codes`]: the card's QR payload and MRZ
//! - [`fields`]: per-type field rules

/// This crate's version, recorded with every reading it produced.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod classify;
pub mod codes;
pub mod fields;
pub mod layout;
pub mod model;
pub mod spec;
pub mod text;

#[cfg(test)]
mod testutil;

pub use classify::mean_confidence;

use classify::page_signals;
pub use model::*;
pub use spec::{DocumentSpec, FieldSpec, Format, SubjectKind};

/// Splits the pages of one source file into documents and reads each one's fields.
///
/// Pages are taken in the order given; each document lists the `page` numbers of its
/// pages. A page that matches no type becomes an `unknown` document without fields.
pub fn extract_documents(pages: &[PageText]) -> Vec<ExtractedDocument> {
    let mut docs = extract_each(pages);
    fields::dossier::spell_names_as_cards(&mut docs);
    fields::dossier::accent_mrz_names(&mut docs);
    docs
}

/// A card's faces apart again when, read alone, they name different people: the
/// signals that joined them cannot see whose card a face is.
fn split_other_people(seg: classify::Segment, pages: &[PageText]) -> Vec<classify::Segment> {
    if seg.doc_type != DocumentType::CitizenId || seg.pages.len() < 2 {
        return vec![seg];
    }
    let alone: Vec<fields::Output> = seg
        .pages
        .iter()
        .filter_map(|&i| pages.get(i))
        .map(|p| fields::extract(DocumentType::CitizenId, &[p]))
        .collect();
    if !alone
        .windows(2)
        .any(|w| fields::dossier::name_other_people(&w[0], &w[1]))
    {
        return vec![seg];
    }
    seg.pages
        .iter()
        .map(|&i| {
            let mut one = seg.clone();
            one.pages = vec![i];
            one
        })
        .collect()
}

/// Every document of `pages` read on its own.
fn extract_each(pages: &[PageText]) -> Vec<ExtractedDocument> {
    classify::segment(pages)
        .into_iter()
        .flat_map(|seg| split_other_people(seg, pages))
        .map(|seg| {
            let doc_pages: Vec<&PageText> =
                seg.pages.iter().filter_map(|&i| pages.get(i)).collect();
            let readings = doc_pages
                .iter()
                .map(|p| p.rereadings.len())
                .max()
                .unwrap_or(0);
            let mut outputs = vec![fields::extract(seg.doc_type, &doc_pages)];
            for i in 0..readings {
                // A page read fewer times stands as it was first read.
                let views: Vec<PageText> = doc_pages
                    .iter()
                    .map(|p| p.reread(i).unwrap_or_else(|| (*p).clone()))
                    .collect();
                let refs: Vec<&PageText> = views.iter().collect();
                outputs.push(fields::extract(seg.doc_type, &refs));
            }
            let mut out = fields::readings::merge_readings(outputs);
            if let Some(spec) = seg.doc_type.spec() {
                fields::constraints::check_after_vote(spec.constraints, &mut out);
            }
            ExtractedDocument {
                document_type: seg.doc_type,
                pages: doc_pages.iter().map(|p| p.page).collect(),
                confidence: seg.confidence,
                fields: out.fields,
                warnings: out.warnings,
            }
        })
        .collect()
}

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
pub fn misses_card_code(page: &PageText) -> bool {
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
/// decoded QR code (whose payload would carry most fields exactly), or its first
/// reading, extracted on its own, lacks a field its face always prints, holds a field
/// read with little confidence, or raised a warning (a failed check digit, a conflict).
/// A card read whole and clean is not read twice.
pub fn wants_rereading(page: &PageText) -> bool {
    let signals = page_signals(page);
    if !classify::is_card(&signals) {
        return false;
    }
    let docs = extract_documents(std::slice::from_ref(page));
    let Some(card) = docs
        .iter()
        .find(|d| d.document_type == DocumentType::CitizenId)
    else {
        return true;
    };
    // A face the signals could not tell is read as needing both.
    let front = may_be_front(&signals);
    let back = signals.back || !signals.front;
    let needed = FRONT_FIELDS
        .iter()
        .filter(|_| front)
        .chain(CHIP_FRONT_FIELDS.iter().filter(|_| signals.chip_front))
        .chain(BACK_FIELDS.iter().filter(|_| back));
    (front && page.barcodes.is_empty())
        || !card.warnings.is_empty()
        || needed.into_iter().any(|k| !card.fields.contains_key(k))
        || card.fields.values().any(|f| f.confidence < UNSURE_FIELD)
        || card.fields.iter().any(|(key, f)| cut_short_place(*key, f))
}

/// A card prints every place down to its province, and a code spells it whole: a
/// printed place that ends before one lost its last line or word to the reading.
fn cut_short_place(key: FieldKey, field: &Field) -> bool {
    fields::citizen_id::is_place(key)
        && field.method == Method::Ocr
        && !text::ends_with_province(&field.value)
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

fn card_of(page: &PageText) -> Option<ExtractedDocument> {
    extract_documents(std::slice::from_ref(page))
        .into_iter()
        .find(|d| d.document_type == DocumentType::CitizenId)
}

/// Where to read a card front again for the expiry its reading lost: the front prints
/// it (see `fields::citizen_id::expiry_region`) and no source, neither the print nor
/// the zone of a back on the same page, gave it.
pub fn lost_expiry_region(page: &PageText) -> Option<ExpiryArea> {
    let signals = page_signals(page);
    if !(classify::is_card(&signals) && may_be_front(&signals)) {
        return None;
    }
    let card = card_of(page)?;
    if card.fields.contains_key(&FieldKey::DateOfExpiry) {
        return None;
    }
    Some(ExpiryArea {
        bbox: fields::citizen_id::expiry_region(page)?,
        fields_read: card.fields.into_iter().map(|(k, f)| (k, f.value)).collect(),
    })
}

/// `page` with `words`, read from `area` on its own (boxes as fractions of the page),
/// in place of what the page reading holds there; `None` unless the card then reads an
/// expiry and keeps every field it read before as it was, so that a reading of the
/// area never costs the page what it had: specks the area's guilloche reads beside
/// the photo must not become part of the place of origin next to them.
pub fn with_region_reading(
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
    let inside = |w: &Word| {
        let (x, y) = ((w.bbox.x0 + w.bbox.x1) / 2.0, w.bbox.center_y());
        x >= area.x0 && x <= area.x1 && y >= area.y0 && y <= area.y1
    };
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
pub fn other_face_areas(page: &PageText) -> Vec<BBox> {
    let signals = page_signals(page);
    if !classify::is_card(&signals) || signals.front == signals.back {
        return Vec::new();
    }
    let Some(print) = page
        .words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .map(|w| w.bbox)
        .reduce(|a, b| a.union(&b))
    else {
        return Vec::new();
    };
    let (width, height) = (print.width(), print.height());
    let left = (print.x0 - OTHER_FACE_SPREAD * width).max(0.0);
    let right = (print.x1 + OTHER_FACE_SPREAD * width).min(1.0);
    let reach = OTHER_FACE_REACH * height;
    let above_below = [
        ((print.y0 - reach).max(0.0), print.y0),
        (print.y1, (print.y1 + reach).min(1.0)),
    ]
    .into_iter()
    // Less room than half the face found holds no face.
    .filter(|(top, bottom)| bottom - top >= height / 2.0)
    .map(|(top, bottom)| BBox::new(left, top, right, bottom));
    let (top, bottom) = (
        (print.y0 - OTHER_FACE_SPREAD * height).max(0.0),
        (print.y1 + OTHER_FACE_SPREAD * height).min(1.0),
    );
    let side = OTHER_FACE_SIDE_REACH * width;
    let beside = [
        ((print.x0 - side).max(0.0), print.x0),
        (print.x1, (print.x1 + side).min(1.0)),
    ]
    .into_iter()
    .filter(|(l, r)| r - l >= width / 2.0)
    .map(|(l, r)| BBox::new(l, top, r, bottom));
    above_below.chain(beside).collect()
}

/// `page` with `words`, read from `area` (one of `other_face_areas`) on its own, in
/// place of what the page reading holds there; `None` unless the page then shows both
/// faces of a card.
pub fn with_other_face(page: &PageText, area: BBox, words: Vec<Word>) -> Option<PageText> {
    let merged = with_area_read_again(page, area, words);
    let signals = page_signals(&merged);
    (classify::is_card(&signals) && signals.front && signals.back).then_some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::page;

    fn front() -> PageText {
        page(
            1,
            &[
                (0.05, 0.3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (0.1, 0.3, "CĂN CƯỚC CÔNG DÂN"),
                (0.15, 0.3, "Số / No.: 001099012345"),
                (0.2, 0.3, "Họ và tên / Full name: NGUYỄN VĂN AN"),
                (0.25, 0.3, "Ngày sinh / Date of birth: 05/03/1999"),
                (
                    0.3,
                    0.3,
                    "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
                ),
                (0.35, 0.3, "Quê quán / Place of origin: Xã Kim Mã, Hà Nội"),
                (0.4, 0.05, "Có giá trị đến / Date of expiry: 05/03/2039"),
            ],
        )
    }

    fn with_code(mut page: PageText) -> PageText {
        page.barcodes.push(Barcode {
            payload: "001099012345||Nguyễn Văn An|05031999|Nam|Hà Nội|01012022".to_string(),
            bbox: BBox::new(0.8, 0.05, 0.95, 0.2),
        });
        page
    }

    /// A back page: the issue date and a TD1 zone of `id` and `names`.
    fn back(n: u32, id: &str, names: &str) -> PageText {
        let [l1, l2, l3] = crate::testutil::td1_zone(id, "990305", 'M', "390305", names);
        page(
            n,
            &[
                (0.1, 0.05, "Đặc điểm nhân dạng / Personal identification:"),
                (
                    0.2,
                    0.05,
                    "Ngày, tháng, năm / Date, month, year: 10/08/2021",
                ),
                (0.7, 0.05, &l1),
                (0.75, 0.05, &l2),
                (0.8, 0.05, &l3),
            ],
        )
    }

    fn cards(pages: &[PageText]) -> Vec<(Vec<u32>, Option<String>)> {
        extract_documents(pages)
            .into_iter()
            .map(|d| {
                (
                    d.pages,
                    d.fields.get(&FieldKey::IdNumber).map(|f| f.value.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn the_face_a_page_reading_passed_over_is_looked_for_above_and_below() {
        // A back read in the middle of the page: room above and below.
        let mut lone = back(1, "001099012345", "NGUYEN<<VAN<AN");
        for w in &mut lone.words {
            let b = w.bbox;
            w.bbox = BBox::new(b.x0 + 0.25, b.y0 * 0.3 + 0.4, b.x1 + 0.25, b.y1 * 0.3 + 0.4);
        }
        let areas = other_face_areas(&lone);
        assert!(areas.len() >= 2, "{areas:?}");
        assert!(areas[0].y1 <= 0.44 && areas[1].y0 >= 0.64);
        // The front read on its own in the area above completes the card.
        let front_words = front().words;
        let whole = with_other_face(&lone, areas[0], front_words.clone())
            .expect("the front completes the card");
        let card = card_of(&whole).expect("a card");
        assert_eq!(card.fields[&FieldKey::FullName].value, "NGUYỄN VĂN AN");
        // Nothing of a face below, and nothing to look for on a page with both faces.
        assert_eq!(with_other_face(&lone, areas[1], front_words), None);
        assert!(other_face_areas(&whole).is_empty());
        assert!(other_face_areas(&page(1, &[(0.1, 0.1, "Số 5 đường Tô Hiệu")])).is_empty());
    }

    #[test]
    fn the_face_a_page_reading_passed_over_is_looked_for_beside_it_too() {
        // A back read in the left half of a sheet, level with nothing above or below.
        let mut lone = back(1, "001099012345", "NGUYEN<<VAN<AN");
        for w in &mut lone.words {
            let b = w.bbox;
            w.bbox = BBox::new(b.x0 * 0.4, b.y0 * 0.2 + 0.05, b.x1 * 0.4, b.y1 * 0.2 + 0.05);
        }
        let areas = other_face_areas(&lone);
        let right = areas
            .iter()
            .find(|a| a.x0 >= 0.2)
            .expect("an area to the right of the face");
        let whole = with_other_face(
            &lone,
            *right,
            front()
                .words
                .into_iter()
                .map(|mut w| {
                    let b = w.bbox;
                    w.bbox = BBox::new(
                        0.27 + b.x0 * 0.3,
                        b.y0 * 0.2 + 0.05,
                        0.27 + b.x1 * 0.3,
                        b.y1 * 0.2 + 0.05,
                    );
                    w
                })
                .collect(),
        )
        .expect("the front beside completes the card");
        assert_eq!(
            card_of(&whole).expect("a card").fields[&FieldKey::FullName].value,
            "NGUYỄN VĂN AN"
        );
    }

    #[test]
    fn a_back_joins_the_front_of_its_own_card_only() {
        let own = [front(), back(2, "001099012345", "NGUYEN<<VAN<AN")];
        assert_eq!(cards(&own), [(vec![1, 2], Some("001099012345".into()))]);
        // Another person's back after a front: each page is a card of its own.
        let other = [front(), back(2, "033301781262", "DINH<<KIM<BAO<NHUNG")];
        assert_eq!(
            cards(&other),
            [
                (vec![1], Some("001099012345".into())),
                (vec![2], Some("033301781262".into()))
            ]
        );
        // The same number under a name that lost letters (a zone line cut at the
        // card's edge) is the same card: where both faces read the number, it decides.
        let cut = [front(), back(2, "001099012345", "N<AN")];
        assert_eq!(cards(&cut), [(vec![1, 2], Some("001099012345".into()))]);
    }

    #[test]
    fn a_card_read_whole_with_its_code_is_not_read_again() {
        assert!(!wants_rereading(&with_code(front())));
        // Without its QR code every printed field counts, so it is read again.
        assert!(wants_rereading(&front()));
        // The chip card's front alone prints the place of origin and, beside the photo,
        // the expiry, which no QR payload carries: a reading that lost either is redone.
        for lost in ["Quê", "Có"] {
            let mut card = with_code(front());
            let line = card.words.iter().find(|w| w.text == lost).map(|w| w.line);
            card.words.retain(|w| Some(w.line) != line);
            assert!(wants_rereading(&card), "{lost}");
        }
        // A certificate is never read again.
        let certificate = page(1, &[(0.1, 0.3, "GIẤY KHAI SINH")]);
        assert!(!wants_rereading(&certificate));
    }

    /// A 2021 front whose reading lost the expiry under the photo (x < 0.3), its lines
    /// spaced as a card's are.
    fn front_2021() -> PageText {
        let lines = [
            "CĂN CƯỚC CÔNG DÂN",
            "Số / No.: 001099012345",
            "Họ và tên / Full name: NGUYỄN VĂN AN",
            "Ngày sinh / Date of birth: 05/03/1999",
            "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
            "Quê quán / Place of origin: Xã Kim Mã, Hà Nội",
            "Nơi thường trú / Place of residence: Số 12 phố Huế,",
            "Phường Bạch Đằng, Hà Nội",
        ];
        let placed: Vec<(f32, f32, &str)> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| (0.1 + 0.02 * i as f32, 0.3, *t))
            .collect();
        page(1, &placed)
    }

    #[test]
    fn a_front_that_lost_its_expiry_is_read_under_its_photo() {
        let card = front_2021();
        let area = lost_expiry_region(&card).expect("a 2021 front without its expiry");
        // Left of the field column, from the origin line down past the residence.
        let b = area.bbox;
        assert!(b.x1 < 0.3 && b.x0 < 0.2, "{b:?}");
        assert!(b.y0 <= 0.2 && b.y1 > 0.254, "{b:?}");
        // The residence's wrap read as one line with the expiry's label left of it
        // still reaches the column: the region reaches below it.
        let mut joined = card.clone();
        let wrap = joined.words.iter().map(|w| w.line).max().unwrap_or(0);
        joined.words.retain(|w| w.line != wrap);
        let lower = page(
            1,
            &[(0.24, 0.03, "Có giá trị đến: Phường Bạch Đằng, Hà Nội")],
        );
        joined
            .words
            .extend(lower.words.into_iter().map(|w| Word { line: wrap, ..w }));
        let b = lost_expiry_region(&joined)
            .expect("a 2021 front without its expiry")
            .bbox;
        assert!(b.y1 > 0.254 + 0.03, "{b:?}");
        // A front that read its expiry is not read for it again.
        assert_eq!(lost_expiry_region(&front()), None);

        let region = page(
            1,
            &[
                (0.22, 0.03, "Có giá trị đến:"),
                (0.238, 0.03, "Date of expiry"),
                (0.256, 0.03, "05/03/2039"),
            ],
        )
        .words;
        let read = with_region_reading(&card, &area, region).expect("the expiry read");
        let docs = extract_documents(std::slice::from_ref(&read));
        let expiry = &docs[0].fields[&FieldKey::DateOfExpiry];
        assert_eq!(expiry.value, "2039-03-05");
        assert_eq!(docs[0].fields[&FieldKey::FullName].value, "NGUYỄN VĂN AN");
        // A reading of the area that finds no expiry leaves the page as it was.
        let specks = page(1, &[(0.23, 0.05, "~ .")]).words;
        assert_eq!(with_region_reading(&card, &area, specks), None);
        // Once read, the expiry is not looked for again.
        assert_eq!(lost_expiry_region(&read), None);
    }

    #[test]
    fn a_card_code_is_searched_for_where_a_front_may_be() {
        assert!(misses_card_code(&front()));
        assert!(!misses_card_code(&with_code(front())));
        // A back alone shows no code to search for.
        let lone_back = back(1, "001099012345", "NGUYEN<<VAN<AN");
        assert!(!misses_card_code(&lone_back));
        // A front that lost its title beside a back, whose zone outweighs the front's
        // labels: the front's code is still looked for.
        let mut both = lone_back.clone();
        let shift = both.words.iter().map(|w| w.line).max().unwrap_or(0) + 1;
        let front_lines = page(
            1,
            &[
                (0.05, 0.3, "Họ và tên / Full name: NGUYỄN VĂN AN"),
                (0.08, 0.3, "Ngày sinh / Date of birth: 05/03/1999"),
            ],
        );
        both.words
            .extend(front_lines.words.into_iter().map(|w| Word {
                line: w.line + shift,
                ..w
            }));
        assert!(!page_signals(&both).front);
        assert!(misses_card_code(&both));
        // Its code found, the chip card's front (its `Full name` label) still lacks the
        // place of origin no code carries: it is read again.
        assert!(wants_rereading(&with_code(both)));
    }

    #[test]
    fn a_card_whose_place_stops_short_of_its_province_is_read_again() {
        let mut card = with_code(front());
        assert!(!wants_rereading(&card));
        for w in &mut card.words {
            if w.text == "Nội" {
                w.text = "Nộ".into();
            }
        }
        assert!(wants_rereading(&card));
    }

    #[test]
    fn a_card_missing_a_field_of_its_face_is_read_again() {
        let mut read = with_code(front());
        // The nationality line lost.
        read.words.retain(|w| w.line != 5);
        assert!(wants_rereading(&read));
    }
}
