//! Places parsed into units and converted, on the real 2025 crosswalk
//! (`../shared/data/admin-units-2025/`, used in place).

use std::path::PathBuf;
use std::sync::OnceLock;

use hoso_units::{Crosswalk, Merge, Period, UnitsErrorKind};

const VERSION: &str = "dvhcvn/20250701@dd94887";

fn crosswalk() -> &'static Crosswalk {
    static TABLE: OnceLock<Crosswalk> = OnceLock::new();
    TABLE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/admin-units-2025/old_to_new.tsv");
        Crosswalk::load(&path, VERSION).expect("the crosswalk in ../shared/data")
    })
}

/// (printed, period, printed commune, district and province codes, current communes
/// with their merge, detail).
type Case = (
    &'static str,
    Period,
    [Option<&'static str>; 3],
    &'static [(&'static str, Merge)],
    Option<&'static str>,
);

#[test]
fn printed_places_become_units_then_today_s_units() {
    use Merge::*;
    use Period::*;
    let cases: &[Case] = &[
        // The spec's example: merged whole.
        (
            "Tổ 23, Khu phố 9, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh",
            Before2025,
            [Some("26734"), Some("760"), Some("79")],
            &[("26737", Full)],
            Some("Tổ 23, Khu phố 9"),
        ),
        // Abbreviated unit words.
        (
            "Số 5 ngõ 2, P. Phúc Xá, Q. Ba Đình, TP. Hà Nội",
            Before2025,
            [Some("00001"), Some("001"), Some("01")],
            &[("00097", Full)],
            Some("Số 5 ngõ 2"),
        ),
        // Split between two new communes: both, for a clerk to choose.
        (
            "Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội",
            Before2025,
            [Some("00007"), Some("001"), Some("01")],
            &[("00008", Partial), ("00025", Partial)],
            None,
        ),
        // Already in today's units.
        (
            "Thôn 3, Phường Hồng Hà, Thành phố Hà Nội",
            From2025,
            [Some("00097"), None, Some("01")],
            &[("00097", Same)],
            Some("Thôn 3"),
        ),
        // Lower-case unit words, and the province under the name cards printed before it
        // became Thành phố Huế.
        (
            "Tổ 15, phường Vĩnh Ninh, quận Thuận Hóa, tỉnh Thừa Thiên Huế",
            Before2025,
            [Some("19783"), Some("474"), Some("46")],
            &[("19789", Full)],
            Some("Tổ 15"),
        ),
        // A company's address ending with the country.
        (
            "Khu phố 2, Phường Hồng Hà, Thành phố Hà Nội, Việt Nam",
            From2025,
            [Some("00097"), None, Some("01")],
            &[("00097", Same)],
            Some("Khu phố 2"),
        ),
        // An authority's name before the commune: the name is the detail.
        (
            "Ủy ban nhân dân xã Hạ Giáp, huyện Phù Ninh, tỉnh Phú Thọ",
            Before2025,
            [Some("08251"), Some("233"), Some("25")],
            &[("08254", Full)],
            Some("Ủy ban nhân dân"),
        ),
        // OCR slips, one per name: a letter added, a unit word misread, an apostrophe
        // read as a space, a letter dropped.
        (
            "Ấp 3, thị trấn Lương Bằng, huyện Kimi Động, tỉnh Hưng Yên",
            Before2025,
            [Some("12280"), Some("331"), Some("33")],
            &[("12280", Full)],
            Some("Ấp 3"),
        ),
        (
            "Thôn Yên Phú, xã Đắk Ngo, tuyện Tuy Đức, tỉnh Đắk Nông",
            Before2025,
            [Some("24746"), Some("667"), Some("67")],
            &[("24748", Full)],
            Some("Thôn Yên Phú"),
        ),
        (
            "Xã Nghĩa Thắng, huyện Đắk R Lấp, tỉnh Đắk Nông",
            Before2025,
            [Some("24756"), Some("666"), Some("67")],
            &[("24733", Full)],
            None,
        ),
        (
            "UBND xã Quảng Khê, huyện Đăk Gilong, tỉnh Đắk Nông",
            Before2025,
            [Some("24631"), Some("661"), Some("67")],
            &[("24631", Full)],
            Some("UBND"),
        ),
        // A commune that does not exist in its district: left out, the district kept
        // and the province converted.
        (
            "Xã Không Có Thật, Huyện Ba Vì, Thành phố Hà Nội",
            Before2025,
            [None, Some("271"), Some("01")],
            &[],
            Some("Xã Không Có Thật"),
        ),
    ];
    for (printed, period, [commune, district, province], current, detail) in cases {
        let units = crosswalk()
            .place(printed)
            .unwrap_or_else(|| panic!("no units in {printed:?}"));
        let code = |u: &Option<hoso_units::Unit>| u.as_ref().map(|u| u.code.clone());
        assert_eq!(units.printed.period, *period, "{printed}");
        assert_eq!(
            code(&units.printed.commune).as_deref(),
            *commune,
            "{printed}"
        );
        assert_eq!(
            code(&units.printed.district).as_deref(),
            *district,
            "{printed}"
        );
        assert_eq!(
            code(&units.printed.province).as_deref(),
            *province,
            "{printed}"
        );
        let got: Vec<(Option<String>, Merge)> = units
            .current
            .iter()
            .map(|c| (code(&c.commune), c.merge))
            .collect();
        if current.is_empty() {
            // Only the province converts: one unit without a commune.
            assert_eq!(got, vec![(None, Full)], "{printed}");
            assert_eq!(units.current[0].province.code, "01");
        } else {
            let want: Vec<(Option<String>, Merge)> = current
                .iter()
                .map(|(c, m)| (Some(c.to_string()), *m))
                .collect();
            assert_eq!(got, want, "{printed}");
        }
        assert_eq!(units.detail.as_deref(), *detail, "{printed}");
        assert_eq!(units.crosswalk, VERSION);
        assert_eq!(units.needs_a_choice(), current.len() > 1, "{printed}");
    }
}

