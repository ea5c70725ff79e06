//! What every document extractor shares: value kinds, validation, confidence.

use crate::spec::FieldKey;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::layout::{
    candidate_values, joined_text, values_for, Hits, Layout, Line, Token, Value, ValueOpts,
};
use crate::model::{Evidence, Field, Method};
use crate::text::syllable::split_glued;
use crate::text::{
    allowed_edits, clean, fix_digit_token, fold, fuzzy_score, is_province, is_spacing_modifier,
    label_key, levenshtein, opens_a_place, parse_date, parse_enterprise_code, parse_expiry,
    parse_money, parse_sex, parse_year, read_id, restore_ethnicity, restore_family_name,
    restore_legal_form, substring_match, tidy_division, tidy_place, IdRead,
};

/// How a field's text is validated and normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person's name, kept as printed.
    Name,
    /// A name on an ID card, which prints names in capitals: words mostly in small
    /// letters are the label's own text, which OCR sometimes leaves where the name is.
    CapitalName,
    /// Free text: places, authorities, relations.
    Text,
    /// An enterprise's name, which opens with its legal form.
    Enterprise,
    /// One of Vietnam's ethnic groups, as the official list spells it when recognisable.
    Ethnicity,
    /// A place named by its administrative units alone (commune, district, province),
    /// as a card's place of origin: no house or street comes before its first unit.
    Division,
    /// A country, `Việt Nam` normalised when it is recognisably that.
    Nationality,
    Date,
    /// A date or `unlimited`.
    Expiry,
    Sex,
    /// Digits only, of one of these lengths.
    Id(&'static [usize]),
    EnterpriseCode,
    Money,
    Year,
    /// A register or book number as printed (`123`, `01/2018`, `05-TP/HT`).
    Reference,
}

impl Kind {
    /// Whether a valid reading was checked against a format, which makes it more
    /// trustworthy than free text.
    fn validated(self) -> bool {
        !matches!(
            self,
            Kind::Name
                | Kind::CapitalName
                | Kind::Text
                | Kind::Enterprise
                | Kind::Ethnicity
                | Kind::Division
                | Kind::Reference
        )
    }

    /// Whether a reading that fails the kind's check makes the readings under the
    /// label worth trying: a format checks it, or a name must be in capitals, which the
    /// label's translation garbled beside it (`Họ và tên / Pull`) is not.
    fn reads_below(self) -> bool {
        self.validated() || self == Kind::CapitalName
    }
}

/// A register book's number and year with the slash misread (`04I2015`, `04l2015`).
static BOOK_SLASH_MISREAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([0-9]{{1,3}}){}((?:19|20)[0-9]{{2}})$",
        crate::text::date::SLASH_OR_LOOKALIKE
    ))
    .expect("literal book number pattern")
});

/// A book number whose slash OCR read as the digit `1` (`0412016` for `04/2016`): two
/// digits of book, then a year. A certificate number counts within its book, so it is
/// far shorter than seven digits.
static BOOK_SLASH_AS_ONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{2})1((?:19|20)[0-9]{2})$").expect("literal book number pattern")
});

/// Why a reading was rejected: `Some` carries a warning worth reporting.
pub type Rejection = Option<String>;

/// A letter of a word, which spacing modifiers (`ˆ`) are not.
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_spacing_modifier(c)
}

fn letters(s: &str) -> usize {
    s.chars().filter(|&c| is_letter(c)).count()
}

/// Most words a country's name takes in Vietnamese (`Cộng hòa Séc`, `Vương quốc Anh`).
const MAX_COUNTRY_WORDS: usize = 4;

/// English words of the card's labels near the nationality, which no country's
/// Vietnamese name holds.
const LABEL_WORDS: &[&str] = &["place", "origin", "residence", "nationality"];

