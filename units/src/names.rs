//! Unit names as printed, brought to one key: Unicode composed, lower case, the
//! abbreviations of unit words written out (`P.` Phường, `Q.` Quận, `TP.` Thành phố,
//! `Tx.` Thị xã, `TT.` Thị trấn, `H.` Huyện, `X.` Xã), the tone mark on the vowel where
//! the 1980s rule puts it (`Hoá` and `Hóa` are one name; the crosswalk itself spells
//! both), and numbers without leading zeros (`Phường 01`).

use unicode_normalization::UnicodeNormalization;

/// What level a unit word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Commune,
    District,
    Province,
}

/// The words a unit's name starts with, longest first, by the levels they may name
/// (`Thành phố` names a province or a district).
const TYPE_WORDS: &[(&str, &[Level])] = &[
    ("thành phố", &[Level::Province, Level::District]),
    ("thị trấn", &[Level::Commune]),
    ("đặc khu", &[Level::Commune]),
    ("phường", &[Level::Commune]),
    ("thị xã", &[Level::District]),
    ("huyện", &[Level::District]),
    ("quận", &[Level::District]),
    ("tỉnh", &[Level::Province]),
    ("xã", &[Level::Commune]),
];

/// Abbreviations, as printed before a name, and the unit word each stands for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("t.p.", "thành phố"),
    ("tp.", "thành phố"),
    ("tp", "thành phố"),
    ("tx.", "thị xã"),
    ("tx", "thị xã"),
    ("tt.", "thị trấn"),
    ("p.", "phường"),
    ("q.", "quận"),
    ("h.", "huyện"),
    ("x.", "xã"),
    ("t.", "tỉnh"),
];

/// Old-style tone placement on `oa`, `oe`, `uy`, written the new way.
const TONE_PLACEMENT: &[(&str, &str)] = &[
    ("oà", "òa"),
    ("oá", "óa"),
    ("oả", "ỏa"),
    ("oã", "õa"),
    ("oạ", "ọa"),
    ("oè", "òe"),
    ("oé", "óe"),
    ("oẻ", "ỏe"),
    ("oẽ", "õe"),
    ("oẹ", "ọe"),
    ("uỳ", "ùy"),
    ("uý", "úy"),
    ("uỷ", "ủy"),
    ("uỹ", "ũy"),
    ("uỵ", "ụy"),
];

/// A name's key: see the module's doc.
pub fn key(name: &str) -> String {
    let lower: String = name.nfc().collect::<String>().to_lowercase();
    // "Đắk R'Lấp" is also printed "Đắk R Lấp" and "Đắk R’Lấp".
    let lower = lower.replace(['\'', '’'], " ");
    let mut text = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    for (abbreviation, word) in ABBREVIATIONS {
        if let Some(rest) = text.strip_prefix(abbreviation) {
            // `p.` before a name, with or without a space; `tp` only before a space.
            let joined = rest.starts_with(' ') || abbreviation.ends_with('.');
            if joined && !rest.trim().is_empty() {
                text = format!("{word} {}", rest.trim_start());
                break;
            }
        }
    }
    for (old, new) in TONE_PLACEMENT {
        if text.contains(old) {
            text = text.replace(old, new);
        }
    }
    text.split(' ')
        .map(|w| {
            if w.len() > 1 && w.chars().all(|c| c.is_ascii_digit()) {
                w.trim_start_matches('0').to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a unit of `level` starts inside a longer text: "Ủy ban nhân dân xã Hạ Giáp"
/// (an authority), "Trạm Y tế phường 3", "Bệnh viện Phụ sản thành phố Hà Nội". Each
/// split is the text before the unit word (trimmed) and the unit, first split first.
pub fn embedded_units(printed: &str, level: Level) -> Vec<(&str, &str)> {
    printed
        .char_indices()
        .filter(|(i, c)| *i > 0 && *c == ' ')
        .filter_map(|(i, _)| {
            let unit = printed[i..].trim_start();
            let lower = unit.to_lowercase();
            let named = TYPE_WORDS.iter().any(|(word, levels)| {
                levels.contains(&level)
                    && lower
                        .strip_prefix(word)
                        .is_some_and(|rest| rest.starts_with(' ') && !rest.trim().is_empty())
            });
            let prefix = printed[..i].trim();
            (named && !prefix.is_empty()).then_some((prefix, unit))
        })
        .collect()
}

/// The key without its unit word, and the levels that word may name; all levels when
/// the name has none.
pub fn bare(key: &str) -> (&str, &'static [Level]) {
    for (word, levels) in TYPE_WORDS {
        if let Some(rest) = key.strip_prefix(word) {
            if let Some(rest) = rest.strip_prefix(' ') {
                return (rest, levels);
            }
        }
    }
    (key, &[Level::Commune, Level::District, Level::Province])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_spellings_of_one_name_have_one_key() {
        let cases = [
            ("Phường Tân Định", "phường tân định"),
            ("P. Tân Định", "phường tân định"),
            ("P.Tân  Định", "phường tân định"),
            ("TP. Hồ Chí Minh", "thành phố hồ chí minh"),
            ("Tp Hồ Chí Minh", "thành phố hồ chí minh"),
            ("Tx. Thuận An", "thị xã thuận an"),
            ("Phường Nguyệt Hoá", "phường nguyệt hóa"),
            ("Xã Thủy Xuân Tiên", "xã thủy xuân tiên"),
            ("Phường 01", "phường 1"),
            ("Quận 10", "quận 10"),
            ("Huyện Đắk R'Lấp", "huyện đắk r lấp"),
            ("huyện Đắk R Lấp", "huyện đắk r lấp"),
            // Decomposed input (combining marks) composes.
            ("Phu\u{031b}o\u{031b}\u{0300}ng 3", "phường 3"),
        ];
        for (printed, expected) in cases {
            assert_eq!(key(printed), expected, "{printed}");
        }
    }

    #[test]
    fn a_unit_inside_a_longer_name_is_found_after_its_unit_word() {
        /// (printed, level, the splits expected).
        type Case<'a> = (&'a str, Level, &'a [(&'a str, &'a str)]);
        let cases: [Case; 5] = [
            (
                "Ủy ban nhân dân xã Hạ Giáp",
                Level::Commune,
                &[("Ủy ban nhân dân", "xã Hạ Giáp")],
            ),
            (
                "Trạm Y tế Phường 3",
                Level::Commune,
                &[("Trạm Y tế", "Phường 3")],
            ),
            (
                "Bệnh viện Phụ sản thành phố Hà Nội",
                Level::Province,
                &[("Bệnh viện Phụ sản", "thành phố Hà Nội")],
            ),
            // A unit word at the start is no split, and one with nothing after is none.
            ("Xã Tân Lập", Level::Commune, &[]),
            ("Ủy ban nhân dân xã", Level::Commune, &[]),
        ];
        for (printed, level, expected) in cases {
            assert_eq!(embedded_units(printed, level), expected, "{printed}");
        }
    }

    #[test]
    fn a_name_without_its_unit_word_may_be_any_level() {
        assert_eq!(bare("phường tân định"), ("tân định", &[Level::Commune][..]));
        assert_eq!(
            bare("thành phố thủ đức"),
            ("thủ đức", &[Level::Province, Level::District][..])
        );
        assert_eq!(bare("tân định").0, "tân định");
        assert_eq!(bare("tân định").1.len(), 3);
        // A name that merely starts like a unit word keeps it.
        assert_eq!(bare("xã").0, "xã");
    }
}
