//! `citizen_id`: the 2021 chip CCCD and the 2024 Căn cước, from printed text, the QR
//! payload and the MRZ, reconciled.

use crate::classify::keywords::{back, chip_front, front, kw, title, Keyword};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};

use super::common::{
    complete_country, mean_confidence, normalize, printed_field, read_rule, round3,
    unlabelled_field, Kind, Output, Rule,
};
use super::constraints::{Context, Proposal, CARD};
use super::solve::{compact_fold, Reading, Source};
use crate::codes::{find_mrz, parse_qr, Mrz, MrzData, QrData};
use crate::layout::{find_hits, joined_text, Hits, Label, Layout, Line, Token};
use crate::model::{BBox, Evidence, Field, Method, PageText};
use crate::text::{
    ends_with_province, fix_digit_token, has_province_code, is_whole_division, label_key,
    levenshtein, parse_date, parse_expiry, parse_sex, Date, Expiry,
};

mod expiry;
mod sources;
mod template;
mod unlabelled;

pub use expiry::expiry_region;
use expiry::*;
pub(in crate::fields) use expiry::{expiry_off_the_coded_birthday, warn_expiry_off_the_birthday};
use sources::*;
use template::*;
use unlabelled::*;

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
        FieldSpec::new(FieldKey::PlaceOfResidence, Format::Place).home(1),
        FieldSpec::new(FieldKey::PlaceOfBirthRegistration, Format::Place),
        FieldSpec::new(FieldKey::DateOfIssue, Format::Date).keyed(),
        FieldSpec::new(FieldKey::DateOfExpiry, Format::Expiry),
        FieldSpec::new(FieldKey::PreviousIdNumber, Format::Digits(&[9])),
    ],
    supersedes_through: &[SubjectKind::Citizen, SubjectKind::Enterprise],
    keywords: KEYWORDS,
    constraints: CARD,
    extract,
};

pub(super) const KEYWORDS: &[Keyword] = &[
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

pub(super) const VOCAB: &[Label] = &[
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

pub(super) const RULES: &[Rule] = &[
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

/// Confidence of a QR value: the payload is exact digital data.
pub(super) const QR_CONFIDENCE: f32 = 0.99;

/// Confidence of an MRZ value whose own check digit holds.
pub(super) const MRZ_CONFIDENCE: f32 = 0.95;

/// An MRZ value with a valid own check but a failed composite check.
pub(super) const MRZ_PARTIAL_CONFIDENCE: f32 = 0.85;

/// The MRZ name has no check digit at all.
pub(super) const MRZ_NAME_CONFIDENCE: f32 = 0.75;

/// Neither has its nationality code, but three fixed letters are rarely misread into
/// the one code that names a country.
pub(super) const MRZ_NATIONALITY_CONFIDENCE: f32 = 0.8;

/// What the sources that read a field without its label may look at.
struct Sources<'a> {
    layout: &'a Layout,
    hits: &'a Hits,
    read: &'a Reading,
    /// The name the zone spells, without tone marks.
    zone_name: Option<&'a str>,
}

impl Sources<'_> {
    /// A place by its row in the template's column, told from the row before's value.
    fn place(&self, key: FieldKey) -> Option<Field> {
        place_by_position(self.layout, self.hits, key, &|k| self.values(k))
    }

    /// The values the sources read so far gave for `key`.
    fn values(&self, key: FieldKey) -> Vec<String> {
        self.read
            .candidates
            .get(&key)
            .into_iter()
            .flatten()
            .map(|c| c.field.value.clone())
            .collect()
    }
}

/// When a source that reads a field without its label is asked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unless {
    /// Only when no source read the field (the codes are exact where they read it).
    AnySource,
    /// Only when no label gave it (the codes do not spell it as printed).
    Printed,
}

/// A field read without its label: by what only it prints, by its row in the
/// template's column, or by the zone's letters.
struct Unlabelled {
    key: FieldKey,
    unless: Unless,
    read: fn(&Sources) -> Option<Field>,
}

/// The unlabelled sources, in the order they are asked: each sees what the ones before
/// it read.
const UNLABELLED: &[Unlabelled] = &[
    Unlabelled {
        key: FieldKey::Nationality,
        unless: Unless::Printed,
        read: |s| nationality_beside_sex(s.layout, s.hits),
    },
    Unlabelled {
        key: FieldKey::FullName,
        unless: Unless::Printed,
        read: |s| name_by_zone(s.layout, s.zone_name?),
    },
    Unlabelled {
        key: FieldKey::IdNumber,
        unless: Unless::AnySource,
        read: |s| id_without_label(s.layout),
    },
    Unlabelled {
        key: FieldKey::PlaceOfOrigin,
        unless: Unless::AnySource,
        read: |s| s.place(FieldKey::PlaceOfOrigin),
    },
    Unlabelled {
        key: FieldKey::PlaceOfBirthRegistration,
        unless: Unless::AnySource,
        read: |s| s.place(FieldKey::PlaceOfBirthRegistration),
    },
    Unlabelled {
        key: FieldKey::DateOfExpiry,
        unless: Unless::AnySource,
        read: |s| {
            let birth = s
                .read
                .candidates
                .get(&FieldKey::DateOfBirth)
                .and_then(|list| list.iter().find_map(|c| iso_date(&c.field.value)));
            birth
                .and_then(|b| expiry_by_birthday(s.layout, b))
                .or_else(|| unlimited_expiry_unlabelled(s.layout))
        },
    },
];

/// Reads a citizen ID document from its layout and the barcodes of its pages: the
/// candidates of every source (the labels, the QR code, the zone, then what is read
/// without a label), for the solver to pick from.
pub fn extract(layout: &Layout, pages: &[&PageText]) -> Reading {
    let mut reading = Reading::default();

    let hits = find_hits(layout, VOCAB);
    for rule in RULES {
        if reading.has(rule.field, Source::Printed) {
            continue;
        }
        match read_rule(layout, &hits, rule) {
            (Some((v, value)), _) => reading.push(
                rule.field,
                Source::Printed,
                printed_field(&v, value, rule.kind),
            ),
            (None, Some(w)) => reading.unread.push((rule.field, w)),
            (None, None) => {}
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
                qr_candidates(&qr, page.page, b.bbox, &b.payload, &mut reading);
            }
        }
    }

    let zone = find_mrz(layout).map(|mrz| {
        let data = mrz.decode();
        for w in &data.warnings {
            reading.warn(w.clone());
        }
        mrz_candidates(&mrz, &data, &mut reading);
        data.full_name
    });

    for source in UNLABELLED {
        let read = match source.unless {
            Unless::AnySource => reading.candidates.contains_key(&source.key),
            Unless::Printed => reading.has(source.key, Source::Printed),
        };
        if read {
            continue;
        }
        let sources = Sources {
            layout,
            hits: &hits,
            read: &reading,
            zone_name: zone.as_ref().and_then(|z| z.as_deref()),
        };
        if let Some(field) = (source.read)(&sources) {
            reading.push(source.key, Source::Printed, field);
        }
    }
    // A country printed in part (`Việt`) is the one country it begins.
    let nationalities = reading.candidates.get_mut(&FieldKey::Nationality);
    for c in nationalities.into_iter().flatten() {
        if c.source == Source::Printed {
            c.field.value = complete_country(&c.field.value);
        }
    }
    reading
}

#[cfg(test)]
mod tests;