#[test]
fn a_hospital_names_only_its_province() {
    let units = crosswalk()
        .place("Bệnh viện Phụ sản thành phố Hà Nội")
        .expect("the province");
    assert_eq!(units.printed.commune, None);
    assert_eq!(
        units.printed.province.map(|p| p.code).as_deref(),
        Some("01")
    );
    assert_eq!(units.detail.as_deref(), Some("Bệnh viện Phụ sản"));
}

#[test]
fn a_place_with_no_known_province_has_no_units() {
    for printed in ["Số 5, Phố Không Có, Tỉnh Không Có", "", " , ", "Hà Nội Mới"] {
        assert_eq!(crosswalk().place(printed), None, "{printed:?}");
    }
}

#[test]
fn units_serialise_as_the_spec_shows() {
    let units = crosswalk()
        .place("Tổ 23, Khu phố 9, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh")
        .unwrap();
    let json = serde_json::to_value(&units).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "detail": "Tổ 23, Khu phố 9",
            "printed": {
                "period": "before-2025-07-01",
                "commune": {"code": "26734", "name": "Phường Tân Định"},
                "district": {"code": "760", "name": "Quận 1"},
                "province": {"code": "79", "name": "Thành phố Hồ Chí Minh"}
            },
            "current": [
                {"commune": {"code": "26737", "name": "Phường Tân Định"},
                 "province": {"code": "79", "name": "Thành phố Hồ Chí Minh"}, "merge": "full"}
            ],
            "crosswalk": VERSION
        })
    );
}

#[test]
fn a_bad_table_is_refused_with_its_line() {
    let header = "old_province_code\told_district_code\told_commune_code\told_address\tnew_province_code\tnew_province_name\tnew_commune_code\tnew_commune_name\tmerge";
    let cases = [
        ("", "no column old_province_code"),
        (header, "no rows"),
        (
            &*format!("{header}\n01\t001\t00001\tPhường Phúc Xá\t01\tThành phố Hà Nội\t00097\tPhường Hồng Hà\tfull"),
            "line 2",
        ),
        (
            &*format!("{header}\n01\t001\t00001\tA, B, C\t01\tThành phố Hà Nội\t00097\tPhường Hồng Hà\tsome"),
            "merge \"some\"",
        ),
    ];
    for (text, expected) in cases {
        let err = Crosswalk::from_tsv("t", text).unwrap_err();
        assert_eq!(err.kind(), UnitsErrorKind::Invalid);
        assert!(err.to_string().contains(expected), "{err}");
    }
}