/// Whether `t` is a label read where the country was lost: it opens with the English
/// label `Nationality` cut short (`Nationa`, `Natic`; four letters at least, one
/// misread) or holds a word of a neighbouring label (`of residence`).
fn is_nationality_label_cut(t: &str) -> bool {
    const LABEL: &str = "nationality";
    let words: Vec<String> = fold(t)
        .split(' ')
        .map(|w| w.chars().filter(|c| c.is_alphabetic()).collect())
        .collect();
    let first = words.first().cloned().unwrap_or_default();
    let n = first.chars().count();
    ((4..=LABEL.len()).contains(&n) && levenshtein(&first, &LABEL[..n]) <= 1)
        || words.iter().any(|w| LABEL_WORDS.contains(&w.as_str()))
}

/// The contract form of `text` read as `kind`.
pub fn normalize(kind: Kind, text: &str) -> Result<String, Rejection> {
    let t = clean(text);
    match kind {
        Kind::Name => {
            // Digits and lone marks in a name are scanning noise, not part of it, and so
            // are marks at a word's edge (`'TRẦN`). A name has no punctuation, so a mark
            // between letters is a misread space (`KIM.NGỌC`).
            let words: Vec<&str> = t
                .split([' ', '.', ','])
                .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                .map(|w| w.trim_matches(|c: char| !is_letter(c)))
                .filter(|w| letters(w) > 0)
                .collect();
            // Every word of a Vietnamese name is one syllable: a longer one is two or
            // three that OCR read without the space between them (`THỊYẾN`).
            let words: Vec<String> = words
                .iter()
                .flat_map(|w| split_glued(w).unwrap_or_else(|| vec![w.to_string()]))
                .collect();
            let name = words.join(" ");
            if letters(&name) >= 2 {
                Ok(restore_family_name(&name))
            } else {
                Err(None)
            }
        }
        Kind::CapitalName => {
            let name = normalize(Kind::Name, &t)?;
            let capitals = name.chars().filter(|c| c.is_uppercase()).count();
            if capitals * 5 >= letters(&name) * 4 {
                Ok(name)
            } else {
                Err(None)
            }
        }
        Kind::Text => {
            if letters(&t) >= 2 {
                Ok(tidy_place(&t))
            } else {
                Err(None)
            }
        }
        Kind::Ethnicity => {
            if letters(&t) < 2 {
                return Err(None);
            }
            Ok(restore_ethnicity(&t).map_or(t, str::to_string))
        }
        Kind::Enterprise => {
            if letters(&t) >= 2 {
                Ok(restore_legal_form(&tidy_place(&t)))
            } else {
                Err(None)
            }
        }
        Kind::Division => {
            if letters(&t) >= 2 {
                Ok(tidy_division(&t))
            } else {
                Err(None)
            }
        }
        Kind::Nationality => {
            // No country's name holds a digit: such a reading is a garbled label
            // (`Na6orsalty`) or a speck, not the value.
            if letters(&t) < 2 || t.chars().any(|c| c.is_ascii_digit()) {
                return Err(None);
            }
            let key = label_key(&t);
            let viet_nam = label_key("Việt Nam");
            // OCR sometimes glues a garbled label to the value (`Nauonaliy: Việt Nam`):
            // the country still ends the text.
            let ends_the_text = || {
                substring_match(&viet_nam, &key, allowed_edits(viet_nam.chars().count()))
                    .is_some_and(|(_, end, _)| end == key.chars().count())
            };
            if fuzzy_score(&viet_nam, &key).is_some() || ends_the_text() {
                Ok("Việt Nam".to_string())
            } else if t.contains([',', ':'])
                || t.split(' ').count() > MAX_COUNTRY_WORDS
                || t.split(' ').any(opens_a_place)
                || is_province(&t)
                || is_nationality_label_cut(&t)
            {
                // An address or a label read where the country was lost.
                Err(None)
            } else {
                Ok(t)
            }
        }
        Kind::Date => parse_date(&t)
            .map(|d| d.iso())
            .ok_or_else(|| Some(format!("could not read a date in '{t}'"))),
        Kind::Expiry => parse_expiry(&t)
            .map(|e| e.value())
            .ok_or_else(|| Some(format!("could not read a date in '{t}'"))),
        Kind::Sex => parse_sex(&t).map(|s| s.as_str().to_string()).ok_or(None),
        Kind::Id(lengths) => match read_id(&t, lengths) {
            Some(IdRead::Valid(d)) => Ok(d),
            Some(IdRead::WrongLength(d)) => {
                let want: Vec<String> = lengths.iter().map(|l| l.to_string()).collect();
                Err(Some(format!(
                    "read {} digits '{d}', expected {}",
                    d.len(),
                    want.join(" or ")
                )))
            }
            None => Err(None),
        },
        Kind::EnterpriseCode => parse_enterprise_code(&t)
            .ok_or_else(|| Some(format!("no 10-digit enterprise code in '{t}'"))),
        Kind::Money => parse_money(&t)
            .map(|v| v.to_string())
            .ok_or_else(|| Some(format!("could not read an amount in '{t}'"))),
        Kind::Year => parse_year(&t).map(|y| y.to_string()).ok_or(None),
        Kind::Reference => {
            let first = t.split(' ').next().unwrap_or("");
            let r = first.trim_matches(|c: char| !c.is_alphanumeric());
            // A book number is `NN/YYYY`; a slash read as a letter or a bar is one.
            if let Some(c) = BOOK_SLASH_MISREAD
                .captures(r)
                .or_else(|| BOOK_SLASH_AS_ONE.captures(r))
            {
                return Ok(format!("{}/{}", &c[1], &c[2]));
            }
            let r = fix_digit_token(r).unwrap_or_else(|| r.to_string());
            if r.chars().any(|c| c.is_ascii_digit()) {
                Ok(r)
            } else {
                Err(None)
            }
        }
    }
}

