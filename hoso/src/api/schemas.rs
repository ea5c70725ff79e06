//! The schemas of the values the API checks, built from the Rust types and tables that
//! check them (document types, field keys, procedures, roles) and from the exact rules of
//! the parsers (subject ids, dossier codes, typed text), so that `/openapi.json` states
//! every rule and a client or a fuzzer can rely on it.
//!
//! Patterns are written for every regex dialect a reader may use (ECMA-262, Python,
//! Rust): character classes are spelled out instead of `\s` or `\d`, whose meanings
//! differ between them, and whitespace is what Rust's `char::is_whitespace` calls so,
//! since that is what the service layer trims and collapses.

use std::borrow::Cow;

use hoso_extractors::DocumentType;
use hoso_pipeline::procedures::{field_keys, parse_document_type, Applicant, PROCEDURES};
use hoso_pipeline::registry::Role;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// The characters `char::is_whitespace` accepts (Unicode White_Space), as class contents.
const WS: &str = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// The control characters the service refuses in typed text: Unicode Cc less the
/// whitespace ones, which it collapses into spaces instead.
const CONTROL: &str = r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f";

/// The longest correction value or reason, in characters as sent.
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest purpose, in characters as sent.
pub const MAX_PURPOSE_CHARS: usize = 500;
/// The longest text part of the dossier form, in characters.
pub const MAX_FORM_TEXT_CHARS: usize = 256;
/// The most fields one prefill may ask for (the service's bound).
pub const MAX_PREFILL_FIELDS: usize = 200;

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Any text with at least one character that is not whitespace, and no control
/// character but whitespace.
fn text_pattern() -> String {
    format!("^[^{CONTROL}]*[^{WS}{CONTROL}][^{CONTROL}]*$")
}

fn padded(core: &str) -> String {
    format!("^[{WS}]*(?:{core})[{WS}]*$")
}

const CITIZEN: &str = "[0-9]{12}";
const ENTERPRISE: &str = "[0-9]{10}(?:-[0-9]{3})?";

/// Every type a record can have: all but `unknown`.
pub fn record_types() -> Vec<DocumentType> {
    DocumentType::ALL
        .into_iter()
        .filter(|t| parse_document_type(t.as_str()).is_ok())
        .collect()
}

/// Every field of every record type, as `type.key`.
pub fn field_refs() -> Vec<String> {
    record_types()
        .into_iter()
        .flat_map(|t| {
            field_keys(t)
                .into_iter()
                .map(move |k| format!("{}.{k}", t.as_str()))
        })
        .collect()
}

/// Every role. The match makes adding a role without listing it here a compile error.
pub fn roles() -> Vec<Role> {
    let all = [
        Role::Clerk,
        Role::ProcedureSystem,
        Role::Auditor,
        Role::Admin,
    ];
    for role in all {
        match role {
            Role::Clerk | Role::ProcedureSystem | Role::Auditor | Role::Admin => {}
        }
    }
    all.to_vec()
}

fn procedures_for(applicant: Option<Applicant>) -> Vec<&'static str> {
    PROCEDURES
        .iter()
        .filter(|p| applicant.is_none_or(|a| p.applicant == a))
        .map(|p| p.code)
        .collect()
}

/// One of the schemas below as JSON, to be written out where it is used.
fn inline<T: PartialSchema>() -> Value {
    serde_json::to_value(T::schema()).unwrap_or(Value::Null)
}

/// A `$ref` to one of the schemas below.
pub fn reference<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// A named schema: a unit type whose `PartialSchema` builds it and whose name is its
/// component's.
macro_rules! named_schema {
    ($(#[$doc:meta])* $ty:ident, $build:expr) => {
        $(#[$doc])*
        pub struct $ty;

        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                let built: ObjectBuilder = $build;
                RefOr::T(Schema::Object(built.build()))
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($ty))
            }
        }
    };
}

