//! An RGB raster with the few drawing primitives documents need. Ink is blended by
//! multiplication, so text over a coloured background or a stamp over a signature darkens
//! the way ink on paper does.

use ab_glyph::{Font, ScaleFont};

use crate::fonts::Face;

pub type Rgb = [u8; 3];

pub const BLACK: Rgb = [20, 20, 24];
pub const WHITE: Rgb = [255, 255, 255];
pub const RED: Rgb = [200, 30, 35];
pub const STAMP_RED: Rgb = [215, 40, 50];

#[derive(Clone)]
pub struct Canvas {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Canvas {
    pub fn new(w: usize, h: usize, bg: Rgb) -> Canvas {
        let mut px = Vec::with_capacity(w * h * 3);
        for _ in 0..w * h {
            px.extend_from_slice(&bg);
        }
        Canvas { w, h, px }
    }

    #[inline]
    pub fn ink(&mut self, x: i64, y: i64, a: f32, c: Rgb) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 || a <= 0.0 {
            return;
        }
        let a = a.min(1.0);
        let i = (y as usize * self.w + x as usize) * 3;
        for (p, ck) in self.px[i..i + 3].iter_mut().zip(c) {
            let f = 1.0 - a * (1.0 - f32::from(ck) / 255.0);
            *p = (f32::from(*p) * f + 0.5) as u8;
        }
    }

