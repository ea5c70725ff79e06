//! Places and authorities as printed: the closed vocabulary of administrative units and
//! provinces, restored where OCR dropped or changed its tone marks or punctuation.
//!
//! Only words whose identity the context fixes are restored: a unit word such as
//! `tỉnh` right before a place name, and a province name where a province is due. A
//! free name (a commune, a street) is never altered, since nothing says what it was.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;
use super::gazetteer;
use super::syllable::is_vietnamese_syllable;

mod passes;
mod province;

use passes::restore_unit_names;
pub use passes::{Pass, Repair, PASSES};
use province::is_country;

/// Administrative unit words, as printed in lower case, by their number of words.
pub(super) const UNITS: &[&str] = &[
    "ủy ban nhân dân",
    "thành phố",
    "thị trấn",
    "thị xã",
    "khu phố",
    "tổ dân phố",
    "tỉnh",
    "tổ",
    "huyện",
    "quận",
    "phường",
    "thôn",
    "ngõ",
    "xã",
];

/// Most words a unit takes (`ủy ban nhân dân`).
pub(super) const UNIT_WORDS: usize = 4;

/// Units whose folded spelling is also a common name part (`Quan Hóa`, `Thanh Bình`,
/// `Phương Liệt`, `Tô Hiệu`): restored only before a number, where a name cannot stand.
pub(super) const AMBIGUOUS: &[&str] = &["quận", "phường", "ngõ", "tổ"];

/// Provinces of 1976 to 1997 since split, which older certificates still print
/// (`Hà Nam Ninh`, `Nghệ Tĩnh`).
pub(super) const FORMER_PROVINCES: &[&str] = &[
    "Bắc Thái",
    "Bình Trị Thiên",
    "Cao Lạng",
    "Cửu Long",
    "Hà Bắc",
    "Hà Nam Ninh",
    "Hà Sơn Bình",
    "Hà Tuyên",
    "Hải Hưng",
    "Hoàng Liên Sơn",
    "Minh Hải",
    "Nghệ Tĩnh",
    "Nghĩa Bình",
    "Phú Khánh",
    "Sông Bé",
    "Thuận Hải",
    "Vĩnh Phú",
];

/// Provinces and centrally governed cities.
pub(crate) const PROVINCES: &[&str] = &[
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
];

/// Characters OCR reads from specks, quotes and rules at the edges of a word. No place
/// name holds an em dash, a backslash or a bar (a province's joined names take a
/// hyphen or an en dash).
pub(super) fn is_edge_noise(c: char) -> bool {
    matches!(
        c,
        '‘' | '’' | '“' | '”' | '"' | '`' | '\'' | '„' | '«' | '»' | '—' | '\\' | '|'
    )
}

pub(super) fn starts_upper_or_digit(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// `word` in the case of `like`: capitalised or all capitals when `like` is.
pub(super) fn in_case_of(word: &str, like: &str) -> String {
    let letters: Vec<char> = like.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return word.to_uppercase();
    }
    if like.chars().next().is_some_and(char::is_uppercase) {
        let mut cs = word.chars();
        return cs
            .next()
            .map(|c| c.to_uppercase().chain(cs).collect())
            .unwrap_or_default();
    }
    word.to_string()
}

pub(super) fn bare(w: &str) -> &str {
    w.trim_end_matches([',', '.', ';'])
}

/// A unit of `n` words starting at `i`, when its folded spelling matches.
pub(super) fn unit_at(words: &[String], i: usize) -> Option<(&'static str, usize)> {
    UNITS.iter().find_map(|u| {
        let n = u.split(' ').count();
        let got = words.get(i..i + n)?;
        let last = got.last()?;
        // Punctuation inside a multi-word unit means it is not one.
        if got[..n - 1].iter().any(|w| bare(w) != w) || bare(last).is_empty() {
            return None;
        }
        let text = got.iter().map(|w| bare(w)).collect::<Vec<_>>().join(" ");
        (fold(&text) == fold(u)).then_some((*u, n))
    })
}

