//! The pure rules of records, per document type: the field keys a correction may set,
//! the fields that name a record's subjects, the key fields whose hash is a record's
//! content key, the record a document makes, and what a correction changes. No I/O:
//! storage applies them inside its transactions.

use hoso_extractors::{DocumentType, ExtractedDocument, Field, FieldKey, Fields, Method};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::eval::normalise_for_comparison;
use crate::registry::{Record, RecordEventKind, RegistryError, SubjectId, SubjectKind};
use crate::ContentHash;

/// A new record, derived from one extracted document (see `record_candidate`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// The document it was made from (`DocumentRecord::id`).
    pub document_id: String,
    pub source: ContentHash,
    pub document_type: DocumentType,
    pub subjects: Vec<SubjectId>,
    /// Type plus key fields, hashed: the same content for the same subject has the same key,
    /// and links to the existing record instead of making a second one.
    pub content_key: String,
    pub fields: Fields,
}

/// The field keys of each type, from its schema (`DocumentType::spec`): the only keys a
/// correction may set.
pub fn field_keys(t: DocumentType) -> Vec<FieldKey> {
    t.field_keys()
}

/// The fields that name a record's subjects, and what kind of subject each names.
pub fn subject_fields(t: DocumentType) -> Vec<(FieldKey, SubjectKind)> {
    t.spec()
        .map_or_else(Vec::new, |s| s.subject_fields().collect())
}

/// The subject kinds through which a newer verified record replaces an older one (a
/// business registration only through its enterprise: its legal representative may
/// represent several enterprises, and verifying one registration must not supersede
/// the others).
pub fn superseding_kinds(t: DocumentType) -> &'static [SubjectKind] {
    t.spec().map_or(&[], |s| s.supersedes_through)
}

/// The fields that make two documents of a type the same content.
pub fn key_fields(t: DocumentType) -> Vec<FieldKey> {
    t.spec()
        .map_or_else(Vec::new, |s| s.content_key_fields().collect())
}

/// The subjects the fields name, sorted and without repeats. Values that are not valid
/// subject ids (a misread digit, a 9-digit CMND) name nobody.
pub fn subjects_of(t: DocumentType, fields: &Fields) -> Vec<SubjectId> {
    let mut subjects: Vec<SubjectId> = subject_fields(t)
        .into_iter()
        .filter_map(|(key, kind)| {
            let id = SubjectId::parse(&fields.get(&key)?.value).ok()?;
            (id.kind == kind).then_some(id)
        })
        .collect();
    subjects.sort();
    subjects.dedup();
    subjects
}

/// The subjects a correction takes away and adds, in that order: a corrected id number
/// moves the record from the misread person to the right one.
pub fn subject_change(
    t: DocumentType,
    before: &Fields,
    after: &Fields,
) -> (Vec<SubjectId>, Vec<SubjectId>) {
    let old = subjects_of(t, before);
    let new = subjects_of(t, after);
    let gone = old.iter().filter(|s| !new.contains(s)).cloned().collect();
    let came = new.iter().filter(|s| !old.contains(s)).cloned().collect();
    (gone, came)
}

/// Hex SHA-256 of the type and its key fields, one `key=value` line each, sorted, values
/// compared as the spec compares them (NFC, case-folded, whitespace collapsed). Collapsing
/// also turns any line break into a space, so no value can forge another line.
///
/// A document with none of its type's key fields read has no content to compare: its key
/// includes its own id, so it never merges with another unreadable document.
pub fn content_key(t: DocumentType, fields: &Fields, document_id: &str) -> String {
    let mut lines: Vec<String> = key_fields(t)
        .into_iter()
        .filter_map(|key| {
            let value = normalise_for_comparison(&fields.get(&key)?.value);
            Some(format!("{key}={value}"))
        })
        .collect();
    lines.sort();
    let mut text = format!("type={}\n", t.as_str());
    if lines.is_empty() {
        text.push_str(&format!(
            "document={}\n",
            normalise_for_comparison(document_id)
        ));
    }
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The record a document would make; `None` for `unknown` documents, which have no fields
/// to reuse.
pub fn record_candidate(
    document_id: &str,
    source: &ContentHash,
    doc: &ExtractedDocument,
) -> Option<NewRecord> {
    if doc.document_type == DocumentType::Unknown {
        return None;
    }
    Some(NewRecord {
        document_id: document_id.to_string(),
        source: *source,
        document_type: doc.document_type,
        subjects: subjects_of(doc.document_type, &doc.fields),
        content_key: content_key(doc.document_type, &doc.fields, document_id),
        fields: doc.fields.clone(),
    })
}

/// A value as a clerk typed it, in the spec's text format: NFC, single spaces, trimmed.
pub fn normalise_value(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A field after a clerk's correction: the new value, read by a person (`manual`, full
/// confidence), with the evidence of the reading it replaces so the page region stays
/// reachable.
/// A correction of one field, worked out before any of it is stored, so that every
/// backend stores the same thing: the record's new fields, the subjects it loses and gains
/// (a corrected id number moves the record to the right person), and the history entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub fields: Fields,
    pub subjects_gone: Vec<SubjectId>,
    pub subjects_came: Vec<SubjectId>,
    pub event: RecordEventKind,
}

/// Plans setting `key` of `record` to `value`; `UnknownField` when the record's type has
/// no such key.
pub fn plan_correction(
    record: &Record,
    key: &str,
    value: &str,
    reason: Option<&str>,
) -> Result<Correction, RegistryError> {
    let Some(key) = FieldKey::parse(key).filter(|k| field_keys(record.document_type).contains(k))
    else {
        return Err(RegistryError::UnknownField {
            id: record.id.clone(),
            key: key.to_string(),
        });
    };
    let old = record.fields.get(&key);
    let new = corrected_field(old, value);
    let event = RecordEventKind::Corrected {
        key: key.to_string(),
        old_value: old.map(|f| f.value.clone()),
        new_value: new.value.clone(),
        reason: reason.map(str::to_string),
    };
    let mut fields = record.fields.clone();
    fields.insert(key, new);
    let (subjects_gone, subjects_came) =
        subject_change(record.document_type, &record.fields, &fields);
    Ok(Correction {
        fields,
        subjects_gone,
        subjects_came,
        event,
    })
}

pub fn corrected_field(old: Option<&Field>, value: &str) -> Field {
    Field {
        value: normalise_value(value),
        confidence: 1.0,
        method: Method::Manual,
        evidence: old.map(|f| f.evidence.clone()).unwrap_or_default(),
    }
}
