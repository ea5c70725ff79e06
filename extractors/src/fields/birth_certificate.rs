//! `birth_certificate`: Giấy khai sinh. The child's fields come first, then one section
//! each for the mother and the father that reuse the same labels.

use super::common::{apply_rules, certificate_number_above_book, Kind, Output, Rule};
use super::sections::{before, section};
use crate::classify::keywords::{kw, title, Keyword};
use crate::layout::{find_hits, Hits, Label, Layout};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};

/// The type's schema: its fields in the contract's order, what names its subjects and
/// makes its content key, its signals and its reading.
pub const SPEC: DocumentSpec = DocumentSpec {
    document_type: DocumentType::BirthCertificate,
    fields: &[
        FieldSpec::new(FieldKey::FullName, Format::Name).keyed(),
        FieldSpec::new(FieldKey::DateOfBirth, Format::Date),
        FieldSpec::new(FieldKey::Sex, Format::Sex),
        FieldSpec::new(FieldKey::Ethnicity, Format::Ethnicity),
        FieldSpec::new(FieldKey::Nationality, Format::Country),
        FieldSpec::new(FieldKey::PlaceOfBirth, Format::Place),
        FieldSpec::new(FieldKey::PlaceOfOrigin, Format::Place),
        FieldSpec::new(FieldKey::PersonalIdNumber, Format::Digits(&[12]))
            .names(SubjectKind::Citizen)
            .keyed(),
        FieldSpec::new(FieldKey::MotherFullName, Format::Name),
        FieldSpec::new(FieldKey::MotherBirthYear, Format::Year),
        FieldSpec::new(FieldKey::FatherFullName, Format::Name),
        FieldSpec::new(FieldKey::FatherBirthYear, Format::Year),
        FieldSpec::new(FieldKey::RegistrationAuthority, Format::Place),
        FieldSpec::new(FieldKey::RegistrationDate, Format::Date).keyed(),
        FieldSpec::new(FieldKey::CertificateNumber, Format::Reference).keyed(),
        FieldSpec::new(FieldKey::BookNumber, Format::Reference),
    ],
    supersedes_through: &[SubjectKind::Citizen, SubjectKind::Enterprise],
    keywords: KEYWORDS,
    constraints: &[],
    extract: |layout, _| extract(layout).into(),
};

const KEYWORDS: &[Keyword] = &[
    title("giấy khai sinh", 6.0),
    // The civil registry's extract carries the same fields as the certificate.
    title("trích lục khai sinh", 5.0),
    kw("giấy khai sinh", 1.0),
    kw("người đi khai sinh", 1.5),
    kw("tên người mẹ", 1.0),
    kw("tên người cha", 1.0),
    kw("ghi bằng chữ", 1.0),
    kw("nơi đăng ký khai sinh", 0.5),
    kw("quyển số", 0.5),
    kw("dân tộc", 0.5),
];

const VOCAB: &[Label] = &[
    Label::new("name", super::common::PERSON_NAME_LABELS, &[]),
    Label::new("date_of_birth", super::common::DATE_OF_BIRTH_LABELS, &[]),
    Label::new("sex", &["Giới tính"], &[]),
    Label::new("ethnicity", &["Dân tộc"], &[]),
    Label::new("nationality", &["Quốc tịch"], &[]),
    Label::new("place_of_birth", &["Nơi sinh"], &[]),
    Label::new("place_of_origin", &["Quê quán"], &[]),
    Label::new("personal_id_number", &["Số định danh cá nhân"], &[]),
    Label::new(
        "mother_name",
        &[
            "Họ, chữ đệm, tên người mẹ",
            "Họ, chữ đệm và tên người mẹ",
            "Họ và tên người mẹ",
            "Họ và tên mẹ",
            "Họ tên mẹ",
        ],
        &[],
    ),
    Label::new(
        "father_name",
        &[
            "Họ, chữ đệm, tên người cha",
            "Họ, chữ đệm và tên người cha",
            "Họ và tên người cha",
            "Họ và tên cha",
            "Họ tên cha",
        ],
        &[],
    ),
    Label::new("year_of_birth", &["Năm sinh"], &[]),
    Label::new(
        "informant",
        &[
            "Người đi khai sinh",
            "Họ, chữ đệm, tên người đi khai sinh",
            "Họ và tên người đi khai sinh",
        ],
        &[],
    ),
    Label::new(
        "registration_authority",
        &[
            "Nơi đăng ký khai sinh",
            "Nơi đăng ký",
            "Cơ quan đăng ký khai sinh",
        ],
        &[],
    ),
    Label::new(
        "registration_date",
        &[
            "Ngày, tháng, năm đăng ký",
            "Ngày, năm đăng ký",
            "Ngày đăng ký",
            "Đăng ký ngày",
        ],
        &[],
    ),
    Label::new("certificate_number", &["Số"], &[]),
    Label::new("book_number", &["Quyển số"], &[]),
    Label::new("-", &["Nơi cư trú", "Nơi thường trú"], &[]),
    Label::new("-", &["Giấy tờ tùy thân", "Giấy tờ tuỳ thân"], &[]),
    Label::new("-", &["Quan hệ với người được khai sinh"], &[]),
    Label::new("-", &["Ghi bằng chữ", "Bằng chữ"], &[]),
    Label::new("-", &["Cộng hòa xã hội chủ nghĩa Việt Nam"], &[]),
    Label::new("-", &["Độc lập - Tự do - Hạnh phúc"], &[]),
    Label::new("-", &["Giấy khai sinh"], &[]),
];

