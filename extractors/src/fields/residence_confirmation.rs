//! `residence_confirmation`: Xác nhận thông tin về cư trú (form CT07). Numbered
//! fields, then a table of other household members that repeats the labels; only the
//! part above that table describes the person the form is about.

use super::common::{apply_rules, Kind, Output, Rule};
use super::sections::before;
use crate::layout::{find_hits, Label, Layout};

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
    Rule::new("full_name", "full_name", Kind::Name),
    Rule::new("id_number", "id_number", Kind::Id(&[12])),
    Rule::new("date_of_birth", "date_of_birth", Kind::Date),
    Rule::new("sex", "sex", Kind::Sex),
    Rule::new("permanent_residence", "permanent_residence", Kind::Text).multiline(),
    Rule::new("temporary_residence", "temporary_residence", Kind::Text).multiline(),
    Rule::new("current_residence", "current_residence", Kind::Text).multiline(),
    Rule::new("household_head_name", "household_head_name", Kind::Name),
    Rule::new("relation_to_household_head", "relation", Kind::Text),
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
