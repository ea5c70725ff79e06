//! A small flowing layout for certificates: word-wrapped label/value paragraphs, table rows
//! and signature blocks that break onto a new page when the current one is full. Every
//! value drawn with a field key is recorded with the page it landed on, so the ground truth
//! lists exactly what is printed.

use std::collections::BTreeSet;

use rand::Rng;

use hoso_extractors::{DocumentType, FieldKey};

use crate::canvas::{star, Canvas, Rgb, BLACK, STAMP_RED};
use crate::fonts::{Face, Typo, W};
use crate::people::Rng8;

#[derive(Debug, Clone)]
pub struct FieldRec {
    pub key: FieldKey,
    pub value: String,
    /// Page (or card face) of the document, 0-based.
    pub face: usize,
}

#[derive(Debug, Clone)]
pub struct CodeRec {
    pub kind: &'static str,
    pub face: usize,
    pub payload: String,
}

/// One rendered document: its pages (or card faces) and what each shows.
pub struct Doc {
    pub doc_type: DocumentType,
    pub template: String,
    pub faces: Vec<Canvas>,
    pub fields: Vec<FieldRec>,
    pub codes: Vec<CodeRec>,
    /// Font files drawn on each face.
    pub fonts: Vec<BTreeSet<&'static str>>,
}

#[derive(Clone)]
pub struct Span {
    pub text: String,
    pub w: W,
    pub pt: f32,
    pub color: Rgb,
    pub field: Option<(FieldKey, String)>,
    /// Start this span no further left than this x (px), like a form's value column.
    pub tab: Option<f32>,
}

impl Span {
    pub fn new(text: impl Into<String>, w: W, pt: f32) -> Span {
        Span {
            text: text.into(),
            w,
            pt,
            color: BLACK,
            field: None,
            tab: None,
        }
    }

    pub fn field(mut self, key: FieldKey, truth: impl Into<String>) -> Span {
        self.field = Some((key, truth.into()));
        self
    }

    pub fn color(mut self, c: Rgb) -> Span {
        self.color = c;
        self
    }

    pub fn tab(mut self, x: Option<f32>) -> Span {
        self.tab = x;
        self
    }
}

struct Piece<'a> {
    text: String,
    face: &'a Face,
    em: f32,
    color: Rgb,
    span: usize,
    x: f32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

pub struct Cell {
    pub spans: Vec<Span>,
    pub x0: f32,
    pub x1: f32,
    pub align: Align,
}

pub type Background<'a> = Box<dyn Fn(usize) -> Canvas + 'a>;

pub struct Flow<'a> {
    pub typo: &'a Typo<'a>,
    pub dpi: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub pages: Vec<Canvas>,
    /// Top of the next line box, px.
    pub y: f32,
    /// Body size in points.
    pub pt: f32,
    /// Line height as a multiple of the em.
    pub leading: f32,
    pub fields: Vec<FieldRec>,
    background: Background<'a>,
}

