//! The repairs `tidy_place` makes to a place as read, one named pass each, in the
//! order they run (`PASSES`). The order is part of the result: a pass sees what the
//! passes before it left.

use std::sync::LazyLock;

use regex::Regex;

use super::province::restore_province;
use super::*;
use crate::text::fold::is_spacing_modifier;

/// What a pass works on: the place as one text, or as its words.
#[derive(Clone, Copy)]
pub enum Repair {
    Text(fn(&str) -> String),
    Words(fn(&mut Vec<String>)),
}

/// One repair of a place as read, named in tests and in `extractors/RULES.md`.
#[derive(Clone, Copy)]
pub struct Pass {
    pub name: &'static str,
    pub repair: Repair,
}

const fn text(name: &'static str, f: fn(&str) -> String) -> Pass {
    Pass {
        name,
        repair: Repair::Text(f),
    }
}

const fn words(name: &'static str, f: fn(&mut Vec<String>)) -> Pass {
    Pass {
        name,
        repair: Repair::Words(f),
    }
}

/// Every repair of `tidy_place`, in the order it runs them. Separators first (they say
/// where words and parts end), then words split and joined, specks dropped, unit words
/// restored, and last the place cut and closed at its province.
pub const PASSES: &[Pass] = &[
    text("commas_spaced", commas_spaced),
    text("quote_for_space", quote_for_space),
    text("period_for_space", period_for_space),
    words("edge_noise_trimmed", edge_noise_trimmed),
    words("one_mark_ends_a_part", one_mark_ends_a_part),
    words("lone_marks_dropped", lone_marks_dropped),
    words("split_camel", |w| flat_map_words(w, split_camel)),
    words("split_hyphen", |w| flat_map_words(w, split_hyphen)),
    words("split_unit_period", |w| {
        flat_map_words(w, split_unit_period)
    }),
    words("house_number_slash", |w| {
        for word in w.iter_mut() {
            *word = house_number_slash(word);
        }
    }),
    words("join_split_syllables", join_split_syllables),
    words("drop_colon_after_unit", |w| drop_colon_after_unit(w)),
    words("drop_speck_after_unit", |w| drop_speck_after_unit(w)),
    words("drop_letter_inside_name", drop_letter_inside_name),
    words("strip_garbled_translation", strip_garbled_translation),
    words("restore_opening_unit", |w| restore_opening_unit(w)),
    words("restore_city_word", restore_city_word),
    words("period_as_comma", |w| period_as_comma(w)),
    words("speck_before_first_unit", speck_before_first_unit),
    words("stray_lead_dropped", stray_lead_dropped),
    words("unit_words_restored", unit_words_restored),
    text("join_split_names", join_split_names),
    text("cut_at_next_label", cut_at_next_label),
    text("restore_unit_names", restore_unit_names),
    text("ends_with_its_province", ends_with_its_province),
];

/// Runs `passes` over `s` in order, as words or as text as each pass asks.
pub(crate) fn run(passes: &[Pass], s: &str) -> String {
    enum State {
        Text(String),
        Words(Vec<String>),
    }
    let mut state = State::Text(s.to_string());
    for pass in passes {
        state = match (pass.repair, state) {
            (Repair::Text(f), State::Text(t)) => State::Text(f(&t)),
            (Repair::Text(f), State::Words(w)) => State::Text(f(&w.join(" "))),
            (Repair::Words(f), state) => {
                let mut w = match state {
                    State::Words(w) => w,
                    State::Text(t) => t.split_whitespace().map(str::to_string).collect(),
                };
                f(&mut w);
                State::Words(w)
            }
        };
    }
    match state {
        State::Text(t) => t,
        State::Words(w) => w.join(" "),
    }
}

fn flat_map_words(words: &mut Vec<String>, split: fn(&str) -> Vec<String>) {
    *words = words.iter().flat_map(|w| split(w)).collect();
}

/// Addresses separate their parts with commas; a semicolon is a misread one, and a
/// comma OCR read with no space after it (`Trung Hòa,Kim Động`) still parts them.
fn commas_spaced(s: &str) -> String {
    COMMA_WITHOUT_SPACE
        .replace_all(&s.replace(';', ","), ", $1$2")
        .into_owned()
}

fn quote_for_space(s: &str) -> String {
    QUOTE_FOR_SPACE.replace_all(s, "$1 $2").into_owned()
}

fn period_for_space(s: &str) -> String {
    PERIOD_FOR_SPACE.replace_all(s, "$1 $2").into_owned()
}

