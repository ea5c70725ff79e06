//! Enterprise names: the legal form that opens every one, restored where OCR garbled it.
//!
//! The Law on Enterprises (2020, art. 38) makes a company's name open with its type, in
//! full or abbreviated: `Công ty trách nhiệm hữu hạn` or `Công ty TNHH`, `Công ty cổ
//! phần` or `Công ty CP`, `Công ty hợp danh`, `Doanh nghiệp tư nhân` or `DNTN`. That
//! closed vocabulary fixes what its words were, so their tone marks and letters can be
//! restored (`CỐ PHẦN`, `CÕ PHẦN` → `CỔ PHẦN`; `TÑNHH` → `TNHH`); the distinctive name
//! after it is never touched, since nothing says what it was.

use super::fold::{fold, mostly_capitals};
use super::fuzzy::levenshtein;

/// The legal forms, longest first so that a full form wins over its own opening.
const LEGAL_FORMS: &[&str] = &[
    "công ty trách nhiệm hữu hạn",
    "công ty cổ phần",
    "công ty hợp danh",
    "doanh nghiệp tư nhân",
    "công ty TNHH",
    "công ty CP",
    "DNTN",
];

/// How many words into a value the legal form may start: before it stand only the
/// remains of the label (`ệt: CÔNG TY …`), never more.
const LEAD_WORDS: usize = 3;

/// Letters of `w`, folded, without punctuation.
fn letters(w: &str) -> String {
    fold(w).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Whether the read word `got` is the form's word `want`: the same letters once tone
/// marks are set aside, or one letter off in a word of four or more (`TÑNHH`).
fn same_word(got: &str, want: &str) -> bool {
    let (g, w) = (letters(got), letters(want));
    g == w || (w.chars().count() >= 4 && levenshtein(&g, &w) <= 1)
}

/// The form's words in the case of the words read: capitals when most of theirs were.
fn in_case(form: &str, read: &[&str]) -> String {
    let capitals = mostly_capitals(&read.join(" "));
    let mut words = form.split(' ').map(|w| {
        if capitals {
            w.to_uppercase()
        } else {
            w.to_string()
        }
    });
    let mut out: Vec<String> = Vec::new();
    if let Some(first) = words.next() {
        // A name opens with a capital whatever case its form is listed in.
        let mut chars = first.chars();
        out.push(
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default(),
        );
    }
    out.extend(words);
    out.join(" ")
}

/// `name` with its legal form spelt as the law spells it, and the label's remains OCR
/// left before it (words ending with a colon) dropped. A name whose opening words are
/// no legal form is returned as it was.
pub fn restore_legal_form(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    for start in 0..LEAD_WORDS.min(words.len()) {
        let lead = &words[..start];
        // Only a label's remains may stand before the form.
        if start > 0 && !lead.last().is_some_and(|w| w.ends_with(':')) {
            continue;
        }
        for form in LEGAL_FORMS {
            let parts: Vec<&str> = form.split(' ').collect();
            let Some(read) = words.get(start..start + parts.len()) else {
                continue;
            };
            if read.iter().zip(&parts).all(|(g, w)| same_word(g, w)) {
                let rest = &words[start + parts.len()..];
                let mut out = vec![in_case(form, read)];
                out.extend(rest.iter().map(|w| w.to_string()));
                return out.join(" ");
            }
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_are_restored_as_the_law_spells_them() {
        for (read, want) in [
            (
                "CÔNG TY CỐ PHẦN THƯƠNG MẠI KỸ THUẬT ÁNH DƯƠNG",
                "CÔNG TY CỔ PHẦN THƯƠNG MẠI KỸ THUẬT ÁNH DƯƠNG",
            ),
            (
                "CÔNG TY CÕ PHẦN GIẢI PHÁP PHẦN MỀM",
                "CÔNG TY CỔ PHẦN GIẢI PHÁP PHẦN MỀM",
            ),
            (
                "CÔNG TY TÑNHH MAY MẶC MINH KHANG",
                "CÔNG TY TNHH MAY MẶC MINH KHANG",
            ),
            (
                "CÔNG TY: TRÁCH NHIỆM HỮU HẠN CÔNG NGHỆ THIÊN AN",
                "CÔNG TY TRÁCH NHIỆM HỮU HẠN CÔNG NGHỆ THIÊN AN",
            ),
            ("ệt: CÔNG TY TNHH HẢI ĐĂNG", "CÔNG TY TNHH HẢI ĐĂNG"),
            ("Công ty cổ phân Sao Việt", "Công ty cổ phần Sao Việt"),
            ("CÔNG TY cổ PHẦN NAM PHONG", "CÔNG TY CỔ PHẦN NAM PHONG"),
            (
                "DOANH NGHIỆP TƯ NHAN BÌNH AN",
                "DOANH NGHIỆP TƯ NHÂN BÌNH AN",
            ),
        ] {
            assert_eq!(restore_legal_form(read), want, "{read}");
        }
    }

    #[test]
    fn names_without_a_legal_form_are_left_alone() {
        for read in [
            "HỢP TÁC XÃ NÔNG NGHIỆP AN PHÚ",
            "viết bà",
            "Tên CÔNG TY CỐ PHẦN AN",
            "CÔNG TY",
            "",
        ] {
            assert_eq!(restore_legal_form(read), read, "{read}");
        }
    }
}
