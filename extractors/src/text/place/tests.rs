//! Tests of the place repairs: whole places first, then each pass on its own cases.

use super::*;

#[test]
fn a_whole_division_opens_with_a_unit_and_ends_with_a_province() {
    for whole in [
        "Xã Phước Long, Kim Sơn, Điện Biên",
        "Phường Trung Hòa, Thành phố Thủ Dầu Một, Tỉnh Bình Dương",
        "Thị trấn Hưng Phú, Tân Lạc, TP Hồ Chí Minh",
    ] {
        assert!(is_whole_division(whole), "{whole}");
    }
    for part in [
        "Phước Long, Kim Sơn, Điện Biên",
        "Xã Phước Long, Kim Sơn",
        "Xã Phước Long Điện Biên",
        "PHẠM HỮU LỘC Xã Phước Long, Điện Biên",
        "xã nào, Điện Biên",
    ] {
        assert!(!is_whole_division(part), "{part}");
    }
}

#[test]
fn a_province_one_letter_off_is_restored_where_a_province_is_due() {
    assert_eq!(
        tidy_place("Phường Thạnh Lộc, Tỉnh Ca9 Bằng"),
        "Phường Thạnh Lộc, Tỉnh Cao Bằng"
    );
    // The next label's first words, read after it, go as after any province.
    assert_eq!(
        tidy_place("Phường Thạnh Lộc, Tỉnh Ca9 Bằng Nơi thường"),
        "Phường Thạnh Lộc, Tỉnh Cao Bằng"
    );
    assert_eq!(
        tidy_place("Xã Tân Mai, Huyện Thủy Nguyên, Tỉnh Đắc Ninh"),
        "Xã Tân Mai, Huyện Thủy Nguyên, Tỉnh Bắc Ninh"
    );
    // Named with its unit word, a shorter province is told apart.
    assert_eq!(
        tidy_place("Huyện Hòa Vang, Thành phố Đà Nẵn"),
        "Huyện Hòa Vang, Thành phố Đà Nẵng"
    );
    // A district's real name one letter from a province's stays.
    assert_eq!(
        tidy_place("Phường Tân Định, Bình Thạnh"),
        "Phường Tân Định, Bình Thạnh"
    );
    // Two provinces one letter away: nothing says which.
    assert_eq!(tidy_place("Xã Kim Mã, Hà Nai"), "Xã Kim Mã, Hà Nai");
    // Alone, a name is not known to be a province.
    assert_eq!(tidy_place("Ca9 Bằng"), "Ca9 Bằng");
    // A long name two letters off is still one province's alone.
    assert_eq!(
        tidy_place("Phường Kim Mã, quận 10, thành phố Hồ Chí Mừh"),
        "Phường Kim Mã, quận 10, thành phố Hồ Chí Minh"
    );
    // A shorter one is not, nor a long one two letters from two provinces.
    assert_eq!(tidy_place("Xã Kim Mã, Đồg Ngi"), "Xã Kim Mã, Đồg Ngi");
    assert_eq!(tidy_place("Xã Kim Mã, Quảng Ngam"), "Xã Kim Mã, Quảng Ngam");
    // Its first word read as printed, and no other province's, picks a province
    // whose other words were misread; a first word several share picks none.
    assert_eq!(
        tidy_place("Thị trấn Phú Lợi, Long Thành, Lâm Ủng"),
        "Thị trấn Phú Lợi, Long Thành, Lâm Đồng"
    );
    assert_eq!(
        tidy_place("Xã Minh Khai, Châu Thành, Hải Phùm"),
        "Xã Minh Khai, Châu Thành, Hải Phùm"
    );
    // A real unit's name after it is no misread province (`Lâm Hà`, a district).
    assert_eq!(tidy_place("Xã Tân Hà, Lâm Hà"), "Xã Tân Hà, Lâm Hà");
}

