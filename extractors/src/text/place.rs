//! Places and authorities as printed: the closed vocabulary of administrative units and
//! provinces, restored where OCR dropped or changed its tone marks or punctuation.
//!
//! Only words whose identity the context fixes are restored: a unit word such as
//! `tỉnh` right before a place name, and a province name where a province is due. A
//! free name (a commune, a street) is never altered, since nothing says what it was.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::{fold, is_spacing_modifier};
use super::gazetteer;
use super::syllable::is_vietnamese_syllable;

/// Administrative unit words, as printed in lower case, by their number of words.
const UNITS: &[&str] = &[
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
const UNIT_WORDS: usize = 4;

/// Units whose folded spelling is also a common name part (`Quan Hóa`, `Thanh Bình`,
/// `Phương Liệt`, `Tô Hiệu`): restored only before a number, where a name cannot stand.
const AMBIGUOUS: &[&str] = &["quận", "phường", "ngõ", "tổ"];

/// Provinces of 1976 to 1997 since split, which older certificates still print
/// (`Hà Nam Ninh`, `Nghệ Tĩnh`).
const FORMER_PROVINCES: &[&str] = &[
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

/// A comma run into the capitalised name after it, or into any word over a speck read as
/// a period or a quote (`Trung Hòa,Kim Động`, `Quận 3,'TP Hồ Chí Minh`, `Dịch
/// Vọng,.thành phố`).
static COMMA_WITHOUT_SPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#",(?:[.'’`‘"“”](\p{L})|(\p{Lu}))"#).expect("literal comma pattern")
});

/// A quote OCR read in the space between two words of a name (`Sơn'Trà`): a place's
/// words never hold one before a capital.
static QUOTE_FOR_SPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{L})['’`](\p{Lu})").expect("literal quote pattern"));

/// A period OCR read in the space between two words of a name (`An.Giang`,
/// `Nghĩa.Đô`): after a word in small letters, before a capital. An abbreviation's
/// period follows capitals only (`TP.Hồ Chí Minh`, `P.Bình Hòa`), and stays.
static PERIOD_FOR_SPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}\p{Ll}+)\.(\p{Lu}\p{Ll})").expect("literal period pattern")
});

/// Characters OCR reads from specks, quotes and rules at the edges of a word. No place
/// name holds an em dash, a backslash or a bar (a province's joined names take a
/// hyphen or an en dash).
fn is_edge_noise(c: char) -> bool {
    matches!(
        c,
        '‘' | '’' | '“' | '”' | '"' | '`' | '\'' | '„' | '«' | '»' | '—' | '\\' | '|'
    )
}

fn starts_upper_or_digit(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// `word` in the case of `like`: capitalised or all capitals when `like` is.
fn in_case_of(word: &str, like: &str) -> String {
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

fn bare(w: &str) -> &str {
    w.trim_end_matches([',', '.', ';'])
}

/// A unit of `n` words starting at `i`, when its folded spelling matches.
fn unit_at(words: &[String], i: usize) -> Option<(&'static str, usize)> {
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
const PLACE_OPENERS: &[&str] = &["to", "ap", "xom", "so", "khom", "buon", "ban"];

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
static HOUSE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]+[A-Za-z]?([/-][0-9]+[A-Za-z]?)*[,.;]?$").expect("literal house number")
});