/// Rounds to three decimals so confidences read cleanly and compare stably.
pub fn round3(v: f32) -> f32 {
    (v.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// Confidence of a printed value: the OCR's own confidence, discounted by how loosely
/// the label matched and by whether a format vouches for the value.
pub fn printed_confidence(v: &Value, kind: Kind) -> f32 {
    let label = 0.7 + 0.3 * v.label_score;
    let format = if kind.validated() { 1.0 } else { 0.95 };
    round3(v.ocr_confidence * label * format)
}

/// A field read from printed text.
pub fn printed_field(v: &Value, value: String, kind: Kind) -> Field {
    Field {
        value,
        confidence: printed_confidence(v, kind),
        method: printed_method(v.method),
        evidence: vec![Evidence {
            page: v.page,
            bbox: v.bbox,
            raw: v.raw.clone(),
        }],
    }
}

/// How a value printed on the page was read: from its text layer, or by OCR (whatever
/// engine step produced the words).
fn printed_method(page: Method) -> Method {
    match page {
        Method::TextLayer => Method::TextLayer,
        _ => Method::Ocr,
    }
}

/// A field read from the page's text without a label to vouch for it (a nationality at
/// the end of the sex line, an expiry by its date alone): `words` are its tokens on
/// `line`, and `confidence` is already discounted for the missing label.
pub fn unlabelled_field(value: String, confidence: f32, line: &Line, words: &[&Token]) -> Field {
    let bbox = words
        .iter()
        .map(|t| t.bbox)
        .reduce(|a, b| a.union(&b))
        .unwrap_or(line.bbox);
    Field {
        value,
        confidence,
        method: printed_method(line.method),
        evidence: vec![Evidence {
            page: line.page,
            bbox,
            raw: joined_text(words.iter().copied()),
        }],
    }
}

/// The mean confidence of the words a value was read from.
pub fn mean_confidence(words: &[&Token]) -> f32 {
    words.iter().map(|t| t.confidence).sum::<f32>() / words.len().max(1) as f32
}

/// A nationality read as its country's first word alone, the second lost at the line's
/// end (a phone photo's edge): `Việt` is `Việt Nam`, since no other country's name
/// opens with it. Not part of `normalize`, so that evidence keeps both words when both
/// were read.
pub fn complete_country(value: &str) -> String {
    if label_key(value) == label_key("Việt") {
        "Việt Nam".to_string()
    } else {
        value.to_string()
    }
}

/// One field read by label.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub field: FieldKey,
    pub label: &'static str,
    pub kind: Kind,
    pub opts: ValueOpts,
}

impl Rule {
    pub const fn new(field: FieldKey, label: &'static str, kind: Kind) -> Rule {
        let opts = match kind {
            // Forms print "CCCD số" and wrap the number itself onto the next line.
            Kind::Id(_) => ValueOpts {
                multiline: true,
                max_lines: 2,
                name_wrap: false,
            },
            Kind::Name | Kind::CapitalName => ValueOpts {
                name_wrap: true,
                ..ValueOpts::SINGLE
            },
            _ => ValueOpts::SINGLE,
        };
        Rule {
            field,
            label,
            kind,
            opts,
        }
    }

    /// The value may wrap onto following lines (addresses).
    pub const fn multiline(mut self) -> Rule {
        self.opts = ValueOpts::MULTI;
        self
    }
}

/// Fields and warnings as they accumulate for one document.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub fields: BTreeMap<FieldKey, Field>,
    pub warnings: Vec<String>,
}

