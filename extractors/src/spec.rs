//! The document types as data: each type's fields, their formats, which of them name the
//! record's subjects and make its content key, and where its classification signals and
//! field rules live. Everything else that lists fields (the registry's rules, the
//! procedures, the evaluation, the specimen generator's truth) asks these tables.
//!
//! Field keys are the extraction contract of `shared/spec/document-types.md`; a key is a
//! [`FieldKey`], so a mistyped one does not compile. A new type is one module under
//! `fields/` that defines its `SPEC`, plus its arm in [`DocumentType::spec`].

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::classify::Keyword;
use crate::fields::constraints::Constraint;
use crate::fields::solve::Reading;
use crate::layout::Layout;
use crate::model::{DocumentType, PageText};

macro_rules! field_keys {
    ($($variant:ident => $key:literal,)*) => {
        /// Every field key of the extraction contract, of every document type.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FieldKey {
            $($variant,)*
        }

        impl FieldKey {
            pub const ALL: &'static [FieldKey] = &[$(FieldKey::$variant,)*];

            /// The key as the contract spells it (`date_of_birth`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(FieldKey::$variant => $key,)*
                }
            }
        }
    };
}

field_keys! {
    IdNumber => "id_number",
    FullName => "full_name",
    DateOfBirth => "date_of_birth",
    Sex => "sex",
    Nationality => "nationality",
    PlaceOfOrigin => "place_of_origin",
    PlaceOfResidence => "place_of_residence",
    PlaceOfBirthRegistration => "place_of_birth_registration",
    DateOfIssue => "date_of_issue",
    DateOfExpiry => "date_of_expiry",
    PreviousIdNumber => "previous_id_number",
    Ethnicity => "ethnicity",
    PlaceOfBirth => "place_of_birth",
    PersonalIdNumber => "personal_id_number",
    MotherFullName => "mother_full_name",
    MotherBirthYear => "mother_birth_year",
    FatherFullName => "father_full_name",
    FatherBirthYear => "father_birth_year",
    RegistrationAuthority => "registration_authority",
    RegistrationDate => "registration_date",
    CertificateNumber => "certificate_number",
    BookNumber => "book_number",
    WifeFullName => "wife_full_name",
    WifeDateOfBirth => "wife_date_of_birth",
    WifeIdNumber => "wife_id_number",
    HusbandFullName => "husband_full_name",
    HusbandDateOfBirth => "husband_date_of_birth",
    HusbandIdNumber => "husband_id_number",
    EnterpriseCode => "enterprise_code",
    EnterpriseName => "enterprise_name",
    HeadOfficeAddress => "head_office_address",
    CharterCapitalVnd => "charter_capital_vnd",
    LegalRepresentativeName => "legal_representative_name",
    LegalRepresentativeIdNumber => "legal_representative_id_number",
    FirstRegistrationDate => "first_registration_date",
    PermanentResidence => "permanent_residence",
    TemporaryResidence => "temporary_residence",
    CurrentResidence => "current_residence",
    HouseholdHeadName => "household_head_name",
    RelationToHouseholdHead => "relation_to_household_head",
}

