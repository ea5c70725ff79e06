//! Numbers read out in Vietnamese, as certificates print them beside the figures
//! ("ghi bằng chữ"): readers must not mistake these for the value itself.

use crate::date::Date;

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

fn tens_units(t: u64, u: u64, after_hundred: bool) -> String {
    let digit = |d: u64| DIGITS[d as usize];
    match t {
        0 if u == 0 => String::new(),
        0 if after_hundred => format!("linh {}", digit(u)),
        0 => digit(u).to_string(),
        1 => match u {
            0 => "mười".to_string(),
            5 => "mười lăm".to_string(),
            _ => format!("mười {}", digit(u)),
        },
        _ => {
            let unit = match u {
                0 => String::new(),
                1 => " mốt".to_string(),
                4 => " tư".to_string(),
                5 => " lăm".to_string(),
                _ => format!(" {}", digit(u)),
            };
            format!("{} mươi{unit}", digit(t))
        }
    }
}

/// One group of three digits; `full` when a higher group precedes it, which makes a zero
/// hundreds digit audible ("hai nghìn không trăm hai mươi").
fn group(n: u64, full: bool) -> String {
    let (h, r) = (n / 100, n % 100);
    if h == 0 && !full {
        return tens_units(r / 10, r % 10, false);
    }
    let rest = tens_units(r / 10, r % 10, true);
    if rest.is_empty() {
        format!("{} trăm", DIGITS[h as usize])
    } else {
        format!("{} trăm {rest}", DIGITS[h as usize])
    }
}

/// Lower-case Vietnamese reading of `n` (up to 999 nghìn tỷ).
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    const SCALES: [&str; 5] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut seen_higher = false;
    for (i, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        let mut s = group(*g, seen_higher);
        if let Some(scale) = SCALES.get(i).filter(|s| !s.is_empty()) {
            s.push(' ');
            s.push_str(scale);
        }
        parts.push(s);
        seen_higher = true;
    }
    parts.join(" ")
}

pub fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Năm tỷ đồng".
pub fn money_words(amount: u64) -> String {
    format!("{} đồng", capitalize_first(&number_words(amount)))
}

/// "Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi".
pub fn date_words(d: Date) -> String {
    let month = if d.month == 4 {
        "tư".to_string()
    } else {
        number_words(u64::from(d.month))
    };
    format!(
        "Ngày {}, tháng {}, năm {}",
        number_words(u64::from(d.day)),
        month,
        number_words(d.year.unsigned_abs().into())
    )
}

/// `5.000.000.000`: thousands grouped with dots, as Vietnamese documents print money.
pub fn dotted(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        assert_eq!(number_words(15), "mười lăm");
        assert_eq!(number_words(21), "hai mươi mốt");
        assert_eq!(number_words(105), "một trăm linh năm");
        assert_eq!(number_words(2020), "hai nghìn không trăm hai mươi");
        assert_eq!(number_words(1999), "một nghìn chín trăm chín mươi chín");
        assert_eq!(number_words(5_000_000_000), "năm tỷ");
        assert_eq!(
            number_words(1_050_000_000),
            "một tỷ không trăm năm mươi triệu"
        );
        assert_eq!(money_words(1_500_000_000), "Một tỷ năm trăm triệu đồng");
        assert_eq!(dotted(5_000_000_000), "5.000.000.000");
        assert_eq!(dotted(950), "950");
    }
}
