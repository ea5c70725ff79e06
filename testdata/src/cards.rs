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

#[allow(clippy::too_many_arguments)]
fn cccd_2021(
    rng: &mut Rng8,
    typo: &Typo,
    dpi: f32,
    person: &Person,
    facts: &CardFacts,
    residence: &str,
    payload: &str,
    mrz: &[String; 3],
) -> Result<Faces, GenerateError> {
    let k = dpi / 25.4;
    let mut c = card_canvas(dpi, [216, 236, 230], [196, 220, 236]);
    guilloche(&mut c, rng, k, [176, 208, 214]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 0,
        draw: true,
    };
    emblem(&mut pen.c, 10.0 * k, 10.0 * k, 6.0 * k);
    let cx = 43.5;
    let head = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let hp = pen.fit(head, W::Bold, 6.6, 50.0);
    pen.center(cx, 6.0, head, W::Bold, hp, BLACK);
    pen.center(
        cx,
        9.0,
        "Độc lập - Tự do - Hạnh phúc",
        W::Bold,
        hp * 0.95,
        BLACK,
    );
    pen.center(
        cx,
        11.7,
        "SOCIALIST REPUBLIC OF VIET NAM",
        W::Regular,
        5.0,
        BLACK,
    );
    pen.center(
        cx,
        14.1,
        "Independence - Freedom - Happiness",
        W::Regular,
        4.8,
        BLACK,
    );
    let title = "CĂN CƯỚC CÔNG DÂN";
    let tp = pen.fit(title, W::Title, 10.5, 48.0);
    pen.center(cx, 19.6, title, W::Title, tp, RED);
    pen.center(cx, 22.4, "Citizen Identity Card", W::Regular, 5.4, BLACK);
    draw_qr(&mut pen, payload, 69.5, 3.2, 14.0)?;
    photo(&mut pen.c, rng, 3.5 * k, 19.5 * k, 19.0 * k, 25.0 * k);

    let expiry_print = facts
        .expiry
        .map_or_else(|| "Không thời hạn".to_string(), dmy);
    pen.put(3.5, 47.2, "Có giá trị đến:", W::Regular, 5.0, BLACK);
    pen.put(3.5, 49.5, "Date of expiry", W::Italic, 4.4, BLACK);
    let ep = pen.fit(&expiry_print, W::Bold, 6.4, 20.0);
    pen.put(3.5, 52.4, &expiry_print, W::Bold, ep, BLACK);
    pen.record(
        FieldKey::DateOfExpiry,
        facts
            .expiry
            .map_or_else(|| "unlimited".to_string(), |d| d.iso()),
    );

    let name = person.upper_name();
    let origin = person.origin.render(if rng.gen_bool(0.5) {
        AddressStyle::Card
    } else {
        AddressStyle::Formal
    });
    let origin_next = rng.gen_bool(0.4);
    let slash = if rng.gen_bool(0.7) { " / " } else { "/" };
    let x0 = 25.0;
    let x1 = 83.8;
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cccd_front_fields(
            &mut pen,
            scale,
            x0,
            x1,
            slash,
            person,
            &name,
            &origin,
            origin_next,
            residence,
        );
        if end <= 52.6 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cccd_front_fields(
        &mut pen,
        scale,
        x0,
        x1,
        slash,
        person,
        &name,
        &origin,
        origin_next,
        residence,
    );
    let front = pen.c;
    let front_fonts = typo.take_used();
    let mut fields = std::mem::take(&mut pen.fields);

    let mut c = card_canvas(dpi, [222, 238, 236], [206, 226, 238]);
    guilloche(&mut c, rng, k, [186, 214, 220]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 1,
        draw: true,
    };
    let mark = format!(
        "{} C:{}cm {}",
        pick(rng, data::MARK_KINDS),
        pick(rng, &["1", "1,5", "2", "2,5", "3"]),
        pick(rng, data::MARK_PLACES)
    );
    let mut y = pen.labelled(
        3.5,
        5.2,
        50.0,
        &format!("Đặc điểm nhân dạng{slash}Personal identification:"),
        5.0,
        &mark,
        W::Regular,
        5.8,
        true,
        2.7,
    );
    y += 1.2;
    let issue_label = format!("Ngày, tháng, năm{slash}Date, month, year:");
    let y_after = pen.labelled(
        3.5,
        y,
        50.0,
        &issue_label,
        5.0,
        &dmy(facts.issue),
        W::Bold,
        6.0,
        false,
        2.7,
    );
    pen.record(FieldKey::DateOfIssue, facts.issue.iso());
    let mut y = y_after + 0.6;
    for line in [
        "CỤC TRƯỞNG CỤC CẢNH SÁT",
        "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
    ] {
        let p = pen.fit(line, W::Bold, 5.2, 46.0);
        pen.center(26.5, y, line, W::Bold, p, BLACK);
        y += 2.4;
    }
    for line in [
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT",
        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
    ] {
        let p = pen.fit(line, W::Regular, 4.2, 46.0);
        pen.center(26.5, y, line, W::Regular, p, BLACK);
        y += 2.0;
    }
    let stamp_mm = y.min(31.0);
    draw_small_stamp(&mut pen.c, 17.0 * k, (stamp_mm + 3.5) * k, k);
    draw_signature(
        &mut pen.c,
        rng,
        20.0 * k,
        stamp_mm * k,
        18.0 * k,
        5.0 * k,
        dpi,
    );
    let officer = Person::random(rng, None, (date(1965, 1, 1), date(1975, 12, 31))).name();
    pen.center(
        26.5,
        (stamp_mm + 8.0).min(37.5),
        &officer,
        W::Bold,
        5.6,
        BLACK,
    );
    chip(&mut pen.c, 56.0 * k, 4.0 * k, 11.5 * k, 9.0 * k);
    for (i, (vi, en)) in [
        ("Ngón trỏ trái", "Left index finger"),
        ("Ngón trỏ phải", "Right index finger"),
    ]
    .iter()
    .enumerate()
    {
        let fx = 53.0 + i as f32 * 15.5;
        pen.c.ink_rect(
            fx * k,
            15.0 * k,
            (fx + 14.0) * k,
            31.0 * k,
            0.15,
            [120, 130, 140],
        );
        fingerprint(&mut pen.c, rng, (fx + 7.0) * k, 23.0 * k, 5.0 * k, 6.5 * k);
        pen.center(fx + 7.0, 33.6, vi, W::Regular, 4.4, BLACK);
        pen.center(fx + 7.0, 35.6, en, W::Italic, 3.9, BLACK);
    }
    draw_mrz(&mut pen, mrz);
    fields.append(&mut pen.fields);
    Ok((front, pen.c, fields, [front_fonts, typo.take_used()]))
}