named_schema!(
    /// A citizen's 12-digit number or an enterprise's code.
    SubjectId,
    string()
        .pattern(Some(padded(&format!("{CITIZEN}|{ENTERPRISE}"))))
        .description(Some(
            "a citizen's 12-digit personal identification number, or an enterprise code \
             (10 digits, or 10 digits, a dash and 3 digits for a branch); whitespace around \
             it is ignored",
        ))
        .examples([json!("001099012345"), json!("0101234567"), json!("0101234567-001")])
);

named_schema!(
    CitizenNumber,
    string()
        .pattern(Some(padded(CITIZEN)))
        .description(Some(
            "a citizen's 12-digit personal identification number; whitespace around it is ignored",
        ))
        .examples([json!("001099012345")])
);

named_schema!(
    EnterpriseCode,
    string()
        .pattern(Some(padded(ENTERPRISE)))
        .description(Some(
            "an enterprise code: 10 digits, or 10 digits, a dash and 3 digits for a branch; \
             whitespace around it is ignored",
        ))
        .examples([json!("0101234567")])
);

named_schema!(
    DossierCode,
    string()
        .pattern(Some("^[A-Za-z0-9._-]{1,64}$"))
        .description(Some(
            "the dossier code (mã hồ sơ): 1 to 64 letters, digits, '.', '-' or '_'"
        ))
        .examples([json!("HS-2026-0001")])
);

named_schema!(
    TokenName,
    string()
        .pattern(Some("^[A-Za-z0-9._-]{1,64}$"))
        .description(Some(
            "a token's name: 1 to 64 letters, digits, '.', '-' or '_'"
        ))
        .examples([json!("counter-1")])
);

named_schema!(
    Sha256,
    string()
        .pattern(Some("^[0-9A-Fa-f]{64}$"))
        .description(Some("a SHA-256 digest in hex"))
        .examples([json!(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )])
);

named_schema!(
    ProcedureCode,
    string()
        .enum_values(Some(procedures_for(None)))
        .description(Some(
            "a procedure of the built-in table (pipeline/src/procedures.rs)"
        ))
);

named_schema!(
    RecordType,
    string()
        .enum_values(Some(
            record_types()
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
        ))
        .description(Some("a document type records are made of"))
);

named_schema!(
    FieldRef,
    string()
        .enum_values(Some(field_refs()))
        .description(Some("a field of a record type, as document_type.key"))
);

named_schema!(
    FieldKey,
    string()
        .enum_values(Some({
            let mut keys: Vec<&str> = record_types()
                .into_iter()
                .flat_map(|t| field_keys(t).into_iter().map(|k| k.as_str()))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }))
        .description(Some(
            "a field key; it must be one of the record's type (else 400)",
        ))
);

named_schema!(
    RoleName,
    string()
        .enum_values(Some(roles().iter().map(|r| r.as_str()).collect::<Vec<_>>()))
        .description(Some("a token's role"))
);

named_schema!(
    /// A correction's value or a revocation's reason.
    Text,
    string()
        .min_length(Some(1))
        .max_length(Some(MAX_TEXT_CHARS))
        .pattern(Some(text_pattern()))
        .description(Some(
            "text with something besides whitespace and no control characters; runs of \
             whitespace are stored as one space",
        ))
);

named_schema!(
    /// A correction's optional reason: blank counts as none.
    OptionalText,
    string()
        .max_length(Some(MAX_TEXT_CHARS))
        .pattern(Some(format!("^[^{CONTROL}]*$")))
        .description(Some(
            "text without control characters; blank counts as absent",
        ))
);

named_schema!(
    Purpose,
    string()
        .max_length(Some(MAX_PURPOSE_CHARS))
        .pattern(Some(format!("^[^{CONTROL}]*$")))
        .description(Some(
            "why the data is read; required of procedure systems, for whom blank counts as \
             absent (400); no control characters",
        ))
        // An HTTP header carries Latin-1 text portably; UTF-8 bytes are read as such too.
        .examples([json!("kiem tra ho so dang ky ket hon")])
);