impl<'a> Flow<'a> {
    pub fn new(
        typo: &'a Typo<'a>,
        dpi: f32,
        margins_mm: [f32; 4],
        pt: f32,
        background: Background<'a>,
    ) -> Flow<'a> {
        let first = background(0);
        let mm = dpi / 25.4;
        let (w, h) = (first.w as f32, first.h as f32);
        Flow {
            typo,
            dpi,
            left: margins_mm[0] * mm,
            right: w - margins_mm[1] * mm,
            top: margins_mm[2] * mm,
            bottom: h - margins_mm[3] * mm,
            pages: vec![first],
            y: margins_mm[2] * mm,
            pt,
            leading: 1.45,
            fields: Vec::new(),
            background,
        }
    }

    pub fn px(&self, pt: f32) -> f32 {
        pt * self.dpi / 72.0
    }

    pub fn mm(&self, mm: f32) -> f32 {
        mm * self.dpi / 25.4
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    fn canvas(&mut self) -> &mut Canvas {
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }

    pub fn new_page(&mut self) {
        let page = (self.background)(self.pages.len());
        self.pages.push(page);
        self.y = self.top;
    }

    /// Starts a new page unless `h` more pixels fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom && self.y > self.top + 1.0 {
            self.new_page();
        }
    }

    pub fn gap(&mut self, pt: f32) {
        self.y += self.px(pt);
    }

    pub fn record(&mut self, key: FieldKey, value: impl Into<String>) {
        let face = self.page_index();
        self.fields.push(FieldRec {
            key,
            value: value.into(),
            face,
        });
    }

    fn line_height(&self, pt: f32) -> f32 {
        self.px(pt) * self.leading
    }

    fn layout(&self, spans: &[Span], x_first: f32, x_cont: f32, x_end: f32) -> Vec<Vec<Piece<'a>>> {
        let mut lines: Vec<Vec<Piece<'a>>> = vec![Vec::new()];
        let mut x = x_first;
        for (si, span) in spans.iter().enumerate() {
            let face = self.typo.face(span.w);
            let em = self.px(span.pt);
            let space = face.width(em, " ");
            if let Some(tab) = span.tab {
                if x < tab {
                    x = tab;
                }
            }
            // Leading spaces of a span widen the gap before it ("Nam    Dân tộc: Kinh").
            let lead = span.text.len() - span.text.trim_start().len();
            let line_empty = lines.last().is_none_or(|l| l.is_empty());
            if lead > 0 && !line_empty {
                x += space * lead as f32;
            }
            for word in span.text.split_whitespace() {
                let width = face.width(em, word);
                let line_empty = lines.last().is_none_or(|l| l.is_empty());
                if !line_empty && x + width > x_end {
                    lines.push(Vec::new());
                    x = span.tab.unwrap_or(x_cont).max(x_cont);
                }
                if let Some(line) = lines.last_mut() {
                    line.push(Piece {
                        text: word.to_string(),
                        face,
                        em,
                        color: span.color,
                        span: si,
                        x,
                    });
                }
                x += width + space;
            }
        }
        lines.retain(|l| !l.is_empty());
        lines
    }

    fn draw_lines(
        &mut self,
        lines: Vec<Vec<Piece<'a>>>,
        spans: &[Span],
        align: Align,
        x0: f32,
        x1: f32,
        y: f32,
    ) -> f32 {
        let mut y = y;
        let mut recorded = vec![false; spans.len()];
        for line in lines {
            let max_pt = line.iter().map(|p| spans[p.span].pt).fold(0.0f32, f32::max);
            let lh = self.line_height(max_pt);
            let baseline = y + self.px(max_pt) * 1.05;
            let shift = match align {
                Align::Left => 0.0,
                Align::Center => {
                    let (first, last) = (line.first(), line.last());
                    match (first, last) {
                        (Some(f), Some(l)) => {
                            let end = l.x + l.face.width(l.em, &l.text);
                            ((x1 - x0) - (end - f.x)) / 2.0 + x0 - f.x
                        }
                        _ => 0.0,
                    }
                }
            };
            for p in &line {
                self.canvas()
                    .text(p.face, p.em, p.x + shift, baseline, &p.text, p.color);
                if !recorded[p.span] {
                    recorded[p.span] = true;
                    if let Some((key, value)) = &spans[p.span].field {
                        self.record(*key, value.clone());
                    }
                }
            }
            y += lh;
        }
        y
    }

    /// A word-wrapped paragraph; kept on one page when it fits on one.
    pub fn para_at(&mut self, spans: &[Span], x_first: f32, x_cont: f32, x_end: f32) {
        let lines = self.layout(spans, x_first, x_cont, x_end);
        let h: f32 = lines
            .iter()
            .map(|l| self.line_height(l.iter().map(|p| spans[p.span].pt).fold(0.0, f32::max)))
            .sum();
        self.ensure(h);
        let y = self.y;
        self.y = self.draw_lines(lines, spans, Align::Left, self.left, self.right, y);
    }

    pub fn para(&mut self, spans: &[Span]) {
        let (l, r) = (self.left, self.right);
        self.para_at(spans, l, l, r);
    }

    pub fn centered(&mut self, text: &str, w: W, pt: f32, color: Rgb) {
        let span = Span::new(text, w, pt).color(color);
        self.cells(&[Cell {
            spans: vec![span],
            x0: self.left,
            x1: self.right,
            align: Align::Center,
        }]);
    }

    /// Cells side by side, each wrapping within its own column; the row is as tall as its
    /// tallest cell. Returns the row's top and bottom.
    pub fn cells(&mut self, cells: &[Cell]) -> (f32, f32) {
        let laid: Vec<Vec<Vec<Piece<'a>>>> = cells
            .iter()
            .map(|c| self.layout(&c.spans, c.x0, c.x0, c.x1))
            .collect();
        let heights: Vec<f32> = laid
            .iter()
            .zip(cells)
            .map(|(lines, c)| {
                lines
                    .iter()
                    .map(|l| {
                        self.line_height(l.iter().map(|p| c.spans[p.span].pt).fold(0.0, f32::max))
                    })
                    .sum()
            })
            .collect();
        let h = heights.iter().copied().fold(0.0, f32::max);
        self.ensure(h);
        let top = self.y;
        for (lines, c) in laid.into_iter().zip(cells) {
            self.draw_lines(lines, &c.spans, c.align, c.x0, c.x1, top);
        }
        self.y = top + h;
        (top, top + h)
    }

    pub fn hline(&mut self, x0: f32, x1: f32, thickness: f32, color: Rgb) {
        let y = self.y;
        self.canvas().ink_rect(x0, y, x1, y + thickness, 1.0, color);
    }

    pub fn vline(&mut self, x: f32, y0: f32, y1: f32, thickness: f32, color: Rgb) {
        self.canvas().ink_rect(x, y0, x + thickness, y1, 1.0, color);
    }

    /// The signing official's block in the column [x0, x1]: title, note, signature, stamp
    /// and printed name.
    #[allow(clippy::too_many_arguments)]
    pub fn signature_block(
        &mut self,
        rng: &mut Rng8,
        x0: f32,
        x1: f32,
        titles: &[&str],
        note: Option<&str>,
        name: &str,
        stamp: bool,
    ) {
        let pt = self.pt;
        let lines = titles.len() as f32 + if note.is_some() { 1.0 } else { 0.0 } + 1.0;
        let needed = self.line_height(pt) * lines + self.mm(21.0);
        self.ensure(needed);
        for t in titles {
            self.cells(&[Cell {
                spans: vec![Span::new(*t, W::Bold, pt)],
                x0,
                x1,
                align: Align::Center,
            }]);
        }
        if let Some(n) = note {
            self.cells(&[Cell {
                spans: vec![Span::new(n, W::Italic, pt * 0.85)],
                x0,
                x1,
                align: Align::Center,
            }]);
        }
        let cx = (x0 + x1) / 2.0;
        let sig_top = self.y + self.mm(3.0);
        let sig_h = self.mm(14.0);
        let dpi = self.dpi;
        if stamp {
            let sx = cx - self.mm(rng.gen_range(10.0..18.0));
            let sy = sig_top + sig_h / 2.0 + self.mm(rng.gen_range(-2.0..2.0));
            draw_stamp(self.canvas(), sx, sy, dpi);
        }
        let w = self.mm(32.0);
        draw_signature(self.canvas(), rng, cx - w / 2.0, sig_top, w, sig_h, dpi);
        self.y = sig_top + sig_h + self.mm(4.0);
        self.cells(&[Cell {
            spans: vec![Span::new(name, W::Bold, pt)],
            x0,
            x1,
            align: Align::Center,
        }]);
    }
}