#[test]
fn a_place_read_whole_extends_the_same_place_that_lost_a_line() {
    let whole = "Thị trấn Phú Lợi, Huyện Châu Thành, Tỉnh Bình Thuận";
    assert!(extends_place(whole, "Tỉnh Bình Thuận"));
    assert!(extends_place(whole, "Thị trấn Phú Lợi, Huyện Châu Thành"));
    assert!(extends_place(
        "Xã Vĩnh Phúc, Cam Lâm, Bắc Ninh",
        "Xã Vĩnh Phúc"
    ));
    // A line's edge lost: the unit word before, the province's last word after.
    let edge = "Phường Thạnh Lộc, Thị xã Phú Mỹ, Tỉnh Đồng Nai";
    assert!(extends_place(
        edge,
        "Thạnh Lộc, Thị xã Phú Mỹ, Tỉnh Đồng Nai"
    ));
    assert!(extends_place(
        "Xã Đông Hòa, Yên Lạc, Tuyên Quang",
        "Xã Đông Hòa, Yên Lạc, Tuyên"
    ));
    // Not a word of a label read on before the place.
    assert!(!extends_place(
        "idence Thạnh Lộc, Thị xã Phú Mỹ, Tỉnh Đồng Nai",
        "Thạnh Lộc, Thị xã Phú Mỹ, Tỉnh Đồng Nai"
    ));
    // Not the same place, nor more of it, nor an address that then runs on.
    assert!(!extends_place(whole, "Huyện Châu Thành"));
    assert!(!extends_place(whole, whole));
    assert!(!extends_place("Tỉnh Bình Thuận", whole));
    assert!(!extends_place(
        "Xã Vĩnh Phúc, Nơi thường trú",
        "Xã Vĩnh Phúc"
    ));
    assert!(!extends_place(
        "Xã Phú Lợi, Tân Lạc, Quảng Ninh, Xóm Mới, Xã Yên Hòa, Tỉnh Đồng Nai",
        "Xã Phú Lợi, Tân Lạc, Quảng Ninh"
    ));
}

#[test]
fn names_no_unit_bears_are_counted_as_spelled() {
    let unreal = |s: &str| unreal_parts(s);
    assert_eq!(
        unreal("Phường Phú Lợi, Quận Hoàng Mai, Thành phố Hà Nội"),
        0
    );
    assert_eq!(
        unreal("Phường Phứ Lợi, Quận Hoàng Mai, Thành phố Hà Nội"),
        1
    );
    assert_eq!(unreal("Phường Phù Lợi Qiên Hoàng Mai, Thành phố Hà Nội"), 1);
    assert_eq!(unreal("Phường 11, Quận 3, TP Hồ Chí Minh"), 0);
    assert_eq!(unreal("Số 12 phố Huế, Hà Nộ"), 2);
    // A place read on into the next line's address has more.
    assert_eq!(unreal("Xã Phú Lợi, Quảng Ninh, Xóm Mới, Xã Yên Hòa"), 1);
}

#[test]
fn a_province_cut_short_is_completed_only_when_one_opens_so() {
    for (read, whole) in [
        (
            "Thị trấn Trung Hòa, Hòa Vang, Đà",
            "Thị trấn Trung Hòa, Hòa Vang, Đà Nẵng",
        ),
        (
            "Xã Đông Hòa, Yên Lạc, Tuyên",
            "Xã Đông Hòa, Yên Lạc, Tuyên Quang",
        ),
        (
            "Phường 11, Thành phố Hồ Chí",
            "Phường 11, Thành phố Hồ Chí Minh",
        ),
        // Two provinces open with `Đồng`, and `Thành` is a unit's word.
        (
            "Phường Dịch Vọng, Bà Rịa, Đồng",
            "Phường Dịch Vọng, Bà Rịa, Đồng",
        ),
        ("Phường 7, Quận 3, Thành", "Phường 7, Quận 3, Thành"),
        // A lone place is no province's due, and a city is whole.
        ("Đà", "Đà"),
        (
            "Phường Phước Long, Thành phố Bà Rịa",
            "Phường Phước Long, Thành phố Bà Rịa",
        ),
    ] {
        assert_eq!(tidy_place(read), whole, "{read}");
    }
}

#[test]
fn a_comma_read_inside_a_name_goes() {
    assert_eq!(
        tidy_place("Xã Kim Mã, Châu Thành, Kiên, Giang"),
        "Xã Kim Mã, Châu Thành, Kiên Giang"
    );
    assert_eq!(
        tidy_place("Xã Bến, Nghé, Tân Lạc, Quảng Ninh"),
        "Xã Bến Nghé, Tân Lạc, Quảng Ninh"
    );
    assert_eq!(
        tidy_place("Thị trấn Minh Khai, Hải Hậu, Thừa, Thiên Huế"),
        "Thị trấn Minh Khai, Hải Hậu, Thừa Thiên Huế"
    );
    // Numbered units and two-syllable names are parts of their own.
    assert_eq!(tidy_place("Phường 8, Quận 10"), "Phường 8, Quận 10");
    assert_eq!(
        tidy_place("Xã Tân An, Bình, Long An"),
        "Xã Tân An, Bình, Long An"
    );
}

