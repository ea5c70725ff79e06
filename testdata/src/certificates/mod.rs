//! The four A4 certificate types, set with the flowing layout. Label wording, line breaking
//! and date spelling vary between specimens the way real forms of different years do.

use rand::Rng;

use hoso_extractors::{DocumentType, FieldKey};

use crate::canvas::{star, Canvas, Rgb, BLACK, RED};
use crate::data;
use crate::date::Date;
use crate::fonts::{Typo, W};
use crate::layout::{Align, Cell, Doc, Flow, Span};
use crate::people::{date, pick, random_date, AddressStyle, Company, CompanyKind, Person, Rng8};
use crate::words::{date_words, dotted, money_words};

mod birth;
mod business;
mod marriage;
mod residence;

pub use birth::{birth_certificate, family};
pub use business::{business, business_registration};
pub use marriage::{couple, marriage_certificate};
pub use residence::{household, residence_confirmation};

pub const A4_MM: (f32, f32) = (210.0, 297.0);

fn a4(dpi: f32, paper: Rgb) -> Canvas {
    let k = dpi / 25.4;
    Canvas::new(
        (A4_MM.0 * k).round() as usize,
        (A4_MM.1 * k).round() as usize,
        paper,
    )
}

fn framed_paper(dpi: f32, paper: Rgb, ink: Rgb, ornate: bool) -> Canvas {
    let mut c = a4(dpi, paper);
    let k = dpi / 25.4;
    let (w, h) = (c.w as f32, c.h as f32);
    let m1 = 8.0 * k;
    let m2 = 10.0 * k;
    c.stroke_rect(m1, m1, w - m1, h - m1, (0.9 * k).max(2.0), ink);
    c.stroke_rect(m2, m2, w - m2, h - m2, (0.3 * k).max(1.0), ink);
    if ornate {
        let step = 6.0 * k;
        let mid = 9.0 * k;
        let mut x = m2 + step;
        while x < w - m2 - step / 2.0 {
            for y in [mid, h - mid] {
                c.fill_polygon(
                    &[
                        (x, y - 0.8 * k),
                        (x + 0.8 * k, y),
                        (x, y + 0.8 * k),
                        (x - 0.8 * k, y),
                    ],
                    ink,
                );
            }
            x += step;
        }
        for (cx, cy) in [(m2, m2), (w - m2, m2), (m2, h - m2), (w - m2, h - m2)] {
            c.fill_polygon(&star(cx, cy, 3.5 * k), ink);
        }
    }
    c
}

fn emblem_at(f: &mut Flow, size_mm: f32) {
    let r = f.mm(size_mm / 2.0);
    let cx = (f.left + f.right) / 2.0;
    let cy = f.y + r;
    let i = f.page_index();
    let c = &mut f.pages[i];
    c.fill_ellipse(cx, cy, r, r, [200, 150, 50], true);
    c.fill_ellipse(cx, cy, r * 0.86, r * 0.86, [205, 35, 35], true);
    c.fill_polygon(&star(cx, cy, r * 0.5), [250, 215, 40]);
    f.y = cy + r + f.mm(2.0);
}

fn motto_centered(f: &mut Flow) {
    let pt = f.pt;
    f.centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", W::Bold, pt, BLACK);
    f.centered("Độc lập - Tự do - Hạnh phúc", W::Bold, pt, BLACK);
    let cx = (f.left + f.right) / 2.0;
    let half = f.mm(24.0);
    f.hline(cx - half, cx + half, f.mm(0.3).max(1.0), BLACK);
    f.gap(4.0);
}

