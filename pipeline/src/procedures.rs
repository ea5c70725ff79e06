//! The administrative procedures hoso knows, and the fields each needs. Prefill answers
//! with what the registry already holds of these fields; the reuse report counts how many
//! came from the registry instead of from new documents.
//!
//! A built-in table for now: the few procedures the one-stop shops handle most, each with
//! the (document type, field key) pairs of the spec that its forms ask for. Codes are
//! hoso's own, readable names; a mapping to the national portal's numeric codes can be
//! added beside them when a procedure system needs it.

use std::fmt;
use std::str::FromStr;

use hoso_extractors::{DocumentType, FieldKey, FieldKey as K};
use serde::{Serialize, Serializer};

pub use crate::registry::field_keys;
use DocumentType::{
    BusinessRegistration as Biz, CitizenId as Id, MarriageCertificate as Marriage,
    ResidenceConfirmation as Residence,
};

/// One field of one document type, written `type.key` (`citizen_id.full_name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldRef {
    pub document_type: DocumentType,
    pub key: FieldKey,
}

impl FieldRef {
    pub fn new(document_type: DocumentType, key: FieldKey) -> Self {
        Self { document_type, key }
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.document_type.as_str(), self.key)
    }
}

impl Serialize for FieldRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldRefError {
    #[error("{0:?} is not a field reference of the form document_type.key")]
    Malformed(String),
    #[error("unknown document type {0:?}")]
    UnknownType(String),
    #[error("{key:?} is not a field of {document_type}")]
    UnknownKey { document_type: String, key: String },
}

impl FromStr for FieldRef {
    type Err = FieldRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (ty, key) = s
            .split_once('.')
            .ok_or_else(|| FieldRefError::Malformed(s.to_string()))?;
        let document_type = parse_document_type(ty)?;
        let Some(key) = FieldKey::parse(key).filter(|k| field_keys(document_type).contains(k))
        else {
            return Err(FieldRefError::UnknownKey {
                document_type: ty.to_string(),
                key: key.to_string(),
            });
        };
        Ok(FieldRef::new(document_type, key))
    }
}

/// A document type that records are made of: every type but `unknown`.
pub fn parse_document_type(s: &str) -> Result<DocumentType, FieldRefError> {
    match DocumentType::parse(s) {
        Some(t) if t != DocumentType::Unknown => Ok(t),
        _ => Err(FieldRefError::UnknownType(s.to_string())),
    }
}

/// Whose procedure it is: the dossier's subject must be of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    Citizen,
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    pub code: &'static str,
    pub name: &'static str,
    pub applicant: Applicant,
    pub needs: &'static [(DocumentType, FieldKey)],
}

impl Procedure {
    pub fn fields(&self) -> Vec<FieldRef> {
        self.needs
            .iter()
            .map(|(t, k)| FieldRef::new(*t, *k))
            .collect()
    }

    pub fn document_types(&self) -> Vec<DocumentType> {
        let mut types: Vec<DocumentType> = self.needs.iter().map(|(t, _)| *t).collect();
        types.sort();
        types.dedup();
        types
    }
}

/// The applicant's identity, as every citizen's form opens with it.
const PERSON: [(DocumentType, FieldKey); 5] = [
    (Id, K::IdNumber),
    (Id, K::FullName),
    (Id, K::DateOfBirth),
    (Id, K::Sex),
    (Id, K::PlaceOfResidence),
];

pub const PROCEDURES: &[Procedure] = &[
    Procedure {
        code: "birth_registration",
        name: "Đăng ký khai sinh",
        applicant: Applicant::Citizen,
        needs: &[
            PERSON[0],
            PERSON[1],
            PERSON[2],
            PERSON[4],
            (Marriage, K::WifeFullName),
            (Marriage, K::HusbandFullName),
            (Marriage, K::CertificateNumber),
            (Marriage, K::RegistrationDate),
            (Residence, K::PermanentResidence),
        ],
    },
    Procedure {
        code: "marriage_registration",
        name: "Đăng ký kết hôn",
        applicant: Applicant::Citizen,
        needs: &[
            PERSON[0],
            PERSON[1],
            PERSON[2],
            PERSON[3],
            PERSON[4],
            (Id, K::Nationality),
            (Residence, K::PermanentResidence),
            (Residence, K::CurrentResidence),
        ],
    },
    Procedure {
        code: "residence_registration",
        name: "Đăng ký thường trú",
        applicant: Applicant::Citizen,
        needs: &[
            PERSON[0],
            PERSON[1],
            PERSON[2],
            PERSON[3],
            (Id, K::PlaceOfOrigin),
            (Residence, K::CurrentResidence),
            (Residence, K::HouseholdHeadName),
            (Residence, K::RelationToHouseholdHead),
        ],
    },
    Procedure {
        code: "business_registration_change",
        name: "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        applicant: Applicant::Enterprise,
        needs: &[
            (Biz, K::EnterpriseCode),
            (Biz, K::EnterpriseName),
            (Biz, K::HeadOfficeAddress),
            (Biz, K::CharterCapitalVnd),
            (Biz, K::LegalRepresentativeName),
            (Biz, K::LegalRepresentativeIdNumber),
            (Biz, K::FirstRegistrationDate),
        ],
    },
];

pub fn procedure(code: &str) -> Option<&'static Procedure> {
    PROCEDURES.iter().find(|p| p.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_needed_field_is_a_field_of_the_spec() {
        for p in PROCEDURES {
            assert!(!p.needs.is_empty(), "{}", p.code);
            for f in p.fields() {
                let parsed: FieldRef = f.to_string().parse().unwrap();
                assert_eq!(parsed, f, "{}", p.code);
            }
            let mut unique = p.fields();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), p.needs.len(), "{} repeats a field", p.code);
        }
        assert!(procedure("birth_registration").is_some());
        assert!(procedure("nope").is_none());
    }

    #[test]
    fn field_references_are_checked_against_the_spec() {
        assert_eq!(
            "citizen_id.full_name".parse::<FieldRef>().unwrap(),
            FieldRef::new(DocumentType::CitizenId, FieldKey::FullName)
        );
        for (raw, err) in [
            (
                "full_name",
                "\"full_name\" is not a field reference of the form document_type.key",
            ),
            ("passport.number", "unknown document type \"passport\""),
            ("unknown.x", "unknown document type \"unknown\""),
            (
                "citizen_id.shoe_size",
                "\"shoe_size\" is not a field of citizen_id",
            ),
        ] {
            assert_eq!(raw.parse::<FieldRef>().unwrap_err().to_string(), err);
        }
    }
}
