//! One specimen from start to finish: what it shows, how it was scanned, its file and its
//! ground truth.

use std::collections::BTreeSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use crate::canvas::{Canvas, WHITE};
use crate::cards::{card_facts, render_card, CardTemplate, CARD_W_MM};
use crate::certificates::{self, A4_MM};
use crate::fonts::{FontLibrary, Typo};
use crate::layout::Doc;
use crate::output::{self, PageImage};
use crate::people::{date, Person, Rng8};
use crate::scan;
use crate::truth::{self, Source, SpecimenInfo, Truth};
use crate::{FileFormat, GenerateError, Quality};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Card(CardTemplate),
    Birth,
    Marriage,
    Business,
    Residence,
    Dossier,
}

const KINDS: [Kind; 7] = [
    Kind::Card(CardTemplate::Cccd2021),
    Kind::Card(CardTemplate::Cancuoc2024),
    Kind::Birth,
    Kind::Marriage,
    Kind::Business,
    Kind::Residence,
    Kind::Dossier,
];

pub const FORMATS: [FileFormat; 4] = [
    FileFormat::Png,
    FileFormat::Jpeg,
    FileFormat::Tiff,
    FileFormat::Pdf,
];

impl Kind {
    /// Every kind, in the order specimens rotate through them.
    pub const ALL: [Kind; 7] = KINDS;

    /// The kinds a name stands for: a slug, or `cards` for both card templates.
    pub fn parse(name: &str) -> Option<Vec<Kind>> {
        match name.trim() {
            "cards" => Some(vec![
                Kind::Card(CardTemplate::Cccd2021),
                Kind::Card(CardTemplate::Cancuoc2024),
            ]),
            other => KINDS
                .into_iter()
                .find(|k| k.slug() == other)
                .map(|k| vec![k]),
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Kind::Card(CardTemplate::Cccd2021) => "citizen_id_cccd2021",
            Kind::Card(CardTemplate::Cancuoc2024) => "citizen_id_cancuoc2024",
            Kind::Birth => "birth_certificate",
            Kind::Marriage => "marriage_certificate",
            Kind::Business => "business_registration",
            Kind::Residence => "residence_confirmation",
            Kind::Dossier => "dossier",
        }
    }
}

/// Round-robin over kinds; formats and qualities rotate at different rates across rounds.
/// The first round of seven alone covers every kind, format and quality.
pub fn plan(
    index: usize,
    kinds: &[Kind],
    qualities: &[Quality],
    formats: &[FileFormat],
) -> (Kind, FileFormat, Quality) {
    let kinds = if kinds.is_empty() { &KINDS[..] } else { kinds };
    let k = index % kinds.len();
    let round = index / kinds.len();
    let kind = kinds[k];
    // A dossier gathers several documents, which only a PDF can hold.
    let format = if kind == Kind::Dossier {
        FileFormat::Pdf
    } else {
        let formats = if formats.is_empty() {
            &FORMATS[..]
        } else {
            formats
        };
        formats[(k + 3 * round) % formats.len()]
    };
    // Within a residue class of rounds mod 4 the format is fixed and `round / 4` walks the
    // quality through all four values, so every (kind, format, quality) appears by round 16.
    let q = (k + 2 * round + round / 4) % qualities.len().max(1);
    let quality = qualities.get(q).copied().unwrap_or(Quality::Clean);
    (kind, format, quality)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Each specimen draws from its own stream, so generation order (and thread count) cannot
/// change a file.
pub fn specimen_seed(seed: u64, index: usize) -> u64 {
    splitmix(seed ^ splitmix(index as u64 ^ 0x686f_736f))
}

/// What one output page shows before the scan condition is applied.
enum Shot {
    /// A page or an A4 sheet, at the page resolution.
    Paper(Canvas),
    /// A card face alone, photographed.
    CardPhoto(Canvas),
}

struct Page {
    shot: Shot,
    /// (document index, face index) shown on this page.
    contents: Vec<(usize, usize)>,
    dpi: u32,
}

pub struct Built {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub truth: Truth,
    pub format: FileFormat,
    pub quality: Quality,
    pub template: String,
}

fn card_radius(dpi: f32) -> f64 {
    f64::from(3.18 * dpi / 25.4)
}

fn card_crop(face: &Canvas, dpi: f32, rng: &mut Rng8) -> Canvas {
    let margin = (rng.gen_range(2.0..6.0) * dpi / 25.4) as usize;
    let mut c = Canvas::new(face.w + 2 * margin, face.h + 2 * margin, WHITE);
    let center = (c.w as f64 / 2.0, c.h as f64 / 2.0);
    scan::place_card(&mut c, face, center, 0.0, card_radius(dpi));
    c
}

fn card_sheet(faces: &[&Canvas], dpi: f32, tilt: f64, rng: &mut Rng8) -> Canvas {
    let k = dpi / 25.4;
    let mut sheet = Canvas::new(
        (A4_MM.0 * k).round() as usize,
        (A4_MM.1 * k).round() as usize,
        WHITE,
    );
    let mut y_mm = rng.gen_range(40.0..70.0);
    for face in faces {
        let x_mm = A4_MM.0 / 2.0 + rng.gen_range(-12.0..12.0);
        let angle = if tilt > 0.0 {
            rng.gen_range(-tilt..tilt)
        } else {
            0.0
        };
        scan::place_card(
            &mut sheet,
            face,
            (f64::from(x_mm * k), f64::from(y_mm * k)),
            angle,
            card_radius(dpi),
        );
        y_mm += 54.0 + rng.gen_range(15.0..35.0);
    }
    sheet
}

struct Ctx<'a> {
    typo: &'a Typo<'a>,
    rng: Rng8,
    quality: Quality,
    multi: bool,
    page_dpi: u32,
    card_dpi: u32,
    docs: Vec<Doc>,
    pages: Vec<Page>,
    template: Vec<String>,
    /// The broad variety's own generator, when it was asked for.
    broad: Option<Rng8>,
}