#[test]
fn a_division_drops_what_came_before_its_first_unit() {
    for (read, kept) in [
        (
            "nến Phường An Phú, Thị xã Phú Mỹ",
            "Phường An Phú, Thị xã Phú Mỹ",
        ),
        (
            "0109 Phường Tân Định, Bình Thạnh",
            "Phường Tân Định, Bình Thạnh",
        ),
        (
            "áohv Plaoe dý bánh Phường Bình Hòa, thành phố Hà Nội",
            "Phường Bình Hòa, thành phố Hà Nội",
        ),
        (
            "nh, Phyce of bánh g0 Xã Tân Mai, Huyện Yên Mỹ",
            "Xã Tân Mai, Huyện Yên Mỹ",
        ),
        // A speck's letter run into a rule or a slash before the unit.
        (
            "T— Thị trấn Bến Nghé, huyện Hải Hậu, tỉnh Bắc Ninh",
            "Thị trấn Bến Nghé, huyện Hải Hậu, tỉnh Bắc Ninh",
        ),
        (
            "P\\ Xã Xuân La, tỉnh Tiền Giang",
            "Xã Xuân La, tỉnh Tiền Giang",
        ),
        (
            "Piac€ Xã Láng Hà, Huyện Hòa Vang, Thành phố Đà Nẵng",
            "Xã Láng Hạ, Huyện Hòa Vang, Thành phố Đà Nẵng",
        ),
        // The first unit's name is restored once its lead is gone.
        (
            "7 Place 0Í œwxtgie: Phường Phứ Lợi, Bà Rịa, Đắk Nông",
            "Phường Phú Lợi, Bà Rịa, Đắk Nông",
        ),
        // A village before its commune, a part of its own, and a place with no
        // unit at all stay whole.
        ("Thôn 3, Xã Kim Mã, Hà Nội", "Thôn 3, Xã Kim Mã, Hà Nội"),
        ("Yên Phú, Xã Hòa Thuận", "Yên Phú, Xã Hòa Thuận"),
        ("Kim Sơn Ninh Bình", "Kim Sơn Ninh Bình"),
    ] {
        assert_eq!(tidy_division(read), kept, "{read}");
    }
}

#[test]
fn a_unit_word_run_into_its_name_over_a_period_is_parted() {
    assert_eq!(
        tidy_place("Xã Láng Hạ, huyện Tân Lạc, tỉnh.Phú Thọ"),
        "Xã Láng Hạ, huyện Tân Lạc, tỉnh Phú Thọ"
    );
    assert_eq!(tidy_place("TP.Hồ Chí Minh"), "TP.Hồ Chí Minh");
    assert_eq!(
        tidy_place("Thị trấn Trung Hòa,Kim Động, Hưng Yên"),
        "Thị trấn Trung Hòa, Kim Động, Hưng Yên"
    );
    assert_eq!(
        tidy_place("Thị trấn Trung Hòa,.Kim Động, Hưng Yên"),
        "Thị trấn Trung Hòa, Kim Động, Hưng Yên"
    );
    assert_eq!(
        tidy_place("Phường Bình Hòa, Quận 3,'TP Hồ Chí Minh"),
        "Phường Bình Hòa, Quận 3, TP Hồ Chí Minh"
    );
    assert_eq!(
        tidy_place("Xã Dịch Vọng,.thành phố Hải Phòng"),
        "Xã Dịch Vọng, thành phố Hải Phòng"
    );
    assert_eq!(
        tidy_place("Thôn Đông, xã Yên Hòa, huyện: Hòa Vang, tỉnh: Đồng Tháp"),
        "Thôn Đông, xã Yên Hòa, huyện Hòa Vang, tỉnh Đồng Tháp"
    );
    assert_eq!(
        tidy_place("Thôn Hạ, xã Nghĩa Đô, tỉnh Phú T Thọ"),
        "Thôn Hạ, xã Nghĩa Đô, tỉnh Phú Thọ"
    );
    assert_eq!(
        tidy_place("Số 78, Phường Hiệp T Thành, Tỉnh Hòa ã Bình"),
        "Số 78, Phường Hiệp Thành, Tỉnh Hòa Bình"
    );
    assert_eq!(tidy_place("Khu phố A Bình Dương"), "Khu phố A Bình Dương");
    assert_eq!(
        tidy_place("Phường Tân Định, Quận Thanh-Khê, Thành-phố Đà Nẵng"),
        "Phường Tân Định, Quận Thanh Khê, Thành phố Đà Nẵng"
    );
    assert_eq!(tidy_place("Số 3-5 Lê Lợi, Quận 1"), "Số 3-5 Lê Lợi, Quận 1");
    assert_eq!(
        tidy_place("Phường Xuân La, Quận-1, TP Hồ Chí Minh"),
        "Phường Xuân La, Quận 1, TP Hồ Chí Minh"
    );
    assert_eq!(
        tidy_place("185/28 Nguyễn Văn Cừ, Phường Phước Long, Tỉnh Bắc Ninh, Vật Nam"),
        "185/28 Nguyễn Văn Cừ, Phường Phước Long, Tỉnh Bắc Ninh, Việt Nam"
    );
    assert_eq!(tidy_place("Thôn Hạ, Xã Vĩnh Nam"), "Thôn Hạ, Xã Vĩnh Nam");
    assert_eq!(
        tidy_place("Xã Đồng Tâm, Huyện Yên Lạc, Tỉnh Đồng Nai, Việt Nam"),
        "Xã Đồng Tâm, Huyện Yên Lạc, Tỉnh Đồng Nai, Việt Nam"
    );
    assert_eq!(
        tidy_place("Ủy: ban nhân dân phường Thạnh Lộc, quận 3"),
        "Ủy ban nhân dân phường Thạnh Lộc, quận 3"
    );
    assert_eq!(
        tidy_place("UBND phường Láng Hạ, thành phối Hà Nội"),
        "UBND phường Láng Hạ, thành phố Hà Nội"
    );
    assert_eq!(
        tidy_place("Thị trấn Tân Định, Thành phối Đà Nẵng, Việt Nam"),
        "Thị trấn Tân Định, Thành phố Đà Nẵng, Việt Nam"
    );
    // A residential group before its number (`Tố 31`), but not a name (`Tô Hiệu`).
    assert_eq!(
        tidy_place("Tố 31, Phường Trung Hòa, Thành phố Đà Nẵng"),
        "Tổ 31, Phường Trung Hòa, Thành phố Đà Nẵng"
    );
    assert_eq!(
        tidy_place("Số 5 đường Tô Hiệu, Phường Trung Hòa"),
        "Số 5 đường Tô Hiệu, Phường Trung Hòa"
    );
}

