//! Checks of what callers type before it reaches the registry: subject ids, dossier
//! codes, free text, corrected values against their field's format, procedures and the
//! applicants they are for, and lists of document types.

use hoso_extractors::{DocumentType, FieldKey, Format};
use unicode_normalization::UnicodeNormalization;

use crate::procedures::{self, parse_document_type, Applicant, Procedure};
use crate::registry::{SubjectId, SubjectKind};
use crate::service_error::ServiceError;

pub(super) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(message.into())
}

/// A subject's identifier as the registry reads it (`SubjectId::parse`), as a 400.
pub fn parse_subject(raw: &str) -> Result<SubjectId, ServiceError> {
    SubjectId::parse(raw).map_err(|e| invalid(e.to_string()))
}

/// Dossier codes become url path segments and log lines: a conservative alphabet.
pub(super) fn check_dossier_code(code: &str) -> Result<(), ServiceError> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "{code:?} is not a dossier code: 1 to 64 letters, digits, '.', '-' or '_'"
        )))
    }
}

/// Values typed by people: NFC, single spaces, trimmed, as the spec stores them.
pub(crate) fn normalise_text(raw: &str) -> String {
    raw.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn check_text(what: &str, raw: &str, max_chars: usize) -> Result<String, ServiceError> {
    let text = normalise_text(raw);
    if text.is_empty() {
        return Err(invalid(format!("{what} must not be empty")));
    }
    if text.chars().count() > max_chars {
        return Err(invalid(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(format!("{what} must not hold control characters")));
    }
    Ok(text)
}

/// A corrected value must have its field's format (`DocumentSpec`), so that a
/// correction can never store what extraction would not.
pub(super) fn check_value_format(
    key: FieldKey,
    format: Format,
    value: &str,
) -> Result<(), ServiceError> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let is_date = |s: &str| {
        let b = s.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && all_digits(&s[..4])
            && all_digits(&s[5..7])
            && all_digits(&s[8..])
            && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&s[8..].parse::<u32>().unwrap_or(0))
    };
    let ok = match format {
        Format::Date => is_date(value),
        Format::Expiry => value == "unlimited" || is_date(value),
        Format::Sex => value == "male" || value == "female",
        Format::Digits(lengths) => all_digits(value) && lengths.contains(&value.len()),
        Format::Year => value.len() == 4 && all_digits(value),
        Format::Money => all_digits(value),
        Format::EnterpriseCode => {
            parse_subject(value).is_ok_and(|s| s.kind == SubjectKind::Enterprise)
        }
        Format::Text
        | Format::Name
        | Format::Place
        | Format::Reference
        | Format::Country
        | Format::Ethnicity => true,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "{value:?} is not a valid value for {key} (see the document types spec for its format)"
        )))
    }
}

pub(crate) fn find_procedure(code: &str) -> Result<&'static Procedure, ServiceError> {
    procedures::procedure(code).ok_or_else(|| ServiceError::UnknownProcedure(code.to_string()))
}

pub(crate) fn check_applicant(
    procedure: &Procedure,
    subject: &SubjectId,
) -> Result<(), ServiceError> {
    let fits = matches!(
        (procedure.applicant, &subject.kind),
        (Applicant::Citizen, SubjectKind::Citizen)
            | (Applicant::Enterprise, SubjectKind::Enterprise)
    );
    if fits {
        Ok(())
    } else {
        Err(invalid(format!(
            "procedure {} is for {}, and {} is not one",
            procedure.code,
            match procedure.applicant {
                Applicant::Citizen => "a citizen (12-digit id number)",
                Applicant::Enterprise => "an enterprise (enterprise code)",
            },
            subject.value
        )))
    }
}

pub(super) fn parse_types(raw: &[String]) -> Result<Vec<DocumentType>, ServiceError> {
    let mut types = Vec::new();
    for t in raw.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if t.is_empty() {
            continue;
        }
        let t = parse_document_type(t)?;
        if !types.contains(&t) {
            types.push(t);
        }
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_ids_are_citizen_numbers_or_enterprise_codes() {
        let s = parse_subject(" 001099012345 ").unwrap();
        assert_eq!(
            (s.kind, s.value.as_str()),
            (SubjectKind::Citizen, "001099012345")
        );
        let s = parse_subject("0101234567").unwrap();
        assert_eq!(s.kind, SubjectKind::Enterprise);
        let s = parse_subject("0101234567-001").unwrap();
        assert_eq!(
            (s.kind, s.value.as_str()),
            (SubjectKind::Enterprise, "0101234567-001")
        );
        for bad in [
            "",
            "12345",
            "00109901234x",
            "0010990123456",
            "0101234567-1",
            "../etc",
            "001 099 012 345",
        ] {
            assert!(parse_subject(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn corrections_must_have_the_spec_format() {
        for (key, value, ok) in [
            ("date_of_birth", "1990-02-28", true),
            ("date_of_birth", "28/02/1990", false),
            ("registration_date", "2020-13-01", false),
            ("date_of_expiry", "unlimited", true),
            ("sex", "female", true),
            ("sex", "Nữ", false),
            ("id_number", "001099012345", true),
            ("wife_id_number", "00109901234", false),
            ("previous_id_number", "123456789", true),
            ("mother_birth_year", "1965", true),
            ("charter_capital_vnd", "5.000.000", false),
            ("enterprise_code", "0101234567-001", true),
            ("full_name", "NGUYỄN VĂN AN", true),
        ] {
            let key = FieldKey::parse(key).expect("a field key");
            let format = DocumentType::ALL
                .iter()
                .find_map(|t| t.format_of(key))
                .expect("some type has it");
            assert_eq!(
                check_value_format(key, format, value).is_ok(),
                ok,
                "{key} {value}"
            );
        }
    }

    #[test]
    fn typed_text_is_normalised_and_bounded() {
        assert_eq!(
            check_text("v", "  Nguyê\u{0303}n   Văn\tAn ", 100).unwrap(),
            "Nguyễn Văn An"
        );
        assert!(check_text("v", "   ", 100).is_err());
        assert!(check_text("v", "abc", 2).is_err());
        assert!(check_dossier_code("000.00.00.H01-240101-0001").is_ok());
        assert!(check_dossier_code("a/b").is_err());
        assert!(check_dossier_code("").is_err());
    }
}
