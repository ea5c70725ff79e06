//! What a clerk searches records by: names folded so that "nguyen van an" finds
//! "NGUYỄN VĂN AN", and the least confidence of a record's fields, which orders the
//! review queue. Storage writes both with the record and on every correction.

use hoso_extractors::Fields;
use unicode_normalization::UnicodeNormalization;

/// Lower case, tone and vowel marks removed, `đ` as `d`, single spaces.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search row of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchKey {
    /// The folded values of every field whose key names a name (`full_name`,
    /// `father_full_name`, `enterprise_name`, …), separated by `|`.
    pub folded: String,
    /// The least confidence of its fields, in thousandths; 1000 without fields.
    pub least_confidence: i64,
}

pub fn search_key(fields: &Fields) -> SearchKey {
    let names: Vec<String> = fields
        .iter()
        .filter(|(key, _)| key.as_str().contains("name"))
        .map(|(_, f)| fold(&f.value))
        .collect();
    let least = fields.values().map(|f| f.confidence).fold(1.0f32, f32::min);
    SearchKey {
        folded: format!("|{}|", names.join("|")),
        least_confidence: (least.clamp(0.0, 1.0) * 1000.0).round() as i64,
    }
}

/// A clerk's query as it is matched against `SearchKey::folded`: folded, without the
/// separator, `None` when shorter than three characters (too short to narrow anything,
/// and a way to list everyone).
pub fn name_query(raw: &str) -> Option<String> {
    let q = fold(raw).replace('|', " ");
    let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
    (q.chars().count() >= 3).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_extractors::{Field, FieldKey, Method};
    use std::collections::BTreeMap;

    fn field(value: &str, confidence: f32) -> Field {
        Field {
            value: value.to_string(),
            confidence,
            method: Method::Ocr,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn folding_drops_marks_and_case() {
        let cases = [
            ("NGUYỄN VĂN AN", "nguyen van an"),
            ("Đặng  Xuân\tBảo", "dang xuan bao"),
            ("Trần Thị Thủy", "tran thi thuy"),
            ("Ngô Đình Diệm", "ngo dinh diem"),
        ];
        for (raw, folded) in cases {
            assert_eq!(fold(raw), folded, "{raw}");
        }
    }

    #[test]
    fn a_record_is_found_by_its_names_and_ranked_by_its_least_sure_field() {
        let fields = BTreeMap::from([
            (FieldKey::FullName, field("NGUYỄN VĂN AN", 0.93)),
            (FieldKey::FatherFullName, field("Nguyễn Văn Bình", 0.81)),
            (FieldKey::IdNumber, field("001203004567", 0.99)),
        ]);
        let key = search_key(&fields);
        assert_eq!(key.folded, "|nguyen van binh|nguyen van an|");
        assert_eq!(key.least_confidence, 810);
        assert!(key
            .folded
            .contains(&name_query(" nguyen  VAN an ").unwrap()));
        assert_eq!(name_query("a"), None);
        assert_eq!(name_query("an"), None);
        assert_eq!(search_key(&Fields::new()).least_confidence, 1000);
    }
}
