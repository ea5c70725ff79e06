//! The province that ends a place: restored to its spelling, completed from its
//! first word, or found within a few edits, and the country after it.

use super::*;

/// Whether a place's last part is the country, its first word misread (`Vật Nam`).
/// Only after a province: a commune (`Vĩnh Nam`) may end a place too.
pub(super) fn is_country(part: &str) -> bool {
    let words: Vec<String> = part.split_whitespace().map(|w| fold(bare(w))).collect();
    match words.as_slice() {
        [first, nam] => {
            nam == "nam"
                && first.starts_with('v')
                && crate::text::fuzzy::levenshtein(first, "viet") <= 2
        }
        _ => false,
    }
}

/// The last segment restored to its province's spelling, when it is one.
pub(super) fn restore_province(s: &str) -> String {
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
pub(super) const FIRST_WORD_REST_LETTERS: usize = 4;

/// The one province whose first word was read as printed, tone marks and all, and
/// which no other province opens with, its other words within two edits of what was
/// read (`Lâm Ủng` for `Lâm Đồng`): the first word picks the province, and the rest
/// only has to be no other name.
pub(super) fn province_after_its_first_word(read: &str) -> Option<&'static str> {
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
        && (1..=2).contains(&crate::text::fuzzy::levenshtein(&want, &got)))
    .then_some(province)
}

/// The one province whose name the words open, as printed, tone marks and all: a
/// province cut short at the edge of a line or a photo (`Đà` of `Đà Nẵng`, `Hồ Chí` of
/// `Hồ Chí Minh`). Marks must agree, since a unit word (`Thành` of `Thành phố`) would
/// otherwise open a province (`Thanh Hóa`).
pub(super) fn province_completing(words: &[&str]) -> Option<&'static str> {
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
pub(super) const FUZZY_PROVINCE_LETTERS: usize = 6;

/// Fewest letters a name needs before two misread letters in it can be (`Hồ Chí Mừh`):
/// only pairs of long names lie within two edits of each other (`Quảng Nam` and
/// `Quảng Ngãi`), and a reading between them is no one province's.
pub(super) const FUZZY_PROVINCE_TWO_EDITS: usize = 9;

/// The one province whose name is at most `edits` edits from `read` (and not the same),
/// with as many words. Both names need `min_letters`, less the letters the edits beyond
/// the first may have lost from what was read.
pub(super) fn province_edits_from(
    read: &str,
    min_letters: usize,
    edits: usize,
) -> Option<&'static str> {
    let letters = |k: &str| k.chars().filter(|c| c.is_alphanumeric()).count();
    let key = province_key(read);
    let words = key.split(' ').count();
    if letters(&key) + (edits - 1) < min_letters {
        return None;
    }
    let mut near = PROVINCES.iter().chain(FORMER_PROVINCES).filter(|p| {
        let pk = province_key(p);
        pk.split(' ').count() == words
            && (1..=edits).contains(&crate::text::fuzzy::levenshtein(&pk, &key))
    });
    let first = near.next()?;
    let long_enough = edits == 1 || letters(&province_key(first)) >= min_letters;
    (near.next().is_none() && long_enough).then_some(*first)
}
