//! Edit distances for OCR-tolerant matching of label keys.

/// How many edits a key of `len` characters may absorb and still count as a match.
///
/// Short keys must match exactly: with one edit `so` would match half the words on a
/// page. Longer keys tolerate about one error per six characters, which is what a
/// noisy scan produces without letting `noi sinh` match `noi o`.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        8..=12 => 2,
        13..=18 => 3,
        _ => len / 6,
    }
}

/// Levenshtein distance over chars.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The distance if it is at most `k`; gives up early otherwise.
pub fn bounded_levenshtein(a: &str, b: &str, k: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= k).then_some(d)
}

/// Similarity in 0..=1 of a candidate key to an expected key, or `None` when the
/// candidate needs more edits than `allowed_edits` grants the expected key.
pub fn fuzzy_score(expected: &str, candidate: &str) -> Option<f32> {
    let len = expected.chars().count();
    if len == 0 {
        return None;
    }
    let d = bounded_levenshtein(expected, candidate, allowed_edits(len))?;
    Some(1.0 - d as f32 / len as f32)
}

/// Whether printed `text` reads as `label`, ignoring tone marks, case, punctuation and
/// common OCR confusions; the similarity in 0..=1 when it does.
pub fn match_label(label: &str, text: &str) -> Option<f32> {
    fuzzy_score(
        &super::fold::label_key(label),
        &super::fold::label_key(text),
    )
}

/// Best approximate occurrence of `pattern` anywhere inside `text` (Sellers' algorithm).
///
/// Returns `(start, end, distance)` in char positions of `text` for the lowest
/// distance not above `k`; ties go to the earliest end.
pub fn substring_match(pattern: &str, text: &str, k: usize) -> Option<(usize, usize, usize)> {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if p.is_empty() {
        return None;
    }
    // Column over pattern positions; each cell also carries where its alignment starts
    // in `text`, so the matched span can be reported without a traceback.
    let mut prev: Vec<(usize, usize)> = (0..=p.len()).map(|i| (i, 0)).collect();
    let mut best: Option<(usize, usize, usize)> = None;
    for (j, tc) in t.iter().enumerate() {
        let mut cur: Vec<(usize, usize)> = vec![(0, j + 1); p.len() + 1];
        for i in 1..=p.len() {
            let diag = (prev[i - 1].0 + usize::from(p[i - 1] != *tc), prev[i - 1].1);
            let up = (cur[i - 1].0 + 1, cur[i - 1].1);
            let left = (prev[i].0 + 1, prev[i].1);
            let mut m = diag;
            if up.0 < m.0 {
                m = up;
            }
            if left.0 < m.0 {
                m = left;
            }
            cur[i] = m;
        }
        // Row 0 of the first column starts at 0; later columns start matches at j+1.
        let (d, start) = cur[p.len()];
        if d <= k && best.is_none_or(|b| d < b.2) {
            best = Some((start, j + 1, d));
        }
        prev = cur;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("ngaysinh", "ngaysinh"), 0);
    }

    #[test]
    fn bounded_gives_up_beyond_k() {
        assert_eq!(bounded_levenshtein("hovaten", "hovaien", 2), Some(1));
        assert_eq!(bounded_levenshtein("hovaten", "quoctich", 2), None);
        assert_eq!(bounded_levenshtein("abc", "abcdefgh", 2), None);
    }

    #[test]
    fn fuzzy_score_tolerates_noise_in_long_keys_only() {
        assert!(fuzzy_score("noithuongtru", "noithuongtm").is_some());
        assert_eq!(fuzzy_score("so", "se"), None);
        assert_eq!(fuzzy_score("so", "so"), Some(1.0));
        assert_eq!(fuzzy_score("noisinh", "noio"), None);
    }

    #[test]
    fn labels_match_through_tones_case_and_ocr_noise() {
        assert_eq!(
            match_label("Ngày, tháng, năm sinh", "NGAY THANG NAM SINH:"),
            Some(1.0)
        );
        assert!(match_label("Nơi thường trú", "Noi thuòng tru").is_some());
        assert!(match_label("Họ và tên", "Họvà tèn").is_some());
        assert!(match_label("Place of residence", "PIace 0f resldence").is_some());
        assert!(match_label("Quyển số", "Quyên sô:").is_some());
        assert_eq!(match_label("Nơi sinh", "Nơi cư trú"), None);
        assert_eq!(match_label("Số", "Sổ hộ"), None);
    }

    #[test]
    fn substring_match_finds_noisy_title() {
        let text = "congho axahoichunghiavietnam giaykhaisinh banchinh";
        let (s, e, d) = substring_match("giaykhaisinh", text, 2).unwrap_or((0, 0, 99));
        assert_eq!(d, 0);
        assert_eq!(&text[s..e], "giaykhaisinh");
        let (_, _, d) = substring_match("giaykhaisinh", "giaykhaisnh", 2).unwrap_or((0, 0, 99));
        assert_eq!(d, 1);
        assert_eq!(substring_match("ketHon", "doanhnghiep", 1), None);
    }
}
