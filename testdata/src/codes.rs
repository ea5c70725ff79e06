//! Identifier rules of the spec: 12-digit citizen ids, the chip card's QR payload, the TD1
//! machine-readable zone and the enterprise code. Public so tests (and readers downstream)
//! can check a specimen against the same rules that built it.

use unicode_normalization::UnicodeNormalization;

use crate::data::province_by_code;
use crate::date::Date;

/// Digit 4 of the citizen id: century of birth and sex.
pub fn century_sex_digit(year: i32, female: bool) -> Option<u32> {
    let century = match year {
        1900..=1999 => 0,
        2000..=2099 => 2,
        2100..=2199 => 4,
        _ => return None,
    };
    Some(century + u32::from(female))
}

/// `PPP` province code + century/sex digit + two year digits + six serial digits.
pub fn citizen_id(province_code: &str, dob: Date, female: bool, serial: u32) -> Option<String> {
    let cs = century_sex_digit(dob.year, female)?;
    Some(format!(
        "{province_code}{cs}{:02}{:06}",
        dob.year.rem_euclid(100),
        serial % 1_000_000
    ))
}

/// Whether a 12-digit id agrees with the holder's date of birth and sex and names a real
/// province code.
pub fn citizen_id_consistent(id: &str, dob: Date, female: bool) -> bool {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(cs) = century_sex_digit(dob.year, female) else {
        return false;
    };
    province_by_code(&id[0..3]).is_some()
        && id[3..4] == cs.to_string()
        && id[4..6] == format!("{:02}", dob.year.rem_euclid(100))
}

/// ICAO 9303 check digit: weights 7, 3, 1 over digits, letters A=10..Z=35, filler `<` = 0.
pub fn mrz_check_digit(s: &str) -> char {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = s
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let v = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32 + 10,
                _ => 0,
            };
            v * WEIGHTS[i % 3]
        })
        .sum();
    char::from_digit(sum % 10, 10).unwrap_or('0')
}

/// Latin letters without Vietnamese diacritics (`Đ` becomes `D`), for the MRZ.
pub fn strip_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

/// MRZ line 3: `SURNAME<<GIVEN<NAMES`, the first word of a Vietnamese name being the surname.
pub fn mrz_name_line(full_name: &str) -> String {
    let plain = strip_diacritics(full_name).to_uppercase();
    let words: Vec<String> = plain
        .split_whitespace()
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii_uppercase() { c } else { '<' })
                .collect()
        })
        .collect();
    let mut line = match words.split_first() {
        Some((surname, given)) => format!("{surname}<<{}", given.join("<")),
        None => String::new(),
    };
    line.truncate(30);
    pad30(line)
}

fn pad30(mut s: String) -> String {
    while s.len() < 30 {
        s.push('<');
    }
    s
}

/// The three TD1 lines of the card's back. `expiry` is `None` for a card without expiry,
/// whose expiry field is all fillers (check digit `0`, as a filler counts zero).
pub fn td1_mrz(id: &str, dob: Date, female: bool, expiry: Option<Date>, name: &str) -> [String; 3] {
    let doc = &id[id.len().saturating_sub(9)..];
    // The final digit checks the full 12-digit id held in the optional data.
    let line1 = format!(
        "IDVNM{doc}{}{id}<<{}",
        mrz_check_digit(doc),
        mrz_check_digit(id)
    );
    let birth = dob.yymmdd();
    let exp = expiry.map_or_else(|| "<<<<<<".to_string(), |d| d.yymmdd());
    let mut line2 = format!(
        "{birth}{}{}{exp}{}VNM",
        mrz_check_digit(&birth),
        if female { 'F' } else { 'M' },
        mrz_check_digit(&exp)
    );
    while line2.len() < 29 {
        line2.push('<');
    }
    let composite = format!(
        "{}{}{}{}",
        &line1[5..30],
        &line2[0..7],
        &line2[8..15],
        &line2[18..29]
    );
    line2.push(mrz_check_digit(&composite));
    [pad30(line1), line2, mrz_name_line(name)]
}

/// Whether every check digit of a TD1 zone is right.
pub fn td1_checks_ok(lines: &[String; 3]) -> bool {
    let (l1, l2) = (&lines[0], &lines[1]);
    if lines.iter().any(|l| l.len() != 30 || !l.is_ascii()) {
        return false;
    }
    let digit_ok = |field: &str, check: &str| mrz_check_digit(field).to_string() == check;
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    digit_ok(&l1[5..14], &l1[14..15])
        && digit_ok(&l1[15..27], &l1[29..30])
        && digit_ok(&l2[0..6], &l2[6..7])
        && digit_ok(&l2[8..14], &l2[14..15])
        && digit_ok(&composite, &l2[29..30])
}

/// What the chip card's QR code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrData {
    pub id_number: String,
    pub previous_id_number: Option<String>,
    pub full_name: String,
    pub date_of_birth: Date,
    pub female: bool,
    pub residence: String,
    pub date_of_issue: Date,
}

