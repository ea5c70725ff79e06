//! The card templates' geometry as data: each face's field column, top to bottom, how
//! far left of a label its values may start, how many lines a place wraps onto, and
//! where the photo and the print under it lie. The rules that read a field by its
//! place (`place_by_position`, `expiry_region`) take everything they know of a
//! template from here.

use crate::spec::FieldKey;

/// One row of a face's field column.
pub(super) struct Row {
    pub key: FieldKey,
    /// The label opens its line (the nationality is printed after the sex, on its line).
    pub opens_line: bool,
    /// Another template's face prints this label too, so reading it does not say which
    /// face this is.
    pub elsewhere: bool,
}

const fn row(key: FieldKey) -> Row {
    Row {
        key,
        opens_line: true,
        elsewhere: false,
    }
}

const fn beside(key: FieldKey) -> Row {
    Row {
        key,
        opens_line: false,
        elsewhere: false,
    }
}

const fn shared(key: FieldKey) -> Row {
    Row {
        key,
        opens_line: true,
        elsewhere: true,
    }
}

/// Where a face's photo is, and the print under it, against its field column.
pub(super) struct Photo {
    /// The rows level with the print under the photo.
    pub level_with: &'static [FieldKey],
    /// How far left of the column the photo reaches, as a share of the column's width
    /// (the photo is under half as wide as the column).
    pub reach: f32,
    /// Space kept between the photo's area and the column, in line heights, so that no
    /// label of the column is read into it.
    pub gap: f32,
    /// How far below the level rows' last line the print under the photo may reach, in
    /// line heights: it is printed about level with them, under its label and
    /// translation, and a photographed card leans.
    pub depth: f32,
    /// A line continues a level row in the column when it starts within this many line
    /// heights below it.
    pub continuation: f32,
}

/// One face of a card template.
pub(super) struct Face {
    /// What the tests call it when a row is wrong.
    #[cfg_attr(not(test), allow(dead_code))]
    pub name: &'static str,
    pub rows: &'static [Row],
    /// How many line heights left of a label the column's values may start. A front's
    /// photo starts further; a back has no photo, and its labels may lose their first
    /// word (`tháng, năm cấp` for `Ngày, tháng, năm cấp`), so it may start further left.
    pub column_slack: f32,
    /// Most lines a place wraps onto.
    pub place_lines: usize,
    pub photo: Option<Photo>,
}

impl Face {
    pub fn position(&self, key: FieldKey) -> Option<usize> {
        self.rows.iter().position(|r| r.key == key)
    }
}

/// The 2016 and 2021 fronts' column: the rows every front prints, then the holder's
/// origin and residence.
const CHIP_FRONT_ROWS: &[Row] = &[
    row(FieldKey::IdNumber),
    row(FieldKey::FullName),
    row(FieldKey::DateOfBirth),
    row(FieldKey::Sex),
    beside(FieldKey::Nationality),
    row(FieldKey::PlaceOfOrigin),
    // The 2024 back prints its residence label too.
    shared(FieldKey::PlaceOfResidence),
];

/// The 2016 and 2021 fronts: the places in the column, the expiry under the photo.
pub(super) const CHIP_FRONT: Face = Face {
    name: "2016 and 2021 front",
    rows: CHIP_FRONT_ROWS,
    column_slack: 1.5,
    place_lines: 3,
    photo: Some(Photo {
        level_with: &[FieldKey::PlaceOfOrigin, FieldKey::PlaceOfResidence],
        reach: 0.55,
        gap: 0.15,
        depth: 3.0,
        continuation: 1.0,
    }),
};

/// The 2024 front: the rows every front prints, no place, no expiry.
pub(super) const FRONT_2024: Face = Face {
    name: "2024 front",
    rows: CHIP_FRONT_ROWS.split_at(5).0,
    column_slack: 1.5,
    place_lines: 2,
    photo: None,
};

/// The 2024 back: the places and dates, with no photo beside them.
pub(super) const BACK_2024: Face = Face {
    name: "2024 back",
    rows: &[
        shared(FieldKey::PlaceOfResidence),
        row(FieldKey::PlaceOfBirthRegistration),
        row(FieldKey::DateOfIssue),
        row(FieldKey::DateOfExpiry),
    ],
    column_slack: 4.0,
    place_lines: 2,
    photo: None,
};

pub(super) const FACES: [&Face; 3] = [&CHIP_FRONT, &FRONT_2024, &BACK_2024];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_a_card_field_and_a_label_the_vocabulary_reads() {
        for face in FACES {
            for row in face.rows {
                assert!(super::super::SPEC.field(row.key).is_some(), "{}", face.name);
                assert!(
                    super::super::VOCAB
                        .iter()
                        .any(|l| l.key == row.key.as_str()),
                    "{}: {}",
                    face.name,
                    row.key
                );
            }
        }
    }

    #[test]
    fn a_label_marked_shared_is_printed_on_another_face() {
        for face in FACES {
            for row in face.rows.iter().filter(|r| r.elsewhere) {
                let other = FACES
                    .iter()
                    .any(|f| f.name != face.name && f.position(row.key).is_some());
                assert!(other, "{}: {}", face.name, row.key);
            }
        }
    }
}
