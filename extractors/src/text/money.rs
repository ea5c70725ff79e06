//! Amounts of money in đồng.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;
use super::ids::fix_digit_token;

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    // Literal pattern, covered by the tests below. Group 1: the integer part with
    // optional thousands separators, a space OCR read after a separator included
    // (`30.100. 000. 000`); group 2: a currency word when one follows. The
    // decimals take no terminator: one would swallow a currency sign glued to them
    // (`…,79đ`), and a digit after them already keeps a currency from matching.
    Regex::new(r"(?:^|[^0-9.,])([0-9]{1,3}(?:(?:[.,] ?| )[0-9]{3})+|[0-9]+)(?:[.,][0-9]{1,2})?\s*(dong|vnd|vnđ|d\b)?")
        .expect("literal amount pattern")
});

/// The first amount in `s` as a whole number of đồng: `5.000.000.000 đồng` → 5000000000.
///
/// A bare number only counts when it is grouped in thousands or followed by a currency
/// word, so a stray section number (`3.`) is not read as capital.
pub fn parse_money(s: &str) -> Option<u64> {
    let t: String = fold(s)
        .split(' ')
        .map(|tok| fix_digit_token(tok).unwrap_or_else(|| tok.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    for c in AMOUNT.captures_iter(&t) {
        let Some(num) = c.get(1) else { continue };
        let grouped = num.as_str().contains(['.', ',', ' ']);
        if !grouped && c.get(2).is_none() {
            continue;
        }
        let digits: String = num.as_str().chars().filter(char::is_ascii_digit).collect();
        // 20 digits would overflow u64; no charter capital comes near that.
        if digits.len() > 18 {
            continue;
        }
        if let Ok(v) = digits.parse::<u64>() {
            if v > 0 {
                return Some(v);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_thousands_with_currency() {
        assert_eq!(parse_money("5.000.000.000 đồng"), Some(5_000_000_000));
        assert_eq!(parse_money("5.000.000.000 dong"), Some(5_000_000_000));
        assert_eq!(parse_money("5.000.000.000đ"), Some(5_000_000_000));
        assert_eq!(parse_money("1,500,000,000 VND"), Some(1_500_000_000));
        assert_eq!(parse_money("10 000 000 000 đồng"), Some(10_000_000_000));
        // A scan's separators read with a space after them.
        assert_eq!(parse_money("30.100. 000. 000 đồng"), Some(30_100_000_000));
        assert_eq!(parse_money("40.800.000. 000 đồng"), Some(40_800_000_000));
    }

    #[test]
    fn decimals_are_dropped_and_words_ignored() {
        assert_eq!(
            parse_money("5.000.000.000,00 đồng (Năm tỷ đồng)"),
            Some(5_000_000_000)
        );
        assert_eq!(parse_money("Bằng chữ: Năm tỷ đồng"), None);
        assert_eq!(parse_money("3."), None);
        assert_eq!(parse_money("500000000 đồng"), Some(500_000_000));
    }

    /// Found by `fuzz/` (target `money`): decimals glued to the currency sign lost it.
    #[test]
    fn fuzz_regression_decimals_glued_to_the_currency_sign() {
        assert_eq!(
            parse_money(" 515279672554824084,79đ "),
            Some(515_279_672_554_824_084)
        );
        assert_eq!(parse_money("5000000,00đ"), Some(5_000_000));
        assert_eq!(parse_money("5000000,00 đ"), Some(5_000_000));
        // Still: more than two decimals is not a decimal part, and a bare number
        // without currency is not an amount.
        assert_eq!(parse_money("5000000,001 đồng"), None);
        assert_eq!(parse_money("5000000,00"), None);
    }

    #[test]
    fn ocr_letters_in_amounts() {
        assert_eq!(parse_money("5.OOO.000.000 đồng"), Some(5_000_000_000));
    }
}