impl FieldKey {
    pub fn parse(s: &str) -> Option<FieldKey> {
        FieldKey::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// Keys order as their spelling does, so maps keyed by them list fields as the JSON does.
impl Ord for FieldKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for FieldKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for FieldKey {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// A value's format, as the contract's "Value formats" states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Free text (an authority, a relation).
    Text,
    /// A person's name, kept as printed.
    Name,
    /// A place as printed; see the contract's "Places as units".
    Place,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD` or `unlimited`.
    Expiry,
    /// `male` or `female`.
    Sex,
    /// Digits only, of one of these lengths (12 for a personal identification number,
    /// 9 for an old CMND).
    Digits(&'static [usize]),
    /// 10 digits, or 10 digits `-` 3 digits for a branch.
    EnterpriseCode,
    /// Four digits.
    Year,
    /// An integer number of đồng.
    Money,
    /// A register or book number as printed.
    Reference,
    /// A country as printed (`Việt Nam`).
    Country,
    /// One of the official ethnic groups.
    Ethnicity,
}

/// Who a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A citizen, by the 12-digit personal identification number.
    Citizen,
    /// An enterprise, by its 10-digit code, or `10 digits-3 digits` for a branch.
    Enterprise,
}

impl SubjectKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SubjectKind::Citizen => "citizen",
            SubjectKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Citizen, Self::Enterprise]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// One field of a document type.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: FieldKey,
    pub format: Format,
    /// The kind of subject this field's value names, when it names one.
    pub subject: Option<SubjectKind>,
    /// Part of the content key: two documents of the type with the same values of these
    /// fields are one record.
    pub content_key: bool,
    /// The field is the name of the person whose id number this other field holds, so a
    /// card of that number in the same dossier spells it.
    pub name_of: Option<FieldKey>,
    /// The field says where the document's subject lives; the rank orders the types that
    /// say so, the most telling (0) first.
    pub home: Option<u8>,
}

impl FieldSpec {
    pub const fn new(key: FieldKey, format: Format) -> FieldSpec {
        FieldSpec {
            key,
            format,
            subject: None,
            content_key: false,
            name_of: None,
            home: None,
        }
    }

    /// The field is the name of the person whose id number `id` holds.
    pub const fn name_of(mut self, id: FieldKey) -> FieldSpec {
        self.name_of = Some(id);
        self
    }

    /// The field says where the subject lives, `rank` among the types that say so.
    pub const fn home(mut self, rank: u8) -> FieldSpec {
        self.home = Some(rank);
        self
    }

    /// The field names a subject of this kind.
    pub const fn names(mut self, kind: SubjectKind) -> FieldSpec {
        self.subject = Some(kind);
        self
    }

    /// The field is part of the content key.
    pub const fn keyed(mut self) -> FieldSpec {
        self.content_key = true;
        self
    }
}

/// A document type's schema and its reading.
pub struct DocumentSpec {
    pub document_type: DocumentType,
    /// In the contract's order.
    pub fields: &'static [FieldSpec],
    /// The subject kinds through which a newer verified record replaces an older one.
    pub supersedes_through: &'static [SubjectKind],
    /// The words that identify a page of this type.
    pub keywords: &'static [Keyword],
    /// What its values must meet together (`fields/constraints.rs`), in order.
    pub constraints: &'static [Constraint],
    /// Reads one document of the type from its pages' layout: the candidates of each
    /// field, for the solver (`fields/solve`) to pick from.
    pub extract: fn(&Layout, &[&PageText]) -> Reading,
}

impl DocumentSpec {
    pub fn field(&self, key: FieldKey) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The people the type names by name and id number: (name field, id field).
    pub fn people(&self) -> impl Iterator<Item = (FieldKey, FieldKey)> + '_ {
        self.fields
            .iter()
            .filter_map(|f| f.name_of.map(|id| (f.key, id)))
    }

    pub fn keys(&self) -> impl Iterator<Item = FieldKey> + '_ {
        self.fields.iter().map(|f| f.key)
    }

    /// The fields that name the record's subjects, with the kind each names.
    pub fn subject_fields(&self) -> impl Iterator<Item = (FieldKey, SubjectKind)> + '_ {
        self.fields
            .iter()
            .filter_map(|f| f.subject.map(|kind| (f.key, kind)))
    }

    /// The fields whose values make the content key, in the contract's order.
    pub fn content_key_fields(&self) -> impl Iterator<Item = FieldKey> + '_ {
        self.fields.iter().filter(|f| f.content_key).map(|f| f.key)
    }
}

impl DocumentType {
    /// The type's schema; `None` for `unknown`, which has no fields.
    pub fn spec(self) -> Option<&'static DocumentSpec> {
        use crate::fields::*;
        match self {
            DocumentType::CitizenId => Some(&citizen_id::SPEC),
            DocumentType::BirthCertificate => Some(&birth_certificate::SPEC),
            DocumentType::MarriageCertificate => Some(&marriage_certificate::SPEC),
            DocumentType::BusinessRegistration => Some(&business_registration::SPEC),
            DocumentType::ResidenceConfirmation => Some(&residence_confirmation::SPEC),
            DocumentType::Unknown => None,
        }
    }

    /// The type's field keys, in the contract's order; none for `unknown`.
    pub fn field_keys(self) -> Vec<FieldKey> {
        self.spec().map_or_else(Vec::new, |s| s.keys().collect())
    }

    /// The type's format for `key`, when the type has that field.
    pub fn format_of(self, key: FieldKey) -> Option<Format> {
        self.spec()?.field(key).map(|f| f.format)
    }
}

/// The format of `key` as the schemas give it (a key has one format in every type that
/// prints it).
pub fn format_of(key: FieldKey) -> Option<Format> {
    DocumentType::ALL
        .into_iter()
        .filter_map(|t| t.spec())
        .find_map(|s| s.field(key))
        .map(|f| f.format)
}

/// The fields that say where a subject lives (`FieldSpec::home`), the most telling first.
pub fn home_fields() -> Vec<(DocumentType, FieldKey)> {
    let mut homes: Vec<(u8, DocumentType, FieldKey)> = DocumentType::ALL
        .into_iter()
        .filter_map(|t| t.spec())
        .flat_map(|s| {
            s.fields
                .iter()
                .filter_map(move |f| f.home.map(|rank| (rank, s.document_type, f.key)))
        })
        .collect();
    homes.sort();
    homes.into_iter().map(|(_, t, k)| (t, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_order_as_spelled() {
        for &k in FieldKey::ALL {
            assert_eq!(FieldKey::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).expect("serialises"),
                format!("\"{}\"", k.as_str())
            );
        }
        let mut sorted = FieldKey::ALL.to_vec();
        sorted.sort();
        let spelled: Vec<&str> = sorted.iter().map(|k| k.as_str()).collect();
        let mut alphabetical = spelled.clone();
        alphabetical.sort();
        assert_eq!(spelled, alphabetical);
        assert_eq!(FieldKey::parse("id number"), None);
    }

    #[test]
    fn a_key_has_one_format_in_every_type() {
        for spec in DocumentType::ALL.into_iter().filter_map(|t| t.spec()) {
            for f in spec.fields {
                assert_eq!(format_of(f.key), Some(f.format), "{}", f.key);
            }
        }
    }

    #[test]
    fn people_and_homes_are_fields_of_their_type_in_the_right_formats() {
        for spec in DocumentType::ALL.into_iter().filter_map(|t| t.spec()) {
            for (name, id) in spec.people() {
                assert_eq!(spec.field(name).map(|f| f.format), Some(Format::Name));
                assert!(matches!(
                    spec.field(id).map(|f| f.format),
                    Some(Format::Digits(_))
                ));
            }
        }
        assert_eq!(
            home_fields(),
            [
                (
                    DocumentType::ResidenceConfirmation,
                    FieldKey::PermanentResidence
                ),
                (DocumentType::CitizenId, FieldKey::PlaceOfResidence),
                (
                    DocumentType::BusinessRegistration,
                    FieldKey::HeadOfficeAddress
                ),
            ]
        );
    }

    #[test]
    fn every_type_but_unknown_has_a_schema_of_its_own_keys() {
        for t in DocumentType::ALL {
            let Some(spec) = t.spec() else {
                assert_eq!(t, DocumentType::Unknown);
                continue;
            };
            assert_eq!(spec.document_type, t);
            let mut keys: Vec<FieldKey> = spec.keys().collect();
            let count = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), count, "{t:?} lists a key twice");
            assert!(spec.content_key_fields().count() > 0, "{t:?}");
            assert!(!spec.keywords.is_empty(), "{t:?}");
        }
        // Every key belongs to some type.
        for &k in FieldKey::ALL {
            assert!(
                DocumentType::ALL
                    .iter()
                    .any(|t| t.spec().is_some_and(|s| s.field(k).is_some())),
                "{k} belongs to no type"
            );
        }
    }
}
