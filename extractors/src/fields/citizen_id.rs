//! `citizen_id`: the 2021 chip CCCD and the 2024 Căn cước, from printed text, the QR
//! payload and the MRZ, reconciled.

use crate::classify::keywords::{back, chip_front, front, kw, title, Keyword};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};
use std::collections::BTreeMap;

use super::common::{
    complete_country, mean_confidence, normalize, printed_field, read_rule, round3,
    unlabelled_field, Kind, Output, Rule,
};
use super::crosscheck::{check_card_dates, check_id_digits};
use super::merge::{compact_fold, merge, Candidate, Source};
use crate::codes::{find_mrz, parse_qr, Mrz, MrzData, QrData};
use crate::layout::{find_hits, joined_text, Hits, Label, Layout, Line, Token};
use crate::model::{BBox, Evidence, Field, Method, PageText};
use crate::text::{
    ends_with_province, fix_digit_token, has_province_code, is_whole_division, label_key,
    levenshtein, parse_date, parse_expiry, parse_sex, Date, Expiry,
};

/// The type's schema: its fields in the contract's order, what names its subjects and
/// makes its content key, its signals and its reading.
pub const SPEC: DocumentSpec = DocumentSpec {
    document_type: DocumentType::CitizenId,
    fields: &[
        FieldSpec::new(FieldKey::IdNumber, Format::Digits(&[12]))
            .names(SubjectKind::Citizen)
            .keyed(),
        FieldSpec::new(FieldKey::FullName, Format::Name).keyed(),
        FieldSpec::new(FieldKey::DateOfBirth, Format::Date).keyed(),
        FieldSpec::new(FieldKey::Sex, Format::Sex),
        FieldSpec::new(FieldKey::Nationality, Format::Country),
        FieldSpec::new(FieldKey::PlaceOfOrigin, Format::Place),
        FieldSpec::new(FieldKey::PlaceOfResidence, Format::Place),
        FieldSpec::new(FieldKey::PlaceOfBirthRegistration, Format::Place),
        FieldSpec::new(FieldKey::DateOfIssue, Format::Date).keyed(),
        FieldSpec::new(FieldKey::DateOfExpiry, Format::Expiry),
        FieldSpec::new(FieldKey::PreviousIdNumber, Format::Digits(&[9])),
    ],
    supersedes_through: &[SubjectKind::Citizen, SubjectKind::Enterprise],
    keywords: KEYWORDS,
    extract: extract,
};

const KEYWORDS: &[Keyword] = &[
    chip_front(title("căn cước công dân", 5.0)),
    chip_front(title("citizen identity card", 4.0)),
    front(title("căn cước", 4.0)),
    front(title("identity card", 3.0)),
    front(kw("personal identification number", 2.0)),
    front(kw("surname, middle and given name", 2.0)),
    // The 2024 card names the holder's "surname, middle and given name".
    chip_front(kw("full name", 1.0)),
    front(kw("date of birth", 1.0)),
    chip_front(kw("place of origin", 1.5)),
    kw("place of residence", 1.0),
    kw("nationality", 1.0),
    kw("date of expiry", 1.5),
    back(kw("place of birth registration", 1.5)),
    back(kw("date of issue", 1.0)),
    back(kw("đặc điểm nhân dạng", 1.5)),
    // Also the start of the front's "personal identification number": no face.
    kw("personal identification", 0.5),
    back(kw("date, month, year", 1.5)),
    back(kw("ngón trỏ trái", 1.0)),
    back(kw("left index finger", 1.5)),
    back(kw("right index finger", 1.5)),
    back(kw("cục trưởng cục cảnh sát", 2.0)),
    back(kw("ministry of public security", 1.0)),
    // A passport shares the English labels; it is not a citizen ID.
    kw("hộ chiếu", -4.0),
    kw("passport", -4.0),
];

const VOCAB: &[Label] = &[
    Label::new(
        "id_number",
        &["Số", "Số định danh cá nhân"],
        &[
            "No.",
            "Personal identification number",
            "Personal identification No.",
        ],
    ),
    Label::new(
        "full_name",
        &[
            "Họ và tên",
            "Họ, chữ đệm và tên khai sinh",
            "Họ, chữ đệm và tên",
        ],
        &[
            "Full name",
            "Surname, middle and given name",
            "Surname, middle and given names",
        ],
    ),
    Label::new(
        "date_of_birth",
        &["Ngày sinh", "Ngày, tháng, năm sinh"],
        &["Date of birth"],
    ),
    Label::new("sex", &["Giới tính"], &["Sex"]),
    Label::new("nationality", &["Quốc tịch"], &["Nationality"]),
    Label::new("place_of_origin", &["Quê quán"], &["Place of origin"]),
    Label::new(
        "place_of_residence",
        // A photocopy loses the last word of the first most (`Nơi thường :`); no other
        // card label opens with its first two.
        &["Nơi thường trú", "Nơi cư trú", "Nơi thường"],
        &["Place of residence"],
    ),
    Label::new(
        "place_of_birth_registration",
        // Its last word is the one a photocopy garbles most (`khai sáedi`, `khai
        // sen`), and a phone photo may keep only the first two (`Nơi đăng xinh`); no
        // other card label opens with them.
        &["Nơi đăng ký khai sinh", "Nơi đăng ký khai", "Nơi đăng"],
        &["Place of birth registration"],
    ),
    Label::new(
        "date_of_issue",
        &["Ngày, tháng, năm cấp", "Ngày cấp"],
        &["Date of issue"],
    ),
    Label::new(
        "date_of_issue_2021",
        &["Ngày, tháng, năm"],
        &["Date, month, year"],
    ),
    Label::new(
        "date_of_expiry",
        &["Có giá trị đến", "Ngày, tháng, năm hết hạn"],
        &["Date of expiry"],
    ),
    Label::new("-", &["Đặc điểm nhân dạng"], &["Personal identification"]),
    Label::new("-", &["Ngón trỏ trái"], &["Left index finger"]),
    Label::new("-", &["Ngón trỏ phải"], &["Right index finger"]),
    Label::new(
        "-",
        &["Cộng hòa xã hội chủ nghĩa Việt Nam"],
        &["Socialist Republic of Viet Nam"],
    ),
    Label::new(
        "-",
        &["Độc lập - Tự do - Hạnh phúc"],
        &["Independence - Freedom - Happiness"],
    ),
    Label::new(
        "-",
        &["Căn cước công dân", "Căn cước"],
        &["Citizen identity card", "Identity card"],
    ),
    Label::new(
        "-",
        &["Cục trưởng cục cảnh sát quản lý hành chính về trật tự xã hội"],
        &[],
    ),
    Label::new("-", &["Bộ Công an"], &["Ministry of Public Security"]),
];