/// Words that open a place on a card, besides the unit words: a group of houses, a
/// hamlet, a house number.
pub(super) const PLACE_OPENERS: &[&str] = &["to", "ap", "xom", "so", "khom", "buon", "ban"];

/// Whether `word` is a one-word unit or village word that opens a place (`Xã`,
/// `Phường`, `Thôn`, `Ấp`), whatever its tone marks: a line of capitalised words that
/// starts with one is an address, not the rest of a name. Units of several words are
/// left out, since their first words (`Thành`, `Thị`) are common names.
pub fn opens_a_place(word: &str) -> bool {
    let w = fold(bare(word));
    PLACE_OPENERS.contains(&w.as_str()) || UNITS.iter().any(|u| !u.contains(' ') && fold(u) == w)
}

/// A house or lot number as printed (`12`, `12A`, `156/5`, `3-5`), not digits OCR
/// made of a mark with letters after them (`204oex`).
pub(super) static HOUSE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]+[A-Za-z]?([/-][0-9]+[A-Za-z]?)*[,.;]?$").expect("literal house number")
});

/// Whether a unit word starts at `i` that can open a place: a unit whose letters also
/// spell a common word only as printed, or before a number (`quán` of a garbled
/// `Quê quán` is no `quận`).
pub(super) fn unit_opens(words: &[String], i: usize) -> bool {
    unit_at(words, i).is_some_and(|(u, _)| {
        !AMBIGUOUS.contains(&u)
            || bare(&words[i]).to_lowercase() == u
            || words
                .get(i + 1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
    })
}

pub(super) fn opens_place(words: &[String], i: usize) -> bool {
    let Some(w) = words.get(i) else { return false };
    unit_opens(words, i)
        || HOUSE_NUMBER.is_match(w)
        || (w.chars().next().is_some_and(char::is_uppercase)
            && PLACE_OPENERS.contains(&fold(bare(w)).as_str()))
}

/// Tidies a place named by its administrative units alone (a card's place of origin,
/// where a birth was registered), as `tidy_place` does, and drops what OCR left before
/// its first unit (`nến Phường An Phú`, `0109 Phường Tân Định`): such a place opens
/// with a unit or a village, so words before the first, in small letters or with
/// digits and with no comma to make them a part of their own, are the label's
/// remains or specks.
pub fn tidy_division(s: &str) -> String {
    let tidy = tidy_place(s);
    let words: Vec<String> = tidy.split_whitespace().map(str::to_string).collect();
    // A unit, or a village or hamlet word that opens a place (not a house's `Số`).
    let opens = |i: usize| {
        // The name follows the unit's last word (`Thị trấn Phú Thượng`).
        let unit_len = unit_at(&words, i).map_or(1, |(_, n)| n);
        let named = words
            .get(i + unit_len)
            .is_some_and(|w| starts_upper_or_digit(w));
        let opener = fold(bare(&words[i]));
        let village = words[i].chars().next().is_some_and(char::is_uppercase)
            && opener != "so"
            && PLACE_OPENERS.contains(&opener.as_str());
        named && (unit_opens(&words, i) || village)
    };
    let Some(first) = (0..words.len().min(8)).find(|&i| opens(i)) else {
        return tidy;
    };
    let lead = &words[..first];
    let small_or_digits = |w: &String| {
        w.chars().next().is_some_and(char::is_lowercase) || w.chars().any(|c| c.is_ascii_digit())
    };
    // A word no syllable of Vietnamese spells (`Phyce`, `g0`) is noise even where a
    // comma would make the lead a part of its own; capitals are an abbreviation.
    let garbled = |w: &String| {
        let b = bare(w);
        // A symbol no place holds (`Piac€`) marks a garbled label as well.
        b.chars()
            .any(|c| !(c.is_alphanumeric() || "/-".contains(c)))
            || (!is_vietnamese_syllable(b)
                && !b
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase))
    };
    // Digits alone before the first unit are no part of a place its units name (no
    // house is numbered in one), even as a part of their own (`0410, Xã Nghĩa Đô`).
    let digits_only = |w: &String| {
        let b = bare(w);
        !b.is_empty() && b.chars().all(|c| c.is_ascii_digit())
    };
    let junk = (lead.iter().all(|w| !w.ends_with([',', ';'])) && lead.iter().any(small_or_digits))
        || lead.iter().any(garbled)
        || lead.iter().all(digits_only);
    if first == 0 || !junk {
        return tidy;
    }
    // The first part's name could not be looked up with the junk before its unit word.
    restore_unit_names(&words[first..].join(" "))
}