/// Whether a unit word starts at `i` that can open a place: a unit whose letters also
/// spell a common word only as printed, or before a number (`quán` of a garbled
/// `Quê quán` is no `quận`).
fn unit_opens(words: &[String], i: usize) -> bool {
    unit_at(words, i).is_some_and(|(u, _)| {
        !AMBIGUOUS.contains(&u)
            || bare(&words[i]).to_lowercase() == u
            || words
                .get(i + 1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
    })
}

fn opens_place(words: &[String], i: usize) -> bool {
    let Some(w) = words.get(i) else { return false };
    unit_opens(words, i)
        || HOUSE_NUMBER.is_match(w)
        || (w.chars().next().is_some_and(char::is_uppercase)
            && PLACE_OPENERS.contains(&fold(bare(w)).as_str()))
}

/// Drops the English half of a card's bilingual label ("Place of origin:") when OCR
/// garbled it past recognition as a label and left it at the start of the value
/// (`Phace of œigin: Phường …`, `Đisce cể sewdence- Xóm …`): the words up to a colon or
/// to where the place opens, when none of them reads as Vietnamese.
fn strip_garbled_translation(words: &mut Vec<String>) {
    if opens_place(words, 0) {
        return;
    }
    let limit = words.len().min(10);
    let opens = (1..limit).find(|&i| opens_place(words, i));
    let colon = (0..limit)
        .find(|&i| words[i].ends_with([':', ',']))
        .map(|i| i + 1);
    // The nearer of the two: a colon ends the label even before the place opens.
    let end = match (colon, opens) {
        (Some(c), Some(o)) => c.min(o),
        (Some(e), None) | (None, Some(e)) => e,
        (None, None) => return,
    };
    if end >= words.len() {
        return;
    }
    let letters = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count();
    // Digits run into letters (`807ao`) are noise as much as letters are.
    let marks = |w: &str| w.chars().filter(|c| c.is_alphanumeric()).count();
    // Words in capitals are abbreviations (`UBND`, `TP.`), not a label's translation.
    let capitals = |w: &str| {
        w.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
    };
    let foreign = |w: &str| !w.split('-').all(is_vietnamese_syllable) && !capitals(w);
    let run = &words[..end];
    // `of` (read `oý`, `0f`) after a foreign word is the translation's own mark: no
    // Vietnamese place has it, so the run goes even if OCR made a syllable of
    // `birth` (`bình`, `bánh`).
    let english = (1..run.len().min(4)).any(|i| {
        let of: String = crate::text::fold(&run[i])
            .chars()
            .map(|c| if c == '0' { 'o' } else { c })
            .collect();
        matches!(of.trim_end_matches(':'), "of" | "oy" | "oƒ" | "oi")
            && foreign(&run[i - 1])
            && letters(&run[i - 1]) >= 3
    });
    // Two letters are too few to tell (`cể`, `dí` are syllables of no word here).
    if english
        || (run.iter().all(|w| foreign(w) || letters(w) <= 2)
            && run.iter().any(|w| foreign(w) && marks(w) >= 3))
    {
        words.drain(..end);
    }
}

/// A house number on an alley (`156/5`) whose slash OCR read as a letter or a bar.
static HOUSE_NUMBER_SLASH_MISREAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([0-9]{{1,4}}){}([0-9]{{1,4}}[A-Z]?,?)$",
        super::date::SLASH_OR_LOOKALIKE
    ))
    .expect("literal house number pattern")
});

/// A word that turns from small letters to a capital inside (`HàNội`) is two names OCR
/// read without the space between them, when each half is a syllable.
fn split_camel(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut pieces = Vec::new();
    let mut from = 0;
    for i in 1..chars.len() {
        if chars[i - 1].is_lowercase() && chars[i].is_uppercase() {
            pieces.push(chars[from..i].iter().collect::<String>());
            from = i;
        }
    }
    pieces.push(chars[from..].iter().collect());
    if pieces.len() > 1 && pieces.iter().all(|p| is_vietnamese_syllable(p)) {
        pieces
    } else {
        vec![word.to_string()]
    }
}

/// Two syllables OCR joined with a hyphen where a space was printed (`Thanh-Khê`,
/// `Thành-phố`): no unit's name is hyphenated between letters, and a house number's
/// range (`3-5`) has digits.
fn split_hyphen(word: &str) -> Vec<String> {
    let trimmed = word.trim_end_matches([',', '.', ';']);
    let tail = &word[trimmed.len()..];
    let pieces: Vec<&str> = trimmed.split('-').collect();
    // A unit word before its number (`Quận-1`, `Phường-12`): units are numbered, never
    // hyphenated.
    let unit_before_number = pieces.len() == 2
        && opens_a_place(pieces[0])
        && !pieces[1].is_empty()
        && pieces[1].bytes().all(|b| b.is_ascii_digit());
    if unit_before_number || (pieces.len() == 2 && pieces.iter().all(|p| is_vietnamese_syllable(p)))
    {
        vec![pieces[0].to_string(), format!("{}{tail}", pieces[1])]
    } else {
        vec![word.to_string()]
    }
}

/// A one-word unit and the capitalised name OCR ran into it over a speck read as a
/// period (`tỉnh.Phú`), as two words.
fn split_unit_period(word: &str) -> Vec<String> {
    let is_unit = |w: &str| UNITS.iter().any(|u| !u.contains(' ') && fold(u) == fold(w));
    match word.split_once('.') {
        Some((unit, name))
            if is_unit(unit) && name.chars().next().is_some_and(char::is_uppercase) =>
        {
            vec![unit.to_string(), name.to_string()]
        }
        _ => vec![word.to_string()],
    }
}

fn house_number_slash(word: &str) -> String {
    match HOUSE_NUMBER_SLASH_MISREAD.captures(word) {
        Some(c) => format!("{}/{}", &c[1], &c[2]),
        None => house_number_slash_as_one(word).unwrap_or_else(|| word.to_string()),
    }
}