#[test]
fn an_opening_unit_short_of_a_letter_is_restored() {
    assert_eq!(
        tidy_place("Phườn, Phước Long, Thành phố Bà Rịa.. Tỉnh Tây Ninh"),
        "Phường Phước Long, Thành phố Bà Rịa, Tỉnh Tây Ninh"
    );
    assert_eq!(
        tidy_place("Phường Phước Long., Thành phố Bà Rịa"),
        "Phường Phước Long, Thành phố Bà Rịa"
    );
    assert_eq!(
        tidy_place("Phường Đông Hòa, Quận Sơn'Trà, Thành phố Đà Nẵng"),
        "Phường Đông Hòa, Quận Sơn Trà, Thành phố Đà Nẵng"
    );
    // A period for the space the same way; an abbreviation's stays.
    assert_eq!(
        tidy_place("Phường Phú Thượng, Bà Rịa, An.Giang"),
        "Phường Phú Thượng, Bà Rịa, An Giang"
    );
    assert_eq!(
        tidy_place("Xã An.Phú, Hải Hậu, Hải Dương"),
        "Xã An Phú, Hải Hậu, Hải Dương"
    );
    assert_eq!(
        tidy_place("Phường 3, TP.Hồ Chí Minh"),
        "Phường 3, TP.Hồ Chí Minh"
    );
    assert_eq!(
        tidy_place("Phương Mai, Đống Đa, Hà Nội"),
        "Phương Mai, Đống Đa, Hà Nội"
    );
    assert_eq!(
        tidy_place("Pường Hưng Phú, Tam Kỳ, Cần Thơ"),
        "Phường Hưng Phú, Tam Kỳ, Cần Thơ"
    );
    assert_eq!(
        tidy_place("Hyện Cam Lâm, Tỉnh Khánh Hòa"),
        "Huyện Cam Lâm, Tỉnh Khánh Hòa"
    );
    // A city's unit that lost its second word, and what ran on after it.
    assert_eq!(
        tidy_division("Phường Tân Lập, Quận Liên Chiểu, Thành Đà Nẵng XjdÀ g2 ch sở GA"),
        "Phường Tân Lập, Quận Liên Chiểu, Thành phố Đà Nẵng"
    );
    assert_eq!(
        tidy_place("Phường Quang Trung, Thị xã Sơn Tây, hành phố Hải Phòng"),
        "Phường Quang Trung, Thị xã Sơn Tây, Thành phố Hải Phòng"
    );
    // Before a city's whole part too, unless `Thành` opens a listed name.
    assert_eq!(
        tidy_place("Phường Phước Long, Thành Tam Kỳ, Tỉnh Đồng Nai"),
        "Phường Phước Long, Thành phố Tam Kỳ, Tỉnh Đồng Nai"
    );
    // Not a name, and not before a word in small letters.
    for kept in [
        "Phương Liệt, Hà Nội",
        "Pường số 5",
        "Xã Thành Công, Hà Nội",
        "Phường 3, Thành Công, Hà Nội",
    ] {
        assert_eq!(tidy_place(kept), kept);
    }
}