/// Whether `s` reads as a whole administrative division as a card prints one: it opens
/// with a unit word before a capitalised name (`Xã Phước Long`), and its last part,
/// after a comma, names a province. What a place read without its label must be before
/// it is taken for one.
pub fn is_whole_division(s: &str) -> bool {
    let words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    let opens = unit_at(&words, 0).is_some_and(|(_, n)| {
        words
            .get(n)
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
    });
    let Some((_, last)) = s.rsplit_once(',') else {
        return false;
    };
    let last: Vec<&str> = last.split_whitespace().collect();
    let unit = province_unit_words(&last);
    opens && is_province(&last[unit.min(last.len())..].join(" "))
}

/// Words that name a province's unit before its name: `tỉnh`, `thành phố`, `TP.`.
pub(super) fn province_unit_words(words: &[&str]) -> usize {
    let folded: Vec<String> = words.iter().take(2).map(|w| fold(w)).collect();
    match folded.as_slice() {
        [a, b, ..] if a == "thanh" && b == "pho" => 2,
        [a, ..] if a == "tinh" || a == "tp." || a == "tp" => 1,
        _ => 0,
    }
}

/// Whether `name` is a province's name (any tone marks, without its unit word).
pub fn is_province(name: &str) -> bool {
    let key = province_key(name.trim_end_matches([',', '.', ';']));
    PROVINCES
        .iter()
        .chain(FORMER_PROVINCES)
        .any(|p| province_key(p) == key)
}

/// Units whose names the gazetteer lists: communes and wards, districts, provinces.
pub(super) const LISTED_UNITS: &[&str] = &[
    "thành phố",
    "thị trấn",
    "thị xã",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
];

/// Whether the words of `i`'s part before it are an administrative level of their own,
/// opened by a unit word.
pub(super) fn follows_a_level(words: &[String], i: usize) -> bool {
    let start = words[..i]
        .iter()
        .rposition(|w| ends_a_part(w))
        .map_or(0, |p| p + 1);
    start + 1 < i && unit_at(words, start).is_some_and(|(_, n)| start + n < i)
}

/// Whether the words from `from` to the end of their part name a province.
pub(super) fn province_follows(words: &[String], from: usize) -> bool {
    let rest = words.get(from..).unwrap_or_default();
    let part_len = rest
        .iter()
        .position(|w| ends_a_part(w))
        .map_or(rest.len(), |p| p + 1);
    part_len > 0 && is_province(&rest[..part_len].join(" "))
}

/// Whether a word closes a part of the place with its separator.
pub(super) fn ends_a_part(word: &str) -> bool {
    word.ends_with([',', ';'])
}

/// Whether `word`, before `next`, cannot open a place: its case is broken, or it is in
/// small letters before a capitalised word.
pub(super) fn is_stray_lead(word: &str, next: &str) -> bool {
    let small = word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_uppercase);
    is_mixed_case_junk(word) || (small && next.chars().next().is_some_and(char::is_uppercase))
}