/// A house number on an alley whose slash OCR read as `1` (`27120` for `27/20`): no
/// house is numbered in five digits, so one of its ones was the slash. Restored only
/// when a single `1` leaves a number of up to three digits on each side, the alley's
/// not starting with 0.
fn house_number_slash_as_one(word: &str) -> Option<String> {
    let digits = word.trim_end_matches(',');
    let tail = &word[digits.len()..];
    if !(5..=7).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut splits = (1..digits.len() - 1).filter(|&i| {
        let (house, alley) = (&digits[..i], &digits[i + 1..]);
        digits.as_bytes()[i] == b'1'
            && house.len() <= 3
            && alley.len() <= 3
            && !alley.starts_with('0')
    });
    let at = splits.next()?;
    splits
        .next()
        .is_none()
        .then(|| format!("{}/{}{tail}", &digits[..at], &digits[at + 1..]))
}

/// Words that open a part of an address in small letters: a street or a lane.
const STREET_WORDS: &[&str] = &["duong", "ngo", "ngach", "hem", "kiet", "so"];

/// A period OCR read between two parts of an address, where the print has a comma:
/// `Kim Động. Hưng Yên`, `Số 57. ngõ 261`. Before a word in small letters that opens
/// no part (`Ủy. ban`) it is a speck and goes. An abbreviation in capitals (`TP.`,
/// `Q.`) keeps its period.
fn period_as_comma(words: &mut [String]) {
    for i in 0..words.len().saturating_sub(1) {
        let w = &words[i];
        let Some(stem) = w.strip_suffix('.') else {
            continue;
        };
        let letters: Vec<char> = stem.chars().filter(|c| c.is_alphabetic()).collect();
        // After a unit word the period is a speck before its name (`huyện. Kim Sơn`),
        // which the unit's restoration drops.
        let ends_unit = UNITS.iter().any(|u| {
            u.rsplit(' ')
                .next()
                .is_some_and(|last| fold(last) == fold(stem))
        });
        if stem.is_empty()
            || ends_unit
            || stem.ends_with(['.', ',', ';', ':'])
            || (!letters.is_empty()
                && letters.len() <= 3
                && letters.iter().all(|c| c.is_uppercase()))
        {
            continue;
        }
        let opens_part = starts_upper_or_digit(&words[i + 1])
            || unit_at(words, i + 1).is_some()
            || STREET_WORDS.contains(&fold(bare(&words[i + 1])).as_str());
        let stem = stem.to_string();
        words[i] = if opens_part { format!("{stem},") } else { stem };
    }
}

/// Restores unit words, edge noise and misread separators in a place or an authority.
/// Joins a syllable's final consonants that OCR split off into a word of their own
/// (`Bì nh` for `Bình`): a lower-case `nh`, `ng` or `ch` is no word in Vietnamese,
/// and it is joined only when the word before it, and the two together, are syllables.
fn join_split_syllables(words: &mut Vec<String>) {
    let mut i = 1;
    while i < words.len() {
        let tail = &words[i];
        let bare = tail.trim_end_matches([',', '.', ';']);
        let head = &words[i - 1];
        let joined = format!("{head}{tail}");
        if matches!(bare, "nh" | "ng" | "ch")
            && head.chars().last().is_some_and(char::is_alphabetic)
            && is_vietnamese_syllable(head)
            && is_vietnamese_syllable(&joined)
        {
            words[i - 1] = joined;
            words.remove(i);
        } else {
            i += 1;
        }
    }
}

/// Units a place opens with whose spelling, one letter short, is no other word.
const OPENING_UNITS: &[&str] = &["phường", "huyện"];

/// The unit word a place opens with, restored when OCR dropped one of its letters
/// (`Pường Hưng Phú`) or read a comma after it (`Phườn, Phước Long`): a place's first
/// word before a capitalised name is its unit, no word but the unit is spelled so, and
/// a unit is never parted from its name.
fn restore_opening_unit(words: &mut [String]) {
    let [first, next, ..] = words else { return };
    if !next.chars().next().is_some_and(char::is_uppercase) {
        return;
    }
    let read = fold(first.trim_end_matches(','));
    let comma = first.ends_with(',');
    let restored = OPENING_UNITS.iter().find(|unit| {
        let full: Vec<char> = fold(unit).chars().collect();
        // Whole, the word may be a name (`Phương Mai`) unless a comma parts it.
        (comma && full.iter().collect::<String>() == read)
            || (1..full.len()).any(|gap| {
                let short: String = full[..gap].iter().chain(&full[gap + 1..]).collect();
                short == read
            })
    });
    if let Some(unit) = restored {
        *first = in_case_of(unit, first.trim_end_matches(','));
    }
}