const RULES: &[Rule] = &[
    Rule::new(FieldKey::IdNumber, "id_number", Kind::Id(&[12])),
    Rule::new(FieldKey::FullName, "full_name", Kind::CapitalName),
    Rule::new(FieldKey::DateOfBirth, "date_of_birth", Kind::Date),
    Rule::new(FieldKey::Sex, "sex", Kind::Sex),
    Rule::new(FieldKey::Nationality, "nationality", Kind::Nationality),
    Rule::new(FieldKey::PlaceOfOrigin, "place_of_origin", Kind::Division).multiline(),
    Rule::new(FieldKey::PlaceOfResidence, "place_of_residence", Kind::Text).multiline(),
    Rule::new(
        FieldKey::PlaceOfBirthRegistration,
        "place_of_birth_registration",
        Kind::Division,
    )
    .multiline(),
    Rule::new(FieldKey::DateOfIssue, "date_of_issue", Kind::Date),
    Rule::new(FieldKey::DateOfIssue, "date_of_issue_2021", Kind::Date),
    Rule::new(FieldKey::DateOfExpiry, "date_of_expiry", Kind::Expiry),
];

/// Fields in the order they are reconciled and reported.
const KEYS: &[FieldKey] = &[
    FieldKey::IdNumber,
    FieldKey::PreviousIdNumber,
    FieldKey::FullName,
    FieldKey::DateOfBirth,
    FieldKey::Sex,
    FieldKey::Nationality,
    FieldKey::PlaceOfOrigin,
    FieldKey::PlaceOfResidence,
    FieldKey::PlaceOfBirthRegistration,
    FieldKey::DateOfIssue,
    FieldKey::DateOfExpiry,
];

/// Confidence of a QR value: the payload is exact digital data.
const QR_CONFIDENCE: f32 = 0.99;
/// Confidence of an MRZ value whose own check digit holds.
const MRZ_CONFIDENCE: f32 = 0.95;
/// An MRZ value with a valid own check but a failed composite check.
const MRZ_PARTIAL_CONFIDENCE: f32 = 0.85;
/// The MRZ name has no check digit at all.
const MRZ_NAME_CONFIDENCE: f32 = 0.75;
/// Neither has its nationality code, but three fixed letters are rarely misread into
/// the one code that names a country.
const MRZ_NATIONALITY_CONFIDENCE: f32 = 0.8;

/// The printed nationality of a citizen, from the MRZ's code: cards are issued to
/// citizens only, so any other code names no nationality this card prints.
/// Whether a card's field is a place (`place_of_origin`, `place_of_residence`,
/// `place_of_birth_registration`), printed down to its province.
pub(crate) fn is_place(key: FieldKey) -> bool {
    SPEC.field(key).is_some_and(|f| f.format == Format::Place)
}

fn printed_nationality(code: &str) -> Option<String> {
    (code == "VNM").then(|| "Việt Nam".to_string())
}

type Candidates = BTreeMap<FieldKey, Vec<Candidate>>;

fn push(c: &mut Candidates, key: FieldKey, source: Source, field: Field) {
    c.entry(key).or_default().push(Candidate { source, field });
}

fn qr_candidates(qr: &QrData, page: u32, bbox: BBox, payload: &str, c: &mut Candidates) {
    let mk = |value: String| Field {
        value,
        confidence: QR_CONFIDENCE,
        method: Method::Qr,
        evidence: vec![Evidence {
            page,
            bbox,
            raw: payload.to_string(),
        }],
    };
    push(c, FieldKey::IdNumber, Source::Qr, mk(qr.id_number.clone()));
    let values: [(FieldKey, Option<String>); 6] = [
        (FieldKey::PreviousIdNumber, qr.previous_id_number.clone()),
        (FieldKey::FullName, qr.full_name.clone()),
        (FieldKey::DateOfBirth, qr.date_of_birth.map(|d| d.iso())),
        (FieldKey::Sex, qr.sex_str().map(str::to_string)),
        (FieldKey::PlaceOfResidence, qr.place_of_residence.clone()),
        (FieldKey::DateOfIssue, qr.date_of_issue.map(|d| d.iso())),
    ];
    for (key, v) in values {
        if let Some(v) = v {
            push(c, key, Source::Qr, mk(v));
        }
    }
}

fn mrz_candidates(mrz: &Mrz, data: &MrzData, c: &mut Candidates) {
    let checked = if data.composite_ok {
        MRZ_CONFIDENCE
    } else {
        MRZ_PARTIAL_CONFIDENCE
    };
    let mk = |value: String, line: usize, confidence: f32| {
        let l = &mrz.lines[line];
        Field {
            value,
            confidence,
            method: Method::Mrz,
            evidence: vec![Evidence {
                page: l.page,
                bbox: l.bbox,
                raw: l.raw.clone(),
            }],
        }
    };
    let values: [(FieldKey, Option<String>, usize, f32); 6] = [
        (
            FieldKey::IdNumber,
            data.id_number.clone(),
            0,
            if data.id_prefix_unchecked {
                MRZ_PARTIAL_CONFIDENCE
            } else {
                MRZ_CONFIDENCE
            },
        ),
        (
            FieldKey::DateOfBirth,
            data.date_of_birth.map(|d| d.iso()),
            1,
            checked,
        ),
        (
            FieldKey::Sex,
            data.sex.map(|s| s.as_str().to_string()),
            1,
            checked * 0.95,
        ),
        (
            FieldKey::DateOfExpiry,
            data.date_of_expiry
                .map(|d| d.iso())
                .or_else(|| data.no_expiry.then(|| "unlimited".to_string())),
            1,
            checked,
        ),
        (
            FieldKey::FullName,
            data.full_name.clone(),
            2,
            MRZ_NAME_CONFIDENCE,
        ),
        (
            FieldKey::Nationality,
            data.nationality.as_deref().and_then(printed_nationality),
            1,
            MRZ_NATIONALITY_CONFIDENCE,
        ),
    ];
    for (key, v, line, conf) in values {
        if let Some(v) = v {
            push(c, key, Source::Mrz, mk(v, line, conf));
        }
    }
}