impl<'a> Ctx<'a> {
    fn push_doc(&mut self, doc: Doc) -> usize {
        self.docs.push(doc);
        self.docs.len() - 1
    }

    /// Adds the pages of a certificate: all of them, or only the first for image formats.
    fn certificate(&mut self, mut doc: Doc) {
        doc.fonts = vec![self.typo.take_used(); doc.faces.len()];
        if let Some(b) = self.broad.as_mut() {
            let mut tags = Vec::new();
            if b.gen_bool(0.5) {
                for face in doc.faces.iter_mut() {
                    *face = crate::broad::rescaled(face, b).0;
                }
                tags.push("rescaled");
            }
            if b.gen_bool(0.4) {
                if let Some(face) = doc.faces.first_mut() {
                    tags.push(crate::broad::stamp_over_text(face, self.page_dpi as f32, b));
                }
            }
            if !tags.is_empty() {
                doc.template = format!("{} [{}]", doc.template, tags.join(","));
            }
        }
        let n = if self.multi { doc.faces.len() } else { 1 };
        if n < doc.faces.len() {
            self.template
                .push(format!("{} (page 1 of {})", doc.template, doc.faces.len()));
        } else {
            self.template.push(doc.template.clone());
        }
        let d = self.push_doc(doc);
        for face in 0..n {
            let canvas = self.docs[d].faces[face].clone();
            self.pages.push(Page {
                shot: Shot::Paper(canvas),
                contents: vec![(d, face)],
                dpi: self.page_dpi,
            });
        }
    }

    /// A card on an A4 sheet, the way dossiers carry copies of both faces.
    fn card_on_sheet(&mut self, d: usize, faces: &[usize]) {
        let tilt = match self.quality {
            Quality::Clean => 0.0,
            _ => 1.5,
        };
        let dpi = self.page_dpi as f32;
        let canvases: Vec<Canvas> = faces
            .iter()
            .map(|f| self.docs[d].faces[*f].clone())
            .collect();
        let refs: Vec<&Canvas> = canvases.iter().collect();
        let sheet = match self.broad.as_mut() {
            Some(b) => {
                let arrangement = crate::broad::Arrangement::pick(b);
                self.template.push(format!("sheet {}", arrangement.name()));
                crate::broad::card_sheet(&refs, dpi, arrangement, tilt, card_radius(dpi), b)
            }
            None => card_sheet(&refs, dpi, tilt, &mut self.rng),
        };
        self.pages.push(Page {
            shot: Shot::Paper(sheet),
            contents: faces.iter().map(|f| (d, *f)).collect(),
            dpi: self.page_dpi,
        });
    }