/// `Thành phố` that lost its second word before a province's name (`Thành Đà Nẵng`),
/// or its first letter (`hành phố Hải Phòng`): no province's name is preceded by a
/// `Thành` of its own, so at a part's start the word is the unit's. So it is before a
/// whole part that names a city (`Thành Tam Kỳ,`), unless the gazetteer lists the
/// part with its `Thành` as a name of its own.
fn restore_city_word(words: &mut Vec<String>) {
    let mut i = 0;
    while i + 1 < words.len() {
        let opens_part = i == 0 || ends_a_part(&words[i - 1]);
        // Its first letter lost instead (`hành phố Hải Phòng`).
        if opens_part
            && words[i] == "hành"
            && bare(&words[i + 1]) == "phố"
            && province_starts(words, i + 2)
        {
            words[i] = "Thành".to_string();
        }
        let thanh = opens_part && bare(&words[i]).to_lowercase() == "thành";
        if thanh && (province_starts(words, i + 1) || city_part_from(words, i)) {
            let capitals = words[i].chars().all(|c| !c.is_lowercase());
            words.insert(i + 1, if capitals { "PHỐ" } else { "phố" }.to_string());
        }
        i += 1;
    }
}

/// Whether the words after `thanh`, to its part's comma, name a district as spelled
/// and the part is no listed name with its `Thành`.
fn city_part_from(words: &[String], thanh: usize) -> bool {
    let Some(end) = (thanh + 1..words.len()).find(|&j| words[j].ends_with(',')) else {
        return false;
    };
    let name: Vec<&str> = words[thanh + 1..=end].iter().map(|w| bare(w)).collect();
    let whole: Vec<&str> = words[thanh..=end].iter().map(|w| bare(w)).collect();
    name.len() >= 2
        && gazetteer::is_district(&name.join(" "))
        && !gazetteer::is_listed(&whole.join(" "))
}

/// Whether a province's name, of up to three words, starts at `from`.
fn province_starts(words: &[String], from: usize) -> bool {
    (1..=3).any(|n| {
        words.get(from..from + n).is_some_and(|name| {
            let name: Vec<&str> = name.iter().map(|w| bare(w)).collect();
            is_province(&name.join(" "))
        })
    })
}

/// A colon read after or inside a unit (`huyện: Hòa Vang`, `Ủy: ban nhân dân`) is a
/// speck: a unit introduces the name after it, and no label ends with one.
fn drop_colon_after_unit(words: &mut [String]) {
    for i in 0..words.len() {
        for n in 1..=UNIT_WORDS.min(words.len() - i) {
            let probe: Vec<String> = words[i..i + n]
                .iter()
                .map(|w| w.strip_suffix(':').unwrap_or(w).to_string())
                .collect();
            let colon = words[i..i + n].iter().any(|w| w.ends_with(':'));
            let named = words.get(i + n).is_some_and(|w| starts_upper_or_digit(w))
                // The committee's own name goes on in small letters (`ban nhân dân`).
                || unit_at(&probe, 0).is_some_and(|(u, _)| u == "ủy ban nhân dân");
            if colon && named && unit_at(&probe, 0).is_some_and(|(_, m)| m == n) {
                for (w, p) in words[i..i + n].iter_mut().zip(probe) {
                    *w = p;
                }
            }
        }
    }
}

/// A letter OCR added to the last word of a unit of several words (`thành phối Hà
/// Nội` for `thành phố`): with the unit's first words read and a name after it, the
/// unit is what was printed.
fn drop_speck_after_unit(words: &mut [String]) {
    for unit in UNITS.iter().filter(|u| u.contains(' ')) {
        let parts: Vec<&str> = unit.split(' ').collect();
        let n = parts.len();
        let Some(last) = parts.last() else { continue };
        for i in 0..words.len().saturating_sub(n) {
            let lead_matches = words[i..i + n - 1]
                .iter()
                .zip(&parts)
                .all(|(w, p)| bare(w) == w && fold(w) == fold(p));
            let read = &words[i + n - 1];
            let (read_bare, tail) = read.split_at(bare(read).len());
            let (read_key, want) = (fold(read_bare), fold(last));
            let one_more =
                read_key.chars().count() == want.chars().count() + 1 && read_key.starts_with(&want);
            if lead_matches && one_more && starts_upper_or_digit(&words[i + n]) {
                words[i + n - 1] = format!("{}{tail}", in_case_of(last, read_bare));
            }
        }
    }
}

/// A lone letter OCR read inside a unit's or a province's name (`Phú T Thọ`, `Hiệp T
/// Thành`, `Hòa ã Bình`) is a speck: dropped when the words on either side of it
/// together name a listed unit or a province. A letter that is a name of its own
/// (`Khu phố A`) has no such words around it.
fn drop_letter_inside_name(words: &mut Vec<String>) {
    let mut i = 1;
    while i + 1 < words.len() {
        let lone = words[i].chars().count() == 1 && words[i].chars().all(char::is_alphabetic);
        let (before, after) = (&words[i - 1], &words[i + 1]);
        let named = |w: &String| w.chars().next().is_some_and(char::is_uppercase);
        if lone && named(before) && named(after) && !before.ends_with([',', '.', ';']) {
            let joined = format!("{before} {}", bare(after));
            if gazetteer::is_listed(&joined) || is_province(&joined) {
                words.remove(i);
                continue;
            }
        }
        i += 1;
    }
}