/// A nationality read without its label counts for less than one read beside it.
const UNLABELLED_NATIONALITY: f32 = 0.7;
/// Most words a card's sex and nationality line holds when both labels faded away.
const BARE_SEX_LINE_WORDS: usize = 4;
/// Fewest letters of a garbled label whose closing mark vouches for the value after it.
const LABEL_REMAINS: usize = 4;

/// The nationality at the end of the line that prints the sex, when its own label was
/// garbled past recognition (`Giới tính/Sex: Nữ Quốc tewNasonaey. Việt Nam`) or faded
/// away with the sex's (`Nữ Việt Nam`). Both card templates print the two on one line.
fn nationality_beside_sex(layout: &Layout, hits: &Hits) -> Option<Field> {
    let viet_nam = label_key("Việt Nam");
    layout.lines.iter().enumerate().find_map(|(li, line)| {
        let words: Vec<_> = line.tokens.iter().filter(|t| !t.is_punct()).collect();
        let [.., first, second] = words.as_slice() else {
            return None;
        };
        let key = format!("{}{}", first.key, second.key);
        if levenshtein(&key, &viet_nam) > 1 {
            return None;
        }
        let labelled = hits.on_line(li).any(|(_, h)| h.key == "sex");
        let bare = words.len() <= BARE_SEX_LINE_WORDS
            && words.len() > 2
            && parse_sex(&words[0].text).is_some();
        // Both labels garbled (`Giới 6#ySex Nữ Quốc §ch/Nawosawy. Việt Nam`): the sex,
        // spelt out, still stands before the country, or a label's closing mark does.
        // Neither the title's `VIỆT NAM`, in capitals, nor a place ends that way.
        let before = &words[..words.len() - 2];
        let sex_before = before
            .iter()
            .any(|t| matches!(t.key.as_str(), "nam" | "nu") && t.text.chars().count() <= 3);
        let label_closed = before.last().is_some_and(|t| {
            t.text.ends_with([':', '.']) && t.key.chars().count() >= LABEL_REMAINS
        });
        let printed_as_value = first.text.chars().skip(1).any(char::is_lowercase);
        if !labelled && !bare && !(printed_as_value && (sex_before || label_closed)) {
            return None;
        }
        Some(unlabelled_field(
            "Việt Nam".to_string(),
            UNLABELLED_NATIONALITY * (first.confidence + second.confidence) / 2.0,
            line,
            &[first, second],
        ))
    })
}

/// A place of origin read without its label counts for less than one read beside it.
const UNLABELLED_ORIGIN: f32 = 0.6;
/// Words this many line heights left of the residence label are not in the field
/// column (the photo, the expiry under it).
const FIELD_COLUMN_SLACK: f32 = 1.5;
/// Labels a 2016 or 2021 front prints above its place of origin.
const ABOVE_ORIGIN: [&str; 5] = [
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
];

/// The place of origin of a 2016 or 2021 front whose label was garbled past matching
/// (`C6 wéo/ Face sí àiyp: Xã Phước Long, Kim Sơn,`) or lost: the front prints it
/// between the sex and nationality line and the residence's label, so the field
/// column's lines there, from the first that opens a whole division (a unit word, a
/// name, and a province to end it), are the place. `None` when a label for it was
/// read, since its own rule decides then.
fn origin_by_position(layout: &Layout, hits: &Hits) -> Option<Field> {
    if hits.all.iter().any(|h| h.key == "place_of_origin") {
        return None;
    }
    let residence = hits.all.iter().find(|h| h.key == "place_of_residence")?;
    let res_line = &layout.lines[residence.line];
    let above = hits
        .all
        .iter()
        .filter(|h| h.line < residence.line && ABOVE_ORIGIN.contains(&h.key))
        .map(|h| h.line)
        .max()?;
    let x0 = residence.bbox.x0 - FIELD_COLUMN_SLACK * res_line.height;
    let lines: Vec<&Line> = layout.lines[above + 1..residence.line]
        .iter()
        .filter(|l| l.page == res_line.page)
        .collect();
    (0..lines.len()).find_map(|start| {
        let words: Vec<&Token> = lines[start..]
            .iter()
            .flat_map(|l| l.tokens.iter().filter(|t| t.bbox.x0 >= x0))
            .collect();
        let value = normalize(Kind::Division, &joined_text(words.iter().copied())).ok()?;
        if !is_whole_division(&value) {
            return None;
        }
        // The evidence is the words the place kept, not the garbled label before it.
        let first_word = value.split_whitespace().next()?;
        let from = words
            .iter()
            .position(|t| label_key(&t.text) == label_key(first_word))?;
        let kept = &words[from..];
        let confidence = UNLABELLED_ORIGIN * mean_confidence(kept);
        Some(unlabelled_field(value, confidence, lines[start], kept))
    })
}

/// A place of birth registration read without its label counts for less than one read
/// beside it.
const UNLABELLED_BIRTH_REGISTRATION: f32 = 0.6;
/// How many line heights left of the date of issue's label a 2024 back's place may
/// start.
const BACK_COLUMN_SLACK: f32 = 4.0;
/// Most lines a card's place wraps onto.
const PLACE_LINES: usize = 2;

