//! Personal names: the family name restored where OCR lost its tone marks.
//!
//! Vietnamese family names are a small closed set, and for the common ones the
//! spelling without marks belongs to exactly one of them (`NGUYEN` can only be
//! `NGUYỄN`). Middle and given names are open (`VAN` may be `VĂN` or `VÂN`), so they
//! are left as read.

use super::fold::fold;

/// Family names whose unmarked spelling is unambiguous among family names.
const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lương", "Trương", "Đinh", "Đoàn", "Trịnh", "Lưu", "Đào", "Tạ", "Thái", "Triệu",
    "Quách",
];

/// `name` with its first word spelled as the family name it folds to.
pub fn restore_family_name(name: &str) -> String {
    let mut words: Vec<&str> = name.split(' ').collect();
    // A lone word may be a given name read without its family name.
    if words.len() < 2 {
        return name.to_string();
    }
    let first = words[0];
    let Some(canonical) = FAMILY_NAMES.iter().find(|f| fold(f) == fold(first)) else {
        return name.to_string();
    };
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() != first.chars().count() {
        return name.to_string();
    }
    let restored = if letters.iter().all(|c| c.is_uppercase()) {
        canonical.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase())
        && letters[1..].iter().all(|c| c.is_lowercase())
    {
        canonical.to_string()
    } else {
        return name.to_string();
    };
    words[0] = &restored;
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_regain_their_marks() {
        assert_eq!(restore_family_name("NGUYEN THỊ MAI"), "NGUYỄN THỊ MAI");
        assert_eq!(restore_family_name("NGUYÊN THỊ HẰNG"), "NGUYỄN THỊ HẰNG");
        assert_eq!(restore_family_name("Dinh Thu Trang"), "Đinh Thu Trang");
        assert_eq!(restore_family_name("DO PHƯƠNG CHI"), "ĐỖ PHƯƠNG CHI");
    }

    #[test]
    fn other_words_and_unknown_names_are_kept() {
        assert_eq!(restore_family_name("TRAN"), "TRAN");
        assert_eq!(restore_family_name("HUỲNH VAN VIET"), "HUỲNH VAN VIET");
        assert_eq!(restore_family_name("BANG THỊ HƯƠNG"), "BANG THỊ HƯƠNG");
        assert_eq!(restore_family_name("NgUYEN VĂN AN"), "NgUYEN VĂN AN");
    }
}
