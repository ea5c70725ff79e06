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

/// Why an expiry ranks below those on the holder's birthday at a renewal age: a card
/// expires on that birthday and no other day, so the zone's date whose check digit a
/// misread happened to satisfy (`410926` for `410920`) loses to the print that reads
/// the birthday. Only against a birth date a code gave (QR or zone), never one read from
/// the same print; and never an expiry two sources read alike (the print and the zone's
/// checked digits), since a card may expire off the birthday.
pub(in crate::fields) fn expiry_off_the_coded_birthday(
    expiry: &Proposal,
    context: &Context,
) -> Option<String> {
    let birth = context.coded(FieldKey::DateOfBirth)?;
    let off = expiry.sources < 2
        && expires_off_the_birthday(
            &expiry.field.value,
            birth,
            context.coded(FieldKey::DateOfIssue),
        );
    off.then(|| {
        format!("a card expires on its holder's birthday at a renewal age (date_of_birth {birth})")
    })
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

/// Where a card front that prints its holder's origin or residence (the 2016 and 2021
/// templates) prints its expiry: under the photo, left of the field column, level with
/// the origin and residence lines. Print there is small and sits on the photo's edge
/// and the guilloche, and a page reading often loses it, so it is worth reading on its
/// own. `None` for a page with no such field column (a 2024 front prints no expiry).
pub fn expiry_region(page: &PageText) -> Option<BBox> {
    let face = &CHIP_FRONT;
    let photo = face.photo.as_ref()?;
    let layout = Layout::from_page(page);
    let hits = find_hits(&layout, VOCAB);
    let front: Vec<_> = hits
        .all
        .iter()
        .filter(|h| {
            face.rows
                .iter()
                .any(|r| r.opens_line && r.key.as_str() == h.key)
        })
        .collect();
    let lower_ids: Vec<usize> = front
        .iter()
        .filter(|h| photo.level_with.iter().any(|k| k.as_str() == h.key))
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
            && line.bbox.y0 <= bottom + photo.continuation * height
            && line.bbox.y0 >= bottom - height
            && line.bbox.x1 >= column + 2.0 * height;
        if !continues {
            break;
        }
        bottom = bottom.max(line.bbox.y1);
    }
    let x1 = column - photo.gap * height;
    let x0 = (column - photo.reach * (right - column)).max(0.0);
    let y1 = (bottom + photo.depth * height).min(1.0);
    (x1 > x0 && y1 > top).then(|| BBox::new(x0, top, x1, y1))
}