/// The place of birth registration of a 2024 back whose label was garbled past matching
/// or lost: the back prints it last before the date of issue's label, on a line or two
/// of its own, so the lines just above that label which make a whole division are the
/// place. A line above them that already ends in a province is the residence's last,
/// not the place's first; and a value that ends a residence read elsewhere (the QR
/// code's, the printed one's) is that residence, its place of birth registration not
/// read at all. `None` when a label for it was read, since its own rule decides then.
fn birth_registration_by_position(
    layout: &Layout,
    hits: &Hits,
    residences: &[&str],
) -> Option<Field> {
    if hits
        .all
        .iter()
        .any(|h| h.key == "place_of_birth_registration")
    {
        return None;
    }
    let issue = hits.all.iter().find(|h| h.key == "date_of_issue")?;
    let issue_line = &layout.lines[issue.line];
    // The back has no photo beside its field column; the slack spares a place whose
    // label above lost its first word (`tháng, năm cấp` for `Ngày, tháng, năm cấp`).
    let x0 = issue.bbox.x0 - BACK_COLUMN_SLACK * issue_line.height;
    let above: Vec<(&Line, Vec<&Token>)> = layout.lines[..issue.line]
        .iter()
        .rev()
        .filter(|l| l.page == issue_line.page)
        .map(|l| (l, l.tokens.iter().filter(|t| t.bbox.x0 >= x0).collect()))
        .filter(|(_, words): &(&Line, Vec<&Token>)| !words.is_empty())
        .take(PLACE_LINES)
        .collect();
    let (value, first_line, words) = (1..=above.len()).rev().find_map(|n| {
        let upper = &above[n - 1];
        if n > 1 && ends_with_province(&joined_text(upper.1.iter().copied())) {
            return None;
        }
        let words: Vec<&Token> = above[..n]
            .iter()
            .rev()
            .flat_map(|(_, w)| w.iter().copied())
            .collect();
        let value = normalize(Kind::Division, &joined_text(words.iter().copied())).ok()?;
        is_whole_division(&value).then_some((value, upper.0, words))
    })?;
    let folded = compact_fold(&value);
    if residences
        .iter()
        .any(|r| compact_fold(r).ends_with(&folded))
    {
        return None;
    }
    let confidence = UNLABELLED_BIRTH_REGISTRATION * mean_confidence(&words);
    Some(unlabelled_field(value, confidence, first_line, &words))
}

/// An id number read without its label, recognised by its length and province code.
const UNLABELLED_ID: f32 = 0.6;

/// The card's id number when its label was not read: the one 12-digit number on the
/// document that opens with a province's code. Two different such numbers leave it
/// unread, since one of them may be another person's.
fn id_without_label(layout: &Layout) -> Option<Field> {
    let mut found: Option<(String, &Line, &Token)> = None;
    for line in &layout.lines {
        for t in &line.tokens {
            let bare = t.text.trim_matches(|c: char| !c.is_alphanumeric());
            let digits = fix_digit_token(bare).unwrap_or_else(|| bare.to_string());
            if !(digits.bytes().all(|b| b.is_ascii_digit()) && has_province_code(&digits)) {
                continue;
            }
            match &found {
                Some((seen, _, _)) if *seen != digits => return None,
                Some(_) => {}
                None => found = Some((digits, line, t)),
            }
        }
    }
    let (digits, line, t) = found?;
    Some(unlabelled_field(
        digits,
        UNLABELLED_ID * t.confidence,
        line,
        &[t],
    ))
}

/// A name found by the zone's spelling counts for less than one read beside its label.
const NAME_BY_ZONE: f32 = 0.7;
/// Letters OCR may add at the ends of the zone's name line (`YS` from the photo's edge,
/// a filler read as `K`), beyond which the printed line is some other name.
const ZONE_NAME_JUNK: usize = 2;

/// The printed name when its label was lost: the line of capitals whose letters, tone
/// marks aside, spell the zone's name line, which has no tone marks to give. A zone
/// name with a letter or two of OCR junk at its ends still finds its line.
fn name_by_zone(layout: &Layout, zone_name: &str) -> Option<Field> {
    let target = compact_fold(zone_name);
    if target.chars().count() < 4 {
        return None;
    }
    layout.lines.iter().find_map(|line| {
        let words: Vec<&Token> = line
            .tokens
            .iter()
            .filter(|t| t.text.chars().any(char::is_alphabetic))
            .collect();
        // The zone line itself, with its fillers, is not print.
        if words.is_empty() || line.tokens.iter().any(|t| t.text.contains('<')) {
            return None;
        }
        let name = normalize(Kind::CapitalName, &joined_text(words.iter().copied())).ok()?;
        let got = compact_fold(&name);
        let fits = got == target
            || (got.chars().count() >= 8
                && target.contains(&got)
                && target.chars().count() - got.chars().count() <= ZONE_NAME_JUNK);
        fits.then(|| unlabelled_field(name, NAME_BY_ZONE * mean_confidence(&words), line, &words))
    })
}

/// Ages at which a card must be renewed (Law on Citizen Identification 2014, art. 21;
/// Law on Identification 2023, art. 21): a card expires on its holder's birthday at
/// the next one.
const RENEWAL_AGES: [i32; 4] = [14, 25, 40, 60];
/// An expiry read without its label, recognised by its day and year alone.
const UNLABELLED_EXPIRY: f32 = 0.6;