/// A hand signature: a smooth random stroke in blue ink.
pub fn draw_signature(c: &mut Canvas, rng: &mut Rng8, x: f32, y: f32, w: f32, h: f32, dpi: f32) {
    let n = rng.gen_range(5..9);
    let ctrl: Vec<(f32, f32)> = (0..n)
        .map(|i| {
            let t = i as f32 / (n - 1) as f32;
            (x + t * w, y + h * rng.gen_range(0.1..0.9))
        })
        .collect();
    let mut pts = Vec::new();
    for i in 0..ctrl.len() - 1 {
        let p0 = ctrl[i.saturating_sub(1)];
        let (p1, p2) = (ctrl[i], ctrl[i + 1]);
        let p3 = ctrl[(i + 2).min(ctrl.len() - 1)];
        for s in 0..12 {
            let t = s as f32 / 12.0;
            let (t2, t3) = (t * t, t * t * t);
            let f = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (-a + c) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (-a + 3.0 * b - 3.0 * c + d) * t3)
            };
            pts.push((f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    pts.push(ctrl[ctrl.len() - 1]);
    let width = (0.35 * dpi / 25.4).max(1.2);
    c.polyline(&pts, width, [35, 45, 130]);
    let (lx, ly) = ctrl[ctrl.len() - 1];
    c.line(
        lx,
        ly,
        x + w * 0.2,
        y + h * 0.85,
        width * 0.8,
        [35, 45, 130],
    );
}

/// A round official seal: two rings and a star.
pub fn draw_stamp(c: &mut Canvas, cx: f32, cy: f32, dpi: f32) {
    let mm = dpi / 25.4;
    c.ring(cx, cy, 16.0 * mm, 0.7 * mm, STAMP_RED);
    c.ring(cx, cy, 11.0 * mm, 0.4 * mm, STAMP_RED);
    let pts = star(cx, cy, 4.0 * mm);
    // Ink, not paint: the seal must not hide text it overlaps.
    let (x0, y0) = ((cx - 4.0 * mm) as i64, (cy - 4.0 * mm) as i64);
    let mut mask = Canvas::new(
        (8.0 * mm) as usize + 2,
        (8.0 * mm) as usize + 2,
        [255, 255, 255],
    );
    let local: Vec<(f32, f32)> = pts
        .iter()
        .map(|(x, y)| (x - x0 as f32, y - y0 as f32))
        .collect();
    mask.fill_polygon(&local, STAMP_RED);
    for y in 0..mask.h {
        for x in 0..mask.w {
            let i = (y * mask.w + x) * 3;
            if mask.px[i + 1] < 200 {
                c.ink(x0 + x as i64, y0 + y as i64, 0.9, STAMP_RED);
            }
        }
    }
}
