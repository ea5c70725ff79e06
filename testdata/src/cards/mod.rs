//! The two citizen id card templates, front and back, drawn at their real size
//! (85.6 × 54 mm) at the specimen's resolution.

use std::collections::BTreeSet;

use qrcode::{Color, EcLevel, QrCode};
use rand::Rng;

use hoso_extractors::{DocumentType, FieldKey};

use crate::canvas::{star, Canvas, Rgb, BLACK, RED, WHITE};
use crate::codes::{qr_payload, td1_mrz, QrData};
use crate::data;
use crate::date::Date;
use crate::fonts::{Typo, W};
use crate::layout::{draw_signature, CodeRec, Doc, FieldRec};
use crate::people::{date, pick, random_date, AddressStyle, Person, Rng8};
use crate::GenerateError;

mod cancuoc;
mod cccd;

use cancuoc::cancuoc_2024;
use cccd::cccd_2021;

pub const CARD_W_MM: f32 = 85.6;
pub const CARD_H_MM: f32 = 54.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardTemplate {
    /// Chip-based "Căn cước công dân", issued 2021 to mid-2024.
    Cccd2021,
    /// "Căn cước", issued from July 2024.
    Cancuoc2024,
}

impl CardTemplate {
    pub fn name(self) -> &'static str {
        match self {
            CardTemplate::Cccd2021 => "cccd_2021",
            CardTemplate::Cancuoc2024 => "cancuoc_2024",
        }
    }
}

/// What the card says about its holder beyond the person itself.
pub struct CardFacts {
    pub issue: Date,
    /// `None`: "Không thời hạn".
    pub expiry: Option<Date>,
}

/// Cards are renewed at 25, 40 and 60; one issued within two years of such a birthday runs
/// to the next one, and one issued from 58 on never expires.
pub fn expiry_for(dob: Date, issue: Date) -> Option<Date> {
    let age = dob.years_until(issue);
    match age {
        a if a < 23 => Some(dob.add_years(25)),
        a if a < 38 => Some(dob.add_years(40)),
        a if a < 58 => Some(dob.add_years(60)),
        _ => None,
    }
}

pub fn card_facts(rng: &mut Rng8, person: &Person, template: CardTemplate) -> CardFacts {
    let (from, to) = match template {
        CardTemplate::Cccd2021 => (date(2021, 1, 15), date(2024, 6, 28)),
        CardTemplate::Cancuoc2024 => (date(2024, 7, 1), date(2026, 6, 30)),
    };
    let mut issue = random_date(rng, from, to);
    let fourteen = person.dob.add_years(14);
    if issue < fourteen {
        issue = fourteen.add_days(rng.gen_range(1..200));
    }
    CardFacts {
        issue,
        expiry: expiry_for(person.dob, issue),
    }
}

struct Pen<'a> {
    c: Canvas,
    typo: &'a Typo<'a>,
    /// Pixels per millimetre.
    k: f32,
    fields: Vec<FieldRec>,
    face: usize,
    draw: bool,
}

impl<'a> Pen<'a> {
    fn em(&self, pt: f32) -> f32 {
        pt / 72.0 * 25.4 * self.k
    }

    fn width(&self, text: &str, w: W, pt: f32) -> f32 {
        self.typo.face(w).width(self.em(pt), text) / self.k
    }

    fn put(&mut self, x: f32, y: f32, text: &str, w: W, pt: f32, color: Rgb) -> f32 {
        if !self.draw {
            return x + self.width(text, w, pt);
        }
        let face = self.typo.face(w);
        let em = self.em(pt);
        let k = self.k;
        x + self.c.text(face, em, x * k, y * k, text, color) / k
    }

    fn center(&mut self, cx: f32, y: f32, text: &str, w: W, pt: f32, color: Rgb) {
        let width = self.width(text, w, pt);
        self.put(cx - width / 2.0, y, text, w, pt, color);
    }

    /// The size at which `text` fits in `max` mm, never above `pt`.
    fn fit(&self, text: &str, w: W, pt: f32, max: f32) -> f32 {
        let width = self.width(text, w, pt);
        if width > max {
            pt * max / width * 0.98
        } else {
            pt
        }
    }

