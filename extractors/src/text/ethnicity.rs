//! Ethnic groups: the 54 of Vietnam's official list (General Statistics Office,
//! Decision 121-TCTK/PPCĐ), a closed vocabulary, so a reading whose letters are one
//! group's is restored to that group's spelling (`H Mông`, `HMông` → `H'Mông`).

use super::fold::{is_spacing_modifier, label_key};

/// The groups as civil-status papers spell them; `Mông` is also printed `H'Mông`.
const GROUPS: &[&str] = &[
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khmer",
    "Mường",
    "Nùng",
    "H'Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra Glai",
    "Xtiêng",
    "Bru-Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Gié Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cơ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
];

/// The group whose letters `read` has, whatever OCR did to its marks, apostrophe and
/// spaces; `None` when no group, or more than one, has them.
pub fn restore_ethnicity(read: &str) -> Option<&'static str> {
    // Spacing modifiers (`ˆ`) count as letters to Unicode; here they are specks.
    let read: String = read.chars().filter(|&c| !is_spacing_modifier(c)).collect();
    let key = label_key(&read);
    if key.is_empty() {
        return None;
    }
    let mut found = GROUPS.iter().filter(|g| label_key(g) == key);
    let first = found.next()?;
    found.next().is_none().then_some(*first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_restored_from_its_letters() {
        assert_eq!(restore_ethnicity("H Mông"), Some("H'Mông"));
        assert_eq!(restore_ethnicity("HMông"), Some("H'Mông"));
        assert_eq!(restore_ethnicity("H' Mông ˆ"), Some("H'Mông"));
        assert_eq!(restore_ethnicity("Ê đê"), Some("Ê Đê"));
        assert_eq!(restore_ethnicity("Kinh"), Some("Kinh"));
        assert_eq!(restore_ethnicity("Tay"), Some("Tày"));
    }

    #[test]
    fn other_words_are_no_group() {
        assert_eq!(restore_ethnicity("Kinh Quốc tịch"), None);
        assert_eq!(restore_ethnicity(""), None);
        assert_eq!(restore_ethnicity("Nhật Bản"), None);
    }
}
