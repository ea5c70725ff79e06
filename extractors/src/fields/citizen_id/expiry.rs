//! The card's expiry: where the front prints it, and the renewal-birthday rule that
//! ranks the expiries read (it never puts a date in their place).

use super::*;

/// Ages at which a card must be renewed (Law on Citizen Identification 2014, art. 21;
/// Law on Identification 2023, art. 21): a card expires on its holder's birthday at
/// the next one.
pub(super) const RENEWAL_AGES: [i32; 4] = [14, 25, 40, 60];

/// An expiry read without its label, recognised by its day and year alone.
pub(super) const UNLABELLED_EXPIRY: f32 = 0.6;

pub(super) fn iso_date(s: &str) -> Option<Date> {
    let mut parts = s.splitn(3, '-').map(str::parse::<u32>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    Date::new(i32::try_from(y).ok()?, m, d)
}

/// The expiry when its label was lost (faded, or read into the residence lines beside
/// the photo): a date on the card that is the holder's birthday at a renewal age.
pub(super) fn expiry_by_birthday(layout: &Layout, birth: Date) -> Option<Field> {
    layout.lines.iter().find_map(|line| {
        line.tokens.iter().find_map(|t| {
            let d = parse_date(&t.text)?;
            let age = d.year - birth.year;
            (d.day == birth.day && d.month == birth.month && RENEWAL_AGES.contains(&age))
                .then(|| unlabelled_field(d.iso(), UNLABELLED_EXPIRY * t.confidence, line, &[t]))
        })
    })
}

/// Whether `expiry` (ISO) is the holder's birthday at an age a card is renewed at, and
/// after the card was issued, when that is known (`2016-04-10` is the fortieth
/// birthday of a holder born in 1976, but no expiry of a card issued in 2021).
pub(super) fn is_renewal_birthday(expiry: &str, birth: Date, issued: Option<Date>) -> bool {
    iso_date(expiry).is_some_and(|d| {
        d.day == birth.day
            && d.month == birth.month
            && RENEWAL_AGES.contains(&(d.year - birth.year))
            && issued.is_none_or(|i| d > i)
    })
}

/// Whether `expiry` (ISO) is a date that is not the holder's birthday at a renewal age
/// after the card's issue, `birth` and `issued` being dates a code gave: a card's
/// expiry no source can have read right. `false` for an unlimited expiry, or when
/// `birth` is no date.
pub(crate) fn expires_off_the_birthday(expiry: &str, birth: &str, issued: Option<&str>) -> bool {
    match (iso_date(expiry), iso_date(birth)) {
        (Some(_), Some(birth)) => !is_renewal_birthday(expiry, birth, issued.and_then(iso_date)),
        _ => false,
    }
}

/// How much an expiry's confidence keeps when a source that outranks it was set aside.
pub(super) const OUTRANKING_SET_ASIDE: f32 = 0.8;

/// Sets aside the expiries that are not the holder's birthday at a renewal age when
/// another source read one that is: a card expires on that birthday and no other day,
/// so the zone's date whose check digit a misread happened to satisfy (`410926` for
/// `410920`) loses to the print that reads the birthday. Only against a birth date a
/// code gave (QR or zone), never one read from the same print.
pub(super) fn set_aside_expiries_off_the_birthday(cands: &mut Candidates, out: &mut Output) {
    let coded = |key: FieldKey| {
        cands
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|c| matches!(c.source, Source::Qr | Source::Mrz))
            .find_map(|c| iso_date(&c.field.value))
    };
    let Some(birth) = coded(FieldKey::DateOfBirth) else {
        return;
    };
    let issued = coded(FieldKey::DateOfIssue);
    let Some(expiries) = cands.get_mut(&FieldKey::DateOfExpiry) else {
        return;
    };
    let on_birthday = |c: &Candidate| is_renewal_birthday(&c.field.value, birth, issued);
    let Some(kept) = expiries.iter().find(|c| on_birthday(c)).cloned() else {
        return;
    };
    // Two sources that read the same date independently (the print and the zone's
    // checked digits) outweigh the rule: a card may expire off the birthday, and no
    // rule may put a date in its place that the card does not say.
    let confirmed = |c: &Candidate| {
        expiries
            .iter()
            .any(|o| o.source != c.source && o.field.value == c.field.value)
    };
    let confirmed: Vec<bool> = expiries.iter().map(confirmed).collect();
    type Judged = Vec<(Candidate, bool)>;
    let (on, off): (Judged, Judged) = std::mem::take(expiries)
        .into_iter()
        .zip(confirmed)
        .partition(|(c, confirmed)| {
            *confirmed || iso_date(&c.field.value).is_none() || on_birthday(c)
        });
    let on: Vec<Candidate> = on.into_iter().map(|(c, _)| c).collect();
    let off: Vec<Candidate> = off.into_iter().map(|(c, _)| c).collect();
    *expiries = on;
    if off.is_empty() {
        return;
    }
    let outranked = off.iter().any(|c| c.source != Source::Printed);
    for c in &off {
        out.warn(format!(
            "date_of_expiry: {} '{}' set aside: a card expires on its holder's birthday, and {} '{}' is that day",
            c.field.method.as_str(),
            c.field.value,
            kept.field.method.as_str(),
            kept.field.value
        ));
    }
    if outranked {
        for c in expiries.iter_mut() {
            c.field.confidence *= OUTRANKING_SET_ASIDE;
        }
    }
}