impl Output {
    /// Sets `field` unless it is already set by an earlier, preferred rule.
    pub fn offer(&mut self, field: FieldKey, f: Field) {
        self.fields.entry(field).or_insert(f);
    }

    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }
}

/// Narrows a formatted value to the shortest run of its tokens that still reads the
/// same, so the evidence shows `05/03/2039` and not the words OCR put beside it.
pub fn focus(v: Value, kind: Kind, value: &str) -> Value {
    if !kind.validated() && kind != Kind::Reference {
        return v;
    }
    let same = |c: &Value| normalize(kind, &c.text).is_ok_and(|x| x == value);
    let n = v.tokens.len();
    let Some(end) = (1..=n).find(|&e| same(&v.span(0, e))) else {
        return v;
    };
    let start = (0..end).rev().find(|&s| same(&v.span(s, end))).unwrap_or(0);
    v.span(start, end)
}

/// The first value of the rule's label that validates, with the warning of the first
/// rejected reading when none does.
pub fn read_rule(
    layout: &Layout,
    hits: &Hits,
    rule: &Rule,
) -> (Option<(Value, String)>, Option<String>) {
    let mut warning = None;
    let values: Box<dyn Iterator<Item = Value>> = if rule.kind.reads_below() {
        Box::new(candidate_values(layout, hits, rule.label, rule.opts))
    } else {
        Box::new(values_for(layout, hits, rule.label, rule.opts))
    };
    for v in values {
        match normalize(rule.kind, &v.text) {
            Ok(value) => return (Some((focus(v, rule.kind, &value), value)), None),
            Err(Some(w)) if warning.is_none() => warning = Some(format!("{}: {w}", rule.field)),
            Err(_) => {}
        }
    }
    (None, warning)
}

/// Applies `rules` in order; a field already set is left alone.
/// A certificate number read without its label counts for less than one read beside it.
const UNLABELLED_CERTIFICATE_NUMBER: f32 = 0.6;
/// Most digits a register's entry number has.
const CERTIFICATE_NUMBER_DIGITS: usize = 6;

