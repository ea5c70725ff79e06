//! Vietnamese text utilities: normalisation, OCR-tolerant folding and value parsers.
//!
//! Every function here is total over arbitrary OCR output: bad input yields `None`,
//! never a panic, because scans routinely produce garbage tokens.

pub mod date;
pub mod enterprise;
pub mod ethnicity;
pub mod fold;
pub mod fuzzy;
pub mod gazetteer;
pub mod ids;
pub mod money;
pub mod name;
pub mod place;
pub mod sex;
pub mod syllable;

pub use date::{parse_date, parse_ddmmyyyy, parse_expiry, parse_year, Date, Expiry};
pub use enterprise::restore_legal_form;
pub use ethnicity::restore_ethnicity;
pub use fold::{clean, fold, is_spacing_modifier, label_key, mostly_capitals, nfc};
pub use fuzzy::{
    allowed_edits, bounded_levenshtein, fuzzy_score, levenshtein, match_label, substring_match,
};
pub use ids::{fix_digit_token, has_province_code, parse_enterprise_code, read_id, IdRead};
pub use money::parse_money;
pub use name::restore_family_name;
pub use place::{
    ends_with_province, extends_place, is_province, is_whole_division, opens_a_place,
    tidy_division, tidy_place, unreal_parts,
};
pub use sex::{parse_sex, Sex};
pub use syllable::is_vietnamese_syllable;
