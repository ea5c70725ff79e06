//! Each repair pass of `tidy_place` alone, on its own cases: what it mends and what it
//! leaves alone. The whole places are tested in `tests.rs`.

use super::*;

/// Each pass of `tidy_place` on its own cases: what it is for, and what it leaves alone.
const PASS_CASES: &[(&str, &[(&str, &str)])] = &[
    (
        "commas_spaced",
        &[
            ("Trung Hòa,Kim Động", "Trung Hòa, Kim Động"),
            ("Xã An; Huyện Kim Sơn", "Xã An, Huyện Kim Sơn"),
            ("Số 3,5 ngõ", "Số 3,5 ngõ"),
        ],
    ),
    (
        "quote_for_space",
        &[("Sơn'Trà", "Sơn Trà"), ("Đa'k", "Đa'k")],
    ),
    (
        "period_for_space",
        &[
            ("An.Giang", "An Giang"),
            ("TP.Hồ Chí Minh", "TP.Hồ Chí Minh"),
        ],
    ),
    (
        "edge_noise_trimmed",
        &[("|Phường “An Phú—", "Phường An Phú"), ("Tổ 7", "Tổ 7")],
    ),
    (
        "one_mark_ends_a_part",
        &[
            ("Kim Sơn., Ninh Bình..", "Kim Sơn, Ninh Bình."),
            ("TP.", "TP."),
        ],
    ),
    (
        "lone_marks_dropped",
        &[("Xã ˆ An - Bình", "Xã An Bình"), ("Tổ 7", "Tổ 7")],
    ),
    (
        "split_camel",
        &[("HàNội", "Hà Nội"), ("McDonald", "McDonald")],
    ),
    (
        "split_hyphen",
        &[
            ("Thanh-Khê,", "Thanh Khê,"),
            ("Quận-1", "Quận 1"),
            ("Số 3-5", "Số 3-5"),
        ],
    ),
    (
        "split_unit_period",
        &[("tỉnh.Phú Thọ", "tỉnh Phú Thọ"), ("TP.Huế", "TP.Huế")],
    ),
    (
        "house_number_slash",
        &[
            ("27120 Lê Lợi", "27/20 Lê Lợi"),
            ("156|5", "156/5"),
            ("2024", "2024"),
        ],
    ),
    (
        "join_split_syllables",
        &[("Bì nh Dương", "Bình Dương"), ("Thôn ng", "Thôn ng")],
    ),
    (
        "drop_colon_after_unit",
        &[
            ("huyện: Hòa Vang", "huyện Hòa Vang"),
            ("Ghi chú: Xã", "Ghi chú: Xã"),
        ],
    ),
    (
        "drop_speck_after_unit",
        &[
            ("thành phối Hà Nội", "thành phố Hà Nội"),
            ("thành phối", "thành phối"),
        ],
    ),
    (
        "drop_letter_inside_name",
        &[("Phú T Thọ", "Phú Thọ"), ("Khu phố A", "Khu phố A")],
    ),
    (
        "strip_garbled_translation",
        &[
            ("Phace of œigin: Phường An Phú", "Phường An Phú"),
            ("Phường An Phú", "Phường An Phú"),
        ],
    ),
    (
        "restore_opening_unit",
        &[
            ("Pường Hưng Phú", "Phường Hưng Phú"),
            ("Phương Mai", "Phương Mai"),
        ],
    ),
    (
        "restore_city_word",
        &[
            ("Thành Đà Nẵng", "Thành phố Đà Nẵng"),
            ("hành phố Hải Phòng", "Thành phố Hải Phòng"),
            ("Xã Thành Lợi", "Xã Thành Lợi"),
        ],
    ),
    (
        "period_as_comma",
        &[
            ("Kim Động. Hưng Yên", "Kim Động, Hưng Yên"),
            ("TP. Hà Nội", "TP. Hà Nội"),
        ],
    ),
    (
        "speck_before_first_unit",
        &[
            ("1 Xã An Phú", "Xã An Phú"),
            ("12 Xã An Phú", "12 Xã An Phú"),
        ],
    ),
    (
        "stray_lead_dropped",
        &[
            ("vã Thị trấn Phú Lợi", "Thị trấn Phú Lợi"),
            ("Thị trấn Phú Lợi", "Thị trấn Phú Lợi"),
        ],
    ),
    (
        "unit_words_restored",
        &[
            ("xa Phước Long", "xã Phước Long"),
            (
                "huyện Yên Lạc tinh Quảng Trị",
                "huyện Yên Lạc, tỉnh Quảng Trị",
            ),
            ("Quan Hóa", "Quan Hóa"),
        ],
    ),
    (
        "join_split_names",
        &[
            ("Xã Bến, Nghé", "Xã Bến Nghé"),
            ("Xã Tân, Hưng Yên", "Xã Tân, Hưng Yên"),
        ],
    ),
    (
        "cut_at_next_label",
        &[
            ("Tỉnh Quảng Trị Nơi thường trú: Tổ 7", "Tỉnh Quảng Trị"),
            ("Xã An, Quảng Trị", "Xã An, Quảng Trị"),
        ],
    ),
    (
        "restore_unit_names",
        &[
            ("Huyện Quynh Lưu", "Huyện Quỳnh Lưu"),
            ("Thôn Quynh", "Thôn Quynh"),
        ],
    ),
    (
        "ends_with_its_province",
        &[
            ("Xã An, Hưng Yen", "Xã An, Hưng Yên"),
            ("Xã An, Hà Nội, Viet Nam", "Xã An, Hà Nội, Việt Nam"),
        ],
    ),
];

#[test]
fn each_pass_mends_its_cases_and_leaves_the_rest() {
    let mut failures = Vec::new();
    for (name, cases) in PASS_CASES {
        let pass = PASSES
            .iter()
            .find(|p| p.name == *name)
            .unwrap_or_else(|| panic!("no pass {name}"));
        for (read, want) in *cases {
            let got = super::passes::run(std::slice::from_ref(pass), read);
            if got != *want {
                failures.push(format!("{name}: {read:?} gave {got:?}, want {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_pass_has_cases_and_a_name_of_its_own() {
    let mut names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
    for name in &names {
        assert!(
            PASS_CASES
                .iter()
                .any(|(n, cases)| n == name && cases.len() >= 2),
            "{name} has no cases"
        );
    }
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count);
}