    fn card_specimen(&mut self, template: CardTemplate) -> Result<(), GenerateError> {
        let born_until = match template {
            CardTemplate::Cccd2021 => date(2007, 6, 30),
            CardTemplate::Cancuoc2024 => date(2010, 6, 30),
        };
        let person = Person::random(&mut self.rng, None, (date(1948, 1, 1), born_until));
        let facts = card_facts(&mut self.rng, &person, template);
        let phone = self.quality == Quality::Phone;
        let dpi = if phone { self.card_dpi } else { self.page_dpi };
        let doc = render_card(
            &mut self.rng,
            self.typo,
            dpi as f32,
            &person,
            template,
            &facts,
        )?;
        let d = self.push_doc(doc);
        let both = self.multi || self.rng.gen_bool(0.7);
        let layout = match self.quality {
            Quality::Phone => {
                let faces: &[usize] = if self.multi && self.rng.gen_bool(0.75) {
                    &[0, 1]
                } else {
                    &[0]
                };
                for f in faces {
                    let canvas = self.docs[d].faces[*f].clone();
                    self.pages.push(Page {
                        shot: Shot::CardPhoto(canvas),
                        contents: vec![(d, *f)],
                        dpi: self.card_dpi,
                    });
                }
                if faces.len() == 2 {
                    "front,back/photos"
                } else {
                    "front/photo"
                }
            }
            Quality::Clean if self.rng.gen_bool(0.5) => {
                let faces: &[usize] = if self.multi { &[0, 1] } else { &[0] };
                for f in faces {
                    let mut crop =
                        card_crop(&self.docs[d].faces[*f].clone(), dpi as f32, &mut self.rng);
                    if let Some(b) = self.broad.as_mut() {
                        if b.gen_bool(0.3) {
                            crop = crate::broad::quarter_turn(&crop, b.gen_bool(0.5));
                            self.template.push("crop turned".to_string());
                        }
                    }
                    self.pages.push(Page {
                        shot: Shot::Paper(crop),
                        contents: vec![(d, *f)],
                        dpi,
                    });
                }
                if faces.len() == 2 {
                    "front,back/crops"
                } else {
                    "front/crop"
                }
            }
            _ if self.multi && self.rng.gen_bool(0.25) => {
                self.card_on_sheet(d, &[0]);
                self.card_on_sheet(d, &[1]);
                "front,back/a4_sheets"
            }
            _ if both || self.quality == Quality::Clean => {
                self.card_on_sheet(d, &[0, 1]);
                "front+back/a4_sheet"
            }
            _ => {
                self.card_on_sheet(d, &[0]);
                "front/a4_sheet"
            }
        };
        self.template.push(format!("{} {layout}", template.name()));
        Ok(())
    }

    fn card_for_dossier(&mut self, person: &Person) -> Result<(), GenerateError> {
        let template = if self.rng.gen_bool(0.5) {
            CardTemplate::Cccd2021
        } else {
            CardTemplate::Cancuoc2024
        };
        let facts = card_facts(&mut self.rng, person, template);
        let doc = render_card(
            &mut self.rng,
            self.typo,
            self.page_dpi as f32,
            person,
            template,
            &facts,
        )?;
        let d = self.push_doc(doc);
        self.card_on_sheet(d, &[0, 1]);
        self.template
            .push(format!("{} front+back/a4_sheet", template.name()));
        Ok(())
    }