/// `id|old id|name|ddMMyyyy|Nam/Nữ|residence|ddMMyyyy`; `six_fields` drops the old-id field
/// (only meaningful when there is none), as some cards do.
pub fn qr_payload(q: &QrData, six_fields: bool) -> String {
    let sex = if q.female { "Nữ" } else { "Nam" };
    let mut parts = vec![q.id_number.clone()];
    if !(six_fields && q.previous_id_number.is_none()) {
        parts.push(q.previous_id_number.clone().unwrap_or_default());
    }
    parts.extend([
        q.full_name.clone(),
        q.date_of_birth.ddmmyyyy(),
        sex.to_string(),
        q.residence.clone(),
        q.date_of_issue.ddmmyyyy(),
    ]);
    parts.join("|")
}

/// Reads a payload back, accepting the 6- and 7-field forms.
pub fn parse_qr_payload(payload: &str) -> Option<QrData> {
    let parts: Vec<&str> = payload.split('|').collect();
    let (id, prev, rest) = match parts.len() {
        7 => (parts[0], Some(parts[1]), &parts[2..]),
        6 => (parts[0], None, &parts[1..]),
        _ => return None,
    };
    let date = |s: &str| -> Option<Date> {
        if s.len() != 8 {
            return None;
        }
        Date::new(
            s[4..8].parse().ok()?,
            s[2..4].parse().ok()?,
            s[0..2].parse().ok()?,
        )
    };
    Some(QrData {
        id_number: id.to_string(),
        previous_id_number: prev.filter(|p| !p.is_empty()).map(str::to_string),
        full_name: rest[0].to_string(),
        date_of_birth: date(rest[1])?,
        female: match rest[2] {
            "Nữ" => true,
            "Nam" => false,
            _ => return None,
        },
        residence: rest[3].to_string(),
        date_of_issue: date(rest[4])?,
    })
}

/// Check digit of the 10-digit enterprise (tax) code, `None` when the first nine digits
/// admit no valid code.
pub fn enterprise_check_digit(first9: &str) -> Option<u32> {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    if first9.len() != 9 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first9.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    match 10 - (sum % 11) as i32 {
        d @ 0..=9 => Some(d as u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_reference_check_digits() {
        // The ICAO 9303 part 3 worked examples.
        assert_eq!(mrz_check_digit("520727"), '3');
        assert_eq!(mrz_check_digit("D23145890"), '7');
        assert_eq!(mrz_check_digit("L898902C3"), '6');
        assert_eq!(mrz_check_digit("<<<<<<"), '0');
    }

    #[test]
    fn td1_lines_are_valid() {
        let dob = Date::new(1999, 3, 12).expect("valid date");
        let exp = Date::new(2039, 3, 12).expect("valid date");
        let id = citizen_id("001", dob, false, 12345).expect("id");
        assert_eq!(id, "001099012345");
        let lines = td1_mrz(&id, dob, false, Some(exp), "NGUYỄN VĂN ĐẠT");
        assert!(td1_checks_ok(&lines), "{lines:?}");
        assert!(lines[0].starts_with("IDVNM099012345"));
        assert_eq!(&lines[0][15..27], id);
        assert_eq!(&lines[1][0..6], "990312");
        assert_eq!(&lines[1][7..8], "M");
        assert_eq!(lines[2], "NGUYEN<<VAN<DAT<<<<<<<<<<<<<<<");
        let open = td1_mrz(&id, dob, true, None, "LÊ THỊ HÀ");
        assert!(td1_checks_ok(&open), "{open:?}");
        assert_eq!(&open[1][8..15], "<<<<<<0");
    }

    #[test]
    fn id_digits_follow_birth() {
        let dob = Date::new(2003, 1, 5).expect("valid date");
        let id = citizen_id("079", dob, true, 7).expect("id");
        assert_eq!(id, "079303000007");
        assert!(citizen_id_consistent(&id, dob, true));
        assert!(!citizen_id_consistent(&id, dob, false));
        assert!(!citizen_id_consistent("003303000007", dob, true));
    }

    #[test]
    fn qr_round_trip() {
        let q = QrData {
            id_number: "001099012345".into(),
            previous_id_number: None,
            full_name: "Nguyễn Văn An".into(),
            date_of_birth: Date::new(1999, 3, 12).expect("valid date"),
            female: false,
            residence: "Phường Kim Mã, Ba Đình, Hà Nội".into(),
            date_of_issue: Date::new(2021, 8, 15).expect("valid date"),
        };
        let seven = qr_payload(&q, false);
        assert_eq!(
            seven,
            "001099012345||Nguyễn Văn An|12031999|Nam|Phường Kim Mã, Ba Đình, Hà Nội|15082021"
        );
        assert_eq!(parse_qr_payload(&seven), Some(q.clone()));
        let six = qr_payload(&q, true);
        assert_eq!(six.split('|').count(), 6);
        assert_eq!(parse_qr_payload(&six), Some(q));
    }

    #[test]
    fn enterprise_codes() {
        // 0100109106 is the published check-digit example for this scheme.
        assert_eq!(enterprise_check_digit("010010910"), Some(6));
    }
}
