//! The chip-based card's QR payload: `id|previous id|name|ddMMyyyy|sex|residence|ddMMyyyy`.

use crate::text::{clean, parse_ddmmyyyy, parse_sex, Date, Sex};

/// The fields of a card QR payload that passed validation; the rest are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QrData {
    pub id_number: String,
    pub previous_id_number: Option<String>,
    pub full_name: Option<String>,
    pub date_of_birth: Option<Date>,
    pub sex: Option<Sex>,
    pub place_of_residence: Option<String>,
    pub date_of_issue: Option<Date>,
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a card QR payload, or `None` when the payload is not one (another kind of QR
/// code, or a first field that is not a 12-digit id).
///
/// Cards print 7 fields, some 6 without the previous id, newer ones append more: the
/// previous id is recognised by being empty or numeric, and every later field is
/// validated on its own, so a damaged field is dropped without losing the others.
pub fn parse_qr(payload: &str) -> Option<QrData> {
    let fields: Vec<&str> = payload.split('|').map(str::trim).collect();
    if fields.len() < 4 {
        return None;
    }
    let id = fields[0];
    if !is_digits(id, 12) {
        return None;
    }
    let mut data = QrData {
        id_number: id.to_string(),
        ..QrData::default()
    };
    let second = fields[1];
    let rest = if second.is_empty() || second.bytes().all(|b| b.is_ascii_digit()) {
        if is_digits(second, 9) || is_digits(second, 12) {
            data.previous_id_number = Some(second.to_string());
        }
        &fields[2..]
    } else {
        &fields[1..]
    };
    let get = |i: usize| rest.get(i).copied().filter(|s| !s.is_empty());
    data.full_name = get(0)
        .map(clean)
        .filter(|n| n.chars().any(char::is_alphabetic) && !n.chars().any(|c| c.is_ascii_digit()));
    data.date_of_birth = get(1).and_then(parse_ddmmyyyy);
    data.sex = get(2).and_then(|s| match parse_sex(s) {
        Some(sex) if s.chars().count() >= 2 => Some(sex),
        _ => None,
    });
    data.place_of_residence = get(3)
        .map(clean)
        .filter(|r| r.chars().any(char::is_alphabetic));
    data.date_of_issue = get(4).and_then(parse_ddmmyyyy);
    Some(data)
}

impl QrData {
    pub fn sex_str(&self) -> Option<&'static str> {
        self.sex.map(|s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_fields() {
        let q = parse_qr("001099012345|012345678|Nguyễn Văn An|05031999|Nam|Số 12 Phố Huế, Hai Bà Trưng, Hà Nội|10082021");
        let q = q.unwrap_or_default();
        assert_eq!(q.id_number, "001099012345");
        assert_eq!(q.previous_id_number.as_deref(), Some("012345678"));
        assert_eq!(q.full_name.as_deref(), Some("Nguyễn Văn An"));
        assert_eq!(
            q.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("1999-03-05")
        );
        assert_eq!(q.sex_str(), Some("male"));
        assert_eq!(
            q.place_of_residence.as_deref(),
            Some("Số 12 Phố Huế, Hai Bà Trưng, Hà Nội")
        );
        assert_eq!(
            q.date_of_issue.map(|d| d.iso()).as_deref(),
            Some("2021-08-10")
        );
    }

    #[test]
    fn empty_previous_id() {
        let q = parse_qr(
            "079301004567||Trần Thị Bình|21112001|Nữ|Phường 5, Quận 3, TP Hồ Chí Minh|01072024",
        )
        .unwrap_or_default();
        assert_eq!(q.previous_id_number, None);
        assert_eq!(q.sex_str(), Some("female"));
        assert_eq!(
            q.date_of_birth.map(|d| d.iso()).as_deref(),
            Some("2001-11-21")
        );
    }

    #[test]
    fn six_fields_without_previous_id() {
        let q = parse_qr("079301004567|Trần Thị Bình|21112001|Nữ|Quận 3, TP Hồ Chí Minh|01072024")
            .unwrap_or_default();
        assert_eq!(q.id_number, "079301004567");
        assert_eq!(q.full_name.as_deref(), Some("Trần Thị Bình"));
        assert_eq!(
            q.date_of_issue.map(|d| d.iso()).as_deref(),
            Some("2024-07-01")
        );
    }

    #[test]
    fn damaged_fields_are_dropped_individually() {
        let q =
            parse_qr("001099012345||Nguyễn Văn An|31021999|Nam|Hà Nội|1008202").unwrap_or_default();
        assert_eq!(q.date_of_birth, None);
        assert_eq!(q.date_of_issue, None);
        assert_eq!(q.sex_str(), Some("male"));
    }

    #[test]
    fn other_qr_codes_are_not_cards() {
        assert_eq!(parse_qr("https://dangkykinhdoanh.gov.vn/0101234567"), None);
        assert_eq!(parse_qr("00109901234||A|05031999|Nam|X|10082021"), None);
        assert_eq!(parse_qr("001099012345|x"), None);
    }
}