    fn dossier(&mut self) -> Result<(), GenerateError> {
        let dpi = self.page_dpi as f32;
        match self.rng.gen_range(0..3) {
            0 => {
                let fam = certificates::family(&mut self.rng);
                let parent = if self.rng.gen_bool(0.5) {
                    fam.father.clone()
                } else {
                    fam.mother.clone()
                };
                self.card_for_dossier(&parent)?;
                let birth = certificates::birth_certificate(&mut self.rng, self.typo, dpi, &fam);
                self.certificate(birth);
                let hh = certificates::household(&mut self.rng, parent);
                let ct07 = certificates::residence_confirmation(&mut self.rng, self.typo, dpi, &hh);
                self.certificate(ct07);
            }
            1 => {
                let cp = certificates::couple(&mut self.rng);
                self.card_for_dossier(&cp.husband.clone())?;
                self.card_for_dossier(&cp.wife.clone())?;
                let doc = certificates::marriage_certificate(&mut self.rng, self.typo, dpi, &cp);
                self.certificate(doc);
            }
            _ => {
                let b = certificates::business(&mut self.rng);
                self.card_for_dossier(&b.representative.clone())?;
                let doc =
                    certificates::business_registration(&mut self.rng, self.typo, dpi, &b, false);
                self.certificate(doc);
            }
        }
        Ok(())
    }
}

fn jpeg_quality(quality: Quality, rng: &mut Rng8) -> u8 {
    match quality {
        Quality::Clean => 92,
        Quality::Office => 85,
        Quality::Photocopy => rng.gen_range(80..=88),
        Quality::Phone => rng.gen_range(70..=80),
    }
}

fn degrade(shot: Shot, quality: Quality, rng: &mut Rng8) -> PageImage {
    match (shot, quality) {
        (Shot::CardPhoto(card), _) => {
            let radius = card.w as f64 * 3.18 / f64::from(CARD_W_MM);
            let fill = rng.gen_range(0.72..0.86);
            PageImage::Rgb(scan::phone(&card, rng, fill, radius))
        }
        (Shot::Paper(c), Quality::Clean) => PageImage::Rgb(c),
        (Shot::Paper(c), Quality::Office) => PageImage::Rgb(scan::office(&c, rng)),
        (Shot::Paper(c), Quality::Photocopy) => {
            let (w, h, px) = scan::photocopy(&c, rng);
            PageImage::Gray { w, h, px }
        }
        (Shot::Paper(c), Quality::Phone) => {
            let fill = rng.gen_range(0.84..0.92);
            PageImage::Rgb(scan::phone(&c, rng, fill, 0.0))
        }
    }
}

