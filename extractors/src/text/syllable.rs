//! Whether a word can be a Vietnamese syllable: an optional initial consonant, one to
//! three vowels, an optional final consonant, from short closed lists (with the `k` of
//! Central Highlands names such as `Đắk Lắk`).
//!
//! Words of a bilingual card's English labels, and the noise OCR makes of them
//! (`Place`, `of`, `sewdence`, `ro15tya00r`), almost never are, while every word of a
//! Vietnamese name or address is. That tells a garbled translation from a value
//! without knowing what the translation said.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;

static SYLLABLE: LazyLock<Regex> = LazyLock::new(|| {
    // Vowel groups ending in a glide (`ai`, `ươi`, `yêu`) take no final consonant.
    Regex::new(concat!(
        "^(?P<initial>ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?",
        "(?P<rhyme>(oai|oay|oeo|uay|uoi|uou|yeu|ieu|uyu|ai|ao|au|ay|eo|eu|iu|oi|ui|uu)",
        "|(uye|uya|oa|oe|oo|ua|ue|uo|uy|ye|ia|ie|a|e|i|o|u|y)(ng|nh|ch|[cmnptk])?)$",
    ))
    .expect("literal syllable pattern")
});

/// Whether `word`, its punctuation aside, spells a Vietnamese syllable (tone marks and
/// case are not checked).
pub fn is_vietnamese_syllable(word: &str) -> bool {
    let folded = fold(word);
    let bare = folded.trim_matches(|c: char| !c.is_alphanumeric());
    let Some(parts) = SYLLABLE.captures(bare) else {
        return false;
    };
    let initial = parts.name("initial").map_or("", |m| m.as_str());
    // `ă` is never open, and `â` only before a glide (`âu`, `ây`): `VĂ` is no syllable,
    // so `VĂNAN` is `VĂN AN`.
    let rhyme = parts.name("rhyme").map_or("", |m| m.as_str());
    let closed = rhyme.ends_with(['c', 'm', 'n', 'p', 't', 'k', 'g', 'h']);
    let lower = word.to_lowercase();
    if lower.contains(['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ']) && !closed {
        return false;
    }
    if lower.contains(['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ']) && !closed && !matches!(rhyme, "au" | "ay")
    {
        return false;
    }
    let front_vowel = parts
        .name("rhyme")
        .is_some_and(|m| m.as_str().starts_with(['e', 'i', 'y']));
    // Spelling rules: `c` is written `k` before e, i, y; `gh` and `ngh` only come there.
    match initial {
        "c" => !front_vowel,
        "gh" | "ngh" => front_vowel,
        _ => true,
    }
}

/// Most syllables OCR glues into one word before we stop looking for the seams.
const MOST_GLUED: usize = 3;

/// `word` cut into the syllables OCR glued together when it dropped the spaces
/// (`THỊYẾN`, `VŨQUANGBÌNH`), when exactly one cut into the fewest syllables exists.
/// A word that is a syllable, or that no cut or several cuts explain, is not cut.
pub fn split_glued(word: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 || !chars.iter().all(|c| c.is_alphabetic()) || is_vietnamese_syllable(word) {
        return None;
    }
    let piece = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    // Every cut into at most MOST_GLUED syllables, fewest first.
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut stack: Vec<Vec<usize>> = vec![vec![0]];
    while let Some(cuts) = stack.pop() {
        let from = *cuts.last().unwrap_or(&0);
        for to in from + 1..=chars.len() {
            if !is_vietnamese_syllable(&piece(from, to)) {
                continue;
            }
            let mut next = cuts.clone();
            next.push(to);
            if to == chars.len() {
                found.push(next);
            } else if next.len() <= MOST_GLUED {
                stack.push(next);
            }
        }
    }
    let fewest = found.iter().map(Vec::len).min()?;
    let mut best: Vec<Vec<usize>> = found.into_iter().filter(|c| c.len() == fewest).collect();
    // Several cuts (`THỊ NHI`, `THỊN HI`, `THỊNH I`): the one whose syllables all occur
    // in place names, when only one does, since names of people and places share
    // theirs. Not a lone letter, which place names hold as a numeral (`Phường I`).
    if best.len() > 1 {
        best.retain(|cuts| {
            cuts.windows(2)
                .all(|w| w[1] - w[0] > 1 && super::gazetteer::names_syllable(&piece(w[0], w[1])))
        });
    }
    let [cuts] = best.as_slice() else {
        return None;
    };
    Some(cuts.windows(2).map(|w| piece(w[0], w[1])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_words_are_syllables() {
        for w in [
            "Nguyễn",
            "Thị",
            "Hương",
            "xã",
            "Phường",
            "Nghệ",
            "Quảng",
            "Khánh",
            "Đắk",
            "huyện",
            "Ấp",
            "Tổ,",
            "GIANG",
            "Chí",
            "Minh.",
            "Văn",
            "ĐẶNG",
            "Cẩm",
            "Hậu",
            "Tây",
            "Xuân",
            "xoăn",
        ] {
            assert!(is_vietnamese_syllable(w), "{w}");
        }
    }

    #[test]
    fn glued_syllables_are_cut_where_only_one_cut_fits() {
        let cut = |w: &str| split_glued(w).map(|v| v.join(" "));
        assert_eq!(cut("THỊYẾN").as_deref(), Some("THỊ YẾN"));
        assert_eq!(cut("NGỌCYẾN").as_deref(), Some("NGỌC YẾN"));
        assert_eq!(cut("MAINGỌC").as_deref(), Some("MAI NGỌC"));
        assert_eq!(cut("VŨQUANGBÌNH").as_deref(), Some("VŨ QUANG BÌNH"));
        assert_eq!(cut("DIỆULOAN").as_deref(), Some("DIỆU LOAN"));
        // `VĂ` is no syllable: `ă` is never open.
        assert_eq!(cut("VĂNAN").as_deref(), Some("VĂN AN"));
        // Of two cuts, the one whose syllables place names use (`HI` and `KI` none).
        assert_eq!(cut("THỊNHI").as_deref(), Some("THỊ NHI"));
        assert_eq!(cut("KIMANH").as_deref(), Some("KIM ANH"));
        // One syllable, a name of another tongue, or two readings: left whole.
        assert_eq!(cut("NGUYỄN"), None);
        assert_eq!(cut("Ksor"), None);
        assert_eq!(cut("H'Hen"), None);
        assert_eq!(cut("ANHANH"), None);
    }

    #[test]
    fn english_labels_and_their_noise_are_not() {
        for w in [
            "Place",
            "of",
            "origin:",
            "residence",
            "Phxc",
            "sewdence-",
            "ro15tya00r",
            "œigin",
            "cm",
            "TNHH",
            "",
            // `ă` is never open, `â` only before a glide.
            "VĂ",
            "câ",
        ] {
            assert!(!is_vietnamese_syllable(w), "{w}");
        }
    }
}
