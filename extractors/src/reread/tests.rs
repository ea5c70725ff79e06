//! Tests of the rereading rules and the protocol over them.

use super::*;
use crate::classify::page_signals;
use crate::testutil::page;
use crate::*;

/// The rules as the steps use them, over the page's own extraction.
fn wants_rereading(page: &PageText) -> bool {
    card::wants_rereading(page, &extract_documents(std::slice::from_ref(page)))
}

fn lost_expiry_region(page: &PageText) -> Option<ExpiryArea> {
    card::lost_expiry_region(page, &extract_documents(std::slice::from_ref(page)))
}

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
    let whole = with_other_face(&lone, areas[0], false, front_words.clone())
        .expect("the front completes the card");
    let card = card_of(&whole).expect("a card");
    assert_eq!(card.fields[&FieldKey::FullName].value, "NGUYỄN VĂN AN");
    // Nothing of a face below, and nothing to look for on a page with both faces.
    assert_eq!(with_other_face(&lone, areas[1], false, front_words), None);
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
        false,
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
fn a_face_lying_upside_down_beside_the_one_read_is_read_turned_and_its_evidence_taken_back() {
    // A back read in the left half of a sheet; the front beside it lies upside down.
    let squeeze = |b: BBox, left: f32| {
        BBox::new(
            left + b.x0 * 0.3,
            b.y0 * 0.2 + 0.05,
            left + b.x1 * 0.3,
            b.y1 * 0.2 + 0.05,
        )
    };
    let mut lone = back(1, "001099012345", "NGUYEN<<VAN<AN");
    for w in &mut lone.words {
        w.bbox = squeeze(w.bbox, 0.0);
    }
    let mut r = Rereading::new(lone.clone());
    let step = r.next_step().expect("a step");
    assert_eq!(step.name, "other face");
    // Every area as it lies first, then every area upside down.
    let n = step.attempts.len() / 2;
    assert!(
        n >= 1 && step.attempts.len() == 2 * n,
        "{:?}",
        step.attempts
    );
    assert!(step.attempts[..n].iter().all(|a| matches!(
        a.look,
        Look::Area {
            upside_down: false,
            ..
        }
    )));
    assert!(step.attempts[n..].iter().all(|a| matches!(
        a.look,
        Look::Area {
            upside_down: true,
            ..
        }
    )));
    let right = step.attempts[n..]
        .iter()
        .find(|a| matches!(a.look, Look::Area { bbox, .. } if bbox.x0 >= 0.1))
        .unwrap_or_else(|| panic!("no upside-down look right of the face: {:?}", step.attempts));
    let Look::Area { bbox: area, .. } = right.look else {
        unreachable!()
    };
    // The engine reads the area turned: the front's words where it shows upright, and
    // the front's code, found on the page as it lay, turned with them.
    let into_area = |b: BBox| {
        BBox::new(
            area.x0 + b.x0 * area.width(),
            area.y0 + b.y0 * area.height(),
            area.x0 + b.x1 * area.width(),
            area.y0 + b.y1 * area.height(),
        )
    };
    let front_words: Vec<Word> = front()
        .words
        .into_iter()
        .map(|mut w| {
            w.bbox = into_area(w.bbox);
            w
        })
        .collect();
    let code = into_area(BBox::new(0.8, 0.05, 0.95, 0.2));
    r.offer(
        &Keep::Codes,
        Found::Codes(vec![Barcode {
            payload: "not a card's".into(),
            bbox: code,
        }]),
    );
    assert!(r.offer(&right.keep, Found::Words(front_words.clone())));
    let page = r.finish();
    assert_eq!(page.half_turned, [area]);
    assert_eq!(page.barcodes[0].bbox, code.half_turned_in(&area));
    // The name read from the turned face, its evidence where the page's pixels show it.
    let card = card_of(&page).expect("a card");
    let name = &card.fields[&FieldKey::FullName];
    assert_eq!(name.value, "NGUYỄN VĂN AN");
    let read_at = front_words
        .iter()
        .find(|w| w.text.contains("NGUYỄN"))
        .expect("the name's words")
        .bbox;
    let shown = name.evidence[0].bbox;
    assert!(area.holds_centre_of(&shown));
    assert!(
        (shown.center_y() - read_at.half_turned_in(&area).center_y()).abs() < 0.01,
        "{shown:?} is not where the turn takes {read_at:?}"
    );
    // A text layer places the turned face's words where its pixels are, the rest as read.
    for (read, printed) in page.words.iter().zip(page.printed_words().iter()) {
        if area.holds_centre_of(&read.bbox) {
            assert_eq!(printed.bbox, read.bbox.half_turned_in(&area));
        } else {
            assert_eq!(printed.bbox, read.bbox);
        }
    }
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
fn a_print_that_disagrees_with_the_code_is_no_reason_to_read_the_card_again() {
    // The print's birth date misread: the code's wins whatever a rereading of the
    // print says, so the disagreement (a warning, a lowered confidence) asks for none.
    let mut card = with_code(front());
    for w in &mut card.words {
        if w.text == "05/03/1999" {
            w.text = "05/08/1999".into();
        }
    }
    let docs = extract_documents(std::slice::from_ref(&card));
    assert!(
        docs[0].warnings.iter().any(|w| w.contains("disagrees")),
        "{docs:?}"
    );
    assert!(!wants_rereading(&card));
    // Without the code the same warning is a reason.
    card.barcodes.clear();
    assert!(wants_rereading(&card));
}

#[test]
fn a_card_missing_a_field_of_its_face_is_read_again() {
    let mut read = with_code(front());
    // The nationality line lost.
    read.words.retain(|w| w.line != 5);
    assert!(wants_rereading(&read));
}

#[test]
fn the_plan_asks_for_what_the_page_lacks_and_stops_once_it_is_whole() {
    let mut r = Rereading::new(front());
    let mut steps = Vec::new();
    while let Some(step) = r.next_step() {
        steps.push(step.name);
        if step.name == "card code" {
            let codes = with_code(front()).barcodes;
            assert!(r.offer(&step.attempts[0].keep, Found::Codes(codes)));
        }
    }
    // A front alone: its other face looked for, its code searched; once the code is
    // found the card is whole and clean, and nothing is read again.
    assert_eq!(steps, ["other face", "card code"]);
    assert_eq!(r.finish().barcodes.len(), 1);

    // Without the code the card is read again: its print enlarged.
    let mut r = Rereading::new(front());
    let steps: Vec<Step> = std::iter::from_fn(|| r.next_step()).collect();
    let again = steps
        .iter()
        .find(|s| s.name == "card again")
        .expect("read again");
    assert_eq!(
        again.attempts,
        [Attempt {
            look: Look::PrintEnlarged,
            keep: Keep::Rereading,
        }]
    );
    // What a look finds is kept only as its step says: words are no codes.
    let mut r = Rereading::new(front());
    assert!(!r.offer(&Keep::Codes, Found::Words(front().words)));
    assert!(!r.offer(&Keep::Rereading, Found::Words(Vec::new())));
    assert!(r.offer(&Keep::Rereading, Found::Words(front().words)));
    assert_eq!(r.finish().rereadings.len(), 1);
}