/// The certificate number of a civil-status extract whose `Số:` label was lost: the
/// extract prints it on the line right above the book's (`Số: 431` over `Quyển số:
/// 02/2023`), so a line there that holds one short number under the book's label and
/// nothing else is it. Not a lone digit, which a speck reads as.
pub fn certificate_number_above_book(layout: &Layout, hits: &Hits, out: &mut Output) {
    if out.fields.contains_key(&FieldKey::CertificateNumber) {
        return;
    }
    let Some(book) = hits.all.iter().find(|h| h.key == "book_number") else {
        return;
    };
    let Some(above) = book.line.checked_sub(1).map(|i| &layout.lines[i]) else {
        return;
    };
    let below = &layout.lines[book.line];
    let words: Vec<&Token> = above.tokens.iter().filter(|t| !t.is_punct()).collect();
    let [number] = words.as_slice() else {
        return;
    };
    let bare = number.text.trim_matches(|c: char| !c.is_alphanumeric());
    let digits = fix_digit_token(bare).unwrap_or_else(|| bare.to_string());
    // Under the book's label, where the lost `Số:` left it, not a speck beside it.
    let h = below.height;
    let under = number.bbox.x0 >= book.bbox.x0 - h && number.bbox.x0 <= book.bbox.x0 + 6.0 * h;
    let near = above.page == below.page && below.bbox.y0 - above.bbox.y1 < 2.0 * h;
    if near
        && under
        && (2..=CERTIFICATE_NUMBER_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        let field = unlabelled_field(
            digits,
            UNLABELLED_CERTIFICATE_NUMBER * number.confidence,
            above,
            &[number],
        );
        out.fields.insert(FieldKey::CertificateNumber, field);
    }
}

pub fn apply_rules(layout: &Layout, hits: &Hits, rules: &[Rule], out: &mut Output) {
    for rule in rules {
        if out.fields.contains_key(&rule.field) {
            continue;
        }
        match read_rule(layout, hits, rule) {
            (Some((v, value)), _) => out.offer(rule.field, printed_field(&v, value, rule.kind)),
            (None, Some(w)) => out.warn(w),
            (None, None) => {}
        }
    }
}

/// How certificates label a person's full name ("surname, middle and given name").
pub const PERSON_NAME_LABELS: &[&str] = &[
    "Họ, chữ đệm, tên",
    "Họ, chữ đệm và tên",
    "Họ và tên",
    "Họ tên",
];

/// How certificates label a date of birth.
pub const DATE_OF_BIRTH_LABELS: &[&str] = &["Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày"];

#[cfg(test)]
mod tests {
    use super::*;

    fn number_above_book(lines: &[&str]) -> Option<String> {
        use crate::layout::{find_hits, test_layout, Label};
        const VOCAB: &[Label] = &[
            Label::new("certificate_number", &["Số"], &[]),
            Label::new("book_number", &["Quyển số"], &[]),
        ];
        let at_margin: Vec<(f32, &str)> = lines.iter().map(|l| (0.1, *l)).collect();
        let layout = test_layout(&at_margin);
        let hits = find_hits(&layout, VOCAB);
        let mut out = Output::default();
        certificate_number_above_book(&layout, &hits, &mut out);
        out.fields
            .get(&FieldKey::CertificateNumber)
            .map(|f| f.value.clone())
    }

    #[test]
    fn a_certificate_number_whose_label_was_lost_stands_above_the_book() {
        assert_eq!(
            number_above_book(&["431", "Quyển số: 02/2023"]).as_deref(),
            Some("431")
        );
        // Anything else on that line, or nothing there: no number.
        assert_eq!(number_above_book(&["Số: FT", "Quyển số: 01/2024"]), None);
        assert_eq!(
            number_above_book(&["Phường 4 431", "Quyển số: 01/2024"]),
            None
        );
        assert_eq!(number_above_book(&["Quyển số: 01/2024"]), None);
        assert_eq!(number_above_book(&["1", "Quyển số: 01/2024"]), None);
    }

    #[test]
    fn names_drop_spacing_modifiers_read_from_specks() {
        assert_eq!(
            normalize(Kind::Name, "ˆ TRƯƠNG VĂN QUANG DŨNG").as_deref(),
            Ok("TRƯƠNG VĂN QUANG DŨNG")
        );
    }