fn iso_date(s: &str) -> Option<Date> {
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
fn expiry_by_birthday(layout: &Layout, birth: Date) -> Option<Field> {
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
fn is_renewal_birthday(expiry: &str, birth: Date, issued: Option<Date>) -> bool {
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
const OUTRANKING_SET_ASIDE: f32 = 0.8;

/// Sets aside the expiries that are not the holder's birthday at a renewal age when
/// another source read one that is: a card expires on that birthday and no other day,
/// so the zone's date whose check digit a misread happened to satisfy (`410926` for
/// `410920`) loses to the print that reads the birthday. Only against a birth date a
/// code gave (QR or zone), never one read from the same print.
fn set_aside_expiries_off_the_birthday(cands: &mut Candidates, out: &mut Output) {
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
    let (on, off): (Vec<(Candidate, bool)>, Vec<(Candidate, bool)>) = std::mem::take(expiries)
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
const OFF_THE_BIRTHDAY: f32 = 0.8;

/// An expiry that is not the holder's birthday at a renewal age, against a birth date a
/// code gave, stands as read, with less confidence and a warning that says why: the
/// rule ranks what was read, it never puts another date in its place.
fn warn_expiry_off_the_birthday(out: &mut Output) {
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

/// "Không thời hạn" (no expiry) is printed nowhere on a card but as the expiry's value,
/// so it says what it is even when its label was lost or its line ran into another.
fn unlimited_expiry_unlabelled(layout: &Layout) -> Option<Field> {
    layout.lines.iter().find_map(|line| {
        line.tokens.windows(3).find_map(|w| {
            matches!(parse_expiry(&joined_text(w)), Some(Expiry::Unlimited)).then(|| {
                let tokens: Vec<&Token> = w.iter().collect();
                let confidence = w.iter().map(|t| t.confidence).fold(1.0, f32::min);
                unlabelled_field(
                    "unlimited".to_string(),
                    UNLABELLED_EXPIRY * confidence,
                    line,
                    &tokens,
                )
            })
        })
    })
}

/// Labels of the front's field column, the 2021 and the 2024 templates alike.
const FRONT_LABELS: [&str; 6] = [
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
const EXPIRY_DEPTH: f32 = 3.0;
/// A line continues the one above it in the column when it starts within this many
/// line heights below it.
const CONTINUATION_GAP: f32 = 1.0;
/// How far left of the field column the photo and the expiry under it reach, as a share
/// of the column's width (the photo is under half as wide as the column).
const PHOTO_REACH: f32 = 0.55;
/// Space kept between the region and the field column, in line heights, so that no
/// label of the column is read into it.
const COLUMN_GAP: f32 = 0.15;

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

/// Reads a citizen ID document from its layout and the barcodes of its pages.
pub fn extract(layout: &Layout, pages: &[&PageText]) -> Output {
    let mut out = Output::default();
    let mut cands: Candidates = BTreeMap::new();
    let mut printed_warnings: Vec<(FieldKey, String)> = Vec::new();

    let hits = find_hits(layout, VOCAB);
    for rule in RULES {
        if cands
            .get(&rule.field)
            .is_some_and(|v| v.iter().any(|c| c.source == Source::Printed))
        {
            continue;
        }
        match read_rule(layout, &hits, rule) {
            (Some((v, value)), _) => push(
                &mut cands,
                rule.field,
                Source::Printed,
                printed_field(&v, value, rule.kind),
            ),
            (None, Some(w)) => printed_warnings.push((rule.field, w)),
            (None, None) => {}
        }
    }

    if !cands.contains_key(&FieldKey::Nationality) {
        if let Some(field) = nationality_beside_sex(layout, &hits) {
            push(&mut cands, FieldKey::Nationality, Source::Printed, field);
        }
    }
    for c in cands.get_mut(&FieldKey::Nationality).into_iter().flatten() {
        c.field.value = complete_country(&c.field.value);
    }
    if !cands.contains_key(&FieldKey::PlaceOfOrigin) {
        if let Some(field) = origin_by_position(layout, &hits) {
            push(&mut cands, FieldKey::PlaceOfOrigin, Source::Printed, field);
        }
    }

    let mut seen: Vec<&str> = Vec::new();
    for page in pages {
        for b in &page.barcodes {
            // A code photocopied twice is one source, not two agreeing ones.
            if seen.contains(&b.payload.as_str()) {
                continue;
            }
            seen.push(&b.payload);
            if let Some(qr) = parse_qr(&b.payload) {
                qr_candidates(&qr, page.page, b.bbox, &b.payload, &mut cands);
            }
        }
    }

    if let Some(mrz) = find_mrz(layout) {
        let data = mrz.decode();
        for w in &data.warnings {
            out.warn(w.clone());
        }
        mrz_candidates(&mrz, &data, &mut cands);
        let printed_name = cands
            .get(&FieldKey::FullName)
            .is_some_and(|v| v.iter().any(|c| c.source == Source::Printed));
        if let (false, Some(zone_name)) = (printed_name, data.full_name.as_deref()) {
            if let Some(field) = name_by_zone(layout, zone_name) {
                push(&mut cands, FieldKey::FullName, Source::Printed, field);
            }
        }
    }

    // Fallbacks for what no source read with a label, the QR code or the zone.
    if !cands.contains_key(&FieldKey::IdNumber) {
        if let Some(field) = id_without_label(layout) {
            push(&mut cands, FieldKey::IdNumber, Source::Printed, field);
        }
    }
    if !cands.contains_key(&FieldKey::PlaceOfBirthRegistration) {
        let residences: Vec<&str> = cands
            .get(&FieldKey::PlaceOfResidence)
            .into_iter()
            .flatten()
            .map(|c| c.field.value.as_str())
            .collect();
        if let Some(field) = birth_registration_by_position(layout, &hits, &residences) {
            push(
                &mut cands,
                FieldKey::PlaceOfBirthRegistration,
                Source::Printed,
                field,
            );
        }
    }
    if !cands.contains_key(&FieldKey::DateOfExpiry) {
        let birth = cands
            .get(&FieldKey::DateOfBirth)
            .and_then(|list| list.iter().find_map(|c| iso_date(&c.field.value)));
        let unlabelled = birth
            .and_then(|b| expiry_by_birthday(layout, b))
            .or_else(|| unlimited_expiry_unlabelled(layout));
        if let Some(field) = unlabelled {
            push(&mut cands, FieldKey::DateOfExpiry, Source::Printed, field);
        }
    }

    set_aside_expiries_off_the_birthday(&mut cands, &mut out);
    for key in KEYS {
        if let Some(list) = cands.remove(&key) {
            merge(*key, list, &mut out);
        }
    }
    for (field, w) in printed_warnings {
        if !out.fields.contains_key(&field) {
            out.warn(w);
        }
    }
    warn_expiry_off_the_birthday(&mut out);
    check_card_dates(&mut out);
    check_id_digits(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::test_layout;

    fn dated(birth: (&str, Method), expiry: (&str, Method)) -> Output {
        let mut out = Output::default();
        let issue = ("2021-06-01", Method::Ocr);
        for (key, (value, method)) in [
            (FieldKey::DateOfBirth, birth),
            (FieldKey::DateOfExpiry, expiry),
            (FieldKey::DateOfIssue, issue),
        ] {
            let field = Field {
                value: value.into(),
                confidence: 0.9,
                method,
                evidence: Vec::new(),
            };
            out.fields.insert(key.into(), field);
        }
        warn_expiry_off_the_birthday(&mut out);
        out
    }

    #[test]
    fn an_expiry_off_the_birthday_stands_as_read_with_a_warning() {
        for (birth, read) in [
            ("1964-12-31", "2024-12-03"),
            ("1999-11-29", "2033-11-29"),
            ("2003-10-08", "2028-01-08"),
            // Printed so, and by the zone under its check digit: no rule may say 2038.
            ("1998-04-14", "2039-04-14"),
        ] {
            for method in [Method::Ocr, Method::Mrz] {
                let out = dated((birth, Method::Qr), (read, method));
                let expiry = &out.fields[&FieldKey::DateOfExpiry];
                assert_eq!(expiry.value, read, "{read}");
                assert!(expiry.confidence < 0.9);
                assert!(out.warnings[0].contains(read), "{:?}", out.warnings);
            }
        }
    }

    /// The expiries left, and the warnings, once those off the QR code's birthday
    /// (1981-09-20) were set aside from the zone's and the print's.
    fn expiries_kept(zone: &str, printed: &str) -> (Vec<(String, f32)>, Vec<String>) {
        let cand = |source, value: &str, method| Candidate {
            source,
            field: Field {
                value: value.into(),
                confidence: 0.9,
                method,
                evidence: Vec::new(),
            },
        };
        let mut cands: Candidates = BTreeMap::new();
        cands.insert(
            FieldKey::DateOfBirth,
            vec![cand(Source::Qr, "1981-09-20", Method::Qr)],
        );
        cands.insert(
            FieldKey::DateOfExpiry,
            vec![
                cand(Source::Mrz, zone, Method::Mrz),
                cand(Source::Printed, printed, Method::Ocr),
            ],
        );
        let mut out = Output::default();
        set_aside_expiries_off_the_birthday(&mut cands, &mut out);
        let kept = cands[&FieldKey::DateOfExpiry]
            .iter()
            .map(|c| (c.field.value.clone(), c.field.confidence))
            .collect();
        (kept, out.warnings)
    }

    #[test]
    fn a_zone_expiry_off_the_coded_birthday_is_set_aside_for_the_printed_one() {
        let (kept, warnings) = expiries_kept("2041-09-26", "2041-09-20");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, "2041-09-20");
        assert!(kept[0].1 < 0.9);
        assert!(warnings[0].contains("2041-09-26"), "{warnings:?}");
        // None on the birthday: nothing to prefer, the sources' ranks decide.
        let (kept, warnings) = expiries_kept("2041-09-26", "2041-09-28");
        assert_eq!(kept.len(), 2);
        assert!(warnings.is_empty());
    }

    #[test]
    fn an_expiry_two_sources_read_alike_is_kept_off_the_birthday() {
        // The print and the zone both say 2042; a third reading on the birthday does
        // not outvote them.
        let cand = |source, value: &str, method| Candidate {
            source,
            field: Field {
                value: value.into(),
                confidence: 0.9,
                method,
                evidence: Vec::new(),
            },
        };
        let mut cands: Candidates = BTreeMap::new();
        cands.insert(
            FieldKey::DateOfBirth,
            vec![cand(Source::Qr, "1981-09-20", Method::Qr)],
        );
        cands.insert(
            FieldKey::DateOfExpiry,
            vec![
                cand(Source::Mrz, "2042-09-20", Method::Mrz),
                cand(Source::Printed, "2042-09-20", Method::Ocr),
                cand(Source::Printed, "2041-09-20", Method::Ocr),
            ],
        );
        let mut out = Output::default();
        set_aside_expiries_off_the_birthday(&mut cands, &mut out);
        let kept: Vec<&str> = cands[&FieldKey::DateOfExpiry]
            .iter()
            .map(|c| c.field.value.as_str())
            .collect();
        assert_eq!(kept, ["2042-09-20", "2042-09-20", "2041-09-20"]);
    }

    #[test]
    fn an_expiry_is_not_doubted_without_a_coded_birth_date_or_on_the_birthday() {
        for (birth, expiry) in [
            // The birth date read from the same print could be the misread one.
            (("1964-12-31", Method::Ocr), ("2024-12-03", Method::Ocr)),
            // Already the birthday.
            (("1964-12-31", Method::Qr), ("2024-12-31", Method::Ocr)),
        ] {
            let out = dated(birth, expiry);
            assert_eq!(out.fields[&FieldKey::DateOfExpiry].value, expiry.0);
            assert_eq!(out.fields[&FieldKey::DateOfExpiry].confidence, 0.9);
            assert!(out.warnings.is_empty());
        }
    }

    fn beside_sex(lines: &[&str]) -> Option<String> {
        let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
        let layout = test_layout(&at_margin);
        let hits = find_hits(&layout, VOCAB);
        nationality_beside_sex(&layout, &hits).map(|f| f.evidence[0].raw.clone())
    }

    #[test]
    fn the_nationality_ends_the_sex_line_when_its_label_is_lost() {
        assert_eq!(
            beside_sex(&["Giới tính/Sex: Nữ Quốc tewNasonaey. Việt Nam"]).as_deref(),
            Some("Việt Nam")
        );
        // Both labels faded: the sex value opens the line.
        assert_eq!(beside_sex(&["Nữ Việt Nam."]).as_deref(), Some("Việt Nam."));
        assert_eq!(beside_sex(&["Nam Viet Nam"]).as_deref(), Some("Viet Nam"));
        // Both labels garbled past matching (photocopies, as read): the sex spelt out
        // before the country, or a garbled label's colon right before it.
        assert_eq!(
            beside_sex(&["`. Giới 6#ySex Nữ Quốc §ch/Nawosawy. Việt Nam"]).as_deref(),
            Some("Việt Nam")
        );
        assert_eq!(
            beside_sex(&["5 -yz2g12 euonanty: Việt Nam"]).as_deref(),
            Some("Việt Nam")
        );
    }

    #[test]
    fn no_expiry_is_read_without_its_label_even_run_into_another_line() {
        let layout = test_layout(&[
            (0.7, "trị đến:"),
            (0.73, "Không thời hạn Thuận, Thủy Nguyên, Đồng Nai"),
        ]);
        let field = unlimited_expiry_unlabelled(&layout).unwrap();
        assert_eq!(field.value, "unlimited");
        assert_eq!(field.evidence[0].raw, "Không thời hạn");
        let other = test_layout(&[(0.7, "Không có thời hạn nào khác")]);
        assert!(unlimited_expiry_unlabelled(&other).is_none());
    }

    #[test]
    fn an_unlabelled_expiry_is_the_birthday_at_a_renewal_age() {
        let layout = test_layout(&[
            (0.3, "Ngày sinh / Date of birth: 30/08/1999"),
            (0.03, "30/08/2039 Phường Tân An, Tây Ninh"),
        ]);
        let birth = Date::new(1999, 8, 30).unwrap();
        let expiry = expiry_by_birthday(&layout, birth).unwrap();
        assert_eq!(expiry.value, "2039-08-30");
        assert_eq!(expiry.evidence[0].raw, "30/08/2039");
        // Another day, or a year no renewal age gives, is some other date.
        for other in ["30/08/2030", "29/08/2039"] {
            let layout = test_layout(&[(0.03, other)]);
            assert!(expiry_by_birthday(&layout, birth).is_none(), "{other}");
        }
    }

    #[test]
    fn an_unlabelled_id_is_the_one_twelve_digit_number_with_a_province_code() {
        let id = |lines: &[&str]| {
            let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
            id_without_label(&test_layout(&at_margin)).map(|f| f.value)
        };
        assert_eq!(
            id(&["39 tha đnh cá nhàn To,", "027180302905"]).as_deref(),
            Some("027180302905")
        );
        // The same number twice (front and zone) is still one.
        assert_eq!(
            id(&["O27180302905", "027180302905."]).as_deref(),
            Some("027180302905")
        );
        // No province opens with 099; two different numbers may be two people.
        assert_eq!(id(&["099180302905"]), None);
        assert_eq!(id(&["027180302905", "001079116439"]), None);
    }

    #[test]
    fn an_issue_date_outside_the_cards_life_is_dropped() {
        let card = |issue: &str| {
            let layout = test_layout(&[
                (0.1, "CĂN CƯỚC CÔNG DÂN"),
                (0.2, "Ngày sinh / Date of birth: 27/06/1997"),
                (
                    0.3,
                    &format!("Ngày, tháng, năm cấp / Date of issue: {issue}"),
                ),
                (0.4, "Có giá trị đến / Date of expiry: 27/06/2037"),
            ]);
            let out = extract(&layout, &[]);
            (
                out.fields
                    .get(&FieldKey::DateOfIssue)
                    .map(|f| f.value.clone()),
                out.warnings,
            )
        };
        assert_eq!(card("16/05/2026").0.as_deref(), Some("2026-05-16"));
        for wrong in ["27/06/2037", "16/05/2038", "16/05/1996"] {
            let (issue, warnings) = card(wrong);
            assert_eq!(issue, None, "{wrong}");
            assert!(
                warnings.iter().any(|w| w.contains("date_of_issue (ocr)")),
                "{warnings:?}"
            );
        }
    }

    #[test]
    fn a_name_without_its_label_is_found_by_the_zone_spelling() {
        let name = |lines: &[&str], zone: &str| {
            let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
            name_by_zone(&test_layout(&at_margin), zone).map(|f| f.value)
        };
        let card = [
            "Họ. chữ đệm và tên khái tới Sự ngưng, maỚCÖe",
            "- HỒ TIẾN QUANG LONG",
            "HO<<TIEN<QUANG<LONG<<<<<<<<<<< Q",
        ];
        assert_eq!(
            name(&card, "HO TIEN QUANG LONG").as_deref(),
            Some("HỒ TIẾN QUANG LONG")
        );
        // Junk the zone's reading picked up at its ends.
        assert_eq!(
            name(&["NGUYỄN MAI HƯƠNG"], "YSNGUYEN MAI HUONG").as_deref(),
            Some("NGUYỄN MAI HƯƠNG")
        );
        // Another name, or the same letters in small print, is not the holder's.
        assert_eq!(name(&["NGUYỄN MAI HƯƠNG"], "NGUYEN MAI HOA"), None);
        assert_eq!(name(&["Xã Hồ Tiến Quang Long"], "HO TIEN QUANG LONG"), None);
        assert_eq!(name(&["MAI"], "YSNGUYEN MAI HUONG"), None);
    }

    #[test]
    fn a_name_is_read_under_its_label_when_the_garbled_translation_is_beside_it() {
        let name = |lines: &[&str]| {
            let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
            let layout = test_layout(&at_margin);
            let hits = find_hits(&layout, VOCAB);
            let rule = RULES.iter().find(|r| r.field == FieldKey::FullName)?;
            read_rule(&layout, &hits, rule).0.map(|(_, v)| v)
        };
        // As a phone photo read: the translation is all that is right of the label.
        assert_eq!(
            name(&[
                "Họ và tên / Pull",
                "HUỲNH TIẾN CƯỜNG",
                "Ngày sinh / Date of birth: 19/06/2000"
            ])
            .as_deref(),
            Some("HUỲNH TIẾN CƯỜNG")
        );
        // Nothing in capitals under it: no name.
        assert_eq!(
            name(&["Họ và tên / Pull", "Ngày sinh / Date of birth: 19/06/2000"]),
            None
        );
    }

    fn origin(lines: &[(f32, &str)]) -> Option<(String, String)> {
        let layout = test_layout(lines);
        let hits = find_hits(&layout, VOCAB);
        origin_by_position(&layout, &hits).map(|f| (f.value, f.evidence[0].raw.clone()))
    }

    #[test]
    fn a_place_of_origin_whose_label_was_garbled_is_read_by_its_position() {
        // Photocopies as read: the label garbled on the value's line, the province
        // wrapped under it beside the photo's specks, or the label on a line of its own.
        let garbled = origin(&[
            (0.4, "Giới tính / Sex: Nữ Quốc tịch / Nationality: Việt Nam"),
            (0.4, "C6 wéo/ Face sí àiyp: Xã Phước Long, Kim Sơn,"),
            (0.05, "tên Xc"),
            (0.4, "Điện Biên"),
            (
                0.4,
                "Nơi thường trú / Place of residence: Thôn Đông, Xã Đông",
            ),
        ]);
        assert_eq!(
            garbled,
            Some((
                "Xã Phước Long, Kim Sơn, Điện Biên".into(),
                "Xã Phước Long, Kim Sơn, Điện Biên".into()
            ))
        );
        let own_line = origin(&[
            (0.4, "Họ và tên / Full name:"),
            (0.4, "PHẠM HỮU LỘC"),
            (0.4, "nh ÖNG tua 9G: bon a0le sẻ siêu so mủ"),
            (
                0.4,
                "Phường Trung Hòa, Thành phố Thủ Dầu Một, Tỉnh Bình Dương.",
            ),
            (0.4, "Nơi thường trú: Hòa Khánh, Thanh Xuân, Hà Nội"),
        ]);
        assert_eq!(
            own_line.map(|o| o.0).as_deref(),
            Some("Phường Trung Hòa, Thành phố Thủ Dầu Một, Tỉnh Bình Dương")
        );
    }

    #[test]
    fn no_place_of_origin_is_read_by_position_unless_whole_or_unlabelled() {
        // Its label was read: the label's own rule decides.
        assert_eq!(
            origin(&[
                (0.4, "Giới tính / Sex: Nữ"),
                (
                    0.4,
                    "Quê quán / Place of origin: Xã Phước Long, Kim Sơn, Điện Biên"
                ),
                (0.4, "Nơi thường trú: Thôn Đông, Xã Đông, Hà Nội"),
            ]),
            None
        );
        // Cut short of its province, or a 2024 back with no front label above it.
        assert_eq!(
            origin(&[
                (0.4, "Giới tính / Sex: Nữ"),
                (0.4, "1s3 Xã Phước Long, Kim Sơn"),
                (0.4, "Nơi thường trú: Thôn Đông, Xã Đông, Hà Nội"),
            ]),
            None
        );
        assert_eq!(
            origin(&[
                (0.4, "Xã Phước Long, Kim Sơn, Điện Biên"),
                (0.4, "Nơi cư trú: Thôn Đông, Xã Đông, Hà Nội"),
            ]),
            None
        );
    }

    fn birth_registration(lines: &[&str], residences: &[&str]) -> Option<String> {
        let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.05, *l)).collect();
        let layout = test_layout(&at_margin);
        let hits = find_hits(&layout, VOCAB);
        birth_registration_by_position(&layout, &hits, residences).map(|f| f.value)
    }

    #[test]
    fn a_place_of_birth_registration_whose_label_was_lost_is_read_by_its_position() {
        // Phone photos of a 2024 back as read: the label lost, or garbled past matching.
        let qr_residence = ["Thôn Hạ, Xã Lộc Thọ, Huyện Tiên Du, Tỉnh Bắc Ninh"];
        assert_eq!(
            birth_registration(
                &[
                    "__ 5 #940908",
                    "Xã Phú Lợi, Huyện Tân Lạc, Tỉnh Bắc Ninh",
                    "Ngày, tháng, năm cấp/Date of issue: 21/01/2025",
                ],
                &qr_residence,
            )
            .as_deref(),
            Some("Xã Phú Lợi, Huyện Tân Lạc, Tỉnh Bắc Ninh")
        );
        assert_eq!(
            birth_registration(
                &[
                    "Thôn Trung, Xã An Phú. Hưng Yên",
                    "Net đồng ký kha: eekk/Phhcc oể lạnh rọgndrzUen",
                    "Xã Phú Lợi, Huyện Yên Mỹ. Tình Hưng Yên",
                    "Ngày. tháng. năm cấp/Date of issue",
                ],
                &[],
            )
            .as_deref(),
            Some("Xã Phú Lợi, Huyện Yên Mỹ, Tỉnh Hưng Yên")
        );
        // Wrapped onto a second line, under the residence's last.
        assert_eq!(
            birth_registration(
                &[
                    "Thôn Hạ, Xã Lộc Thọ, Huyện Tiên Du, Tỉnh Bắc Ninh",
                    "Xã Phú Lợi, Huyện",
                    "Tân Lạc, Tỉnh Bắc Ninh",
                    "Ngày, tháng, năm cấp/Date of issue: 21/01/2025",
                ],
                &[],
            )
            .as_deref(),
            Some("Xã Phú Lợi, Huyện Tân Lạc, Tỉnh Bắc Ninh")
        );
    }

    #[test]
    fn no_place_of_birth_registration_is_read_by_position_from_the_residence() {
        // The place's lines lost with their label: the line above the date of issue is
        // the residence's end, which the QR code's residence ends with.
        let lines = [
            "Nơi cư trú/Place of residence:",
            "Thôn Hạ, Xã Lộc Thọ,",
            "Huyện Tiên Du, Tỉnh Bắc Ninh",
            "Ngày, tháng, năm cấp/Date of issue: 21/01/2025",
        ];
        let qr_residence = ["Thôn Hạ, Xã Lộc Thọ, Huyện Tiên Du, Tỉnh Bắc Ninh"];
        assert_eq!(birth_registration(&lines, &qr_residence), None);
        // Its label was read: the label's own rule decides.
        assert_eq!(
            birth_registration(
                &[
                    "Nơi đăng ký khai sinh/Place of birth registration:",
                    "Xã Phú Lợi, Huyện Tân Lạc, Tỉnh Bắc Ninh",
                    "Ngày, tháng, năm cấp/Date of issue: 21/01/2025",
                ],
                &[],
            ),
            None
        );
        // Not a whole place: cut short of its province.
        assert_eq!(
            birth_registration(
                &[
                    "Xã Phú Lợi, Huyện Tân Lạc",
                    "Ngày, tháng, năm cấp/Date of issue: 21/01/2025",
                ],
                &[],
            ),
            None
        );
    }

    #[test]
    fn viet_nam_elsewhere_is_not_a_nationality() {
        assert_eq!(beside_sex(&["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]), None);
        assert_eq!(beside_sex(&["SOCIALIST REPUBLIC OF: VIET NAM"]), None);
        // The `Nam` of the country is not a sex before it.
        assert_eq!(beside_sex(&["Độc lập Việt Nam"]), None);
        assert_eq!(beside_sex(&["Of: Việt Nam"]), None);
        assert_eq!(beside_sex(&["Việt Nam"]), None);
        assert_eq!(
            beside_sex(&["Thôn Trung, Xã Trung Hòa, Thành phố Cần Thơ, Việt Nam"]),
            None
        );
    }
}