/// An object schema's `oneOf` beside its properties: utoipa's object has no field for it,
/// and its extensions are written into the object as they are.
pub fn with_one_of(mut object: ObjectBuilder, branches: Vec<Value>) -> ObjectBuilder {
    let mut extensions = utoipa::openapi::extensions::Extensions::default();
    extensions.insert("oneOf".to_string(), Value::Array(branches));
    object = object.extensions(Some(extensions));
    object
}

/// The branches that tie a procedure to its kind of subject: a citizen's procedures take
/// a citizen number, an enterprise's an enterprise code. `extra` is merged into each. The
/// subject's schema is written out, not referenced: schemathesis resolves no reference
/// inside a multipart form.
pub fn applicant_branches(extra: &Value) -> Vec<Value> {
    [
        (Applicant::Citizen, inline::<CitizenNumber>()),
        (Applicant::Enterprise, inline::<EnterpriseCode>()),
    ]
    .into_iter()
    .map(|(applicant, subject)| {
        let mut branch = json!({
            "required": ["procedure_code"],
            "properties": {
                "procedure_code": { "enum": procedures_for(Some(applicant)) },
                "subject_id": subject,
            }
        });
        merge(&mut branch, extra);
        branch
    })
    .collect()
}

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b.clone(),
    }
}

/// The JSON body of `POST /api/v1/prefill`: a procedure, or a list of fields.
pub struct PrefillRequest;

impl PartialSchema for PrefillRequest {
    fn schema() -> RefOr<Schema> {
        let object = ObjectBuilder::new()
            .property("subject_id", reference::<SubjectId>())
            .required("subject_id")
            .property(
                "procedure_code",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .enum_values(Some(
                        procedures_for(None)
                            .into_iter()
                            .map(Value::from)
                            .chain([Value::Null]),
                    ))
                    .description(Some(
                        "a procedure whose fields are wanted (its applicant's kind of subject)",
                    )),
            )
            .property(
                "fields",
                ArrayBuilder::new()
                    .items(reference::<FieldRef>())
                    .max_items(Some(MAX_PREFILL_FIELDS))
                    .description(Some("... or the fields wanted; not both")),
            )
            .property(
                "units",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["current", "printed"]))
                    .default(Some(Value::from("current")))
                    .description(Some(
                        "the units a place's value is answered in: today's (after 1 July \
                         2025; the default), or as printed. The printed value is always \
                         given beside it",
                    )),
            )
            .description(Some(
                "either procedure_code (and no fields), or a non-empty fields list (and no \
                 procedure_code)",
            ));
        let mut branches = applicant_branches(&json!({
            "properties": { "fields": { "maxItems": 0 } }
        }));
        branches.push(json!({
            "required": ["fields"],
            "properties": {
                "procedure_code": { "type": "null" },
                "fields": { "minItems": 1 }
            }
        }));
        RefOr::T(Schema::Object(with_one_of(object, branches).build()))
    }
}

impl ToSchema for PrefillRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PrefillRequest")
    }
}

/// The JSON body of `POST /api/v1/tokens`.
pub struct TokenRequest;

impl PartialSchema for TokenRequest {
    fn schema() -> RefOr<Schema> {
        let object = ObjectBuilder::new()
            .property("name", reference::<TokenName>())
            .required("name")
            .property("role", reference::<RoleName>())
            .required("role")
            .property(
                "document_types",
                ArrayBuilder::new()
                    .items(reference::<RecordType>())
                    .description(Some(
                        "the document types a procedure_system token may read (at least one); \
                         no other role takes any",
                    )),
            );
        let reader = Role::ProcedureSystem.as_str();
        let others: Vec<&str> = roles()
            .into_iter()
            .map(|r| r.as_str())
            .filter(|r| *r != reader)
            .collect();
        let branches = vec![
            json!({
                "required": ["document_types"],
                "properties": {
                    "role": { "enum": [reader] },
                    "document_types": { "minItems": 1 }
                }
            }),
            json!({
                "properties": {
                    "role": { "enum": others },
                    "document_types": { "maxItems": 0 }
                }
            }),
        ];
        RefOr::T(Schema::Object(with_one_of(object, branches).build()))
    }
}

