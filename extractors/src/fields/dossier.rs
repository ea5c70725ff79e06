//! One file's documents read together: a dossier carries the ID cards of the people its
//! other documents name (the spouses of a marriage certificate, the person a residence
//! confirmation is about, a company's legal representative). Where a document names
//! its person by the same id number as a card whose QR code was decoded, the name it
//! printed is spelt as the code spells it when the two differ only by what OCR gets
//! wrong (tone marks, a letter or two): the code is digital data, and the id number
//! says it is the same person.

use super::solve::compact_fold;
use super::Output;
use crate::model::{DocumentType, ExtractedDocument, Field, Method};
use crate::spec::{FieldKey, Format};
use crate::text::{levenshtein, mostly_capitals};

/// Letters a printed name may differ from the card's by, tone marks aside: one or two
/// misread letters, not another person's name.
const MAX_LETTER_EDITS: usize = 2;

/// The card's spelling in the printed name's case: certificates print names in
/// capitals or not, and the QR code in mixed case.
fn in_case_of(card: &str, printed: &str) -> String {
    if mostly_capitals(printed) {
        card.to_uppercase()
    } else {
        card.to_string()
    }
}

/// Whether `printed` reads as `card`'s name but for OCR's slips.
fn same_name(printed: &str, card: &str) -> bool {
    let words = |s: &str| s.split_whitespace().count();
    words(printed) == words(card)
        && levenshtein(&compact_fold(printed), &compact_fold(card)) <= MAX_LETTER_EDITS
}

/// Id digits two readings of one card may differ in: OCR misreads a digit or two, and
/// another person's number differs in most.
const MAX_ID_DIGIT_SLIPS: usize = 2;

/// Whether two card faces, each read alone, belong to different people: their id
/// numbers differ in more digits than OCR slips on; or, when one face has no id read,
/// their names (the printed one and the MRZ's unaccented one compare equal) differ in
/// more than a third of their letters. Where both read an id, it decides: a name loses
/// letters (`M<LINH` for `PHAM<<THI<LINH`, a zone line cut at the card's edge) far
/// more often than two people share a number. A dossier may put one person's card after
/// another's, each face on its own page.
pub fn name_other_people(a: &Output, b: &Output) -> bool {
    let both = |key: FieldKey| Some((&a.fields.get(&key)?.value, &b.fields.get(&key)?.value));
    if let Some((x, y)) = both(FieldKey::IdNumber) {
        return x.len() != y.len()
            || x.chars().zip(y.chars()).filter(|(p, q)| p != q).count() > MAX_ID_DIGIT_SLIPS;
    }
    both(FieldKey::FullName).is_some_and(|(x, y)| {
        let (x, y) = (compact_fold(x), compact_fold(y));
        levenshtein(&x, &y) * 3 > x.chars().count().max(y.chars().count())
    })
}

/// Spells the names of `docs` as the QR codes of the cards among them spell them, for
/// the people named by a card's id number, with a warning naming both readings.
pub fn spell_names_as_cards(docs: &mut [ExtractedDocument]) {
    let cards: Vec<(String, Field)> = docs
        .iter()
        .filter(|d| d.document_type == DocumentType::CitizenId)
        .filter_map(|d| {
            let id = d.fields.get(&FieldKey::IdNumber)?;
            let name = d
                .fields
                .get(&FieldKey::FullName)
                .filter(|f| f.method == Method::Qr)?;
            Some((id.value.clone(), name.clone()))
        })
        .collect();
    if cards.is_empty() {
        return;
    }
    for doc in docs.iter_mut() {
        let people = doc
            .document_type
            .spec()
            .into_iter()
            .flat_map(|s| s.people());
        for (name_key, id_key) in people {
            let Some(id) = doc.fields.get(&id_key).map(|f| f.value.clone()) else {
                continue;
            };
            let Some((_, card)) = cards.iter().find(|(card_id, _)| *card_id == id) else {
                continue;
            };
            let Some(printed) = doc.fields.get_mut(&name_key) else {
                continue;
            };
            let spelt = in_case_of(&card.value, &printed.value);
            if spelt == printed.value || !same_name(&printed.value, &card.value) {
                continue;
            }
            let warning = format!(
                "{name_key}: {} '{}' spelt as the QR code of the ID card with id number {id}: '{spelt}'",
                printed.method.as_str(),
                printed.value
            );
            let mut evidence = card.evidence.clone();
            evidence.append(&mut printed.evidence);
            *printed = Field {
                value: spelt,
                confidence: card.confidence,
                method: Method::Qr,
                evidence,
            };
            doc.warnings.push(warning);
        }
    }
}

