//! Vietnam's administrative unit names, for restoring a place name whose tone marks OCR
//! dropped or changed (`Hiệp Thanh` for `Hiệp Thành`).
//!
//! A name is only ever replaced by a real unit's name with the same letters: the list
//! decides which tone marks the letters carry, never which letters they are. Among
//! several real spellings the one closest to what was read wins, then the one more
//! units bear; a tie leaves the reading alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::fold::fold;
use super::place::in_case_of_name;

/// `name<TAB>count` lines; `#` starts a comment. Compiled in: extractors do no I/O.
const PLACE_NAMES: &str = include_str!("../../data/place_names.tsv");

/// How many units a province name counts as: a province outweighs the communes that
/// share its letters (`Quảng Bình` the province, `Quang Bình` two communes).
const PROVINCE_WEIGHT: u32 = 100;

struct Gazetteer {
    /// Folded name to its real spellings.
    by_key: HashMap<String, Vec<Spelling>>,
}

/// One real spelling of a name, and how many units bear it.
struct Spelling {
    name: &'static str,
    units: u32,
    /// How many of those units are districts (`Huyện Phù Cát`), not communes or wards.
    districts: u32,
}

/// The level of unit a place names with the word before the name: a district
/// (`huyện`, `quận`, `thị xã`), a commune or ward (`xã`, `phường`, `thị trấn`), or one
/// the word does not tell (`thành phố` is a province, or a district, or none was read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    District,
    Commune,
    Unknown,
}

impl Level {
    /// The level the unit word `unit` (as printed, lower case) names.
    pub fn of_unit(unit: &str) -> Level {
        match unit {
            "huyện" | "quận" | "thị xã" => Level::District,
            "xã" | "phường" | "thị trấn" => Level::Commune,
            _ => Level::Unknown,
        }
    }
}

impl Spelling {
    /// Whether some unit of `level` bears this spelling.
    fn at(&self, level: Level) -> bool {
        match level {
            Level::District => self.districts > 0,
            Level::Commune => self.units > self.districts,
            Level::Unknown => true,
        }
    }
}

/// Letters and digits of a folded name, single-spaced: the lookup key.
pub fn name_key(s: &str) -> String {
    fold(s)
        .split(' ')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut by_key: HashMap<String, Vec<Spelling>> = HashMap::new();
        let mut add = |name: &'static str, units: u32, districts: u32| {
            let list = by_key.entry(name_key(name)).or_default();
            match list.iter_mut().find(|s| s.name == name) {
                Some(s) => {
                    s.units += units;
                    s.districts += districts;
                }
                None => list.push(Spelling {
                    name,
                    units,
                    districts,
                }),
            }
        };
        for line in PLACE_NAMES.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(name), Some(units), Some(districts)) =
                (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let name = name.trim();
            let counts = (units.trim().parse::<u32>(), districts.trim().parse::<u32>());
            if let (false, (Ok(units), Ok(districts))) = (name.is_empty(), counts) {
                add(name, units, districts);
            }
        }
        for p in super::place::PROVINCES {
            add(p, PROVINCE_WEIGHT, 0);
        }
        Gazetteer { by_key }
    })
}

/// The six Vietnamese tones as combining marks (none for the level tone).
fn is_tone_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
    )
}

/// A syllable as its letters with their vowel marks (â, ơ, đ …) and, apart, its tone:
/// two spellings that differ only in where the tone sits (`Hòa`, `Hoà`) are one.
fn syllable(word: &str) -> (String, Option<char>) {
    let mut letters = String::new();
    let mut tone = None;
    for c in word.nfd() {
        if is_tone_mark(c) {
            tone = Some(c);
        } else {
            letters.extend(c.to_lowercase());
        }
    }
    (letters.nfc().collect(), tone)
}

/// Marks that differ between two spellings of the same letters, syllable by syllable.
fn mark_distance(a: &str, b: &str) -> usize {
    let (aw, bw): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    if aw.len() != bw.len() {
        return usize::MAX;
    }
    aw.iter()
        .zip(&bw)
        .map(|(x, y)| {
            let ((xl, xt), (yl, yt)) = (syllable(x), syllable(y));
            let letters = xl.chars().zip(yl.chars()).filter(|(p, q)| p != q).count()
                + xl.chars().count().abs_diff(yl.chars().count());
            letters + usize::from(xt != yt)
        })
        .sum()
}

/// Whether `name` (any case, any tone placement) is a unit's name as spelled.
pub fn is_known(name: &str) -> bool {
    gazetteer()
        .by_key
        .get(&name_key(name))
        .is_some_and(|list| list.iter().any(|s| mark_distance(s.name, name) == 0))
}

/// Whether some unit's name holds a syllable with `syllable`'s letters, whatever its
/// tone marks: some two thousand of them, most syllables Vietnamese names are made of.
pub fn names_syllable(syllable: &str) -> bool {
    static SYLLABLES: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    SYLLABLES
        .get_or_init(|| {
            gazetteer()
                .by_key
                .keys()
                .flat_map(|k| k.split(' ').map(str::to_string))
                .collect()
        })
        .contains(&name_key(syllable))
}