    #[test]
    fn names_drop_noise_tokens() {
        assert_eq!(
            normalize(Kind::Name, "NGUYỄN VĂN | AN 1").as_deref(),
            Ok("NGUYỄN VĂN AN")
        );
        assert_eq!(normalize(Kind::Name, "1 2"), Err(None));
        assert_eq!(
            normalize(Kind::Name, "'TRẦN THỊ PHƯƠNG ANH").as_deref(),
            Ok("TRẦN THỊ PHƯƠNG ANH")
        );
        assert_eq!(
            normalize(Kind::Name, "LÊ KIM.NGỌC,").as_deref(),
            Ok("LÊ KIM NGỌC")
        );
        assert_eq!(
            normalize(Kind::Name, "DƯƠNG THỊYẾN").as_deref(),
            Ok("DƯƠNG THỊ YẾN")
        );
        // Ê Đê names carry an apostrophe inside a word.
        assert_eq!(
            normalize(Kind::Name, "H'HEN NIÊ").as_deref(),
            Ok("H'HEN NIÊ")
        );
        assert_eq!(
            normalize(Kind::CapitalName, "ĐINH THỊ NGỌC").as_deref(),
            Ok("ĐINH THỊ NGỌC")
        );
        assert_eq!(
            normalize(Kind::CapitalName, "Surname, middle and given"),
            Err(None)
        );
    }

    #[test]
    fn nationality_is_canonical_when_recognisable() {
        assert_eq!(
            normalize(Kind::Nationality, "Viêt Nam").as_deref(),
            Ok("Việt Nam")
        );
        assert_eq!(
            normalize(Kind::Nationality, "Viet Narn").as_deref(),
            Ok("Việt Nam")
        );
        assert_eq!(
            normalize(Kind::Nationality, "Nauonaliy: Việt Nam").as_deref(),
            Ok("Việt Nam")
        );
        assert_eq!(normalize(Kind::Nationality, "Lào").as_deref(), Ok("Lào"));
        // Its second word lost at the line's end.
        assert_eq!(complete_country("Việt"), "Việt Nam");
        assert_eq!(complete_country("Lào"), "Lào");
        assert_eq!(normalize(Kind::Nationality, "Na6orsalty"), Err(None));
        for label_or_place in [
            "Nationa",
            "Natic",
            "of residence",
            "Thôn Đông. Xã Minh",
            "Hưng Yên",
        ] {
            assert_eq!(normalize(Kind::Nationality, label_or_place), Err(None));
        }
        assert_eq!(
            normalize(Kind::Nationality, "ordgfn: Phường Láng Hạ, Quận Thanh"),
            Err(None)
        );
        assert_eq!(
            normalize(Kind::Nationality, "Vương quốc Anh").as_deref(),
            Ok("Vương quốc Anh")
        );
    }

    #[test]
    fn ids_of_wrong_length_are_rejected_with_a_reason() {
        assert_eq!(
            normalize(Kind::Id(&[12]), "001099012345").as_deref(),
            Ok("001099012345")
        );
        assert_eq!(
            normalize(Kind::Id(&[12]), "00109901234"),
            Err(Some(
                "read 11 digits '00109901234', expected 12".to_string()
            ))
        );
    }

    #[test]
    fn references_keep_their_form() {
        assert_eq!(
            normalize(Kind::Reference, "123/2018").as_deref(),
            Ok("123/2018")
        );
        assert_eq!(normalize(Kind::Reference, "01 ").as_deref(), Ok("01"));
        assert_eq!(
            normalize(Kind::Reference, "04I2015").as_deref(),
            Ok("04/2015")
        );
        assert_eq!(
            normalize(Kind::Reference, "0412016").as_deref(),
            Ok("04/2016")
        );
        assert_eq!(
            normalize(Kind::Reference, "1252016").as_deref(),
            Ok("1252016")
        );
        assert_eq!(normalize(Kind::Reference, "O2").as_deref(), Ok("02"));
        assert_eq!(normalize(Kind::Reference, "....."), Err(None));
    }
}
