//! System fonts loaded at run time. Specimens vary the family so readers downstream do not
//! learn one typeface; every family listed covers Vietnamese precomposed letters.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};

use crate::GenerateError;

pub struct Face {
    pub file: &'static str,
    font: FontVec,
    /// ab_glyph scales by ascent-to-descent height; documents are specified in em (points).
    height_per_em: f32,
}

impl Face {
    fn load(
        dir: &Path,
        sub: &str,
        file: &'static str,
        package: &'static str,
    ) -> Result<Face, GenerateError> {
        let path = dir.join(sub).join(file);
        let bytes = std::fs::read(&path).map_err(|_| GenerateError::MissingFont {
            path: path.clone(),
            package,
        })?;
        let font = FontVec::try_from_vec(bytes).map_err(|_| GenerateError::BadFont { path })?;
        let upem = font.units_per_em().unwrap_or(2048.0);
        let height_per_em = font.height_unscaled() / upem;
        Ok(Face {
            file,
            font,
            height_per_em,
        })
    }

    pub fn font(&self) -> &FontVec {
        &self.font
    }

    pub fn scale(&self, em: f32) -> PxScale {
        PxScale::from(em * self.height_per_em)
    }

    pub fn width(&self, em: f32, text: &str) -> f32 {
        let sf = self.font.as_scaled(self.scale(em));
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = self.font.glyph_id(c);
            if let Some(p) = prev {
                w += sf.kern(p, id);
            }
            w += sf.h_advance(id);
            prev = Some(id);
        }
        w
    }

    #[cfg(test)]
    pub fn covers(&self, c: char) -> bool {
        c.is_whitespace() || self.font.glyph_id(c).0 != 0
    }
}

pub struct Family {
    pub regular: Face,
    pub bold: Face,
    pub italic: Option<Face>,
}

/// Names and serif flags document the choice; specimens draw from all families alike.
#[allow(dead_code)]
struct FamilySpec {
    name: &'static str,
    serif: bool,
    sub: &'static str,
    package: &'static str,
    regular: &'static str,
    bold: &'static str,
    italic: Option<&'static str>,
}

// Only files of fonts-dejavu-core, fonts-liberation2 and fonts-freefont-ttf: the DejaVu
// condensed and italic faces come from fonts-dejavu-extra, which is not assumed.
const FAMILIES: &[FamilySpec] = &[
    FamilySpec {
        name: "DejaVu Sans",
        serif: false,
        sub: "dejavu",
        package: "fonts-dejavu-core",
        regular: "DejaVuSans.ttf",
        bold: "DejaVuSans-Bold.ttf",
        italic: None,
    },
    FamilySpec {
        name: "DejaVu Serif",
        serif: true,
        sub: "dejavu",
        package: "fonts-dejavu-core",
        regular: "DejaVuSerif.ttf",
        bold: "DejaVuSerif-Bold.ttf",
        italic: None,
    },
    FamilySpec {
        name: "Liberation Sans",
        serif: false,
        sub: "liberation2",
        package: "fonts-liberation2",
        regular: "LiberationSans-Regular.ttf",
        bold: "LiberationSans-Bold.ttf",
        italic: Some("LiberationSans-Italic.ttf"),
    },
    FamilySpec {
        name: "Liberation Serif",
        serif: true,
        sub: "liberation2",
        package: "fonts-liberation2",
        regular: "LiberationSerif-Regular.ttf",
        bold: "LiberationSerif-Bold.ttf",
        italic: Some("LiberationSerif-Italic.ttf"),
    },
    FamilySpec {
        name: "FreeSans",
        serif: false,
        sub: "freefont",
        package: "fonts-freefont-ttf",
        regular: "FreeSans.ttf",
        bold: "FreeSansBold.ttf",
        italic: Some("FreeSansOblique.ttf"),
    },
    FamilySpec {
        name: "FreeSerif",
        serif: true,
        sub: "freefont",
        package: "fonts-freefont-ttf",
        regular: "FreeSerif.ttf",
        bold: "FreeSerifBold.ttf",
        italic: Some("FreeSerifItalic.ttf"),
    },
];

/// Families only the broad variety draws (`--broad`): typefaces the extraction rules
/// were not tuned on. They come from fonts-noto-core and fonts-dejavu-extra.
const BROAD_FAMILIES: &[FamilySpec] = &[
    FamilySpec {
        name: "Noto Sans",
        serif: false,
        sub: "noto",
        package: "fonts-noto-core",
        regular: "NotoSans-Regular.ttf",
        bold: "NotoSans-Bold.ttf",
        italic: Some("NotoSans-Italic.ttf"),
    },
    FamilySpec {
        name: "Noto Serif",
        serif: true,
        sub: "noto",
        package: "fonts-noto-core",
        regular: "NotoSerif-Regular.ttf",
        bold: "NotoSerif-Bold.ttf",
        italic: Some("NotoSerif-Italic.ttf"),
    },
    FamilySpec {
        name: "DejaVu Sans Condensed",
        serif: false,
        sub: "dejavu",
        package: "fonts-dejavu-extra",
        regular: "DejaVuSansCondensed.ttf",
        bold: "DejaVuSansCondensed-Bold.ttf",
        italic: Some("DejaVuSansCondensed-Oblique.ttf"),
    },
    FamilySpec {
        name: "DejaVu Serif Condensed",
        serif: true,
        sub: "dejavu",
        package: "fonts-dejavu-extra",
        regular: "DejaVuSerifCondensed.ttf",
        bold: "DejaVuSerifCondensed-Bold.ttf",
        italic: Some("DejaVuSerifCondensed-Italic.ttf"),
    },
];