/// Whether `name`, as spelled, is a district's (a city's, a town's).
pub fn is_district(name: &str) -> bool {
    gazetteer().by_key.get(&name_key(name)).is_some_and(|list| {
        list.iter()
            .any(|s| s.districts > 0 && mark_distance(s.name, name) == 0)
    })
}

/// Whether some unit bears `name`'s letters, whatever its tone marks.
pub fn is_listed(name: &str) -> bool {
    gazetteer().by_key.contains_key(&name_key(name))
}

/// The real spelling of `read`, a whole name, when the list has its letters: `None`
/// when it is unknown, already a real spelling, or two spellings fit it equally well.
/// Among spellings equally near, one a unit of `level` bears wins (`Huyện Phủ Cát` is
/// the district `Phù Cát`, not the commune `Phú Cát`), then the one more units bear.
pub fn restore_name(read: &str, level: Level) -> Option<String> {
    let words: Vec<&str> = read.split_whitespace().collect();
    if words.len() < 2 || read.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let read = words.join(" ");
    let list = gazetteer().by_key.get(&name_key(&read))?;
    let mut scored: Vec<(usize, bool, u32, &str)> = list
        .iter()
        .map(|s| (mark_distance(s.name, &read), !s.at(level), s.units, s.name))
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    let (best_d, best_off_level, best_units, best) = scored[0];
    if best_d == 0 {
        return None;
    }
    if scored
        .get(1)
        .is_some_and(|s| (s.0, s.1, s.2) == (best_d, best_off_level, best_units))
    {
        return None;
    }
    Some(in_case_of_name(&classic_tones(best), &read))
}

/// The tone on the first vowel of a closing `oa`, `oe`, `uy` (`Hòa`, `Thủy`), as most
/// administrative documents print it, whichever placement the list used.
pub fn classic_tones(name: &str) -> String {
    name.split(' ')
        .map(classic_syllable)
        .collect::<Vec<_>>()
        .join(" ")
}

fn classic_syllable(word: &str) -> String {
    let chars: Vec<char> = word.nfd().collect();
    let Some(tone_at) = chars.iter().position(|&c| is_tone_mark(c)) else {
        return word.to_string();
    };
    let tone = chars[tone_at];
    let bare: Vec<char> = chars.iter().copied().filter(|&c| c != tone).collect();
    let lower: String = bare.iter().flat_map(|c| c.to_lowercase()).collect();
    let pair_at = ["oa", "oe", "uy"]
        .iter()
        .find(|p| lower.ends_with(*p))
        .map(|_| bare.len() - 2);
    let Some(first) = pair_at else {
        return word.to_string();
    };
    // After `q` the `u` is part of the consonant (`Quý`): the tone stays on `y`.
    if first > 0 && lower.chars().nth(first - 1) == Some('q') {
        return word.to_string();
    }
    let mut out = bare;
    out.insert(first + 1, tone);
    out.into_iter().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restore_name_any(read: &str) -> Option<String> {
        restore_name(read, Level::Unknown)
    }

    #[test]
    fn the_unit_word_decides_between_a_district_and_a_commune() {
        // `Phù Cát` is a district and a commune, `Phú Cát` two communes.
        assert_eq!(restore_name_any("Phủ Cát"), None);
        assert_eq!(
            restore_name("Phủ Cát", Level::District).as_deref(),
            Some("Phù Cát")
        );
        assert_eq!(Level::of_unit("huyện"), Level::District);
        assert_eq!(Level::of_unit("thành phố"), Level::Unknown);
    }

    #[test]
    fn lost_tone_marks_come_back_from_the_unit_list() {
        assert_eq!(restore_name_any("Đức Tho").as_deref(), Some("Đức Thọ"));
        assert_eq!(
            restore_name_any("Binh Dương").as_deref(),
            Some("Bình Dương")
        );
        assert_eq!(restore_name_any("Quynh Lưu").as_deref(), Some("Quỳnh Lưu"));
        assert_eq!(restore_name_any("VAN LÂM").as_deref(), Some("VĂN LÂM"));
    }

    #[test]
    fn real_spellings_and_ties_are_left_alone() {
        // `Thủy Nguyên` is listed as `Thuỷ Nguyên`: the same spelling.
        assert_eq!(restore_name_any("Thủy Nguyên"), None);
        assert_eq!(restore_name_any("Thạnh Lộc"), None);
        // `Hiệp Thành` and `Hiệp Thạnh` are each five units' names, one mark away.
        assert_eq!(restore_name_any("Hiệp Thanh"), None);
        assert_eq!(restore_name_any("Nhà Văn Hóa Mới"), None);
        assert_eq!(restore_name_any("Quận 7"), None);
    }

    #[test]
    fn restored_names_take_the_classic_tone_placement() {
        assert_eq!(classic_tones("Thuỷ Nguyên"), "Thủy Nguyên");
        assert_eq!(classic_tones("Khánh Hoà"), "Khánh Hòa");
        assert_eq!(classic_tones("Hoàn Kiếm"), "Hoàn Kiếm");
        assert_eq!(classic_tones("Quý"), "Quý");
        assert_eq!(
            restore_name_any("Thuy Nguyên").as_deref(),
            Some("Thủy Nguyên")
        );
    }
}