    fn wrap(&self, text: &str, w: W, pt: f32, first: f32, cont: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        for word in text.split_whitespace() {
            let candidate = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            let limit = if lines.is_empty() { first } else { cont };
            if !cur.is_empty() && self.width(&candidate, w, pt) > limit {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            } else {
                cur = candidate;
            }
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        lines
    }

    fn record(&mut self, key: FieldKey, value: impl Into<String>) {
        if self.draw {
            self.fields.push(FieldRec {
                key,
                value: value.into(),
                face: self.face,
            });
        }
    }

    /// A label and its (possibly wrapped) value starting at baseline `y`; returns the next
    /// baseline. An inline value whose first word does not fit after the label starts on the
    /// next line.
    #[allow(clippy::too_many_arguments)]
    fn labelled(
        &mut self,
        x: f32,
        y: f32,
        x_end: f32,
        label: &str,
        label_pt: f32,
        value: &str,
        value_w: W,
        value_pt: f32,
        next_line: bool,
        pitch: f32,
    ) -> f32 {
        let label_end = self.put(x, y, label, W::Regular, label_pt, BLACK);
        let gap = self.width(" ", W::Regular, label_pt);
        let first_room = x_end - label_end - gap;
        let first_word = value.split_whitespace().next().unwrap_or("");
        let inline = !next_line && self.width(first_word, value_w, value_pt) <= first_room;
        let (mut vy, first_x, first_w) = if inline {
            (y, label_end + gap, first_room)
        } else {
            (y + pitch, x, x_end - x)
        };
        let lines = self.wrap(value, value_w, value_pt, first_w, x_end - x);
        for (i, line) in lines.iter().enumerate() {
            let lx = if i == 0 { first_x } else { x };
            self.put(lx, vy, line, value_w, value_pt, BLACK);
            vy += pitch;
        }
        vy
    }
}

fn card_canvas(dpi: f32, top: Rgb, bottom: Rgb) -> Canvas {
    let k = dpi / 25.4;
    let mut c = Canvas::new(
        (CARD_W_MM * k).round() as usize,
        (CARD_H_MM * k).round() as usize,
        WHITE,
    );
    c.vertical_gradient(top, bottom);
    c
}

/// Fine wavy security lines across the card.
fn guilloche(c: &mut Canvas, rng: &mut Rng8, k: f32, color: Rgb) {
    let width = (0.12 * k).max(0.8);
    let n = 16;
    for i in 0..n {
        let y0 = (i as f32 + 0.5) * CARD_H_MM / n as f32 * k;
        let amp = rng.gen_range(0.8..2.0) * k;
        let freq = rng.gen_range(0.08..0.16) / k;
        let phase = rng.gen_range(0.0..std::f32::consts::TAU);
        let pts: Vec<(f32, f32)> = (0..=120)
            .map(|s| {
                let x = s as f32 / 120.0 * CARD_W_MM * k;
                (
                    x,
                    y0 + amp * (x * freq * std::f32::consts::TAU + phase).sin(),
                )
            })
            .collect();
        c.polyline(&pts, width, color);
    }
}

fn emblem(c: &mut Canvas, cx: f32, cy: f32, r: f32) {
    c.fill_ellipse(cx, cy, r, r, [200, 150, 50], true);
    c.fill_ellipse(cx, cy, r * 0.86, r * 0.86, [205, 35, 35], true);
    c.fill_polygon(&star(cx, cy, r * 0.5), [250, 215, 40]);
}

fn photo(c: &mut Canvas, rng: &mut Rng8, x: f32, y: f32, w: f32, h: f32) {
    let shade = rng.gen_range(185..225u8);
    let mut p = Canvas::new(w as usize, h as usize, WHITE);
    p.vertical_gradient([shade, shade, shade.saturating_add(10)], [235, 238, 242]);
    let tone: Rgb = [
        rng.gen_range(90..140),
        rng.gen_range(90..130),
        rng.gen_range(90..130),
    ];
    p.fill_ellipse(w * 0.5, h * 1.02, w * 0.55, h * 0.3, [60, 65, 80], true);
    p.fill_ellipse(w * 0.5, h * 0.42, w * 0.26, h * 0.24, tone, true);
    p.fill_ellipse(w * 0.5, h * 0.27, w * 0.27, h * 0.12, [30, 30, 35], true);
    c.blit(&p, x as i64, y as i64);
}

fn chip(c: &mut Canvas, x: f32, y: f32, w: f32, h: f32) {
    c.fill_rect(x, y, x + w, y + h, [214, 180, 96]);
    let t = (w / 40.0).max(1.0);
    c.stroke_rect(x, y, x + w, y + h, t, [150, 120, 60]);
    c.ink_rect(
        x + w * 0.33,
        y,
        x + w * 0.33 + t,
        y + h,
        1.0,
        [150, 120, 60],
    );
    c.ink_rect(
        x + w * 0.66,
        y,
        x + w * 0.66 + t,
        y + h,
        1.0,
        [150, 120, 60],
    );
    c.ink_rect(x, y + h * 0.5, x + w, y + h * 0.5 + t, 1.0, [150, 120, 60]);
}

fn fingerprint(c: &mut Canvas, rng: &mut Rng8, cx: f32, cy: f32, rx: f32, ry: f32) {
    let width = (rx / 30.0).max(0.8);
    let mut r = 0.15;
    let tilt = rng.gen_range(-0.2..0.2f32);
    while r < 1.0 {
        let pts: Vec<(f32, f32)> = (0..=48)
            .map(|s| {
                let a = s as f32 / 48.0 * std::f32::consts::TAU;
                let x = rx * r * a.cos();
                let y = ry * r * a.sin();
                (cx + x + y * tilt, cy + y)
            })
            .collect();
        c.polyline(&pts, width, [120, 120, 130]);
        r += rng.gen_range(0.09..0.14);
    }
}

/// QR matrix of `payload` as dark-module flags.
pub fn qr_matrix(payload: &str) -> Result<(Vec<bool>, usize), GenerateError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L)
        .map_err(|e| GenerateError::Qr(e.to_string()))?;
    let n = code.width();
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((modules, n))
}