/// Issuing agency on the left, national motto on the right, as administrative letters are laid out.
fn motto_two_columns(f: &mut Flow, agency: &[String], pt: f32) {
    let mid = f.left + (f.right - f.left) * 0.42;
    let top = f.y;
    for (i, a) in agency.iter().enumerate() {
        let w = if i + 1 == agency.len() {
            W::Bold
        } else {
            W::Regular
        };
        f.cells(&[Cell {
            spans: vec![Span::new(a.as_str(), w, pt)],
            x0: f.left,
            x1: mid - f.mm(2.0),
            align: Align::Center,
        }]);
    }
    let left_bottom = f.y;
    f.y = top;
    f.cells(&[Cell {
        spans: vec![Span::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", W::Bold, pt)],
        x0: mid,
        x1: f.right,
        align: Align::Center,
    }]);
    f.cells(&[Cell {
        spans: vec![Span::new("Độc lập - Tự do - Hạnh phúc", W::Bold, pt * 1.05)],
        x0: mid,
        x1: f.right,
        align: Align::Center,
    }]);
    let right_cx = (mid + f.right) / 2.0;
    let half = f.mm(22.0);
    f.hline(right_cx - half, right_cx + half, f.mm(0.3).max(1.0), BLACK);
    let left_cx = (f.left + mid) / 2.0;
    let lh = f.mm(12.0);
    let y_save = f.y;
    f.y = left_bottom;
    f.hline(left_cx - lh, left_cx + lh, f.mm(0.3).max(1.0), BLACK);
    f.y = y_save.max(left_bottom) + f.mm(3.0);
}

/// How one certificate prints its label/value pairs.
struct Style {
    /// Probability a value goes on the line after its label.
    next_line: f64,
    /// A value column, as on pre-printed forms; `None` lets values follow their labels.
    tab: Option<f32>,
    value_w: W,
}

impl Style {
    fn random(rng: &mut Rng8, f: &Flow) -> Style {
        Style {
            next_line: if rng.gen_bool(0.3) { 0.25 } else { 0.0 },
            tab: rng
                .gen_bool(0.3)
                .then(|| f.left + f.mm(rng.gen_range(55.0..68.0))),
            value_w: if rng.gen_bool(0.6) {
                W::Bold
            } else {
                W::Regular
            },
        }
    }
}

fn kv(
    f: &mut Flow,
    st: &Style,
    rng: &mut Rng8,
    label: &str,
    value: &str,
    field: Option<(FieldKey, String)>,
) {
    let pt = f.pt;
    let mut v = Span::new(value, st.value_w, pt);
    v.field = field;
    if rng.gen_bool(st.next_line) {
        f.para(&[Span::new(label, W::Regular, pt)]);
        let indent = f.left + f.mm(8.0);
        let right = f.right;
        f.para_at(&[v], indent, indent, right);
    } else {
        f.para(&[Span::new(label, W::Regular, pt), v.tab(st.tab)]);
    }
}

/// Short pairs side by side ("Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam").
/// A value with the truth field it proves, if any.
type Valued = (String, Option<(FieldKey, String)>);
/// A label, its printed value and the truth field it proves, if any.
type Labelled<'a> = (&'a str, String, Option<(FieldKey, String)>);

fn kv_row(f: &mut Flow, st: &Style, items: &[Labelled]) {
    let pt = f.pt;
    let n = items.len() as f32;
    let width = (f.right - f.left) / n;
    let cells: Vec<Cell> = items
        .iter()
        .enumerate()
        .map(|(i, (label, value, field))| {
            let mut v = Span::new(value.clone(), st.value_w, pt);
            v.field = field.clone();
            Cell {
                spans: vec![Span::new(*label, W::Regular, pt), v],
                x0: f.left + width * i as f32,
                x1: f.left + width * (i as f32 + 1.0) - f.mm(2.0),
                align: Align::Left,
            }
        })
        .collect();
    f.cells(&cells);
}

fn printed_date(rng: &mut Rng8, d: Date) -> String {
    match rng.gen_range(0..5) {
        0 => d.dmy('-'),
        1 => d.long_vi(true),
        2 => d.long_vi(false),
        _ => d.dmy('/'),
    }
}

fn as_printed_name(rng: &mut Rng8, p: &Person, upper_prob: f64) -> String {
    if rng.gen_bool(upper_prob) {
        p.upper_name()
    } else {
        p.name()
    }
}

fn authority(rng: &mut Rng8, p: &Person) -> String {
    let unit = p.birth_place.unit_only().render(AddressStyle::Prose);
    let head = if rng.gen_bool(0.75) {
        "Ủy ban nhân dân"
    } else {
        "UBND"
    };
    // Prose addresses start capitalised; inside the name the unit word is lower case.
    let mut chars = unit.chars();
    let unit = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
        None => unit,
    };
    format!("{head} {unit}")
}

fn book(rng: &mut Rng8, year: i32) -> String {
    match rng.gen_range(0..3) {
        0 => format!("{:02}", rng.gen_range(1..6)),
        _ => format!("{:02}/{year}", rng.gen_range(1..6)),
    }
}

fn cert_number(rng: &mut Rng8) -> String {
    let n = rng.gen_range(1..600);
    if rng.gen_bool(0.3) {
        format!("{n:03}")
    } else {
        n.to_string()
    }
}

fn signer(rng: &mut Rng8) -> String {
    Person::random(rng, None, (date(1960, 1, 1), date(1985, 12, 31))).name()
}

fn new_flow<'a>(
    typo: &'a Typo<'a>,
    rng: &mut Rng8,
    dpi: f32,
    bg: Box<dyn Fn(usize) -> Canvas + 'a>,
    margins: [f32; 4],
    pt: (f32, f32),
) -> Flow<'a> {
    let mut f = Flow::new(typo, dpi, margins, rng.gen_range(pt.0..pt.1), bg);
    f.leading = rng.gen_range(1.3..1.6);
    f
}
