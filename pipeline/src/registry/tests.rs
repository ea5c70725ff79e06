//! Unit tests of the registry's domain model: subject ids, record candidates and content
//! keys, the lifecycle table, corrections, queries and errors.

use super::*;
use hoso_extractors::{BBox, Evidence, ExtractedDocument, Field, FieldKey, Method};

fn field(value: &str) -> Field {
    Field {
        value: value.to_string(),
        confidence: 0.9,
        method: Method::Ocr,
        evidence: vec![Evidence {
            page: 1,
            bbox: BBox::new(0.1, 0.1, 0.2, 0.2),
            raw: value.to_string(),
        }],
    }
}

fn doc(t: DocumentType, fields: &[(&str, &str)]) -> ExtractedDocument {
    ExtractedDocument {
        document_type: t,
        pages: vec![1],
        confidence: 0.9,
        fields: fields
            .iter()
            .map(|(k, v)| (FieldKey::parse(k).expect("a field key"), field(v)))
            .collect(),
        warnings: vec![],
    }
}

fn citizen(v: &str) -> SubjectId {
    SubjectId {
        kind: SubjectKind::Citizen,
        value: v.to_string(),
    }
}

fn enterprise(v: &str) -> SubjectId {
    SubjectId {
        kind: SubjectKind::Enterprise,
        value: v.to_string(),
    }
}

/// Field key and value pairs, as a fixture writes them.
type Fields<'a> = &'a [(&'a str, &'a str)];

