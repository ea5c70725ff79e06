//! Sex as printed (`Nam` / `Nữ`) or in the MRZ (`M` / `F`).

use super::fold::label_key;
use super::fuzzy::levenshtein;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Reads the first word of `s` as a sex. Tone marks are irrelevant (`Nữ`, `Nu`, `Nử`
/// all read female); one OCR error in `Nam` is tolerated only when it cannot be `Nữ`.
pub fn parse_sex(s: &str) -> Option<Sex> {
    let first = s
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .find(|t| !label_key(t).is_empty())?;
    let key = label_key(first);
    match key.as_str() {
        "nam" | "male" | "m" => return Some(Sex::Male),
        "nu" | "female" | "f" => return Some(Sex::Female),
        _ => {}
    }
    let to_male = levenshtein(&key, "nam");
    let to_female = levenshtein(&key, "nu");
    if to_male == 1 && to_female >= 2 {
        Some(Sex::Male)
    } else if to_female == 1 && to_male >= 2 && key.len() <= 3 {
        Some(Sex::Female)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms() {
        assert_eq!(parse_sex("Nam"), Some(Sex::Male));
        assert_eq!(parse_sex("Nữ"), Some(Sex::Female));
        assert_eq!(parse_sex("NỮ"), Some(Sex::Female));
        assert_eq!(parse_sex("Nu"), Some(Sex::Female));
        assert_eq!(parse_sex("Nử"), Some(Sex::Female));
        assert_eq!(parse_sex("Nam  Quốc tịch"), Some(Sex::Male));
    }

    #[test]
    fn ocr_noise() {
        assert_eq!(parse_sex("Narn"), Some(Sex::Male));
        assert_eq!(parse_sex("Nan"), Some(Sex::Male));
        assert_eq!(parse_sex("Nạm."), Some(Sex::Male));
        assert_eq!(parse_sex("/ Nam"), Some(Sex::Male));
        assert_eq!(parse_sex("Kinh"), None);
        assert_eq!(parse_sex(""), None);
    }

    #[test]
    fn mrz_letters() {
        assert_eq!(parse_sex("M"), Some(Sex::Male));
        assert_eq!(parse_sex("F"), Some(Sex::Female));
    }
}