pub fn build(
    lib: &FontLibrary,
    seed: u64,
    index: usize,
    kinds: &[Kind],
    qualities: &[Quality],
    formats: &[FileFormat],
    broad: bool,
) -> Result<Built, GenerateError> {
    let (kind, format, quality) = plan(index, kinds, qualities, formats);
    let mut rng = ChaCha8Rng::seed_from_u64(specimen_seed(seed, index));
    let mut broad_rng = broad.then(|| crate::broad::rng_for(specimen_seed(seed, index)));
    let nf = lib.families.len();
    let body = &lib.families[rng.gen_range(0..nf)];
    let title = if rng.gen_bool(0.5) {
        body
    } else {
        &lib.families[rng.gen_range(0..nf)]
    };
    let mono = &lib.monos[rng.gen_range(0..lib.monos.len())];
    let mut typo = Typo::new(body, title, mono);
    if let Some(b) = broad_rng.as_mut() {
        // Any family of either variety, and values in another than their labels.
        let all: Vec<&crate::fonts::Family> = lib.families.iter().chain(&lib.broad).collect();
        typo.body = all[b.gen_range(0..all.len())];
        typo.title = all[b.gen_range(0..all.len())];
        if b.gen_bool(0.6) {
            typo.values = Some(all[b.gen_range(0..all.len())]);
        }
    }
    let (page_dpi, card_dpi) = match quality {
        Quality::Clean => (300, 300),
        Quality::Office | Quality::Photocopy => {
            let d = if rng.gen_bool(0.5) { 200 } else { 300 };
            (d, d)
        }
        Quality::Phone => (rng.gen_range(170..=220), rng.gen_range(330..=420)),
    };
    let mut ctx = Ctx {
        typo: &typo,
        rng,
        quality,
        multi: format == FileFormat::Pdf,
        page_dpi,
        card_dpi,
        docs: Vec::new(),
        pages: Vec::new(),
        template: Vec::new(),
        broad: broad_rng.take(),
    };
    let dpi = page_dpi as f32;
    match kind {
        Kind::Card(t) => ctx.card_specimen(t)?,
        Kind::Birth => {
            let fam = certificates::family(&mut ctx.rng);
            let doc = certificates::birth_certificate(&mut ctx.rng, &typo, dpi, &fam);
            ctx.certificate(doc);
        }
        Kind::Marriage => {
            let cp = certificates::couple(&mut ctx.rng);
            let doc = certificates::marriage_certificate(&mut ctx.rng, &typo, dpi, &cp);
            ctx.certificate(doc);
        }
        Kind::Business => {
            let b = certificates::business(&mut ctx.rng);
            let one_page = !ctx.multi;
            let doc = certificates::business_registration(&mut ctx.rng, &typo, dpi, &b, one_page);
            ctx.certificate(doc);
        }
        Kind::Residence => {
            let p = Person::random(&mut ctx.rng, None, (date(1950, 1, 1), date(2007, 12, 31)));
            let hh = certificates::household(&mut ctx.rng, p);
            let doc = certificates::residence_confirmation(&mut ctx.rng, &typo, dpi, &hh);
            ctx.certificate(doc);
        }
        Kind::Dossier => ctx.dossier()?,
    }
    let Ctx {
        mut rng,
        docs,
        pages,
        mut template,
        broad: mut broad_rng,
        ..
    } = ctx;
    let truth_docs = truth::documents(&docs, &contents_of(&pages))?;
    let codes = truth::codes(&docs, &contents_of(&pages));
    let truth_dpi = pages.first().map_or(page_dpi, |p| p.dpi);
    let mut fonts: BTreeSet<&str> = BTreeSet::new();
    for page in &pages {
        for (d, face) in &page.contents {
            if let Some(f) = docs[*d].fonts.get(*face) {
                fonts.extend(f.iter().copied());
            }
        }
    }
    let mut images: Vec<(PageImage, u32)> = Vec::new();
    let mut profiles: Vec<&str> = Vec::new();
    for page in pages {
        let mut image = degrade(page.shot, quality, &mut rng);
        if let Some(b) = broad_rng.as_mut() {
            if let Some(profile) = crate::broad::profile(&mut image, quality, b) {
                profiles.push(profile);
            }
        }
        images.push((image, page.dpi));
    }
    profiles.dedup();
    if !profiles.is_empty() {
        template.push(format!("profile {}", profiles.join(",")));
    }
    let q = jpeg_quality(quality, &mut rng);
    let bytes = match format {
        FileFormat::Pdf => {
            let pages: Vec<(PageImage, u32, u8)> =
                images.into_iter().map(|(i, d)| (i, d, q)).collect();
            output::pdf(&pages)?
        }
        _ => {
            let (mut img, dpi) = images
                .into_iter()
                .next()
                .ok_or(GenerateError::Internal("specimen without pages"))?;
            if quality == Quality::Phone && format != FileFormat::Jpeg {
                img = output::jpeg_round_trip(&img, q)?;
            }
            match format {
                FileFormat::Png => output::png(&img, dpi)?,
                FileFormat::Jpeg => output::jpeg(&img, dpi, q)?,
                _ => output::tiff(&img, dpi, rng.gen_bool(0.5))?,
            }
        }
    };
    let page_count = truth_docs
        .iter()
        .flat_map(|d| d.pages.iter().copied())
        .max()
        .unwrap_or(1);
    let file_name = format!(
        "{index:04}_{}_{}.{}",
        kind.slug(),
        quality.as_str(),
        format.extension()
    );
    let template = template.join(" + ");
    let truth = Truth {
        source: Source {
            sha256: hex::encode(Sha256::digest(&bytes)),
            file_name: file_name.clone(),
            media_type: format.media_type().to_string(),
            pages: page_count,
        },
        documents: truth_docs,
        specimen: SpecimenInfo {
            seed,
            index,
            quality,
            dpi: truth_dpi,
            template: template.clone(),
            fonts: fonts.iter().map(|f| f.to_string()).collect(),
            codes,
        },
    };
    Ok(Built {
        file_name,
        bytes,
        truth,
        format,
        quality,
        template,
    })
}