pub fn tidy_place(s: &str) -> String {
    // Addresses separate their parts with commas; a semicolon is a misread one, and
    // a comma OCR read with no space after it (`Trung Hòa,Kim Động`) still parts them.
    let s = COMMA_WITHOUT_SPACE
        .replace_all(&s.replace(';', ","), ", $1$2")
        .into_owned();
    let s = QUOTE_FOR_SPACE.replace_all(&s, "$1 $2").into_owned();
    let s = PERIOD_FOR_SPACE.replace_all(&s, "$1 $2").into_owned();
    let mut words: Vec<String> = s
        .split_whitespace()
        .map(|w| w.trim_matches(is_edge_noise))
        // A period before a part's comma, or doubled, is a speck: one mark ends a part.
        .map(|w| {
            let w = w
                .strip_suffix(".,")
                .map_or(w.to_string(), |stem| format!("{stem},"));
            let stem = w.trim_end_matches('.');
            if w.len() - stem.len() > 1 {
                format!("{stem}.")
            } else {
                w
            }
        })
        // A mark standing alone (`ˆ`, `-`) carries nothing of the place. Spacing
        // modifiers such as `ˆ` count as letters to Unicode, not to an address.
        .filter(|w| {
            w.chars()
                .any(|c| c.is_alphanumeric() && !is_spacing_modifier(c))
        })
        .flat_map(|w| split_camel(&w))
        .flat_map(|w| split_hyphen(&w))
        .flat_map(|w| split_unit_period(&w))
        .map(|w| house_number_slash(&w))
        .collect();
    join_split_syllables(&mut words);
    drop_colon_after_unit(&mut words);
    drop_speck_after_unit(&mut words);
    drop_letter_inside_name(&mut words);
    strip_garbled_translation(&mut words);
    restore_opening_unit(&mut words);
    restore_city_word(&mut words);
    period_as_comma(&mut words);
    // A lone letter or digit before the first unit word is a speck at the value's edge:
    // a house number is followed by its street, never by a unit.
    if words.len() > 1
        && words[0].chars().count() == 1
        && words[0].chars().all(char::is_alphanumeric)
        && words[1].chars().next().is_some_and(char::is_uppercase)
        && unit_at(&words, 1).is_some()
    {
        words.remove(0);
    }
    // A word whose capitals come after its small letters (`vƯnG`), or a word in small
    // letters before a capitalised unit (`vã Thị trấn`), is no part of the place: a
    // place opens with its unit or a house number. It is a speck or the label's end.
    if words.len() > 1
        && !opens_place(&words, 0)
        && is_stray_lead(&words[0], &words[1])
        && unit_at(&words, 1).is_some()
    {
        words.remove(0);
    }
    let mut i = 0;
    while i < words.len() {
        let Some((unit, n)) = unit_at(&words, i) else {
            i += 1;
            continue;
        };
        let end = i + n - 1;
        let next = words.get(end + 1).cloned().unwrap_or_default();
        let after_break = i == 0 || words[i - 1].ends_with([',', '.', ';']);
        let follows_name = starts_upper_or_digit(&next);
        let before_number = next.chars().next().is_some_and(|c| c.is_ascii_digit());
        // A province's unit word before a province's name is a level of its own even
        // when OCR lost the comma before it (`huyện Yên Lạc tinh Quảng Trị`).
        // Only after a part that is a level itself: an institution is named with its
        // province (`Bệnh viện Sản Nhi tỉnh Hải Dương`).
        let names_province = matches!(unit, "tỉnh" | "thành phố")
            && province_follows(&words, end + 1)
            && follows_a_level(&words, i);
        // `Ủy ban nhân dân` is a name of its own, followed by the unit it governs.
        let committee = unit == "ủy ban nhân dân";
        let ok = if committee {
            true
        } else if AMBIGUOUS.contains(&unit) {
            after_break && before_number
        } else {
            (after_break || names_province) && follows_name
        };
        if ok {
            let original = words[i..=end].join(" ");
            // A unit word introduces the name after it, so a period OCR put there is a speck.
            let restored = in_case_of(unit, &original);
            let mut parts: Vec<String> = restored.split(' ').map(str::to_string).collect();
            if let Some(last) = parts.last_mut() {
                let tail = &words[end][bare(&words[end]).len()..];
                // Nothing separates the committee from the unit it governs.
                if tail != "." && !committee {
                    last.push_str(tail);
                }
            }
            words.splice(i..=end, parts);
            if !after_break && !committee {
                words[i - 1].push(',');
            }
            // A period or semicolon before a unit word stands for the comma that
            // separates levels; an abbreviation (`TP.`) keeps its period.
            let prev = &words[i.saturating_sub(1)];
            if i > 0
                && (prev.ends_with(';') || (prev.ends_with('.') && bare(prev).chars().count() > 2))
            {
                let w = &mut words[i - 1];
                w.pop();
                w.push(',');
            }
        }
        i += n;
    }
    let joined = join_split_names(&words.join(" "));
    let place = restore_unit_names(&cut_at_next_label(&joined));
    match place.rsplit_once(',') {
        // An address that names its country ends with it: the province is the part
        // before.
        Some((head, last)) if is_country(last) && ends_with_province(head) => {
            format!("{}, Việt Nam", restore_province(head))
        }
        _ => restore_province(&place),
    }
}