/// Specks, quotes and rules OCR read at the edges of a word.
#[allow(clippy::ptr_arg)] // a word pass: the table's type, which passes that drop words need
fn edge_noise_trimmed(words: &mut Vec<String>) {
    for w in words.iter_mut() {
        *w = w.trim_matches(is_edge_noise).to_string();
    }
}

/// A period before a part's comma, or doubled, is a speck: one mark ends a part.
#[allow(clippy::ptr_arg)] // a word pass: the table's type, which passes that drop words need
fn one_mark_ends_a_part(words: &mut Vec<String>) {
    for w in words.iter_mut() {
        if let Some(stem) = w.strip_suffix(".,") {
            *w = format!("{stem},");
        }
        let stem = w.trim_end_matches('.');
        if w.len() - stem.len() > 1 {
            *w = format!("{stem}.");
        }
    }
}

/// A mark standing alone (`ˆ`, `-`) carries nothing of the place. Spacing modifiers
/// such as `ˆ` count as letters to Unicode, not to an address.
fn lone_marks_dropped(words: &mut Vec<String>) {
    words.retain(|w| {
        w.chars()
            .any(|c| c.is_alphanumeric() && !is_spacing_modifier(c))
    });
}

/// A lone letter or digit before the first unit word is a speck at the value's edge:
/// a house number is followed by its street, never by a unit.
fn speck_before_first_unit(words: &mut Vec<String>) {
    if words.len() > 1
        && words[0].chars().count() == 1
        && words[0].chars().all(char::is_alphanumeric)
        && words[1].chars().next().is_some_and(char::is_uppercase)
        && unit_at(words, 1).is_some()
    {
        words.remove(0);
    }
}

/// A word whose capitals come after its small letters (`vƯnG`), or a word in small
/// letters before a capitalised unit (`vã Thị trấn`), is no part of the place: a place
/// opens with its unit or a house number. It is a speck or the label's end.
fn stray_lead_dropped(words: &mut Vec<String>) {
    if words.len() > 1
        && !opens_place(words, 0)
        && is_stray_lead(&words[0], &words[1])
        && unit_at(words, 1).is_some()
    {
        words.remove(0);
    }
}

/// An address that names its country ends with it, the province before; any other
/// ends with its province, restored to its spelling.
fn ends_with_its_province(place: &str) -> String {
    match place.rsplit_once(',') {
        Some((head, last)) if is_country(last) && ends_with_province(head) => {
            format!("{}, Việt Nam", restore_province(head))
        }
        _ => restore_province(place),
    }
}

/// Unit words restored to their spelling and case where they open a level (`huyen`,
/// `Tinh` before a name), with the comma that parts levels where OCR lost it.
fn unit_words_restored(words: &mut Vec<String>) {
    let mut i = 0;
    while i < words.len() {
        let Some((unit, n)) = unit_at(words, i) else {
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
            && province_follows(words, end + 1)
            && follows_a_level(words, i);
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
}

/// A comma run into the capitalised name after it, or into any word over a speck read as
/// a period or a quote (`Trung Hòa,Kim Động`, `Quận 3,'TP Hồ Chí Minh`, `Dịch
/// Vọng,.thành phố`).
pub(super) static COMMA_WITHOUT_SPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#",(?:[.'’`‘"“”](\p{L})|(\p{Lu}))"#).expect("literal comma pattern")
});

/// A quote OCR read in the space between two words of a name (`Sơn'Trà`): a place's
/// words never hold one before a capital.
pub(super) static QUOTE_FOR_SPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{L})['’`](\p{Lu})").expect("literal quote pattern"));

/// A period OCR read in the space between two words of a name (`An.Giang`,
/// `Nghĩa.Đô`): after a word in small letters, before a capital. An abbreviation's
/// period follows capitals only (`TP.Hồ Chí Minh`, `P.Bình Hòa`), and stays.
pub(super) static PERIOD_FOR_SPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}\p{Ll}+)\.(\p{Lu}\p{Ll})").expect("literal period pattern")
});

/// Drops the English half of a card's bilingual label ("Place of origin:") when OCR
/// garbled it past recognition as a label and left it at the start of the value
/// (`Phace of œigin: Phường …`, `Đisce cể sewdence- Xóm …`): the words up to a colon or
/// to where the place opens, when none of them reads as Vietnamese.
pub(super) fn strip_garbled_translation(words: &mut Vec<String>) {
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
pub(super) static HOUSE_NUMBER_SLASH_MISREAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([0-9]{{1,4}}){}([0-9]{{1,4}}[A-Z]?,?)$",
        crate::text::date::SLASH_OR_LOOKALIKE
    ))
    .expect("literal house number pattern")
});