#[allow(clippy::too_many_arguments)]
fn cccd_front_fields(
    pen: &mut Pen,
    s: f32,
    x0: f32,
    x1: f32,
    slash: &str,
    person: &Person,
    name: &str,
    origin: &str,
    origin_next: bool,
    residence: &str,
) -> f32 {
    let lp = 5.4 * s;
    let vp = 6.5 * s;
    let pitch = 2.75 * s;
    let mut y = 27.2;
    let end = pen.put(x0, y, &format!("Số{slash}No.:"), W::Regular, lp, BLACK);
    let np = pen.fit(&person.id_number, W::Bold, 9.5 * s, x1 - end - 2.0);
    pen.put(end + 1.8, y, &person.id_number, W::Bold, np, BLACK);
    pen.record(FieldKey::IdNumber, person.id_number.clone());
    y += pitch * 1.25;
    pen.put(
        x0,
        y,
        &format!("Họ và tên{slash}Full name:"),
        W::Regular,
        lp,
        BLACK,
    );
    y += pitch * 1.2;
    let namep = pen.fit(name, W::Bold, 8.0 * s, x1 - x0);
    pen.put(x0, y, name, W::Bold, namep, BLACK);
    pen.record(FieldKey::FullName, name);
    y += pitch * 1.15;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày sinh{slash}Date of birth:"),
        lp,
        &dmy(person.dob),
        W::Regular,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::DateOfBirth, person.dob.iso());
    let end = pen.put(
        x0,
        y,
        &format!("Giới tính{slash}Sex:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, person.sex_vi(), W::Regular, vp, BLACK);
    pen.record(FieldKey::Sex, person.sex_truth());
    let nat_x = x0 + 22.0;
    let end = pen.put(
        nat_x,
        y,
        &format!("Quốc tịch{slash}Nationality:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, "Việt Nam", W::Regular, vp, BLACK);
    pen.record(FieldKey::Nationality, "Việt Nam");
    y += pitch;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Quê quán{slash}Place of origin:"),
        lp,
        origin,
        W::Regular,
        vp,
        origin_next,
        pitch,
    );
    pen.record(FieldKey::PlaceOfOrigin, origin);
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi thường trú{slash}Place of residence:"),
        lp,
        residence,
        W::Regular,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::PlaceOfResidence, residence);
    y - pitch
}

fn draw_small_stamp(c: &mut Canvas, cx: f32, cy: f32, k: f32) {
    c.ring(cx, cy, 5.5 * k, 0.3 * k, [215, 40, 50]);
    c.ring(cx, cy, 3.8 * k, 0.2 * k, [215, 40, 50]);
}

#[allow(clippy::too_many_arguments)]
fn cancuoc_2024(
    rng: &mut Rng8,
    typo: &Typo,
    dpi: f32,
    person: &Person,
    facts: &CardFacts,
    residence: &str,
    payload: &str,
    mrz: &[String; 3],
) -> Result<Faces, GenerateError> {
    let k = dpi / 25.4;
    let mut c = card_canvas(dpi, [226, 234, 244], [240, 232, 220]);
    for i in 0..9 {
        c.ring(
            30.0 * k,
            30.0 * k,
            (4.0 + i as f32 * 2.6) * k,
            (0.15 * k).max(0.8),
            [206, 214, 230],
        );
    }
    guilloche(&mut c, rng, k, [214, 220, 234]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 0,
        draw: true,
    };
    emblem(&mut pen.c, 9.5 * k, 9.5 * k, 5.8 * k);
    let cx = 42.5;
    let head = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let hp = pen.fit(head, W::Bold, 6.4, 48.0);
    pen.center(cx, 6.0, head, W::Bold, hp, BLACK);
    pen.center(
        cx,
        8.8,
        "SOCIALIST REPUBLIC OF VIET NAM",
        W::Regular,
        5.0,
        BLACK,
    );
    pen.center(cx, 15.4, "CĂN CƯỚC", W::Title, 12.0, [30, 60, 140]);
    pen.center(cx, 18.8, "IDENTITY CARD", W::Regular, 5.8, [30, 60, 140]);
    draw_qr(&mut pen, payload, 68.5, 3.0, 15.0)?;
    photo(&mut pen.c, rng, 3.5 * k, 21.5 * k, 19.0 * k, 25.0 * k);

    let name = person.upper_name();
    let x0 = 25.0;
    let x1 = 83.8;
    let slash = if rng.gen_bool(0.8) { "/" } else { " / " };
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cancuoc_front_fields(&mut pen, scale, x0, x1, slash, person, &name);
        if end <= 52.5 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cancuoc_front_fields(&mut pen, scale, x0, x1, slash, person, &name);
    let front = pen.c;
    let front_fonts = typo.take_used();
    let mut fields = std::mem::take(&mut pen.fields);

    let mut c = card_canvas(dpi, [236, 232, 222], [224, 232, 242]);
    guilloche(&mut c, rng, k, [222, 222, 232]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 1,
        draw: true,
    };
    let birth_reg = person.birth_place.unit_only().render(if rng.gen_bool(0.5) {
        AddressStyle::Formal
    } else {
        AddressStyle::Prose
    });
    let expiry_print = facts
        .expiry
        .map_or_else(|| "Không thời hạn".to_string(), dmy);
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cancuoc_back_fields(
            &mut pen,
            scale,
            slash,
            residence,
            &birth_reg,
            facts,
            &expiry_print,
        );
        if end <= 38.0 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cancuoc_back_fields(
        &mut pen,
        scale,
        slash,
        residence,
        &birth_reg,
        facts,
        &expiry_print,
    );
    chip(&mut pen.c, 68.0 * k, 5.0 * k, 11.5 * k, 9.0 * k);
    pen.center(73.5, 22.0, "BỘ CÔNG AN", W::Bold, 6.0, BLACK);
    let ministry = "MINISTRY OF PUBLIC SECURITY";
    let mp = pen.fit(ministry, W::Regular, 4.4, 22.0);
    pen.center(73.5, 24.6, ministry, W::Regular, mp, BLACK);
    draw_small_stamp(&mut pen.c, 70.0 * k, 31.0 * k, k);
    draw_signature(&mut pen.c, rng, 66.0 * k, 28.0 * k, 14.0 * k, 5.0 * k, dpi);
    draw_mrz(&mut pen, mrz);
    fields.append(&mut pen.fields);
    Ok((front, pen.c, fields, [front_fonts, typo.take_used()]))
}

#[allow(clippy::too_many_arguments)]
fn cancuoc_front_fields(
    pen: &mut Pen,
    s: f32,
    x0: f32,
    x1: f32,
    slash: &str,
    person: &Person,
    name: &str,
) -> f32 {
    let lp = 5.0 * s;
    let vp = 6.5 * s;
    let pitch = 2.75 * s;
    let mut y = 24.5;
    let label = format!("Số định danh cá nhân{slash}Personal identification number:");
    let p = pen.fit(&label, W::Regular, lp, x1 - x0);
    pen.put(x0, y, &label, W::Regular, p, BLACK);
    y += pitch * 1.45;
    pen.put(x0, y, &person.id_number, W::Bold, 9.5 * s, BLACK);
    pen.record(FieldKey::IdNumber, person.id_number.clone());
    y += pitch * 1.2;
    let label = format!("Họ, chữ đệm và tên khai sinh{slash}Surname, middle and given name:");
    let p = pen.fit(&label, W::Regular, lp, x1 - x0);
    pen.put(x0, y, &label, W::Regular, p, BLACK);
    y += pitch * 1.3;
    let np = pen.fit(name, W::Bold, 8.0 * s, x1 - x0);
    pen.put(x0, y, name, W::Bold, np, BLACK);
    pen.record(FieldKey::FullName, name);
    y += pitch * 1.2;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm sinh{slash}Date of birth:"),
        lp,
        &dmy(person.dob),
        W::Regular,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::DateOfBirth, person.dob.iso());
    let end = pen.put(
        x0,
        y,
        &format!("Giới tính{slash}Sex:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, person.sex_vi(), W::Regular, vp, BLACK);
    pen.record(FieldKey::Sex, person.sex_truth());
    let end = pen.put(
        x0 + 20.0,
        y,
        &format!("Quốc tịch{slash}Nationality:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, "Việt Nam", W::Regular, vp, BLACK);
    pen.record(FieldKey::Nationality, "Việt Nam");
    y
}

fn cancuoc_back_fields(
    pen: &mut Pen,
    s: f32,
    slash: &str,
    residence: &str,
    birth_reg: &str,
    facts: &CardFacts,
    expiry_print: &str,
) -> f32 {
    let (x0, x1) = (3.5, 63.0);
    let lp = 5.0 * s;
    let vp = 6.2 * s;
    let pitch = 2.7 * s;
    let mut y = 5.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi cư trú{slash}Place of residence:"),
        lp,
        residence,
        W::Regular,
        vp,
        true,
        pitch,
    );
    pen.record(FieldKey::PlaceOfResidence, residence);
    y += 0.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi đăng ký khai sinh{slash}Place of birth registration:"),
        lp,
        birth_reg,
        W::Regular,
        vp,
        true,
        pitch,
    );
    pen.record(FieldKey::PlaceOfBirthRegistration, birth_reg);
    y += 0.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm cấp{slash}Date of issue:"),
        lp,
        &dmy(facts.issue),
        W::Bold,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::DateOfIssue, facts.issue.iso());
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm hết hạn{slash}Date of expiry:"),
        lp,
        expiry_print,
        W::Bold,
        vp,
        false,
        pitch,
    );
    pen.record(
        FieldKey::DateOfExpiry,
        facts
            .expiry
            .map_or_else(|| "unlimited".to_string(), |d| d.iso()),
    );
    y - pitch
}
