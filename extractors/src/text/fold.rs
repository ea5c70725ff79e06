//! Normal forms of Vietnamese text.
//!
//! `clean` is the output form of the contract (NFC, single spaces). `fold` drops
//! every diacritic so that a label matches even when OCR lost or changed tone marks.
//! `label_key` goes further and merges characters OCR engines confuse, so two
//! readings of the same printed label compare equal.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A spacing modifier (`ˆ`, `ˋ`): Unicode files it as a letter, but on a scan it is a
/// speck OCR read as one.
pub fn is_spacing_modifier(c: char) -> bool {
    ('\u{2B0}'..='\u{2FF}').contains(&c)
}

/// Whether most of the letters of `s` are capitals: text printed in capitals, a few of
/// whose letters OCR read small (`CÔNG TY cổ PHẦN`).
pub fn mostly_capitals(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    2 * letters.iter().filter(|c| c.is_uppercase()).count() > letters.len()
}

/// Unicode NFC, the form every output value is stored in.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// NFC, whitespace collapsed to single spaces, trimmed.
pub fn clean(s: &str) -> String {
    let n = nfc(s);
    n.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lowercase, without diacritics (`đ` becomes `d`), single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            // Some fonts and OCR engines emit the look-alike African D or Latin eth.
            'ɖ' | 'Ɖ' | 'ð' | 'Ð' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A matching key: folded, confusable characters merged, only letters and digits.
///
/// Applied to both the label variants and the page text, so the merge is symmetric:
/// `l`, `i`, `1`, `|`, `!` are one class, `0` reads as `o`, `5` as `s`, and the
/// two-letter confusions `rn`→`m`, `cl`→`d`, `vv`→`w` are undone.
pub fn label_key(s: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(s.len());
    for c in fold(s).chars() {
        let mapped = match c {
            'l' | '1' | '|' | '!' | 'í' | 'ì' => 'i',
            '0' => 'o',
            '5' => 's',
            c if c.is_alphanumeric() => c,
            _ => continue,
        };
        chars.push(mapped);
    }
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let pair = (chars[i], chars.get(i + 1).copied());
        let merged = match pair {
            ('r', Some('n')) => Some('m'),
            ('c', Some('i')) => Some('d'),
            ('v', Some('v')) => Some('w'),
            _ => None,
        };
        match merged {
            Some(m) => {
                out.push(m);
                i += 2;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_decomposed_vietnamese() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
        assert_eq!(clean("  NGUYỄN   VĂN\tAN "), "NGUYỄN VĂN AN");
    }

    #[test]
    fn fold_strips_tones_and_d_bar() {
        assert_eq!(fold("Họ, chữ đệm và tên"), "ho, chu dem va ten");
        assert_eq!(fold("ĐĂNG KÝ  DOANH   NGHIỆP"), "dang ky doanh nghiep");
        assert_eq!(fold("Quốc tịch"), "quoc tich");
        assert_eq!(fold("Nữ"), "nu");
    }

    #[test]
    fn wrong_or_missing_tones_give_the_same_key() {
        assert_eq!(label_key("Ngày sinh"), label_key("Ngay sính"));
        assert_eq!(label_key("Quê quán"), label_key("Que quan:"));
        assert_eq!(label_key("Giới tính"), label_key("Gioi tinh"));
    }

    #[test]
    fn ocr_confusions_are_merged() {
        assert_eq!(label_key("Full name"), label_key("FuII narne"));
        assert_eq!(label_key("No."), label_key("N0"));
        assert_eq!(label_key("Place of origin"), label_key("Piace 0f origin"));
        assert_eq!(label_key("Sex"), label_key("5ex"));
        assert_eq!(label_key("/ :"), "");
    }
}