const CHILD: &[Rule] = &[
    Rule::new(FieldKey::FullName, "name", Kind::Name),
    Rule::new(FieldKey::DateOfBirth, "date_of_birth", Kind::Date),
    Rule::new(FieldKey::Sex, "sex", Kind::Sex),
    Rule::new(FieldKey::Ethnicity, "ethnicity", Kind::Ethnicity),
    Rule::new(FieldKey::Nationality, "nationality", Kind::Nationality),
    Rule::new(FieldKey::PlaceOfBirth, "place_of_birth", Kind::Text).multiline(),
    Rule::new(FieldKey::PlaceOfOrigin, "place_of_origin", Kind::Division).multiline(),
    Rule::new(
        FieldKey::PersonalIdNumber,
        "personal_id_number",
        Kind::Id(&[12]),
    ),
];

const REGISTRATION: &[Rule] = &[
    Rule::new(
        FieldKey::RegistrationAuthority,
        "registration_authority",
        Kind::Text,
    )
    .multiline(),
    Rule::new(FieldKey::RegistrationDate, "registration_date", Kind::Date),
    Rule::new(
        FieldKey::CertificateNumber,
        "certificate_number",
        Kind::Reference,
    ),
    Rule::new(FieldKey::BookNumber, "book_number", Kind::Reference),
];

/// Labels that close a parent's section.
const SECTION_ENDS: &[&str] = &[
    "mother_name",
    "father_name",
    "informant",
    "registration_authority",
    "registration_date",
];

fn parent(
    layout: &Layout,
    hits: &Hits,
    anchor: &'static str,
    fields: (FieldKey, FieldKey),
    out: &mut Output,
) {
    let (name_field, year_field) = fields;
    let Some(range) = section(hits, anchor, SECTION_ENDS, layout.lines.len()) else {
        return;
    };
    let part = layout.slice(range.start, range.end);
    let part_hits = find_hits(&part, VOCAB);
    let rules = [
        Rule::new(name_field, anchor, Kind::Name),
        Rule::new(year_field, "year_of_birth", Kind::Year),
        Rule::new(year_field, "date_of_birth", Kind::Year),
    ];
    apply_rules(&part, &part_hits, &rules, out);
}

pub fn extract(layout: &Layout) -> Output {
    let mut out = Output::default();
    let hits = find_hits(layout, VOCAB);
    let child = before(
        &hits,
        &["mother_name", "father_name", "informant"],
        layout.lines.len(),
    );
    let child_layout = layout.slice(child.start, child.end);
    let child_hits = find_hits(&child_layout, VOCAB);
    apply_rules(&child_layout, &child_hits, CHILD, &mut out);
    parent(
        layout,
        &hits,
        "mother_name",
        (FieldKey::MotherFullName, FieldKey::MotherBirthYear),
        &mut out,
    );
    parent(
        layout,
        &hits,
        "father_name",
        (FieldKey::FatherFullName, FieldKey::FatherBirthYear),
        &mut out,
    );
    apply_rules(layout, &hits, REGISTRATION, &mut out);
    certificate_number_above_book(layout, &hits, &mut out);
    out
}
