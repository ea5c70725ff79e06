//! Tests of reading a label's value: on its line, wrapped, in a column.

use super::*;

#[test]
fn a_value_below_a_numbered_label_starts_under_its_number() {
    // The number's period read as a comma, a dash run into it: the value's first
    // word, under the number, is still the value's.
    for number in ["-2.", "2,"] {
        let label = format!("{number} Địa chỉ trụ sở chính");
        let l = layout(&[
            (0.10, label.as_str()),
            (0.105, "Tổ 31, Phường Trung Hòa, Thị xã Sơn Tây"),
        ]);
        let hits = find_hits(&l, &[Label::new("a", &["Địa chỉ trụ sở chính"], &[])]);
        let v = value_of(&l, &hits, 0, ValueOpts::SINGLE).map(|v| v.text);
        assert_eq!(
            v.as_deref(),
            Some("Tổ 31, Phường Trung Hòa, Thị xã Sơn Tây")
        );
    }
}
use crate::layout::labels::{find_hits, Label};

use crate::layout::test_layout as layout;

const VOCAB: &[Label] = &[
    Label {
        key: "name",
        vi: &["Họ và tên"],
        en: &["Full name"],
    },
    Label {
        key: "origin",
        vi: &["Quê quán"],
        en: &["Place of origin"],
    },
    Label {
        key: "residence",
        vi: &["Nơi thường trú"],
        en: &["Place of residence"],
    },
    Label {
        key: "sex",
        vi: &["Giới tính"],
        en: &["Sex"],
    },
    Label {
        key: "nat",
        vi: &["Quốc tịch"],
        en: &["Nationality"],
    },
];

fn first(l: &Layout, key: &str, opts: ValueOpts) -> Option<String> {
    let hits = find_hits(l, VOCAB);
    let v = values_for(l, &hits, key, opts).next().map(|v| v.text);
    v
}

#[test]
fn value_to_the_right_after_colon() {
    let l = layout(&[(0.1, "Họ và tên / Full name: NGUYỄN VĂN AN")]);
    assert_eq!(
        first(&l, "name", ValueOpts::SINGLE).as_deref(),
        Some("NGUYỄN VĂN AN")
    );
}

#[test]
fn value_stops_at_next_label_on_the_line() {
    let l = layout(&[(
        0.1,
        "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
    )]);
    assert_eq!(first(&l, "sex", ValueOpts::SINGLE).as_deref(), Some("Nam"));
    assert_eq!(
        first(&l, "nat", ValueOpts::SINGLE).as_deref(),
        Some("Việt Nam")
    );
}

#[test]
fn value_below_and_wrapped_until_next_label() {
    let l = layout(&[
        (0.3, "Quê quán / Place of origin:"),
        (0.3, "Xã Tân Phong, Huyện Kiến Xương,"),
        (0.3, "Thái Bình"),
        (0.3, "Nơi thường trú / Place of residence: Số 12"),
        (0.3, "Phố Huế, Hai Bà Trưng, Hà Nội"),
    ]);
    assert_eq!(
        first(&l, "origin", ValueOpts::MULTI).as_deref(),
        Some("Xã Tân Phong, Huyện Kiến Xương, Thái Bình")
    );
    assert_eq!(
        first(&l, "residence", ValueOpts::MULTI).as_deref(),
        Some("Số 12 Phố Huế, Hai Bà Trưng, Hà Nội")
    );
    assert_eq!(
        first(&l, "origin", ValueOpts::SINGLE).as_deref(),
        Some("Xã Tân Phong, Huyện Kiến Xương")
    );
}

#[test]
fn a_value_wraps_under_the_garbled_half_of_its_label() {
    for lines in [
        // Only the translation read as the label: the wrapped line starts under the
        // garbled Vietnamese half, left of it.
        [
            (
                0.3,
                "an nóổn /Place of origin: Thị trấn Hưng Phú, Huyện Đông",
            ),
            (0.3, "Anh, Thành phố Hà Nội"),
        ],
        // A label read whole keeps its own column: what starts left of it on the
        // line below is another column's.
        [
            (
                0.3,
                "Quê quán /Place of origin: Thị trấn Hưng Phú, Huyện Đông",
            ),
            (0.1, "Ngày, tháng, năm Anh, Thành phố Hà Nội"),
        ],
    ] {
        assert_eq!(
            first(&layout(&lines), "origin", ValueOpts::MULTI).as_deref(),
            Some("Thị trấn Hưng Phú, Huyện Đông Anh, Thành phố Hà Nội"),
            "{lines:?}"
        );
    }
}

#[test]
fn label_followed_by_label_has_no_value() {
    let l = layout(&[(0.1, "Quê quán:"), (0.1, "Nơi thường trú: Hà Nội")]);
    assert_eq!(first(&l, "origin", ValueOpts::MULTI), None);
}