/// How much an expiry's confidence keeps when it is not its holder's birthday at a
/// renewal age.
pub(super) const OFF_THE_BIRTHDAY: f32 = 0.8;

/// An expiry that is not the holder's birthday at a renewal age, against a birth date a
/// code gave, stands as read, with less confidence and a warning that says why: the
/// rule ranks what was read, it never puts another date in its place.
pub(in crate::fields) fn warn_expiry_off_the_birthday(out: &mut Output) {
    let coded = |key: FieldKey| {
        out.fields
            .get(&key)
            .filter(|f| matches!(f.method, Method::Qr | Method::Mrz))
            .map(|f| f.value.clone())
    };
    let Some(birth) = coded(FieldKey::DateOfBirth) else {
        return;
    };
    let issued = coded(FieldKey::DateOfIssue);
    let Some(expiry) = out.fields.get_mut(&FieldKey::DateOfExpiry) else {
        return;
    };
    if !expires_off_the_birthday(&expiry.value, &birth, issued.as_deref()) {
        return;
    }
    expiry.confidence = round3(expiry.confidence * OFF_THE_BIRTHDAY);
    let warning = format!(
        "date_of_expiry ({}) {} is not the holder's birthday at a renewal age (date_of_birth {birth})",
        expiry.method.as_str(),
        expiry.value
    );
    out.warn(warning);
}

/// Labels of the front's field column, the 2021 and the 2024 templates alike.
pub(super) const FRONT_LABELS: [&str; 6] = [
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "place_of_origin",
    "place_of_residence",
];

/// How far below the field column's last line the expiry's value may reach, in line
/// heights: the value is printed about level with it, under its label and translation,
/// and a photographed card leans.
pub(super) const EXPIRY_DEPTH: f32 = 3.0;

/// A line continues the one above it in the column when it starts within this many
/// line heights below it.
pub(super) const CONTINUATION_GAP: f32 = 1.0;

/// How far left of the field column the photo and the expiry under it reach, as a share
/// of the column's width (the photo is under half as wide as the column).
pub(super) const PHOTO_REACH: f32 = 0.55;

/// Space kept between the region and the field column, in line heights, so that no
/// label of the column is read into it.
pub(super) const COLUMN_GAP: f32 = 0.15;

/// Where a card front that prints its holder's origin or residence (the 2016 and 2021
/// templates) prints its expiry: under the photo, left of the field column, level with
/// the origin and residence lines. Print there is small and sits on the photo's edge
/// and the guilloche, and a page reading often loses it, so it is worth reading on its
/// own. `None` for a page with no such field column (a 2024 front prints no expiry).
pub fn expiry_region(page: &PageText) -> Option<BBox> {
    let layout = Layout::from_page(page);
    let hits = find_hits(&layout, VOCAB);
    let front: Vec<_> = hits
        .all
        .iter()
        .filter(|h| FRONT_LABELS.contains(&h.key))
        .collect();
    let lower_ids: Vec<usize> = front
        .iter()
        .filter(|h| matches!(h.key, "place_of_origin" | "place_of_residence"))
        .map(|h| h.line)
        .collect();
    let lower: Vec<&Line> = lower_ids.iter().map(|&i| &layout.lines[i]).collect();
    let (Some(&last), true) = (lower_ids.iter().max(), front.len() >= 2) else {
        return None;
    };
    let mut starts: Vec<f32> = front.iter().map(|h| h.bbox.x0).collect();
    starts.sort_by(f32::total_cmp);
    let column = starts[starts.len() / 2];
    let mut heights: Vec<f32> = lower.iter().map(|l| l.height).collect();
    heights.sort_by(f32::total_cmp);
    let height = heights[heights.len() / 2];
    let right = front
        .iter()
        .map(|h| layout.lines[h.line].bbox.x1)
        .fold(column, f32::max);
    let top = lower.iter().map(|l| l.bbox.y0).fold(1.0, f32::min);
    // The residence wraps onto the lines below its label. Such a line reaches into the
    // column, and may start left of it: OCR joins the expiry's label, level with the
    // wrap under the photo, to the wrap's line.
    let mut bottom = lower.iter().map(|l| l.bbox.y1).fold(0.0, f32::max);
    for line in &layout.lines[last + 1..] {
        let continues = line.page == page.page
            && line.bbox.y0 <= bottom + CONTINUATION_GAP * height
            && line.bbox.y0 >= bottom - height
            && line.bbox.x1 >= column + 2.0 * height;
        if !continues {
            break;
        }
        bottom = bottom.max(line.bbox.y1);
    }
    let x1 = column - COLUMN_GAP * height;
    let x0 = (column - PHOTO_REACH * (right - column)).max(0.0);
    let y1 = (bottom + EXPIRY_DEPTH * height).min(1.0);
    (x1 > x0 && y1 > top).then(|| BBox::new(x0, top, x1, y1))
}