const MONOS: &[(&str, &str, &str)] = &[
    ("dejavu", "fonts-dejavu-core", "DejaVuSansMono.ttf"),
    ("freefont", "fonts-freefont-ttf", "FreeMonoBold.ttf"),
    (
        "liberation2",
        "fonts-liberation2",
        "LiberationMono-Regular.ttf",
    ),
];

pub struct FontLibrary {
    pub families: Vec<Family>,
    /// The broad variety's families besides; empty unless it was asked for.
    pub broad: Vec<Family>,
    pub monos: Vec<Face>,
}

fn load_families(dir: &Path, specs: &[FamilySpec]) -> Result<Vec<Family>, GenerateError> {
    specs
        .iter()
        .map(|s| {
            Ok(Family {
                regular: Face::load(dir, s.sub, s.regular, s.package)?,
                bold: Face::load(dir, s.sub, s.bold, s.package)?,
                italic: match s.italic {
                    Some(f) => Some(Face::load(dir, s.sub, f, s.package)?),
                    None => None,
                },
            })
        })
        .collect()
}

impl FontLibrary {
    pub fn load(dir: &Path, broad: bool) -> Result<FontLibrary, GenerateError> {
        let families = load_families(dir, FAMILIES)?;
        let broad = if broad {
            load_families(dir, BROAD_FAMILIES)?
        } else {
            Vec::new()
        };
        let mut monos = Vec::new();
        for (sub, package, file) in MONOS {
            monos.push(Face::load(dir, sub, file, package)?);
        }
        Ok(FontLibrary {
            families,
            broad,
            monos,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum W {
    Regular,
    Bold,
    Italic,
    Title,
    Mono,
}

/// The faces one specimen is set in, remembering which were actually drawn so the truth
/// file can name them.
pub struct Typo<'a> {
    pub body: &'a Family,
    pub title: &'a Family,
    pub mono: &'a Face,
    /// Where values are set in another family than their labels (the broad variety):
    /// the bold weight comes from it.
    pub values: Option<&'a Family>,
    used: RefCell<BTreeSet<&'static str>>,
}

impl<'a> Typo<'a> {
    pub fn new(body: &'a Family, title: &'a Family, mono: &'a Face) -> Typo<'a> {
        Typo {
            body,
            title,
            mono,
            values: None,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    pub fn face(&self, w: W) -> &'a Face {
        let face = match w {
            W::Regular => &self.body.regular,
            W::Bold => &self.values.unwrap_or(self.body).bold,
            W::Italic => self.body.italic.as_ref().unwrap_or(&self.body.regular),
            W::Title => &self.title.bold,
            W::Mono => self.mono,
        };
        self.used.borrow_mut().insert(face.file);
        face
    }

    /// The faces drawn since the last call, forgetting them: documents collect their own.
    pub fn take_used(&self) -> BTreeSet<&'static str> {
        std::mem::take(&mut *self.used.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    const VIETNAMESE: &str =
        "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";

    #[test]
    fn every_face_covers_vietnamese() {
        let lib =
            FontLibrary::load(Path::new(crate::DEFAULT_FONT_DIR), false).expect("fonts installed");
        let mut text: String = VIETNAMESE.to_string();
        text.push_str(&VIETNAMESE.to_uppercase());
        text.push_str("0123456789<|/-.,:;()'");
        for list in [
            data::SURNAMES,
            data::GIVEN_FEMALE,
            data::GIVEN_MALE,
            data::WARDS,
            data::STREETS,
            data::HAMLETS,
            data::BRANDS,
        ] {
            text.push_str(&list.concat());
        }
        for family in &lib.families {
            for face in [
                Some(&family.regular),
                Some(&family.bold),
                family.italic.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                let missing: Vec<char> = text.chars().filter(|c| !face.covers(*c)).collect();
                assert!(missing.is_empty(), "{} lacks {missing:?}", face.file);
            }
        }
        // Monospaced faces set only the MRZ, which is ASCII by definition (DejaVu Sans Mono
        // lacks the hook-above letters, so it must not be used for Vietnamese text).
        let mrz = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
        for face in &lib.monos {
            assert!(mrz.chars().all(|c| face.covers(c)), "{}", face.file);
        }
    }
}