impl ToSchema for TokenRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TokenRequest")
    }
}

/// The multipart form of `POST /api/v1/dossiers`.
pub struct DossierForm;

impl PartialSchema for DossierForm {
    fn schema() -> RefOr<Schema> {
        let object = ObjectBuilder::new()
            .property("dossier_code", DossierCode::schema())
            .required("dossier_code")
            .property("procedure_code", ProcedureCode::schema())
            .required("procedure_code")
            .property(
                "subject_id",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(MAX_FORM_TEXT_CHARS))
                    .description(Some(
                        "the applicant: a citizen number for a citizen's procedure, an \
                         enterprise code for an enterprise's",
                    ))
                    .examples([json!("001099012345")]),
            )
            .required("subject_id")
            .property(
                "file",
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::String).format(Some(
                        utoipa::openapi::schema::SchemaFormat::KnownFormat(
                            utoipa::openapi::schema::KnownFormat::Binary,
                        ),
                    )))
                    .min_items(Some(1))
                    .max_items(Some(super::dossiers::MAX_FILES))
                    .description(Some(
                        "one part per scan: a PDF, JPEG, PNG or TIFF by its bytes (else 415), \
                         not empty (else 400), within the upload limit (else 413)",
                    )),
            )
            .required("file")
            .additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
            ))
            .description(Some(
                "the three text parts, then the files: a file part before all three is a 400, \
                 since files are stored as they arrive",
            ));
        let branches = applicant_branches(&json!({}));
        RefOr::T(Schema::Object(with_one_of(object, branches).build()))
    }
}

impl ToSchema for DossierForm {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DossierForm")
    }
}

/// A record type as sent: exactly one of `record_types`, nothing around it.
#[derive(Debug, Clone, Copy)]
pub struct RecordTypeIn(pub DocumentType);

impl<'de> Deserialize<'de> for RecordTypeIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Cow::<str>::deserialize(d)?;
        parse_record_type(&raw).map_err(serde::de::Error::custom)
    }
}

pub fn parse_record_type(raw: &str) -> Result<RecordTypeIn, String> {
    parse_document_type(raw)
        .map(RecordTypeIn)
        .map_err(|e| e.to_string())
}

/// A field reference as sent: exactly `type.key`, nothing around it.
#[derive(Debug, Clone)]
pub struct FieldRefIn(pub String);

impl<'de> Deserialize<'de> for FieldRefIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse::<hoso_pipeline::procedures::FieldRef>()
            .map_err(serde::de::Error::custom)?;
        Ok(FieldRefIn(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_come_from_the_tables() {
        assert!(!record_types().contains(&DocumentType::Unknown));
        assert_eq!(record_types().len(), DocumentType::ALL.len() - 1);
        assert!(field_refs().contains(&"citizen_id.full_name".to_string()));
        for r in roles() {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(
            procedures_for(Some(Applicant::Citizen)).len()
                + procedures_for(Some(Applicant::Enterprise)).len(),
            PROCEDURES.len()
        );
    }

    #[test]
    fn exact_parsers_refuse_padding() {
        assert!(parse_record_type("citizen_id").is_ok());
        assert!(parse_record_type(" citizen_id").is_err());
        assert!(parse_record_type("unknown").is_err());
        assert!(serde_json::from_str::<FieldRefIn>("\"citizen_id.full_name\"").is_ok());
        assert!(serde_json::from_str::<FieldRefIn>("\"citizen_id.full_name \"").is_err());
    }
}