/// Whether a small letter comes before a capital in `word` (`vƯnG`, `nG`).
pub(super) fn is_mixed_case_junk(word: &str) -> bool {
    let mut seen_small = false;
    for c in word.chars() {
        if c.is_lowercase() {
            seen_small = true;
        } else if c.is_uppercase() && seen_small {
            return true;
        }
    }
    false
}

/// Folded, without hyphens, for comparing province spellings.
pub(super) fn province_key(s: &str) -> String {
    fold(&s.replace(['-', '–'], " "))
}

/// Whether place `longer` holds all of place `shorter` and more: `shorter`'s words are
/// `longer`'s first or last ones (`Xã Vĩnh Phúc` of `Xã Vĩnh Phúc, Cam Lâm, Bắc Ninh`,
/// `Tỉnh Bình Thuận` of `Thị trấn Phú Lợi, …, Tỉnh Bình Thuận`, `Thạnh Lộc, …` of
/// `Phường Thạnh Lộc, …`), as a reading that lost a line, or the edge of a line, of the
/// place reads it. Words lost before must leave `longer` opening as a place does, not
/// with a stray word read on from a label. Words added after are the rest of the
/// address only when `shorter` does not end with its province and `longer` does: after
/// a province, they are the next label's value, read on.
pub fn extends_place(longer: &str, shorter: &str) -> bool {
    // Commas are words of their own, so that a part cut short is matched by its words.
    let words = |s: &str| -> Vec<String> {
        s.replace(',', " , ")
            .split_whitespace()
            .map(|w| crate::text::clean(w).to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (long, short) = (words(longer), words(shorter));
    if short.is_empty() || long.len() <= short.len() {
        return false;
    }
    let opening: Vec<String> = longer.split_whitespace().map(str::to_string).collect();
    (long.ends_with(&short) && opens_place(&opening, 0))
        || (long.starts_with(&short) && ends_with_province(longer) && !ends_with_province(shorter))
}

/// How many of a place's parts name no real unit as it is spelled, tone marks and all:
/// neither a listed commune, district or province, nor a numbered ward or district. Of
/// two readings of one place, the one with fewer such parts misread fewer names or
/// read less of what follows the place.
pub fn unreal_parts(s: &str) -> usize {
    s.split(',')
        .filter(|part| !part.trim().is_empty())
        .filter(|part| {
            let words: Vec<String> = part
                .split_whitespace()
                .map(|w| bare(w).to_string())
                .collect();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let unit_len = unit_at(&words, 0)
                .map_or(0, |(_, n)| n)
                .max(province_unit_words(&refs));
            let name = words[unit_len.min(words.len())..].join(" ");
            let lower = name.to_lowercase();
            name.is_empty()
                || !(gazetteer::is_known(&name)
                    || PROVINCES
                        .iter()
                        .chain(FORMER_PROVINCES)
                        .any(|p| p.to_lowercase() == lower)
                    || (unit_len > 0 && name.chars().all(|c| c.is_ascii_digit())))
        })
        .count()
}

/// Whether the last part of `s` names a province, with or without its unit word.
pub fn ends_with_province(s: &str) -> bool {
    let last = s.rsplit(',').next().unwrap_or(s);
    let words: Vec<&str> = last.split_whitespace().collect();
    let unit = province_unit_words(&words);
    is_province(&words[unit.min(words.len())..].join(" "))
}

/// `canonical` in capitals when `like` is all capitals, else as it is spelled.
pub(crate) fn in_case_of_name(canonical: &str, like: &str) -> String {
    let letters: Vec<char> = like.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        canonical.to_uppercase()
    } else {
        canonical.to_string()
    }
}

/// Restores unit words, edge noise and misread separators in a place or an authority,
/// by the passes of `PASSES` in their order.
pub fn tidy_place(s: &str) -> String {
    passes::run(PASSES, s)
}

#[cfg(test)]
mod pass_cases;
#[cfg(test)]
mod tests;