#[test]
fn leaders_and_numbering_are_trimmed() {
    let l = layout(&[(0.1, "Họ và tên: ....... TRẦN THỊ | BÌNH ..... 3.")]);
    let hits = find_hits(&l, VOCAB);
    let v = values_for(&l, &hits, "name", ValueOpts::SINGLE).next();
    assert_eq!(v.as_ref().map(|v| v.text.as_str()), Some("TRẦN THỊ BÌNH"));
    assert_eq!(v.map(|v| v.raw).as_deref(), Some("TRẦN THỊ | BÌNH"));
}

const NAME: ValueOpts = ValueOpts {
    name_wrap: true,
    ..ValueOpts::SINGLE
};

#[test]
fn a_name_in_capitals_wraps_onto_the_line_below() {
    let l = layout(&[
        (0.1, "Họ và tên: TRẦN GIA"),
        (0.1, "QUANG LONG"),
        (0.1, "Giới tính: Nam"),
    ]);
    assert_eq!(
        first(&l, "name", NAME).as_deref(),
        Some("TRẦN GIA QUANG LONG")
    );
    // Names share words with units of several words (`Thành phố`, `Thị trấn`).
    let l = layout(&[(0.1, "Họ và tên: DƯƠNG"), (0.1, "THÀNH TRUNG")]);
    assert_eq!(
        first(&l, "name", NAME).as_deref(),
        Some("DƯƠNG THÀNH TRUNG")
    );
}

#[test]
fn a_name_takes_no_label_or_running_text_from_below() {
    let l = layout(&[(0.1, "Họ và tên: TRẦN GIA"), (0.1, "Giới tính: Nam")]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("TRẦN GIA"));
    let l = layout(&[(0.1, "Họ và tên: NGUYỄN VĂN AN"), (0.1, "Xã Tân Phong")]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("NGUYỄN VĂN AN"));
    let l = layout(&[(0.1, "Họ và tên: Lê Văn"), (0.1, "QUÂN")]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("Lê Văn"));
    let l = layout(&[(0.1, "Họ và tên: Nguyễn Văn An"), (0.1, "Xã Tân Phong")]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("Nguyễn Văn An"));
    let l = layout(&[(0.1, "Họ và tên: Nguyễn Văn"), (0.1, "Trọng Hiếu Nam")]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("Nguyễn Văn"));
}

#[test]
fn a_name_in_small_letters_wraps_onto_the_line_below() {
    let l = layout(&[
        (0.1, "Họ và tên: Nguyễn Diệu Khánh"),
        (0.1, "Lan"),
        (0.1, "Giới tính: Nữ"),
    ]);
    assert_eq!(
        first(&l, "name", NAME).as_deref(),
        Some("Nguyễn Diệu Khánh Lan")
    );
    // A name is never one word, so a family name alone wraps too.
    let l = layout(&[
        (0.1, "Họ và tên: Trần"),
        (0.1, "Văn Vũ"),
        (0.1, "Giới tính: Nam"),
    ]);
    assert_eq!(first(&l, "name", NAME).as_deref(), Some("Trần Văn Vũ"));
}

#[test]
fn value_below_a_translation_line_and_specks_beside_another_column() {
    // Two columns on one engine line.
    let l = segments(&[
        (0.1, 0, "Quê quán:"),
        (0.45, 0, "Giới tính: Nam"),
        (0.1, 1, "Place of origin"),
        (0.45, 1, "Quốc tịch: Việt Nam"),
        (0.45, 2, "<"),
        (0.1, 3, "Thái Bình"),
    ]);
    assert_eq!(
        first(&l, "origin", ValueOpts::SINGLE).as_deref(),
        Some("Thái Bình")
    );
}

/// Segments `(x0, line, text)`, engine lines 0.025 apart.
fn segments(segments: &[(f32, usize, &str)]) -> Layout {
    crate::layout::segments_layout(segments, 0.025)
}

#[test]
fn a_value_crosses_a_wider_space_after_a_comma_but_not_a_column_gap() {
    // Line height 0.02: a space of 0.06 is three heights, of 0.12 six.
    let after_comma = segments(&[
        (0.1, 0, "Quê quán: Xã Vĩnh Phúc,"),
        (0.428, 0, "Cam Lâm, Bắc Ninh"),
    ]);
    assert_eq!(
        first(&after_comma, "origin", ValueOpts::SINGLE).as_deref(),
        Some("Xã Vĩnh Phúc, Cam Lâm, Bắc Ninh")
    );
    for (x0, text) in [(0.428, "Cam Lâm, Bắc Ninh"), (0.488, "Cam Lâm")] {
        let no_comma = segments(&[(0.1, 0, "Quê quán: Xã Vĩnh Phúc"), (x0, 0, text)]);
        assert_eq!(
            first(&no_comma, "origin", ValueOpts::SINGLE).as_deref(),
            Some("Xã Vĩnh Phúc")
        );
    }
    let far = segments(&[(0.1, 0, "Quê quán: Xã Vĩnh Phúc,"), (0.488, 0, "Cam Lâm")]);
    assert_eq!(
        first(&far, "origin", ValueOpts::SINGLE).as_deref(),
        Some("Xã Vĩnh Phúc")
    );
}