#[test]
fn a_province_with_its_unit_word_ends_the_place() {
    assert_eq!(
        tidy_place("Thị trấn Quang Trung, Huyện Tiên Du, Tỉnh Tây Ninh Ae^ thường trà Phacc về nsôcev Ấp 3, Xã Trung Hòa"),
        "Thị trấn Quang Trung, Huyện Tiên Du, Tỉnh Tây Ninh"
    );
    assert_eq!(
        tidy_place("Phường Phước Long, thị xã Phú Mỹ, tỉnh Hải Dương ,e 11/2024"),
        "Phường Phước Long, thị xã Phú Mỹ, tỉnh Hải Dương"
    );
    for kept in [
        "Xã Đồng Tâm, Tỉnh Đồng Nai, Việt Nam",
        "Phường 1, Thành phố Bắc Ninh, Tỉnh Bắc Ninh",
    ] {
        assert_eq!(tidy_place(kept), kept);
    }
    // Without its unit word a province might be part of a longer name: a colon
    // must show that a label follows.
    let kept = "Phường 12, Quận 10, Thành phố Hồ Chí Minh";
    assert_eq!(tidy_place(kept), kept);
}

#[test]
fn a_province_unit_word_before_a_province_parts_a_level_without_its_comma() {
    assert_eq!(
        tidy_place("Xã Thanh Bình, huyện Yên Lạc tinh Quảng Trị"),
        "Xã Thanh Bình, huyện Yên Lạc, tỉnh Quảng Trị"
    );
    assert_eq!(
        tidy_place("Phường Láng Hạ, Quận Ba Đình Thành phố Hà Nội"),
        "Phường Láng Hạ, Quận Ba Đình, Thành phố Hà Nội"
    );
    // `Tĩnh` ends a province's name, and a name that is no province stays as read.
    for kept in [
        "Xã Kỳ Anh, tỉnh Hà Tĩnh",
        "Xã Thanh Bình, huyện Tinh Lâm",
        "Bệnh viện Sản Nhi tỉnh Hải Dương",
    ] {
        assert_eq!(tidy_place(kept), kept);
    }
}

#[test]
fn a_word_in_broken_case_before_the_first_unit_goes() {
    assert_eq!(
        tidy_place("vƯnG Thị trấn Xuân La, Huyện Long Thành, Thành phố Hải Phòng"),
        "Thị trấn Xuân La, Huyện Long Thành, Thành phố Hải Phòng"
    );
    assert_eq!(
        tidy_place("vã Thị trấn Đông Hòa, Đồng Nai"),
        "Thị trấn Đông Hòa, Đồng Nai"
    );
    for kept in [
        "TP Hồ Chí Minh",
        "Thôn Đông, Xã Yên Hòa, Tỉnh Bắc Ninh",
        "xã Yên Hòa, huyện Yên Lạc",
        "số 5 Đường Trần Phú, Phường 3",
    ] {
        assert_eq!(tidy_place(kept), kept);
    }
}

#[test]
fn an_alleys_slash_read_as_one_is_restored() {
    for (read, place) in [
        (
            "27120 Trần Hưng Đạo, Phường Vĩnh Phúc",
            "27/20 Trần Hưng Đạo, Phường Vĩnh Phúc",
        ),
        (
            "298110 Lý Thường Kiệt, phường Láng Hạ",
            "298/10 Lý Thường Kiệt, phường Láng Hạ",
        ),
        (
            "Số 27120 Trần Hưng Đạo, Phường 3",
            "Số 27/20 Trần Hưng Đạo, Phường 3",
        ),
    ] {
        assert_eq!(tidy_place(read), place);
    }
    // Four digits are a house's own number; two ways to part five leave it as read.
    for kept in ["1210 Lê Lợi, Phường 3", "11111 Lê Lợi, Phường 3"] {
        assert_eq!(tidy_place(kept), kept);
    }
}

#[test]
fn digits_run_into_letters_are_no_house_number() {
    assert_eq!(
        tidy_place("204oex Phường Hưng Phú, Thị xã Sơn Tây, Tỉnh Kon Tum"),
        "Phường Hưng Phú, Thị xã Sơn Tây, Tỉnh Kon Tum"
    );
    assert_eq!(
        tidy_place("807ao Thị trấn Láng Hạ, huyện Đức Thọ, tỉnh Cà Mau"),
        "Thị trấn Láng Hạ, huyện Đức Thọ, tỉnh Cà Mau"
    );
    // `of` read `oí` marks a garbled translation too.
    assert_eq!(
        tidy_place("snky PPace oí bách trg0720ec Phường Tân Mai, quận Liên Chiểu"),
        "Phường Tân Mai, quận Liên Chiểu"
    );
    for kept in [
        "156/5 Lạc Long Quân, Phường 5",
        "12A đường Trần Phú, Phường 3",
    ] {
        assert_eq!(tidy_place(kept), kept);
    }
}