fn draw_qr(pen: &mut Pen, payload: &str, x: f32, y: f32, side: f32) -> Result<(), GenerateError> {
    let (modules, n) = qr_matrix(payload)?;
    // Whole pixels per module keep the code decodable at scanner resolutions.
    let module = ((side * pen.k) / n as f32).floor().max(2.0);
    pen.c.qr(&modules, n, x * pen.k, y * pen.k, module);
    Ok(())
}

fn draw_mrz(pen: &mut Pen, lines: &[String; 3]) {
    let face = pen.typo.face(W::Mono);
    let pitch = 2.54;
    let advance = face.width(100.0, "0") / 100.0;
    let em = (pitch * pen.k * 0.92 / advance).min(3.4 * pen.k);
    for (row, line) in lines.iter().enumerate() {
        let y = (43.4 + row as f32 * 4.25) * pen.k;
        for (i, ch) in line.chars().enumerate() {
            let x = (4.6 + i as f32 * pitch) * pen.k;
            let mut buf = [0u8; 4];
            pen.c
                .text(face, em, x, y, ch.encode_utf8(&mut buf), [25, 25, 30]);
        }
    }
}

fn dmy(d: Date) -> String {
    d.dmy('/')
}

/// Renders both faces of a card for `person`.
pub fn render_card(
    rng: &mut Rng8,
    typo: &Typo,
    dpi: f32,
    person: &Person,
    template: CardTemplate,
    facts: &CardFacts,
) -> Result<Doc, GenerateError> {
    let residence = person.residence.render(if rng.gen_bool(0.6) {
        AddressStyle::Card
    } else {
        AddressStyle::Formal
    });
    let qr = QrData {
        id_number: person.id_number.clone(),
        previous_id_number: person.old_id.clone(),
        full_name: person.name(),
        date_of_birth: person.dob,
        female: person.female,
        residence: residence.clone(),
        date_of_issue: facts.issue,
    };
    let six = person.old_id.is_none() && rng.gen_bool(0.25);
    let payload = qr_payload(&qr, six);
    let mrz = td1_mrz(
        &person.id_number,
        person.dob,
        person.female,
        facts.expiry,
        &person.upper_name(),
    );
    let (front, back, mut fields, fonts) = match template {
        CardTemplate::Cccd2021 => {
            cccd_2021(rng, typo, dpi, person, facts, &residence, &payload, &mrz)?
        }
        CardTemplate::Cancuoc2024 => {
            cancuoc_2024(rng, typo, dpi, person, facts, &residence, &payload, &mrz)?
        }
    };
    // What the QR (front) and the MRZ (back) carry, beside what is printed.
    let expiry_truth = facts
        .expiry
        .map_or_else(|| "unlimited".to_string(), |d| d.iso());
    let mut add =
        |key: FieldKey, value: String, face: usize| fields.push(FieldRec { key, value, face });
    add(FieldKey::IdNumber, person.id_number.clone(), 0);
    if let Some(old) = &person.old_id {
        add(FieldKey::PreviousIdNumber, old.clone(), 0);
    }
    add(FieldKey::FullName, person.upper_name(), 0);
    add(FieldKey::DateOfBirth, person.dob.iso(), 0);
    add(FieldKey::Sex, person.sex_truth().to_string(), 0);
    add(FieldKey::PlaceOfResidence, residence.clone(), 0);
    add(FieldKey::DateOfIssue, facts.issue.iso(), 0);
    add(FieldKey::IdNumber, person.id_number.clone(), 1);
    add(FieldKey::DateOfBirth, person.dob.iso(), 1);
    add(FieldKey::Sex, person.sex_truth().to_string(), 1);
    if facts.expiry.is_some() {
        add(FieldKey::DateOfExpiry, expiry_truth, 1);
    }
    Ok(Doc {
        doc_type: DocumentType::CitizenId,
        template: template.name().to_string(),
        faces: vec![front, back],
        fonts: fonts.to_vec(),
        fields,
        codes: vec![
            CodeRec {
                kind: "qr",
                face: 0,
                payload,
            },
            CodeRec {
                kind: "mrz",
                face: 1,
                payload: mrz.join("\n"),
            },
        ],
    })
}

type Faces = (Canvas, Canvas, Vec<FieldRec>, [BTreeSet<&'static str>; 2]);

fn draw_small_stamp(c: &mut Canvas, cx: f32, cy: f32, k: f32) {
    c.ring(cx, cy, 5.5 * k, 0.3 * k, [215, 40, 50]);
    c.ring(cx, cy, 3.8 * k, 0.2 * k, [215, 40, 50]);
}