/// A word that turns from small letters to a capital inside (`HàNội`) is two names OCR
/// read without the space between them, when each half is a syllable.
pub(super) fn split_camel(word: &str) -> Vec<String> {
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
pub(super) fn split_hyphen(word: &str) -> Vec<String> {
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
pub(super) fn split_unit_period(word: &str) -> Vec<String> {
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

pub(super) fn house_number_slash(word: &str) -> String {
    match HOUSE_NUMBER_SLASH_MISREAD.captures(word) {
        Some(c) => format!("{}/{}", &c[1], &c[2]),
        None => house_number_slash_as_one(word).unwrap_or_else(|| word.to_string()),
    }
}

/// A house number on an alley whose slash OCR read as `1` (`27120` for `27/20`): no
/// house is numbered in five digits, so one of its ones was the slash. Restored only
/// when a single `1` leaves a number of up to three digits on each side, the alley's
/// not starting with 0.
pub(super) fn house_number_slash_as_one(word: &str) -> Option<String> {
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
pub(super) const STREET_WORDS: &[&str] = &["duong", "ngo", "ngach", "hem", "kiet", "so"];

/// A period OCR read between two parts of an address, where the print has a comma:
/// `Kim Động. Hưng Yên`, `Số 57. ngõ 261`. Before a word in small letters that opens
/// no part (`Ủy. ban`) it is a speck and goes. An abbreviation in capitals (`TP.`,
/// `Q.`) keeps its period.
pub(super) fn period_as_comma(words: &mut [String]) {
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

/// Joins a syllable's final consonants that OCR split off into a word of their own
/// (`Bì nh` for `Bình`): a lower-case `nh`, `ng` or `ch` is no word in Vietnamese,
/// and it is joined only when the word before it, and the two together, are syllables.
pub(super) fn join_split_syllables(words: &mut Vec<String>) {
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
pub(super) const OPENING_UNITS: &[&str] = &["phường", "huyện"];

/// The unit word a place opens with, restored when OCR dropped one of its letters
/// (`Pường Hưng Phú`) or read a comma after it (`Phườn, Phước Long`): a place's first
/// word before a capitalised name is its unit, no word but the unit is spelled so, and
/// a unit is never parted from its name.
pub(super) fn restore_opening_unit(words: &mut [String]) {
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
pub(super) fn restore_city_word(words: &mut Vec<String>) {
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
pub(super) fn city_part_from(words: &[String], thanh: usize) -> bool {
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
pub(super) fn province_starts(words: &[String], from: usize) -> bool {
    (1..=3).any(|n| {
        words.get(from..from + n).is_some_and(|name| {
            let name: Vec<&str> = name.iter().map(|w| bare(w)).collect();
            is_province(&name.join(" "))
        })
    })
}

/// A colon read after or inside a unit (`huyện: Hòa Vang`, `Ủy: ban nhân dân`) is a
/// speck: a unit introduces the name after it, and no label ends with one.
pub(super) fn drop_colon_after_unit(words: &mut [String]) {
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
pub(super) fn drop_speck_after_unit(words: &mut [String]) {
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
pub(super) fn drop_letter_inside_name(words: &mut Vec<String>) {
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

/// Joins two parts of a place that OCR split with a comma inside one name
/// (`Kiên, Giang`, `Xã Bến, Nghé`): a part whose name is a single syllable, then a
/// single word with no unit of its own, when the two together are a real unit's name
/// or a province. No administrative name but a number is one syllable long.
pub(super) fn join_split_names(s: &str) -> String {
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

/// The place cut after its province when the next label was read into the same part
/// (`Tỉnh Quảng Trị Nơi thường trú / Place of residence: Tổ 7, …`): a province, then
/// words up to a colon, which no place contains. A province named with its unit word
/// (`Tỉnh Tây Ninh`, `Thành phố Đà Nẵng`) ends the place by itself: addresses go from
/// the house up, so nothing follows it even when the label's colon was lost.
pub(super) fn cut_at_next_label(s: &str) -> String {
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

/// Each comma-separated part that is a listed unit's name, with or without its unit
/// word, restored to the name's real spelling (`Xã Hiép Thành` stays: two real names
/// fit it; `Huyện Quynh Lưu` becomes `Huyện Quỳnh Lưu`), a spelling units of the level
/// the unit word names bear first. Hamlets and streets are never touched: no list
/// names them. A restored name takes the classic tone placement (`Hòa`, `Thủy`)
/// whatever the list used.
pub(super) fn restore_unit_names(s: &str) -> String {
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