#[test]
fn subject_ids_parse_by_shape() {
    let cases: &[(&str, Result<SubjectId, SubjectError>)] = &[
        ("001099012345", Ok(citizen("001099012345"))),
        ("  001099012345\n", Ok(citizen("001099012345"))),
        ("0101234567", Ok(enterprise("0101234567"))),
        ("0101234567-001", Ok(enterprise("0101234567-001"))),
        ("\t0101234567-001 ", Ok(enterprise("0101234567-001"))),
        ("", Err(SubjectError::Empty)),
        ("   ", Err(SubjectError::Empty)),
        (
            "00109901234",
            Err(SubjectError::BadLength {
                value: "00109901234".into(),
            }),
        ),
        (
            "0010990123456",
            Err(SubjectError::BadLength {
                value: "0010990123456".into(),
            }),
        ),
        (
            "012345678",
            Err(SubjectError::BadLength {
                value: "012345678".into(),
            }),
        ),
        (
            "0101234567-01",
            Err(SubjectError::BadLength {
                value: "0101234567-01".into(),
            }),
        ),
        (
            "010123456-0001",
            Err(SubjectError::BadLength {
                value: "010123456-0001".into(),
            }),
        ),
        (
            "0101234567-001-002",
            Err(SubjectError::BadLength {
                value: "0101234567-001-002".into(),
            }),
        ),
        (
            "001099-012345",
            Err(SubjectError::BadLength {
                value: "001099-012345".into(),
            }),
        ),
        (
            "-0101234567",
            Err(SubjectError::BadLength {
                value: "-0101234567".into(),
            }),
        ),
        (
            "001 099 012 345",
            Err(SubjectError::BadCharacter {
                value: "001 099 012 345".into(),
                found: ' ',
            }),
        ),
        (
            "00109901234O",
            Err(SubjectError::BadCharacter {
                value: "00109901234O".into(),
                found: 'O',
            }),
        ),
        (
            "００１０９９０１２３４５",
            Err(SubjectError::BadCharacter {
                value: "００１０９９０１２３４５".into(),
                found: '０',
            }),
        ),
        (
            "0101.234.567",
            Err(SubjectError::BadCharacter {
                value: "0101.234.567".into(),
                found: '.',
            }),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(&SubjectId::parse(input), want, "{input:?}");
        assert_eq!(&input.parse::<SubjectId>(), want, "{input:?}");
    }
}

#[test]
fn subject_errors_name_the_problem_in_lowercase() {
    let messages = [
        (
            SubjectId::parse(" ").unwrap_err(),
            "the subject id is empty",
        ),
        (
            SubjectId::parse("12a").unwrap_err(),
            "subject id \"12a\" holds 'a': only digits and one branch dash are allowed",
        ),
        (
            SubjectId::parse("123").unwrap_err(),
            "subject id \"123\" is neither 12 digits (citizen), 10 digits (enterprise) \
             nor 10 digits-3 digits (branch)",
        ),
        (
            SubjectId::citizen("0101234567").unwrap_err(),
            "subject id \"0101234567\" is an enterprise code, not a 12-digit citizen number",
        ),
    ];
    for (err, want) in messages {
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn citizen_accepts_only_citizen_numbers_and_display_prints_the_value() {
    let id = SubjectId::citizen(" 001099012345 ").unwrap();
    assert_eq!(id, citizen("001099012345"));
    assert_eq!(id.to_string(), "001099012345");
    assert_eq!(enterprise("0101234567-001").to_string(), "0101234567-001");
    assert!(SubjectId::citizen("0101234567-001").is_err());
    assert!(SubjectId::citizen("1234").is_err());
    for kind in [SubjectKind::Citizen, SubjectKind::Enterprise] {
        assert_eq!(SubjectKind::parse(kind.as_str()), Some(kind));
    }
}

#[test]
fn candidates_name_the_subjects_of_each_type() {
    use DocumentType::*;
    let cases: &[(DocumentType, Fields, &[SubjectId])] = &[
        (
            CitizenId,
            &[
                ("id_number", "001099012345"),
                ("full_name", "NGUYỄN VĂN AN"),
            ],
            &[citizen("001099012345")],
        ),
        (
            BirthCertificate,
            &[
                ("personal_id_number", "001223004567"),
                ("mother_full_name", "TRẦN THỊ BÌNH"),
            ],
            &[citizen("001223004567")],
        ),
        (
            MarriageCertificate,
            &[
                ("wife_id_number", "001199000002"),
                ("husband_id_number", "001099000001"),
            ],
            &[citizen("001099000001"), citizen("001199000002")],
        ),
        (
            BusinessRegistration,
            &[
                ("enterprise_code", "0101234567"),
                ("legal_representative_id_number", "001099012345"),
            ],
            &[citizen("001099012345"), enterprise("0101234567")],
        ),
        (
            BusinessRegistration,
            &[("enterprise_code", "0101234567-002")],
            &[enterprise("0101234567-002")],
        ),
        (
            ResidenceConfirmation,
            &[("id_number", "001099012345")],
            &[citizen("001099012345")],
        ),
        // Misread or wrong-kind values name nobody; the dossier names the subject later.
        (CitizenId, &[("id_number", "00109901234")], &[]),
        (CitizenId, &[("full_name", "NGUYỄN VĂN AN")], &[]),
        (
            BusinessRegistration,
            &[
                ("enterprise_code", "001099012345"),
                ("legal_representative_id_number", "0101234567"),
            ],
            &[],
        ),
        // A citizen number in a field the type does not read subjects from.
        (BirthCertificate, &[("id_number", "001099012345")], &[]),
        // The same person twice is one subject.
        (
            MarriageCertificate,
            &[
                ("wife_id_number", "001099000001"),
                ("husband_id_number", "001099000001"),
            ],
            &[citizen("001099000001")],
        ),
    ];
    let source = ContentHash::of(b"scan");
    for (t, fields, subjects) in cases {
        let d = doc(*t, fields);
        let c = record_candidate("abc-1", &source, &d).expect("a candidate");
        assert_eq!(c.subjects, *subjects, "{t:?} {fields:?}");
        assert_eq!(c.document_type, *t);
        assert_eq!(c.document_id, "abc-1");
        assert_eq!(c.source, source);
        assert_eq!(c.fields, d.fields);
    }
    assert_eq!(
        record_candidate(
            "abc-2",
            &source,
            &doc(Unknown, &[("id_number", "001099012345")])
        ),
        None
    );
}

#[test]
fn content_keys_compare_key_fields_as_the_spec_compares_values() {
    use DocumentType::*;
    let base: &[(&str, &str)] = &[
        ("id_number", "001099012345"),
        ("date_of_issue", "2021-04-12"),
        ("full_name", "NGUYỄN VĂN AN"),
        ("date_of_birth", "1999-01-02"),
        ("sex", "male"),
    ];
    let key = |t: DocumentType, fields: &[(&str, &str)], id: &str| {
        content_key(t, &doc(t, fields).fields, id)
    };
    let k = key(CitizenId, base, "a-1");
    assert_eq!(k.len(), 64);
    assert!(k.bytes().all(|b| b.is_ascii_hexdigit()));
    // Stable across documents, field order, case, spacing and normal form.
    assert_eq!(k, key(CitizenId, base, "b-7"));
    let mut shuffled = base.to_vec();
    shuffled.reverse();
    assert_eq!(k, key(CitizenId, &shuffled, "a-1"));
    let mut variant = base.to_vec();
    variant[2] = ("full_name", "  nguye\u{0302}\u{0303}n   Văn\tan ");
    assert_eq!(k, key(CitizenId, &variant, "a-1"));
    // Fields outside the key do not matter.
    let mut other_sex = base.to_vec();
    other_sex[4] = ("sex", "female");
    assert_eq!(k, key(CitizenId, &other_sex, "a-1"));
    // Every key field matters, and so does the type.
    for i in 0..4 {
        let mut changed = base.to_vec();
        changed[i].1 = "changed";
        assert_ne!(k, key(CitizenId, &changed, "a-1"), "{}", base[i].0);
        let missing: Vec<_> = base.iter().copied().filter(|f| f.0 != base[i].0).collect();
        assert_ne!(k, key(CitizenId, &missing, "a-1"), "{}", base[i].0);
    }
    assert_ne!(k, key(ResidenceConfirmation, base, "a-1"));
    // A value cannot pose as another line.
    assert_ne!(
        key(
            CitizenId,
            &[("full_name", "A\ndate_of_birth=1999-01-02")],
            "a-1"
        ),
        key(
            CitizenId,
            &[("full_name", "a"), ("date_of_birth", "1999-01-02")],
            "a-1"
        )
    );
    // Nothing readable: no two documents share a key.
    let empty: &[(&str, &str)] = &[("sex", "male")];
    assert_ne!(key(CitizenId, empty, "a-1"), key(CitizenId, empty, "a-2"));
    assert_eq!(key(CitizenId, empty, "a-1"), key(CitizenId, empty, "a-1"));
    // The key of the candidate is this key.
    let source = ContentHash::of(b"scan");
    assert_eq!(
        record_candidate("z-1", &source, &doc(CitizenId, base))
            .unwrap()
            .content_key,
        k
    );
}

#[test]
fn key_fields_and_subject_fields_are_field_keys_of_their_type() {
    for t in DocumentType::ALL {
        for key in key_fields(t) {
            assert!(field_keys(t).contains(&key), "{t:?} {key}");
        }
        for (key, _) in subject_fields(t) {
            assert!(field_keys(t).contains(&key), "{t:?} {key}");
        }
    }
    assert_eq!(field_keys(DocumentType::CitizenId).len(), 11);
    assert_eq!(field_keys(DocumentType::BirthCertificate).len(), 16);
    assert_eq!(field_keys(DocumentType::MarriageCertificate).len(), 10);
    assert_eq!(field_keys(DocumentType::BusinessRegistration).len(), 7);
    assert_eq!(field_keys(DocumentType::ResidenceConfirmation).len(), 9);
    assert!(field_keys(DocumentType::Unknown).is_empty());
}

#[test]
fn the_lifecycle_allows_only_its_transitions() {
    use RecordAction::*;
    use RecordStatus::*;
    let table = [
        (Extracted, Correct, Some(Extracted)),
        (Extracted, Verify, Some(Verified)),
        (Extracted, Revoke, Some(Revoked)),
        (Verified, Correct, Some(Verified)),
        (Verified, Verify, None),
        (Verified, Revoke, Some(Revoked)),
        (Superseded, Correct, None),
        (Superseded, Verify, None),
        (Superseded, Revoke, None),
        (Revoked, Correct, None),
        (Revoked, Verify, None),
        (Revoked, Revoke, None),
    ];
    for (status, action, after) in table {
        assert_eq!(status.apply(action), after, "{status:?} {action:?}");
        assert_eq!(status.allows(action), after.is_some());
        assert_eq!(RecordStatus::parse(status.as_str()), Some(status));
    }
    let err = Verified.transition("r-1", Verify).unwrap_err();
    assert_eq!(
        err.to_string(),
        "record r-1 is verified: verify is not allowed"
    );
    assert!(matches!(
        err,
        RegistryError::InvalidTransition {
            status: "verified",
            action: "verify",
            ..
        }
    ));
    assert_eq!(Extracted.transition("r-1", Verify).unwrap(), Verified);
}

#[test]
fn corrections_are_manual_normalised_and_keep_evidence() {
    let old = field("NGUYEN VAN AN");
    let new = corrected_field(Some(&old), "  Nguye\u{0302}\u{0303}n  Văn\nAn ");
    assert_eq!(new.value, "Nguyễn Văn An");
    assert_eq!(new.method, Method::Manual);
    assert_eq!(new.confidence, 1.0);
    assert_eq!(new.evidence, old.evidence);
    let added = corrected_field(None, "male");
    assert!(added.evidence.is_empty());
    assert_eq!(added.value, "male");
}

#[test]
fn a_corrected_id_number_moves_the_subject() {
    use DocumentType::*;
    /// The fields read, the correction, the subjects it takes away and adds.
    type Case<'a> = (
        DocumentType,
        Fields<'a>,
        (&'a str, &'a str),
        &'a [SubjectId],
        &'a [SubjectId],
    );
    let cases: &[Case] = &[
        (
            CitizenId,
            &[("id_number", "001099012346")],
            ("id_number", "001099012345"),
            &[citizen("001099012346")],
            &[citizen("001099012345")],
        ),
        // A misread that named nobody: the correction only adds.
        (
            CitizenId,
            &[("id_number", "0010990I2345")],
            ("id_number", "001099012345"),
            &[],
            &[citizen("001099012345")],
        ),
        // Not a subject field: nothing moves.
        (
            CitizenId,
            &[("id_number", "001099012345")],
            ("full_name", "NGUYỄN VĂN AN"),
            &[],
            &[],
        ),
        // The other spouse stays.
        (
            MarriageCertificate,
            &[
                ("wife_id_number", "001199000002"),
                ("husband_id_number", "001099000001"),
            ],
            ("wife_id_number", "001199000003"),
            &[citizen("001199000002")],
            &[citizen("001199000003")],
        ),
        // A corrected value that is no id takes the subject away.
        (
            BusinessRegistration,
            &[("enterprise_code", "0101234567")],
            ("enterprise_code", "01012345"),
            &[enterprise("0101234567")],
            &[],
        ),
    ];
    for (t, fields, (key, value), gone, came) in cases {
        let record = record_of(*t, doc(*t, fields).fields);
        let planned = plan_correction(&record, key, value, Some("misread")).unwrap();
        assert_eq!(
            (
                planned.subjects_gone.as_slice(),
                planned.subjects_came.as_slice()
            ),
            (*gone, *came),
            "{t:?} {key}"
        );
        let typed = FieldKey::parse(key).expect("a field key");
        assert_eq!(
            planned.fields[&typed],
            corrected_field(record.fields.get(&typed), value)
        );
        assert_eq!(
            planned.event,
            RecordEventKind::Corrected {
                key: key.to_string(),
                old_value: record.fields.get(&typed).map(|f| f.value.clone()),
                new_value: planned.fields[&typed].value.clone(),
                reason: Some("misread".to_string()),
            }
        );
    }
}

#[test]
fn a_correction_of_a_key_the_type_lacks_is_refused() {
    let record = record_of(DocumentType::CitizenId, hoso_extractors::Fields::new());
    let err = plan_correction(&record, "enterprise_code", "0101234567", None).unwrap_err();
    assert!(
        matches!(&err, RegistryError::UnknownField { id, key } if id == "r-1" && key == "enterprise_code"),
        "{err}"
    );
}

fn record_of(t: DocumentType, fields: hoso_extractors::Fields) -> Record {
    Record {
        id: "r-1".to_string(),
        document_type: t,
        subjects: subjects_of(t, &fields),
        status: RecordStatus::Extracted,
        fields,
        documents: Vec::new(),
        content_key: String::new(),
        created_at_ms: 0,
        verified_at_ms: None,
        verified_by: None,
        superseded_by: None,
        revoked_reason: None,
    }
}

#[test]
fn an_empty_query_asks_for_verified_records() {
    assert_eq!(
        RecordQuery::default().statuses(),
        vec![RecordStatus::Verified]
    );
    let q = RecordQuery {
        document_types: vec![],
        statuses: vec![RecordStatus::Extracted, RecordStatus::Revoked],
    };
    assert_eq!(
        q.statuses(),
        vec![RecordStatus::Extracted, RecordStatus::Revoked]
    );
}

#[test]
fn catalog_errors_become_registry_errors() {
    assert!(matches!(
        RegistryError::from(CatalogError::Corrupt("x".into())),
        RegistryError::Corrupt(d) if d == "x"
    ));
    let down = RegistryError::from(CatalogError::transient("down"));
    assert!(
        matches!(&down, RegistryError::Catalog(e) if e.is_transient()),
        "{down:?}"
    );
    assert_eq!(down.to_string(), "database error (transient): down");
}
