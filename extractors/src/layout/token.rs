//! Tokens: OCR words cut where a label and its value were read as one word.

use crate::model::{BBox, Word};
use crate::text::{label_key, nfc};

/// One word, or one piece of a word, with its matching key.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// NFC text as read.
    pub text: String,
    /// `label_key` of the text: empty for punctuation.
    pub key: String,
    pub bbox: BBox,
    pub confidence: f32,
}

impl Token {
    pub fn is_punct(&self) -> bool {
        self.key.is_empty()
    }

    /// Ends with the colon that closes a label.
    pub fn has_colon(&self) -> bool {
        self.text.ends_with([':', '：'])
    }

    fn new(text: String, bbox: BBox, confidence: f32) -> Token {
        let mut key = label_key(&text);
        // `ố` and `ô` lose their hat to a `6` (`S6:` for `Số:`). Only inside a word with
        // letters, so numbers stay numbers; and only on the page side, so values that
        // are compared by key never take a 6 for a 0.
        if text.chars().any(char::is_alphabetic) && key.contains('6') {
            key = key.replace('6', "o");
        }
        Token {
            text,
            key,
            bbox,
            confidence,
        }
    }
}

/// The words of `tokens` as read, joined by single spaces.
pub fn joined_text<'a>(tokens: impl IntoIterator<Item = &'a Token>) -> String {
    tokens
        .into_iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a word after each colon (`tên:NGUYỄN`) and around a slash between letters
/// (`tính/Sex`), because OCR often glues a label to its value or to its translation.
/// Each piece gets the share of the word's box its characters take.
pub fn tokens_of(word: &Word) -> Vec<Token> {
    let text = nfc(word.text.trim());
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let mut cuts: Vec<usize> = vec![0];
    for (i, c) in chars.iter().enumerate() {
        let before_letter = i > 0 && chars[i - 1].is_alphabetic();
        let after_letter = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        match c {
            ':' | '：' if i + 1 < chars.len() => cuts.push(i + 1),
            '/' if before_letter && after_letter => {
                cuts.push(i);
                cuts.push(i + 1);
            }
            _ => {}
        }
    }
    cuts.push(chars.len());
    cuts.dedup();
    let n = chars.len() as f32;
    let w = word.bbox.width();
    cuts.windows(2)
        .filter(|c| c[0] < c[1])
        .map(|c| {
            let piece: String = chars[c[0]..c[1]].iter().collect();
            let x0 = word.bbox.x0 + w * c[0] as f32 / n;
            let x1 = word.bbox.x0 + w * c[1] as f32 / n;
            let bbox = BBox::new(x0, word.bbox.y0, x1, word.bbox.y1);
            Token::new(piece, bbox, word.confidence.clamp(0.0, 1.0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Word {
        Word {
            text: text.into(),
            bbox: BBox::new(0.1, 0.1, 0.5, 0.12),
            confidence: 0.9,
            line: 0,
        }
    }

    #[test]
    fn splits_glued_value_after_colon() {
        let t = tokens_of(&word("tên:NGUYỄN"));
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["tên:", "NGUYỄN"]);
        assert!(t[0].has_colon());
        assert!((t[0].bbox.x1 - 0.26).abs() < 1e-4);
    }

    #[test]
    fn a_six_in_a_word_keys_as_the_o_it_was() {
        assert_eq!(tokens_of(&word("S6:"))[0].key, "so");
        assert_eq!(tokens_of(&word("1986"))[0].key, "i986");
    }

    #[test]
    fn splits_slash_between_words_not_in_dates() {
        let texts: Vec<String> = tokens_of(&word("tính/Sex:"))
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(texts, ["tính", "/", "Sex:"]);
        let texts: Vec<String> = tokens_of(&word("05/03/2018"))
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(texts, ["05/03/2018"]);
    }

    #[test]
    fn punctuation_has_empty_key() {
        let t = tokens_of(&word("/"));
        assert!(t[0].is_punct());
        assert!(tokens_of(&word("  ")).is_empty());
    }
}
