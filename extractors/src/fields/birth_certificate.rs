//! `birth_certificate`: Giấy khai sinh. The child's fields come first, then one section
//! each for the mother and the father that reuse the same labels.

use super::common::{apply_rules, certificate_number_above_book, Kind, Output, Rule};
use super::sections::{before, section};
use crate::layout::{find_hits, Hits, Label, Layout};

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
    Rule::new("full_name", "name", Kind::Name),
    Rule::new("date_of_birth", "date_of_birth", Kind::Date),
    Rule::new("sex", "sex", Kind::Sex),
    Rule::new("ethnicity", "ethnicity", Kind::Ethnicity),
    Rule::new("nationality", "nationality", Kind::Nationality),
    Rule::new("place_of_birth", "place_of_birth", Kind::Text).multiline(),
    Rule::new("place_of_origin", "place_of_origin", Kind::Division).multiline(),
    Rule::new("personal_id_number", "personal_id_number", Kind::Id(&[12])),
];

const REGISTRATION: &[Rule] = &[
    Rule::new(
        "registration_authority",
        "registration_authority",
        Kind::Text,
    )
    .multiline(),
    Rule::new("registration_date", "registration_date", Kind::Date),
    Rule::new("certificate_number", "certificate_number", Kind::Reference),
    Rule::new("book_number", "book_number", Kind::Reference),
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
    fields: (&'static str, &'static str),
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
        ("mother_full_name", "mother_birth_year"),
        &mut out,
    );
    parent(
        layout,
        &hits,
        "father_name",
        ("father_full_name", "father_birth_year"),
        &mut out,
    );
    apply_rules(layout, &hits, REGISTRATION, &mut out);
    certificate_number_above_book(layout, &hits, &mut out);
    out
}