    #[inline]
    pub fn paint(&mut self, x: i64, y: i64, a: f32, c: Rgb) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 || a <= 0.0 {
            return;
        }
        let a = a.min(1.0);
        let i = (y as usize * self.w + x as usize) * 3;
        for (p, ck) in self.px[i..i + 3].iter_mut().zip(c) {
            let v = f32::from(*p) * (1.0 - a) + f32::from(ck) * a;
            *p = (v + 0.5) as u8;
        }
    }

    fn clip_rect(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> (usize, usize, usize, usize) {
        let cx = |v: f32| v.round().clamp(0.0, self.w as f32) as usize;
        let cy = |v: f32| v.round().clamp(0.0, self.h as f32) as usize;
        (
            cx(x0.min(x1)),
            cy(y0.min(y1)),
            cx(x0.max(x1)),
            cy(y0.max(y1)),
        )
    }

    /// Opaque fill, for backgrounds and paper.
    pub fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb) {
        let (x0, y0, x1, y1) = self.clip_rect(x0, y0, x1, y1);
        for y in y0..y1 {
            let row = &mut self.px[(y * self.w + x0) * 3..(y * self.w + x1) * 3];
            for p in row.chunks_exact_mut(3) {
                p.copy_from_slice(&c);
            }
        }
    }

    pub fn ink_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, a: f32, c: Rgb) {
        let (x0, y0, x1, y1) = self.clip_rect(x0, y0, x1, y1);
        for y in y0..y1 {
            for x in x0..x1 {
                self.ink(x as i64, y as i64, a, c);
            }
        }
    }

    pub fn stroke_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, t: f32, c: Rgb) {
        self.ink_rect(x0, y0, x1, y0 + t, 1.0, c);
        self.ink_rect(x0, y1 - t, x1, y1, 1.0, c);
        self.ink_rect(x0, y0 + t, x0 + t, y1 - t, 1.0, c);
        self.ink_rect(x1 - t, y0 + t, x1, y1 - t, 1.0, c);
    }

    /// Anti-aliased segment of the given width.
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, width: f32, c: Rgb) {
        let hw = width / 2.0;
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len2 = (dx * dx + dy * dy).max(1e-6);
        let bx0 = (x0.min(x1) - hw - 1.0).floor() as i64;
        let bx1 = (x0.max(x1) + hw + 1.0).ceil() as i64;
        let by0 = (y0.min(y1) - hw - 1.0).floor() as i64;
        let by1 = (y0.max(y1) + hw + 1.0).ceil() as i64;
        for y in by0.max(0)..by1.min(self.h as i64) {
            for x in bx0.max(0)..bx1.min(self.w as i64) {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let t = (((px - x0) * dx + (py - y0) * dy) / len2).clamp(0.0, 1.0);
                let (qx, qy) = (x0 + t * dx - px, y0 + t * dy - py);
                let d = (qx * qx + qy * qy).sqrt();
                let cov = (hw + 0.5 - d).clamp(0.0, 1.0);
                if cov > 0.0 {
                    self.ink(x, y, cov, c);
                }
            }
        }
    }

    pub fn polyline(&mut self, pts: &[(f32, f32)], width: f32, c: Rgb) {
        for w in pts.windows(2) {
            self.line(w[0].0, w[0].1, w[1].0, w[1].1, width, c);
        }
    }

    pub fn fill_ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, opaque: bool) {
        let m = rx.min(ry).max(1.0);
        for y in ((cy - ry - 1.0).floor() as i64).max(0)
            ..((cy + ry + 1.0).ceil() as i64).min(self.h as i64)
        {
            for x in ((cx - rx - 1.0).floor() as i64).max(0)
                ..((cx + rx + 1.0).ceil() as i64).min(self.w as i64)
            {
                let nx = (x as f32 + 0.5 - cx) / rx;
                let ny = (y as f32 + 0.5 - cy) / ry;
                let d = (nx * nx + ny * ny).sqrt();
                let cov = ((1.0 - d) * m + 0.5).clamp(0.0, 1.0);
                if cov > 0.0 {
                    if opaque {
                        self.paint(x, y, cov, c);
                    } else {
                        self.ink(x, y, cov, c);
                    }
                }
            }
        }
    }

    pub fn ring(&mut self, cx: f32, cy: f32, r: f32, width: f32, c: Rgb) {
        let ext = r + width + 1.0;
        for y in ((cy - ext).floor() as i64).max(0)..((cy + ext).ceil() as i64).min(self.h as i64) {
            for x in
                ((cx - ext).floor() as i64).max(0)..((cx + ext).ceil() as i64).min(self.w as i64)
            {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let d = (dx * dx + dy * dy).sqrt();
                let cov = (width / 2.0 + 0.5 - (d - r).abs()).clamp(0.0, 1.0);
                if cov > 0.0 {
                    self.ink(x, y, cov, c);
                }
            }
        }
    }

    /// Even-odd scanline fill; edges are hard, which is fine for small emblems.
    pub fn fill_polygon(&mut self, pts: &[(f32, f32)], c: Rgb) {
        if pts.len() < 3 {
            return;
        }
        let ymin = pts
            .iter()
            .map(|p| p.1)
            .fold(f32::MAX, f32::min)
            .floor()
            .max(0.0) as usize;
        let ymax = pts
            .iter()
            .map(|p| p.1)
            .fold(f32::MIN, f32::max)
            .ceil()
            .min(self.h as f32) as usize;
        let mut xs: Vec<f32> = Vec::new();
        for y in ymin..ymax {
            let sy = y as f32 + 0.5;
            xs.clear();
            for i in 0..pts.len() {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                if (a.1 <= sy) != (b.1 <= sy) {
                    xs.push(a.0 + (sy - a.1) / (b.1 - a.1) * (b.0 - a.0));
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                let x0 = pair[0].round().max(0.0) as i64;
                let x1 = pair[1].round().min(self.w as f32) as i64;
                for x in x0..x1 {
                    self.paint(x, y as i64, 1.0, c);
                }
            }
        }
    }

    /// Draws `text` with its baseline at `baseline`; returns the advance width.
    pub fn text(&mut self, face: &Face, em: f32, x: f32, baseline: f32, text: &str, c: Rgb) -> f32 {
        let font = face.font();
        let scale = face.scale(em);
        let sf = font.as_scaled(scale);
        let mut caret = x;
        let mut prev = None;
        for ch in text.chars() {
            let id = font.glyph_id(ch);
            if let Some(p) = prev {
                caret += sf.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(caret, baseline));
            caret += sf.h_advance(id);
            prev = Some(id);
            if let Some(og) = font.outline_glyph(glyph) {
                let b = og.px_bounds();
                let (bx, by) = (b.min.x as i64, b.min.y as i64);
                og.draw(|gx, gy, cov| self.ink(bx + i64::from(gx), by + i64::from(gy), cov, c));
            }
        }
        caret - x
    }

    /// Dark modules of a QR matrix, on a white quiet zone of two modules.
    pub fn qr(&mut self, modules: &[bool], n: usize, x: f32, y: f32, module: f32) {
        let quiet = 2.0 * module;
        let side = n as f32 * module;
        self.fill_rect(
            x - quiet,
            y - quiet,
            x + side + quiet,
            y + side + quiet,
            WHITE,
        );
        for (i, dark) in modules.iter().enumerate() {
            if *dark {
                let (mx, my) = ((i % n) as f32, (i / n) as f32);
                self.fill_rect(
                    x + mx * module,
                    y + my * module,
                    x + (mx + 1.0) * module,
                    y + (my + 1.0) * module,
                    [10, 10, 10],
                );
            }
        }
    }

    /// Copies `src` with its top-left corner at (x, y), clipped to this canvas.
    pub fn blit(&mut self, src: &Canvas, x: i64, y: i64) {
        for sy in 0..src.h {
            let dy = y + sy as i64;
            if dy < 0 || dy >= self.h as i64 {
                continue;
            }
            let sx0 = (-x).max(0) as usize;
            let sx1 = src.w.min((self.w as i64 - x).max(0) as usize);
            if sx0 >= sx1 {
                continue;
            }
            let dx0 = (x + sx0 as i64) as usize;
            let n = sx1 - sx0;
            let d = (dy as usize * self.w + dx0) * 3;
            let s = (sy * src.w + sx0) * 3;
            self.px[d..d + n * 3].copy_from_slice(&src.px[s..s + n * 3]);
        }
    }

    pub fn vertical_gradient(&mut self, top: Rgb, bottom: Rgb) {
        for y in 0..self.h {
            let t = y as f32 / self.h.max(1) as f32;
            let mut c = [0u8; 3];
            for k in 0..3 {
                c[k] = (f32::from(top[k]) * (1.0 - t) + f32::from(bottom[k]) * t) as u8;
            }
            let row = &mut self.px[y * self.w * 3..(y + 1) * self.w * 3];
            for p in row.chunks_exact_mut(3) {
                p.copy_from_slice(&c);
            }
        }
    }

    pub fn to_gray(&self) -> Vec<u8> {
        self.px
            .chunks_exact(3)
            .map(|p| {
                ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
            })
            .collect()
    }
}

/// A five-pointed star around (cx, cy), for emblems and stamps.
pub fn star(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..10)
        .map(|i| {
            let a = std::f32::consts::PI * (i as f32 / 5.0) - std::f32::consts::FRAC_PI_2;
            let rr = if i % 2 == 0 { r } else { r * 0.4 };
            (cx + rr * a.cos(), cy + rr * a.sin())
        })
        .collect()
}