#[test]
fn a_final_split_off_its_syllable_is_joined_back() {
    for (read, place) in [
        (
            "Phường Bì nh Hòa, TP Hồ Chí Minh",
            "Phường Bình Hòa, TP Hồ Chí Minh",
        ),
        ("Xã Hư ng, Huyện Cam Lâm", "Xã Hưng, Huyện Cam Lâm"),
        ("Thôn Bạ ch Đằng", "Thôn Bạch Đằng"),
        // Not after a number or a word that cannot take the final.
        ("Số 12 nh", "Số 12 nh"),
        ("Xã Tân nh", "Xã Tân nh"),
    ] {
        assert_eq!(tidy_place(read), place, "{read}");
    }
}

#[test]
fn periods_between_parts_are_commas() {
    for (read, place) in [
        ("Xã Phú Thượng. Tiền Giang", "Xã Phú Thượng, Tiền Giang"),
        (
            "Số 57. ngô 261. đường Hoàng Quốc Việt, Quận 1. TP. Hồ Chí Minh",
            "Số 57, ngõ 261, đường Hoàng Quốc Việt, Quận 1, TP. Hồ Chí Minh",
        ),
        (
            "phường Thạnh Lộc. quận Hải Châu, thành phố Đà Nẵng",
            "phường Thạnh Lộc, quận Hải Châu, thành phố Đà Nẵng",
        ),
        (
            "Ủy. ban nhân dân xã Hiệp Thành",
            "Ủy ban nhân dân xã Hiệp Thành",
        ),
        ("Tố dân phố 7, Xã Bình Hòa", "Tổ dân phố 7, Xã Bình Hòa"),
        // A street named after a person keeps its name.
        (
            "Số 3 đường Ngô Quyền, Phường 2",
            "Số 3 đường Ngô Quyền, Phường 2",
        ),
    ] {
        assert_eq!(tidy_place(read), place, "{read}");
    }
}

#[test]
fn unit_words_regain_their_marks_before_a_name() {
    assert_eq!(
        tidy_place("Thi trấn Đông Hòa, huyện Thủy Nguyên, tinh Đồng Nai"),
        "Thị trấn Đông Hòa, huyện Thủy Nguyên, tỉnh Đồng Nai"
    );
    assert_eq!(
        tidy_place("Phường Xuân La, Thanh phố Hưng Yên, Tỉnh Hưng Yên"),
        "Phường Xuân La, Thành phố Hưng Yên, Tỉnh Hưng Yên"
    );
    assert_eq!(
        tidy_place("Uy ban nhân dân xã Phú Lợi"),
        "Ủy ban nhân dân xã Phú Lợi"
    );
    assert_eq!(
        tidy_place("UBND phường Hòa Thuận, quan 7, thành phố Hồ Chí Minh"),
        "UBND phường Hòa Thuận, quận 7, thành phố Hồ Chí Minh"
    );
}

#[test]
fn names_that_spell_like_units_are_kept() {
    // `Hà Tĩnh` ends the value; `Quan Hóa` is a district's name, not `quận`.
    assert_eq!(tidy_place("Xã Kỳ Anh, Hà Tĩnh"), "Xã Kỳ Anh, Hà Tĩnh");
    assert_eq!(
        tidy_place("Xã Trung Thành, Quan Hóa, Thanh Hóa"),
        "Xã Trung Thành, Quan Hóa, Thanh Hóa"
    );
    assert_eq!(
        tidy_place("Phường Thanh Bình, thị xã Bến Cát"),
        "Phường Thanh Bình, thị xã Bến Cát"
    );
}

#[test]
fn periods_and_quotes_from_specks_are_dropped() {
    assert_eq!(
        tidy_place("2 Phường Dịch Vọng, Tam Kỳ"),
        "Phường Dịch Vọng, Tam Kỳ"
    );
    assert_eq!(tidy_place("2 Lý Thường Kiệt"), "2 Lý Thường Kiệt");
    assert_eq!(
        tidy_place("Uy ban nhân dân xã Phước Long, huyện. Kim Sơn, tỉnh Bà Rịa Vũng Tau"),
        "Ủy ban nhân dân xã Phước Long, huyện Kim Sơn, tỉnh Bà Rịa - Vũng Tàu"
    );
    assert_eq!(
        tidy_place("UBND xã Thạnh Lộc, huyện Cam Lâm. tỉnh Bình Thuận"),
        "UBND xã Thạnh Lộc, huyện Cam Lâm, tỉnh Bình Thuận"
    );
    assert_eq!(
        tidy_place("Xã Hòa Khánh, Huyện Tiên Du; Tỉnh Trà Vinh"),
        "Xã Hòa Khánh, Huyện Tiên Du, Tỉnh Trà Vinh"
    );
    assert_eq!(
        tidy_place("i Xã Trung Hòa, huyện Hải Hậu, tinh Phú Tho"),
        "Xã Trung Hòa, huyện Hải Hậu, tỉnh Phú Thọ"
    );
    assert_eq!(tidy_place("ở Hà Nội"), "ở Hà Nội");
    assert_eq!(
        tidy_place("‘Khu phố Tân Phước, xã Xuân La"),
        "Khu phố Tân Phước, xã Xuân La"
    );
    assert_eq!(
        tidy_place("Thôn. Hạ, xã Nghĩa Đô, huyện Yên Lạc, tỉnh Vĩnh Phúc"),
        "Thôn Hạ, xã Nghĩa Đô, huyện Yên Lạc, tỉnh Vĩnh Phúc"
    );
}

