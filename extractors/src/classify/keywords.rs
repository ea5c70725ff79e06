//! The words that identify each document type.
//!
//! Titles are decisive when they stand alone on their line; anything else (field
//! labels, issuing offices) only adds evidence, since other documents mention them
//! too (a business registration names the representative's "Căn cước công dân").

use crate::model::DocumentType;

/// Which face of an ID card a keyword is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Front,
    /// The front of the 2021 chip card (CCCD), the one face that prints the place of
    /// origin and, beside the photo, the expiry. A front as well.
    ChipFront,
    Back,
}

#[derive(Debug, Clone, Copy)]
pub struct Keyword {
    pub text: &'static str,
    pub weight: f32,
    /// A document title: full weight only when it fills most of its line.
    pub title: bool,
    pub face: Option<Face>,
}

pub(crate) const fn kw(text: &'static str, weight: f32) -> Keyword {
    Keyword {
        text,
        weight,
        title: false,
        face: None,
    }
}

pub(crate) const fn title(text: &'static str, weight: f32) -> Keyword {
    Keyword {
        text,
        weight,
        title: true,
        face: None,
    }
}

pub(crate) const fn front(mut k: Keyword) -> Keyword {
    k.face = Some(Face::Front);
    k
}

pub(crate) const fn chip_front(mut k: Keyword) -> Keyword {
    k.face = Some(Face::ChipFront);
    k
}

pub(crate) const fn back(mut k: Keyword) -> Keyword {
    k.face = Some(Face::Back);
    k
}

/// The typed documents (every type but `unknown`, which `DocumentType::ALL` lists
/// last), in a fixed order for score arrays.
pub const TYPES: [DocumentType; DocumentType::ALL.len() - 1] = {
    let mut types = [DocumentType::Unknown; DocumentType::ALL.len() - 1];
    let mut i = 0;
    while i < types.len() {
        types[i] = DocumentType::ALL[i];
        i += 1;
    }
    types
};

/// The words that identify a page of type `t`, from its schema.
pub fn keywords(t: DocumentType) -> &'static [Keyword] {
    t.spec().map_or(&[], |s| s.keywords)
}
