//! `residence_confirmation`: Xác nhận thông tin về cư trú (form CT07). Numbered
//! fields, then a table of other household members that repeats the labels; only the
//! part above that table describes the person the form is about.

use super::common::{apply_rules, Kind, Output, Rule};
use super::sections::before;
use crate::classify::keywords::{kw, title, Keyword};
use crate::layout::{find_hits, Label, Layout};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};

/// The type's schema: its fields in the contract's order, what names its subjects and
/// makes its content key, its signals and its reading.
pub const SPEC: DocumentSpec = DocumentSpec {
    document_type: DocumentType::ResidenceConfirmation,
    fields: &[
        FieldSpec::new(FieldKey::FullName, Format::Name).name_of(FieldKey::IdNumber),
        FieldSpec::new(FieldKey::IdNumber, Format::Digits(&[12]))
            .names(SubjectKind::Citizen)
            .keyed(),
        FieldSpec::new(FieldKey::DateOfBirth, Format::Date),
        FieldSpec::new(FieldKey::Sex, Format::Sex),
        FieldSpec::new(FieldKey::PermanentResidence, Format::Place)
            .keyed()
            .home(0),
        FieldSpec::new(FieldKey::TemporaryResidence, Format::Place).keyed(),
        FieldSpec::new(FieldKey::CurrentResidence, Format::Place).keyed(),
        FieldSpec::new(FieldKey::HouseholdHeadName, Format::Name),
        FieldSpec::new(FieldKey::RelationToHouseholdHead, Format::Text),
    ],
    supersedes_through: &[SubjectKind::Citizen, SubjectKind::Enterprise],
    keywords: KEYWORDS,
    constraints: &[],
    extract: |layout, _| extract(layout).into(),
};

const KEYWORDS: &[Keyword] = &[
    title("xác nhận thông tin về cư trú", 6.0),
    kw("thông tin về cư trú", 1.0),
    kw("ct07", 3.0),
    kw("tên chủ hộ", 1.5),
    kw("quan hệ với chủ hộ", 1.5),
    kw("nơi tạm trú", 1.0),
    kw("nơi ở hiện tại", 1.5),
    kw("nơi thường trú", 0.5),
];

const VOCAB: &[Label] = &[
    Label::new("full_name", super::common::PERSON_NAME_LABELS, &[]),
    Label::new(
        "id_number",
        // With the card's name after it the label is as long as the household
        // head's, which it must not be taken for.
        &[
            "Số định danh cá nhân",
            "Số định danh cá nhân/CCCD",
            "Số CCCD",
            "Số CMND/CCCD",
        ],
        &[],
    ),
    Label::new(
        "date_of_birth",
        &["Ngày, tháng, năm sinh", "Ngày sinh"],
        &[],
    ),
    Label::new("sex", &["Giới tính"], &[]),
    Label::new("permanent_residence", &["Nơi thường trú"], &[]),
    Label::new("temporary_residence", &["Nơi tạm trú"], &[]),
    Label::new("current_residence", &["Nơi ở hiện tại"], &[]),
    Label::new(
        "household_head_name",
        &[
            "Họ, chữ đệm và tên chủ hộ",
            "Họ, chữ đệm, tên chủ hộ",
            "Họ và tên chủ hộ",
            "Họ tên chủ hộ",
        ],
        &[],
    ),
    Label::new("relation", &["Quan hệ với chủ hộ"], &[]),
    Label::new(
        "-",
        &[
            "Số định danh cá nhân của chủ hộ",
            "Số định danh cá nhân chủ hộ",
        ],
        &[],
    ),
    Label::new(
        "members",
        &[
            "Thông tin các thành viên khác trong hộ gia đình",
            "Thông tin về thành viên hộ gia đình",
            "Các thành viên trong hộ gia đình",
            "Thành viên hộ gia đình",
        ],
        &[],
    ),
    Label::new(
        "-",
        &[
            "Dân tộc",
            "Quốc tịch",
            "Tôn giáo",
            "Quê quán",
            "Số điện thoại",
            "Email",
        ],
        &[],
    ),
    Label::new("-", &["Cộng hòa xã hội chủ nghĩa Việt Nam"], &[]),
    Label::new("-", &["Độc lập - Tự do - Hạnh phúc"], &[]),
    Label::new("-", &["Xác nhận thông tin về cư trú"], &[]),
];

const RULES: &[Rule] = &[
    Rule::new(FieldKey::FullName, "full_name", Kind::Name),
    Rule::new(FieldKey::IdNumber, "id_number", Kind::Id(&[12])),
    Rule::new(FieldKey::DateOfBirth, "date_of_birth", Kind::Date),
    Rule::new(FieldKey::Sex, "sex", Kind::Sex),
    Rule::new(
        FieldKey::PermanentResidence,
        "permanent_residence",
        Kind::Text,
    )
    .multiline(),
    Rule::new(
        FieldKey::TemporaryResidence,
        "temporary_residence",
        Kind::Text,
    )
    .multiline(),
    Rule::new(FieldKey::CurrentResidence, "current_residence", Kind::Text).multiline(),
    Rule::new(
        FieldKey::HouseholdHeadName,
        "household_head_name",
        Kind::Name,
    ),
    Rule::new(FieldKey::RelationToHouseholdHead, "relation", Kind::Text),
];

pub fn extract(layout: &Layout) -> Output {
    let mut out = Output::default();
    let hits = find_hits(layout, VOCAB);
    let main = before(&hits, &["members"], layout.lines.len());
    let part = layout.slice(main.start, main.end);
    let part_hits = find_hits(&part, VOCAB);
    apply_rules(&part, &part_hits, RULES, &mut out);
    out
}