#[test]
fn provinces_are_restored_only_when_they_are_one() {
    assert_eq!(
        tidy_place("Xã Hải Châu, Kim Son, Quang Tri"),
        "Xã Hải Châu, Kim Sơn, Quảng Trị"
    );
    assert_eq!(
        tidy_place("Số 45, phường Thanh Bình, quận 3, thành phố Hồ Chi Minh"),
        "Số 45, phường Thanh Bình, quận 3, thành phố Hồ Chí Minh"
    );
    // A district's name before the province is restored from the gazetteer instead.
    assert_eq!(tidy_place("xã Tân Lập, Nam Son"), "xã Tân Lập, Nam Sơn");
}

#[test]
fn a_garbled_english_label_before_the_place_is_dropped() {
    for (read, place) in [
        (
            "Phace of œigin: Phường Hải Châu, Tam Kỳ",
            "Phường Hải Châu, Tam Kỳ",
        ),
        (
            "Piace Gf o0 Thị trấn Tân Lập, Huyện Châu Thành",
            "Thị trấn Tân Lập, Huyện Châu Thành",
        ),
        ("Ptace of Dựth cegtstra0or Xã Bến Nghé", "Xã Bến Nghé"),
        (
            "Plaee of ortgta, Xã Láng Hạ, Châu Thành",
            "Xã Láng Hạ, Châu Thành",
        ),
        ("Place oÝ neudenoc: 298/8 Chí Thanh", "298/8 Chí Thanh"),
        ("Phxc dí cm Xã Hải Châu, Tân Lạc", "Xã Hải Châu, Tân Lạc"),
        (
            "Đisce cể sewdence- Xóm Mới, Xã Hòa Thuận",
            "Xóm Mới, Xã Hòa Thuận",
        ),
        (
            "Phaco of bếth ro15tya00r: Thị trấn Tân An",
            "Thị trấn Tân An",
        ),
        (
            "Pace of residence Tổ dân phố 7, Xã Bến Nghé",
            "Tổ dân phố 7, Xã Bến Nghé",
        ),
        // `birth` read as a syllable; the `of` after a foreign word tells.
        (
            "P†aee of bình reghiruúeg, Xã Trung Hòa, huyện Tân Lạc",
            "Xã Trung Hòa, huyện Tân Lạc",
        ),
        (
            "sáedi Piece oý bánh reg/ra6sonc Phường Hòa Khánh, tỉnh Bắc Ninh",
            "Phường Hòa Khánh, tỉnh Bắc Ninh",
        ),
        // The label's last Vietnamese word left before it: `quán` spells the
        // letters of `quận`, but no district is printed so.
        (
            "quán / Place of OriQi0: È Xã Đồng Tâm, Hải Hậu, Đồng Nai",
            "Xã Đồng Tâm, Hải Hậu, Đồng Nai",
        ),
    ] {
        assert_eq!(tidy_place(read), place, "{read}");
    }
    // A unit of two words after the garbled label, and digits before a unit.
    assert_eq!(
        tidy_division("sel(fPlacc cế lách regtrasoe Thị trấn Phú Thượng, Tỉnh An Giang"),
        "Thị trấn Phú Thượng, Tỉnh An Giang"
    );
    assert_eq!(
        tidy_division("0410, Xã Nghĩa Đô, Cam Lâm, Bắc Ninh"),
        "Xã Nghĩa Đô, Cam Lâm, Bắc Ninh"
    );
    // Specks before it too, on a place read without its label.
    assert_eq!(
        tidy_division("Ã . ung quán / Place of OriQi0: È Xã Đồng Tâm, Hải Hậu, Đồng Nai"),
        "Xã Đồng Tâm, Hải Hậu, Đồng Nai"
    );
    // Not a label: a place whose first words read as Vietnamese, or as an
    // abbreviation, is kept.
    assert_eq!(
        tidy_place("Bệnh viện Sản Nhi tỉnh Hải Dương"),
        "Bệnh viện Sản Nhi tỉnh Hải Dương"
    );
    assert_eq!(
        tidy_place("UBND xã Thạnh Lộc, huyện Cam Lâm"),
        "UBND xã Thạnh Lộc, huyện Cam Lâm"
    );
    assert_eq!(
        tidy_place("Phước Long, Bình Phước"),
        "Phước Long, Bình Phước"
    );
    // A capital speck before the first unit goes as a small one does.
    assert_eq!(
        tidy_place("Í Xã Trung Hòa, huyện Hải Hậu"),
        "Xã Trung Hòa, huyện Hải Hậu"
    );
}