/// What each page shows, as the truth is made from it.
fn contents_of(pages: &[Page]) -> Vec<&[(usize, usize)]> {
    pages.iter().map(|p| p.contents.as_slice()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{CodeRec, FieldRec};
    use hoso_extractors::{DocumentType, FieldKey};

    fn rec(key: FieldKey, value: &str, face: usize) -> FieldRec {
        FieldRec {
            key,
            value: value.to_string(),
            face,
        }
    }

    #[test]
    fn truth_lists_only_what_the_included_faces_show() {
        let doc = Doc {
            doc_type: DocumentType::CitizenId,
            template: "cancuoc_2024".into(),
            faces: vec![Canvas::new(2, 2, WHITE), Canvas::new(2, 2, WHITE)],
            fields: vec![
                rec(FieldKey::IdNumber, "001099012345", 0),
                rec(FieldKey::FullName, "NGUYỄN VĂN AN", 0),
                rec(
                    FieldKey::PlaceOfResidence,
                    "Phường Kim Mã, Ba Đình, Hà Nội",
                    0,
                ),
                rec(FieldKey::FullName, "Nguyễn Văn An", 0),
                rec(
                    FieldKey::PlaceOfBirthRegistration,
                    "Xã Tân Lập, Huyện Đan Phượng, Hà Nội",
                    1,
                ),
                rec(FieldKey::DateOfExpiry, "2039-03-12", 1),
            ],
            codes: vec![CodeRec {
                kind: "mrz",
                face: 1,
                payload: String::new(),
            }],
            fonts: Vec::new(),
        };
        let front_only = vec![Page {
            shot: Shot::Paper(Canvas::new(2, 2, WHITE)),
            contents: vec![(0, 0)],
            dpi: 300,
        }];
        let docs = vec![doc];
        let truth = truth::documents(&docs, &contents_of(&front_only)).expect("consistent");
        let keys: Vec<&String> = truth[0].fields.keys().collect();
        assert_eq!(keys, ["full_name", "id_number", "place_of_residence"]);
        assert_eq!(truth[0].fields["full_name"].value, "NGUYỄN VĂN AN");
        assert!(truth::codes(&docs, &contents_of(&front_only)).is_empty());

        let both = vec![
            Page {
                shot: Shot::Paper(Canvas::new(2, 2, WHITE)),
                contents: vec![(0, 0)],
                dpi: 300,
            },
            Page {
                shot: Shot::Paper(Canvas::new(2, 2, WHITE)),
                contents: vec![(0, 1)],
                dpi: 300,
            },
        ];
        let truth = truth::documents(&docs, &contents_of(&both)).expect("consistent");
        assert_eq!(truth[0].pages, [1, 2]);
        assert_eq!(truth[0].fields.len(), 5);
        assert_eq!(truth::codes(&docs, &contents_of(&both))[0].page, 2);
    }

    #[test]
    fn conflicting_values_are_an_error() {
        let doc = Doc {
            doc_type: DocumentType::CitizenId,
            template: String::new(),
            faces: vec![Canvas::new(2, 2, WHITE)],
            fields: vec![
                rec(FieldKey::Sex, "male", 0),
                rec(FieldKey::Sex, "female", 0),
            ],
            codes: Vec::new(),
            fonts: Vec::new(),
        };
        let pages = vec![Page {
            shot: Shot::Paper(Canvas::new(2, 2, WHITE)),
            contents: vec![(0, 0)],
            dpi: 300,
        }];
        assert!(matches!(
            truth::documents(&[doc], &contents_of(&pages)),
            Err(GenerateError::Inconsistent {
                key: FieldKey::Sex,
                ..
            })
        ));
    }

    #[test]
    fn plan_rotates_kinds_and_covers_combinations() {
        let q = Quality::ALL;
        let mut combos = std::collections::BTreeSet::new();
        for i in 0..7 * 16 {
            let (kind, format, quality) = plan(i, &[], &q, &FORMATS);
            assert_eq!(kind, KINDS[i % 7]);
            combos.insert((i % 7, format.extension(), quality.as_str()));
        }
        // Six single-document kinds meet every format and quality; dossiers are PDFs.
        assert_eq!(combos.len(), 6 * 16 + 4);
    }
}
