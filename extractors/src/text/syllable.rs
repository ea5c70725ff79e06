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
    Regex::new(
        r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnptk])?$",
    )
    .expect("literal syllable pattern")
});

/// Whether `word`, its punctuation aside, spells a Vietnamese syllable (tone marks and
/// case are not checked).
pub fn is_vietnamese_syllable(word: &str) -> bool {
    let folded = fold(word);
    let bare = folded.trim_matches(|c: char| !c.is_alphanumeric());
    !bare.is_empty() && SYLLABLE.is_match(bare)
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
        ] {
            assert!(is_vietnamese_syllable(w), "{w}");
        }
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
        ] {
            assert!(!is_vietnamese_syllable(w), "{w}");
        }
    }
}
