//! Tests of the card's rules, each beside the cases it must hold on.

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
        out.fields.insert(key, field);
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
        let out = super::super::solve::solve(Some(&SPEC), vec![extract(&layout, &[])]);
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
    place_by_position(&layout, &hits, FieldKey::PlaceOfOrigin, &|_| Vec::new())
        .map(|f| (f.value, f.evidence[0].raw.clone()))
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
    let before = |key: FieldKey| -> Vec<String> {
        assert_eq!(key, FieldKey::PlaceOfResidence);
        residences.iter().map(|r| r.to_string()).collect()
    };
    place_by_position(&layout, &hits, FieldKey::PlaceOfBirthRegistration, &before).map(|f| f.value)
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