/// Gives a card whose name only its MRZ could read, in letters without tone marks, the
/// spelling another document of the file prints with exactly those letters: the zone
/// says which letters, the print which marks. Two different printed spellings leave
/// the zone's reading alone.
pub fn accent_mrz_names(docs: &mut [ExtractedDocument]) {
    // The fields in which documents print a person's name, as their schemas say.
    let printed: Vec<(DocumentType, FieldKey, Field)> = docs
        .iter()
        .filter(|d| d.document_type != DocumentType::CitizenId)
        .flat_map(|d| {
            d.fields
                .iter()
                .filter(|(k, _)| d.document_type.format_of(**k) == Some(Format::Name))
                .map(|(k, f)| (d.document_type, *k, f.clone()))
        })
        .collect();
    for card in docs
        .iter_mut()
        .filter(|d| d.document_type == DocumentType::CitizenId)
    {
        let Some(name) = card
            .fields
            .get_mut(&FieldKey::FullName)
            .filter(|f| f.method == Method::Mrz)
        else {
            continue;
        };
        let letters = compact_fold(&name.value);
        let words = name.value.split_whitespace().count();
        let same: Vec<&(DocumentType, FieldKey, Field)> = printed
            .iter()
            .filter(|(_, _, f)| {
                compact_fold(&f.value) == letters && f.value.split_whitespace().count() == words
            })
            .collect();
        let Some((doc_type, key, source)) = same.first() else {
            continue;
        };
        let spelt = in_case_of(&source.value, &name.value);
        let one_spelling = same
            .iter()
            .all(|(_, _, f)| in_case_of(&f.value, &name.value) == spelt);
        if !one_spelling || spelt == name.value {
            continue;
        }
        let warning = format!(
            "full_name: mrz '{}' spelt as the {}'s {key} prints it: '{spelt}'",
            name.value,
            doc_type.as_str()
        );
        let mut evidence = source.evidence.clone();
        evidence.append(&mut name.evidence);
        *name = Field {
            value: spelt,
            confidence: source.confidence.max(name.confidence),
            method: source.method,
            evidence,
        };
        card.warnings.push(warning);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;
    use std::collections::BTreeMap;

    /// A field with one piece of evidence, so that merged evidence can be counted.
    fn field(value: &str, method: Method) -> Field {
        let mut f = crate::testutil::field(value, method);
        f.evidence.push(Evidence {
            page: 1,
            bbox: crate::model::BBox::new(0.1, 0.1, 0.2, 0.2),
            raw: value.into(),
        });
        f
    }

    fn doc(t: DocumentType, fields: &[(FieldKey, Field)]) -> ExtractedDocument {
        ExtractedDocument {
            document_type: t,
            pages: vec![1],
            confidence: 0.9,
            fields: fields
                .iter()
                .map(|(k, f)| (*k, f.clone()))
                .collect::<BTreeMap<_, _>>(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn faces_name_other_people_by_their_ids_or_else_their_names() {
        let face = |fields: &[(FieldKey, &str)]| Output {
            fields: fields
                .iter()
                .map(|(k, v)| (*k, field(v, Method::Ocr)))
                .collect(),
            warnings: Vec::new(),
        };
        let front = face(&[
            (FieldKey::IdNumber, "079152973355"),
            (FieldKey::FullName, "PHẠM THỊ LINH"),
        ]);
        // The same number: one card, whatever its zone's name lost.
        let back = face(&[
            (FieldKey::IdNumber, "079152973355"),
            (FieldKey::FullName, "M LINH"),
        ]);
        assert!(!name_other_people(&front, &back));
        // A number off by one slip still is; off by many is another person's.
        let slip = face(&[
            (FieldKey::IdNumber, "079152973385"),
            (FieldKey::FullName, "PHAM THI LINH"),
        ]);
        assert!(!name_other_people(&front, &slip));
        let other = face(&[
            (FieldKey::IdNumber, "033301781262"),
            (FieldKey::FullName, "PHAM THI LINH"),
        ]);
        assert!(name_other_people(&front, &other));
        // No number on one face: the names decide.
        let unnumbered = face(&[(FieldKey::FullName, "DINH KIM BAO NHUNG")]);
        assert!(name_other_people(&front, &unnumbered));
        let same_name = face(&[(FieldKey::FullName, "PHAM THI LINH")]);
        assert!(!name_other_people(&front, &same_name));
    }

    fn card(id: &str, name: &str) -> ExtractedDocument {
        doc(
            DocumentType::CitizenId,
            &[
                (FieldKey::IdNumber, field(id, Method::Qr)),
                (FieldKey::FullName, field(name, Method::Qr)),
            ],
        )
    }

    fn certificate(husband: &str, id: &str) -> ExtractedDocument {
        doc(
            DocumentType::MarriageCertificate,
            &[
                (FieldKey::HusbandFullName, field(husband, Method::Ocr)),
                (FieldKey::HusbandIdNumber, field(id, Method::Ocr)),
            ],
        )
    }

    #[test]
    fn a_name_misread_in_its_tone_marks_is_spelt_as_the_card_of_its_id() {
        let mut docs = vec![
            card("001099012345", "Đặng Thành Cường"),
            certificate("ĐẶNG THANH CƯƠNG", "001099012345"),
        ];
        spell_names_as_cards(&mut docs);
        let name = &docs[1].fields[&FieldKey::HusbandFullName];
        assert_eq!(name.value, "ĐẶNG THÀNH CƯỜNG");
        assert_eq!(name.method, Method::Qr);
        assert_eq!(name.evidence.len(), 2);
        assert!(docs[1].warnings[0].contains("ĐẶNG THANH CƯƠNG"));
    }

    #[test]
    fn another_id_or_another_name_is_left_as_printed() {
        for (printed, id) in [
            ("ĐẶNG THANH CƯƠNG", "001099012346"),
            ("ĐẶNG VĂN MINH", "001099012345"),
            ("ĐẶNG THÀNH", "001099012345"),
        ] {
            let mut docs = vec![
                card("001099012345", "Đặng Thành Cường"),
                certificate(printed, id),
            ];
            spell_names_as_cards(&mut docs);
            assert_eq!(docs[1].fields[&FieldKey::HusbandFullName].value, printed);
            assert!(docs[1].warnings.is_empty());
        }
    }

    #[test]
    fn a_card_whose_name_was_only_read_from_print_spells_nothing() {
        let mut docs = vec![
            doc(
                DocumentType::CitizenId,
                &[
                    (FieldKey::IdNumber, field("001099012345", Method::Qr)),
                    (FieldKey::FullName, field("ĐẶNG THANH CƯƠNG", Method::Ocr)),
                ],
            ),
            certificate("ĐẶNG THÀNH CƯỜNG", "001099012345"),
        ];
        spell_names_as_cards(&mut docs);
        assert_eq!(
            docs[1].fields[&FieldKey::HusbandFullName].value,
            "ĐẶNG THÀNH CƯỜNG"
        );
    }

    fn zone_card(name: &str) -> ExtractedDocument {
        doc(
            DocumentType::CitizenId,
            &[(FieldKey::FullName, field(name, Method::Mrz))],
        )
    }

    #[test]
    fn a_name_only_the_zone_read_takes_the_marks_another_document_prints() {
        let mut docs = vec![
            zone_card("DO TIEN MINH"),
            certificate("Đỗ Tiến Minh", "56075095567074"),
        ];
        accent_mrz_names(&mut docs);
        let name = &docs[0].fields[&FieldKey::FullName];
        assert_eq!(name.value, "ĐỖ TIẾN MINH");
        assert_eq!((name.method, name.evidence.len()), (Method::Ocr, 2));
        assert_eq!(docs[0].warnings.len(), 1);
    }

    #[test]
    fn other_letters_or_two_spellings_leave_the_zone_reading_alone() {
        let residence = |name: &str| {
            doc(
                DocumentType::ResidenceConfirmation,
                &[(FieldKey::FullName, field(name, Method::Ocr))],
            )
        };
        for others in [
            vec![residence("Đỗ Tiến Minh Anh")],
            vec![residence("Đỗ Tiến Minh"), residence("Đồ Tiền Minh")],
        ] {
            let mut docs = vec![zone_card("DO TIEN MINH")];
            docs.extend(others);
            accent_mrz_names(&mut docs);
            assert_eq!(docs[0].fields[&FieldKey::FullName].value, "DO TIEN MINH");
            assert!(docs[0].warnings.is_empty());
        }
    }
}