#[test]
fn the_peoples_committee_is_one_name() {
    assert_eq!(
        tidy_place("Ủy ban nhân dần, xã Hải Châu, huyện Tiên Du"),
        "Ủy ban nhân dân xã Hải Châu, huyện Tiên Du"
    );
    assert_eq!(
        tidy_place("UY BAN NHAN DAN PHƯỜNG 4"),
        "ỦY BAN NHÂN DÂN PHƯỜNG 4"
    );
}

#[test]
fn names_read_without_their_space_are_two() {
    assert_eq!(
        tidy_place("quận Long Biên, thành phố HàNội"),
        "quận Long Biên, thành phố Hà Nội"
    );
    // Capitals inside a word that is no pair of syllables stay as read.
    assert_eq!(tidy_place("Tổ 5, khu McKinley"), "Tổ 5, khu McKinley");
}

#[test]
fn a_house_number_keeps_its_slash_and_loses_lone_marks() {
    assert_eq!(
        tidy_place("156I5 Hùng Vương, phường Trung Hòa"),
        "156/5 Hùng Vương, phường Trung Hòa"
    );
    assert_eq!(
        tidy_place("Khu phố 4, Xã Kim ˆ Mã, Quỳnh Lưu"),
        "Khu phố 4, Xã Kim Mã, Quỳnh Lưu"
    );
}

#[test]
fn what_follows_the_province_is_noise_unless_it_is_more_name() {
    assert_eq!(
        tidy_place("Xã Phú Thượng, Đức Thọ; Bắc Ninh y"),
        "Xã Phú Thượng, Đức Thọ, Bắc Ninh"
    );
    assert_eq!(
        tidy_place("thôn Hạ, huyện Hải Hậu, tỉnh Tiền Giang 8 9"),
        "thôn Hạ, huyện Hải Hậu, tỉnh Tiền Giang"
    );
    assert_eq!(
        tidy_place("Xã Hải Châu, Đức Thọ, Đông Nại Net thường tý Phx of"),
        "Xã Hải Châu, Đức Thọ, Đồng Nai"
    );
    assert_eq!(
        tidy_place("Xã Thanh Liêm, Hà Nam Ninh"),
        "Xã Thanh Liêm, Hà Nam Ninh"
    );
    // The next label, read into the place after its province.
    assert_eq!(
        tidy_place(
            "Xã Tân Mai, Huyện Phù Cát, Tỉnh Quảng Trị Ẫ ét thường ý Pieee í noidenec: Tổ dân phố 7, Xã Phú Thượng"
        ),
        "Xã Tân Mai, Huyện Phù Cát, Tỉnh Quảng Trị"
    );
    assert_eq!(
        tidy_place("Phường Dịch Vọng, Tam Kỳ, Hải Phòng Nơi thường trú/Place of residence: Số 15"),
        "Phường Dịch Vọng, Tam Kỳ, Hải Phòng"
    );
    // Specks and another line's remains after the province.
    assert_eq!(
        tidy_place(
            "Thị trấn Láng Hạ, Châu Thành, Gia Lai ra >st-t—x gay sa s2 S0 sa Hòa, Kim Sơn, Phú Yên"
        ),
        "Thị trấn Láng Hạ, Châu Thành, Gia Lai"
    );
    // The next label's first word, read on the same line.
    assert_eq!(
        tidy_place("Ủy ban nhân dân xã Hải Châu, tỉnh Bắc Ninh Ngày"),
        "Ủy ban nhân dân xã Hải Châu, tỉnh Bắc Ninh"
    );
}

#[test]
fn unit_names_regain_their_marks_from_the_gazetteer() {
    assert_eq!(
        tidy_place("Xã Phú Thượng, Đức Tho, Bắc Ninh"),
        "Xã Phú Thượng, Đức Thọ, Bắc Ninh"
    );
    assert_eq!(
        tidy_place("Xã Hòa Thuận, Quynh Lưu, Hòa Bình"),
        "Xã Hòa Thuận, Quỳnh Lưu, Hòa Bình"
    );
    assert_eq!(
        tidy_place("Khu phố Tân Phước, thị trấn An Phú, huyện Van Lam, tỉnh Hưng Yên"),
        "Khu phố Tân Phước, thị trấn An Phú, huyện Văn Lâm, tỉnh Hưng Yên"
    );
    // A hamlet is not listed, and a street is no unit: both are kept as read.
    assert_eq!(
        tidy_place("Thôn Ha, Xã Yên Hòa, 12 Nguyen Hue"),
        "Thôn Ha, Xã Yên Hòa, 12 Nguyen Hue"
    );
}