/// Joins two parts of a place that OCR split with a comma inside one name
/// (`Kiên, Giang`, `Xã Bến, Nghé`): a part whose name is a single syllable, then a
/// single word with no unit of its own, when the two together are a real unit's name
/// or a province. No administrative name but a number is one syllable long.
fn join_split_names(s: &str) -> String {
    let mut parts: Vec<String> = s.split(',').map(str::to_string).collect();
    let mut i = 0;
    while i + 1 < parts.len() {
        let words: Vec<String> = parts[i].split_whitespace().map(str::to_string).collect();
        let unit_len = unit_at(&words, 0).map_or(0, |(_, n)| n);
        let unit_len = unit_len.max(province_unit_words(
            &words.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        let next: Vec<&str> = parts[i + 1].split_whitespace().collect();
        let name = words.get(unit_len..).unwrap_or_default();
        let lone = |w: &str| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !w.chars().any(|c| c.is_ascii_digit())
                && is_vietnamese_syllable(w)
        };
        let joins = match (name, next.as_slice()) {
            ([first], [second]) if lone(first) && lone(second) => {
                let together = format!("{first} {}", bare(second));
                gazetteer::is_listed(&together) || is_province(&together)
            }
            // A province of three syllables split after its first (`Thừa, Thiên Huế`).
            ([first], [_, _]) if lone(first) && next.iter().all(|w| lone(w)) => {
                is_province(&format!("{first} {}", bare(&next.join(" "))))
            }
            _ => false,
        };
        if joins {
            let next = parts.remove(i + 1);
            parts[i] = format!("{} {}", parts[i].trim_end(), next.trim_start());
        } else {
            i += 1;
        }
    }
    parts.join(",")
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
fn province_unit_words(words: &[&str]) -> usize {
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

/// The place cut after its province when the next label was read into the same part
/// (`Tỉnh Quảng Trị Nơi thường trú / Place of residence: Tổ 7, …`): a province, then
/// words up to a colon, which no place contains. A province named with its unit word
/// (`Tỉnh Tây Ninh`, `Thành phố Đà Nẵng`) ends the place by itself: addresses go from
/// the house up, so nothing follows it even when the label's colon was lost.
fn cut_at_next_label(s: &str) -> String {
    const NO_PLACE_MARKS: [char; 9] = ['>', '<', '—', '|', '?', '!', '§', '“', '”'];
    let mut at = 0;
    for part in s.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let unit = province_unit_words(&words);
        let names = &words[unit.min(words.len())..];
        // Marks no word of a place holds (`>st-t—x`) say what follows the province is
        // specks and the next line's remains, as much as a label's colon does.
        let label_after = |k: usize| {
            unit > 0
                || names[k..]
                    .iter()
                    .any(|w| w.ends_with(':') || w.contains(NO_PLACE_MARKS))
        };
        if let Some(k) = (1..names.len())
            .rev()
            .find(|&k| is_province(&names[..k].join(" ")) && label_after(k))
        {
            let lead = if part.starts_with(' ') { " " } else { "" };
            return format!("{}{lead}{}", &s[..at], words[..unit + k].join(" "));
        }
        // A whole part `tỉnh <province>` ends the place too, whatever OCR read after its
        // comma (`tỉnh Hải Dương ,e 11/2024`), except the country. Only `tỉnh`: a city
        // may share its province's name (`Thành phố Bắc Ninh, Tỉnh Bắc Ninh`).
        let end = at + part.len();
        let names_province = words.first().is_some_and(|w| fold(w) == "tinh")
            && !names.is_empty()
            && is_province(&names.join(" "));
        if names_province && end < s.len() && !is_country(&s[end + 1..]) {
            return s[..end].trim_end().to_string();
        }
        at = end + 1;
    }
    s.to_string()
}

/// Units whose names the gazetteer lists: communes and wards, districts, provinces.
const LISTED_UNITS: &[&str] = &[
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
fn follows_a_level(words: &[String], i: usize) -> bool {
    let start = words[..i]
        .iter()
        .rposition(|w| ends_a_part(w))
        .map_or(0, |p| p + 1);
    start + 1 < i && unit_at(words, start).is_some_and(|(_, n)| start + n < i)
}

/// Whether the words from `from` to the end of their part name a province.
fn province_follows(words: &[String], from: usize) -> bool {
    let rest = words.get(from..).unwrap_or_default();
    let part_len = rest
        .iter()
        .position(|w| ends_a_part(w))
        .map_or(rest.len(), |p| p + 1);
    part_len > 0 && is_province(&rest[..part_len].join(" "))
}

/// Whether a word closes a part of the place with its separator.
fn ends_a_part(word: &str) -> bool {
    word.ends_with([',', ';'])
}

/// Whether `word`, before `next`, cannot open a place: its case is broken, or it is in
/// small letters before a capitalised word.
fn is_stray_lead(word: &str, next: &str) -> bool {
    let small = word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_uppercase);
    is_mixed_case_junk(word) || (small && next.chars().next().is_some_and(char::is_uppercase))
}

/// Whether a small letter comes before a capital in `word` (`vƯnG`, `nG`).
fn is_mixed_case_junk(word: &str) -> bool {
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

/// Each comma-separated part that is a listed unit's name, with or without its unit
/// word, restored to the name's real spelling (`Xã Hiép Thành` stays: two real names
/// fit it; `Huyện Quynh Lưu` becomes `Huyện Quỳnh Lưu`), a spelling units of the level
/// the unit word names bear first.
fn restore_unit_names(s: &str) -> String {
    s.split(',')
        .map(|part| {
            let words: Vec<String> = part.split_whitespace().map(str::to_string).collect();
            let (unit_len, level) = match unit_at(&words, 0) {
                Some((u, n)) if LISTED_UNITS.contains(&u) => (n, gazetteer::Level::of_unit(u)),
                Some(_) => return part.to_string(),
                None => (0, gazetteer::Level::Unknown),
            };
            let name = words[unit_len..].join(" ");
            let trimmed = name.trim_end_matches(['.', ';']);
            match gazetteer::restore_name(trimmed, level) {
                Some(real) => {
                    let lead = if part.starts_with(' ') { " " } else { "" };
                    let mut out = words[..unit_len].to_vec();
                    out.push(format!("{real}{}", &name[trimmed.len()..]));
                    format!("{lead}{}", out.join(" "))
                }
                None => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Folded, without hyphens, for comparing province spellings.
fn province_key(s: &str) -> String {
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

/// Whether a place's last part is the country, its first word misread (`Vật Nam`).
/// Only after a province: a commune (`Vĩnh Nam`) may end a place too.
fn is_country(part: &str) -> bool {
    let words: Vec<String> = part.split_whitespace().map(|w| fold(bare(w))).collect();
    match words.as_slice() {
        [first, nam] => {
            nam == "nam" && first.starts_with('v') && super::fuzzy::levenshtein(first, "viet") <= 2
        }
        _ => false,
    }
}

/// The last segment restored to its province's spelling, when it is one.
fn restore_province(s: &str) -> String {
    let (head, last) = match s.rfind(',') {
        Some(p) => (&s[..=p], &s[p + 1..]),
        None => ("", s),
    };
    let trimmed = last.trim();
    let lower = fold(trimmed);
    let prefix_len = ["thanh pho ", "tinh ", "tp. ", "tp "]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| p.chars().count());
    let (prefix, name) = match prefix_len {
        Some(n) => {
            let at = trimmed
                .char_indices()
                .nth(n)
                .map_or(trimmed.len(), |(b, _)| b);
            trimmed.split_at(at)
        }
        None => ("", trimmed),
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    let restored = |province: &str, read: &str| {
        let sep = if head.is_empty() { "" } else { " " };
        format!("{head}{sep}{prefix}{}", in_case_of_name(province, read))
    };
    // The province ends an address: what OCR put after it (specks, the next label's
    // first word) goes. The longest match is tried first, so a former province that
    // begins with a current one's name (`Hà Nam Ninh`) stays whole.
    for k in (1..=words.len()).rev() {
        let candidate = words[..k].join(" ");
        let candidate = candidate.trim_end_matches([',', '.', ';']);
        let key = province_key(candidate);
        let Some(p) = PROVINCES
            .iter()
            .chain(FORMER_PROVINCES)
            .find(|p| province_key(p) == key)
        else {
            continue;
        };
        return restored(p, candidate);
    }
    // Where a province is due (named with its unit word, or ending a place of several
    // parts) and the name read is none, a province one letter away is what was printed
    // (`Ca9 Bằng`, `Đắc Ninh`): provinces' names are too far apart for one misread to
    // make one look like another. A real unit's name (`Bình Thạnh`, one letter from
    // `Bình Thuận`) is left alone.
    if prefix.is_empty() && head.is_empty() {
        return s.to_string();
    }
    if let Some(p) = province_completing(&words) {
        return restored(p, name.trim());
    }
    for k in (1..=words.len()).rev() {
        let candidate = words[..k].join(" ");
        let candidate = candidate.trim_end_matches([',', '.', ';']);
        if gazetteer::is_listed(candidate) {
            break;
        }
        // The unit word says a province is due, so one letter fewer tells it apart.
        let min_letters = FUZZY_PROVINCE_LETTERS - usize::from(!prefix.is_empty());
        if let Some(p) = province_edits_from(candidate, min_letters, 1)
            .or_else(|| province_edits_from(candidate, FUZZY_PROVINCE_TWO_EDITS, 2))
            .or_else(|| province_after_its_first_word(candidate))
        {
            return restored(p, candidate);
        }
    }
    s.to_string()
}

/// Fewest letters the words after a province's first need before two misread letters
/// in them can be told apart, that first word read right.
const FIRST_WORD_REST_LETTERS: usize = 4;

/// The one province whose first word was read as printed, tone marks and all, and
/// which no other province opens with, its other words within two edits of what was
/// read (`Lâm Ủng` for `Lâm Đồng`): the first word picks the province, and the rest
/// only has to be no other name.
fn province_after_its_first_word(read: &str) -> Option<&'static str> {
    let words: Vec<&str> = read.split_whitespace().collect();
    let [first, rest @ ..] = words.as_slice() else {
        return None;
    };
    if rest.is_empty() {
        return None;
    }
    let province = province_completing(&[first])?;
    let province_rest: Vec<&str> = province.split_whitespace().skip(1).collect();
    let (want, got) = (
        province_key(&province_rest.join(" ")),
        province_key(&rest.join(" ")),
    );
    let letters = want.chars().filter(|c| c.is_alphanumeric()).count();
    (province_rest.len() == rest.len()
        && letters >= FIRST_WORD_REST_LETTERS
        && (1..=2).contains(&super::fuzzy::levenshtein(&want, &got)))
    .then_some(province)
}

/// The one province whose name the words open, as printed, tone marks and all: a
/// province cut short at the edge of a line or a photo (`Đà` of `Đà Nẵng`, `Hồ Chí` of
/// `Hồ Chí Minh`). Marks must agree, since a unit word (`Thành` of `Thành phố`) would
/// otherwise open a province (`Thanh Hóa`).
fn province_completing(words: &[&str]) -> Option<&'static str> {
    let read: Vec<String> = words.iter().map(|w| bare(w).to_lowercase()).collect();
    // A unit's whole name (`Bà Rịa`, a city) is no province cut short.
    if read.is_empty()
        || read.iter().any(|w| w.chars().count() < 2)
        || gazetteer::is_listed(&read.join(" "))
    {
        return None;
    }
    let mut opened = PROVINCES.iter().filter(|p| {
        let name: Vec<String> = p.to_lowercase().split(' ').map(str::to_string).collect();
        name.len() > read.len() && name[..read.len()] == read[..]
    });
    let first = opened.next()?;
    opened.next().is_none().then_some(*first)
}

/// Fewest letters a name needs before one misread letter in it can be told apart.
const FUZZY_PROVINCE_LETTERS: usize = 6;
/// Fewest letters a name needs before two misread letters in it can be (`Hồ Chí Mừh`):
/// only pairs of long names lie within two edits of each other (`Quảng Nam` and
/// `Quảng Ngãi`), and a reading between them is no one province's.
const FUZZY_PROVINCE_TWO_EDITS: usize = 9;

/// The one province whose name is at most `edits` edits from `read` (and not the same),
/// with as many words. Both names need `min_letters`, less the letters the edits beyond
/// the first may have lost from what was read.
fn province_edits_from(read: &str, min_letters: usize, edits: usize) -> Option<&'static str> {
    let letters = |k: &str| k.chars().filter(|c| c.is_alphanumeric()).count();
    let key = province_key(read);
    let words = key.split(' ').count();
    if letters(&key) + (edits - 1) < min_letters {
        return None;
    }
    let mut near = PROVINCES.iter().chain(FORMER_PROVINCES).filter(|p| {
        let pk = province_key(p);
        pk.split(' ').count() == words
            && (1..=edits).contains(&super::fuzzy::levenshtein(&pk, &key))
    });
    let first = near.next()?;
    let long_enough = edits == 1 || letters(&province_key(first)) >= min_letters;
    (near.next().is_none() && long_enough).then_some(*first)
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

#[cfg(test)]
mod tests {
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
            tidy_place(
                "Phường Dịch Vọng, Tam Kỳ, Hải Phòng Nơi thường trú/Place of residence: Số 15"
            ),
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
}
