//! Scan conditions: placing documents on sheets and photos, and the degradations of office
//! scanners, photocopiers and phone cameras. Pixel loops run over flat buffers: these touch
//! every pixel of A4 pages at 300 dpi.

use rand::Rng;

use crate::canvas::{Canvas, Rgb, WHITE};
use crate::people::Rng8;

/// A plane projective map.
#[derive(Debug, Clone, Copy)]
pub struct Homography([f64; 9]);

impl Homography {
    /// The map taking each `from[i]` to `to[i]`.
    pub fn from_quads(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<Homography> {
        let mut a = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = from[i];
            let (u, v) = to[i];
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
            if a[pivot][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, pivot);
            for row in 0..8 {
                if row != col {
                    let f = a[row][col] / a[col][col];
                    let pivot_row = a[col];
                    for (k, v) in a[row].iter_mut().enumerate().skip(col) {
                        *v -= f * pivot_row[k];
                    }
                }
            }
        }
        let mut h = [0.0; 9];
        for i in 0..8 {
            h[i] = a[i][8] / a[i][i];
        }
        h[8] = 1.0;
        Some(Homography(h))
    }

    #[cfg(test)]
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + h[8];
        (
            (h[0] * x + h[1] * y + h[2]) / w,
            (h[3] * x + h[4] * y + h[5]) / w,
        )
    }
}

/// Where a `w`×`h` document lands: its four corners on the target, clockwise from top-left.
pub fn placed_quad(
    w: f64,
    h: f64,
    cx: f64,
    cy: f64,
    angle_deg: f64,
    scale: f64,
    jitter: [(f64, f64); 4],
) -> [(f64, f64); 4] {
    let (s, c) = angle_deg.to_radians().sin_cos();
    let corners = [
        (-w / 2.0, -h / 2.0),
        (w / 2.0, -h / 2.0),
        (w / 2.0, h / 2.0),
        (-w / 2.0, h / 2.0),
    ];
    let mut out = [(0.0, 0.0); 4];
    for (i, (x, y)) in corners.iter().enumerate() {
        let (x, y) = (x * scale, y * scale);
        out[i] = (
            cx + x * c - y * s + jitter[i].0,
            cy + x * s + y * c + jitter[i].1,
        );
    }
    out
}

/// Draws `src` onto `dst` so that its corners land on `quad`; `corner_radius` (source
/// pixels) rounds the corners as on a plastic card.
pub fn warp(dst: &mut Canvas, src: &Canvas, quad: [(f64, f64); 4], corner_radius: f64) {
    let (sw, sh) = (src.w as f64, src.h as f64);
    let corners = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)];
    let Some(inv) = Homography::from_quads(quad, corners) else {
        return;
    };
    let x0 = quad
        .iter()
        .map(|p| p.0)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let x1 = quad
        .iter()
        .map(|p| p.0)
        .fold(f64::MIN, f64::max)
        .ceil()
        .min(dst.w as f64) as usize;
    let y0 = quad
        .iter()
        .map(|p| p.1)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let y1 = quad
        .iter()
        .map(|p| p.1)
        .fold(f64::MIN, f64::max)
        .ceil()
        .min(dst.h as f64) as usize;
    let h = inv.0;
    // Rotations and card placements are affine: no per-pixel division needed.
    let affine = h[6].abs() < 1e-12 && h[7].abs() < 1e-12;
    let r = corner_radius;
    let (swu, shu) = (src.w, src.h);
    let sp = &src.px;
    for y in y0..y1 {
        let fy = y as f64 + 0.5;
        let fx0 = x0 as f64 + 0.5;
        // Numerators and denominator are linear along the row.
        let mut nx = h[0] * fx0 + h[1] * fy + h[2];
        let mut ny = h[3] * fx0 + h[4] * fy + h[5];
        let mut nw = h[6] * fx0 + h[7] * fy + h[8];
        let row = y * dst.w;
        for x in x0..x1 {
            let (sx, sy) = if affine { (nx, ny) } else { (nx / nw, ny / nw) };
            nx += h[0];
            ny += h[3];
            nw += h[6];
            let di = (row + x) * 3;
            // Pixel-centre sample position, 8 fractional bits.
            let fx = ((sx - 0.5) * 256.0).floor() as i64;
            let fy = ((sy - 0.5) * 256.0).floor() as i64;
            let (ix, iy) = (fx >> 8, fy >> 8);
            let interior = ix >= 0 && iy >= 0 && ix + 1 < swu as i64 && iy + 1 < shu as i64;
            let in_corner = r > 0.0 && (sx < r || sx > sw - r) && (sy < r || sy > sh - r);
            if interior && !in_corner {
                // The common case: four neighbours inside, fully opaque.
                let (tx, ty) = ((fx & 0xff) as u32, (fy & 0xff) as u32);
                let i0 = (iy as usize * swu + ix as usize) * 3;
                let i1 = i0 + swu * 3;
                let (a0, a1) = (&sp[i0..i0 + 6], &sp[i1..i1 + 6]);
                let out = &mut dst.px[di..di + 3];
                for k in 0..3 {
                    let top = u32::from(a0[k]) * (256 - tx) + u32::from(a0[k + 3]) * tx;
                    let bot = u32::from(a1[k]) * (256 - tx) + u32::from(a1[k + 3]) * tx;
                    out[k] = ((top * (256 - ty) + bot * ty + 32_768) >> 16) as u8;
                }
                continue;
            }
            let d = sx.min(sy).min(sw - sx).min(sh - sy);
            if d <= 0.0 {
                continue;
            }
            let mut a = d.min(1.0);
            if in_corner {
                let cx = sx.clamp(r, sw - r);
                let cy = sy.clamp(r, sh - r);
                let (dx, dy) = (sx - cx, sy - cy);
                let inside = r - (dx * dx + dy * dy).sqrt();
                if inside <= 0.0 {
                    continue;
                }
                a = a.min(inside);
            }
            let px = (sx - 0.5).clamp(0.0, sw - 1.0);
            let py = (sy - 0.5).clamp(0.0, sh - 1.0);
            let (ix, iy) = (px as usize, py as usize);
            let tx = ((px - ix as f64) * 256.0) as u32;
            let ty = ((py - iy as f64) * 256.0) as u32;
            let ix1 = (ix + 1).min(swu - 1);
            let iy1 = (iy + 1).min(shu - 1);
            let i00 = (iy * swu + ix) * 3;
            let i10 = (iy * swu + ix1) * 3;
            let i01 = (iy1 * swu + ix) * 3;
            let i11 = (iy1 * swu + ix1) * 3;
            let aw = (a * 256.0) as u32;
            for k in 0..3 {
                let top = u32::from(sp[i00 + k]) * (256 - tx) + u32::from(sp[i10 + k]) * tx;
                let bot = u32::from(sp[i01 + k]) * (256 - tx) + u32::from(sp[i11 + k]) * tx;
                let v = (top * (256 - ty) + bot * ty + 32_768) >> 16;
                let old = u32::from(dst.px[di + k]);
                dst.px[di + k] = ((old * (256 - aw) + v * aw + 128) >> 8) as u8;
            }
        }
    }
}

/// A soft shadow under a document lying at `quad`, for photos.
pub fn shadow(
    dst: &mut Canvas,
    quad: [(f64, f64); 4],
    offset: (f64, f64),
    soft: f64,
    strength: f64,
) {
    let shifted: Vec<(f64, f64)> = quad
        .iter()
        .map(|p| (p.0 + offset.0, p.1 + offset.1))
        .collect();
    let x0 = shifted.iter().map(|p| p.0).fold(f64::MAX, f64::min) - soft;
    let x1 = shifted.iter().map(|p| p.0).fold(f64::MIN, f64::max) + soft;
    let y0 = shifted.iter().map(|p| p.1).fold(f64::MAX, f64::min) - soft;
    let y1 = shifted.iter().map(|p| p.1).fold(f64::MIN, f64::max) + soft;
    let (x0, x1) = (x0.max(0.0) as usize, x1.min(dst.w as f64) as usize);
    let (y0, y1) = (y0.max(0.0) as usize, y1.min(dst.h as f64) as usize);
    // Signed distance to the (convex) quad from its edge lines.
    let edges: Vec<(f64, f64, f64)> = (0..4)
        .map(|i| {
            let (a, b) = (shifted[i], shifted[(i + 1) % 4]);
            let (nx, ny) = (b.1 - a.1, a.0 - b.0);
            let len = (nx * nx + ny * ny).sqrt().max(1e-9);
            (nx / len, ny / len, -(nx * a.0 + ny * a.1) / len)
        })
        .collect();
    for y in y0..y1 {
        let mut x = x0;
        while x < x1 {
            let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
            let d = edges
                .iter()
                .map(|(nx, ny, c)| -(nx * fx + ny * fy + c))
                .fold(f64::MAX, f64::min);
            // The distance changes by at most one per pixel: far inside the shadow is fully
            // dark, far outside untouched, so jump over both in strides.
            if d < -soft - 2.0 {
                x += (-d - soft - 1.0) as usize;
                continue;
            }
            let a = ((d + soft) / (2.0 * soft)).clamp(0.0, 1.0) * strength;
            let run = if d > soft + 2.0 {
                (d - soft - 1.0) as usize
            } else {
                1
            };
            let end = (x + run).min(x1);
            for xx in x..end {
                let i = (y * dst.w + xx) * 3;
                for k in 0..3 {
                    dst.px[i + k] = (f64::from(dst.px[i + k]) * (1.0 - a)) as u8;
                }
            }
            x = end;
        }
    }
}

/// xorshift64*: per-pixel noise needs speed, not cryptographic quality; it is seeded from
/// the specimen's ChaCha stream so output stays deterministic.
pub struct FastRng(u64);

impl FastRng {
    pub fn new(seed: u64) -> FastRng {
        FastRng(seed | 1)
    }

    #[inline]
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Adds grain: the same offset to each channel of a pixel plus a little per channel.
pub fn noise(px: &mut [u8], channels: usize, sigma: f32, chroma: f32, seed: u64) {
    let mut r = FastRng::new(seed);
    // Both terms in 16-bit fixed point: a triangular value of 8 fractional bits times
    // 2.449·sigma (unit variance), and a 10-bit uniform (deviation 295.6) times chroma.
    let s = (sigma * 2.449 * 256.0) as i32;
    let ch = (chroma / 295.6 * 65_536.0) as i32;
    for p in px.chunks_exact_mut(channels) {
        let bits = r.next();
        // Two 16-bit uniforms make a triangular value; the spare bits feed the chroma.
        let tri = ((bits & 0xffff) as i32 + ((bits >> 16) & 0xffff) as i32 - 65_536) >> 8;
        let n = tri * s;
        for (k, v) in p.iter_mut().enumerate() {
            let c = ((bits >> (32 + 10 * k)) & 0x3ff) as i32 - 512;
            let delta = (n + c * ch + 32_768) >> 16;
            *v = (i32::from(*v) + delta).clamp(0, 255) as u8;
        }
    }
}

/// Separable 3×3 box blur, in place: the softness of scanner optics and phone lenses.
pub fn blur3(px: &mut [u8], w: usize, h: usize, channels: usize) {
    if w < 3 || h < 3 {
        return;
    }
    let stride = w * channels;
    // Sums of three samples divided by 3 via a fixed-point reciprocal.
    let div3 = |s: u32| ((s * 21_846) >> 16) as u8;
    let mut line = vec![0u8; stride];
    for y in 0..h {
        let row = &mut px[y * stride..(y + 1) * stride];
        line.copy_from_slice(row);
        for i in channels..stride - channels {
            row[i] = div3(
                u32::from(line[i - channels]) + u32::from(line[i]) + u32::from(line[i + channels]),
            );
        }
    }
    let mut prev = px[0..stride].to_vec();
    let mut cur = vec![0u8; stride];
    for y in 1..h - 1 {
        cur.copy_from_slice(&px[y * stride..(y + 1) * stride]);
        let (head, tail) = px.split_at_mut((y + 1) * stride);
        let next = &tail[..stride];
        let out = &mut head[y * stride..];
        for i in 0..stride {
            out[i] = div3(u32::from(prev[i]) + u32::from(cur[i]) + u32::from(next[i]));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
}

/// Maps every sample through a 256-entry table.
pub fn apply_lut(px: &mut [u8], lut: &[u8; 256]) {
    for v in px.iter_mut() {
        *v = lut[*v as usize];
    }
}

/// Levels: `black` and below to 0, `white` and above to 255, gamma in between.
pub fn levels_lut(black: f32, white: f32, gamma: f32) -> [u8; 256] {
    let mut lut = [0u8; 256];
    for (i, v) in lut.iter_mut().enumerate() {
        let t = ((i as f32 - black) / (white - black)).clamp(0.0, 1.0);
        *v = (t.powf(gamma) * 255.0 + 0.5) as u8;
    }
    lut
}

/// Office scanner: a slight skew, sensor grain, and the white point clipped so paper is
/// white, as scanner software does.
pub fn office(page: &Canvas, rng: &mut Rng8) -> Canvas {
    let angle = rng.gen_range(-1.5..1.5);
    let paper = paper_color(page);
    let mut out = rotate_on_white(page, angle, rng);
    noise(&mut out.px, 3, rng.gen_range(1.2..2.5), 0.0, rng.gen());
    if rng.gen_bool(0.4) {
        blur3(&mut out.px, out.w, out.h, 3);
    }
    // Background removal: each channel's paper level and above becomes white.
    let margin = rng.gen_range(6.0..12.0);
    let luts: Vec<[u8; 256]> = paper
        .iter()
        .map(|p| levels_lut(6.0, (f32::from(*p) - margin).max(200.0), 1.0))
        .collect();
    for p in out.px.chunks_exact_mut(3) {
        for k in 0..3 {
            p[k] = luts[k][p[k] as usize];
        }
    }
    out
}

/// The most common value of each channel: the paper.
fn paper_color(page: &Canvas) -> [u8; 3] {
    let mut hist = [[0u32; 256]; 3];
    // Every 7th pixel is plenty to find the mode.
    for p in page.px.chunks_exact(3).step_by(7) {
        for k in 0..3 {
            hist[k][p[k] as usize] += 1;
        }
    }
    let mut out = [255u8; 3];
    for k in 0..3 {
        let mut best = 0;
        for v in 0..256 {
            if hist[k][v] > hist[k][best] {
                best = v;
            }
        }
        out[k] = best as u8;
    }
    out
}

fn rotate_on_white(page: &Canvas, angle: f64, rng: &mut Rng8) -> Canvas {
    let mut out = Canvas::new(page.w, page.h, WHITE);
    let (w, h) = (page.w as f64, page.h as f64);
    let shift = (rng.gen_range(-4.0..4.0), rng.gen_range(-4.0..4.0));
    let quad = placed_quad(
        w,
        h,
        w / 2.0 + shift.0,
        h / 2.0 + shift.1,
        angle,
        1.0,
        [(0.0, 0.0); 4],
    );
    warp(&mut out, page, quad, 0.0);
    out
}

/// Photocopy: grey, harder contrast, toner thickening and specks, sometimes the dark band
/// of the copier lid along an edge.
pub fn photocopy(page: &Canvas, rng: &mut Rng8) -> (usize, usize, Vec<u8>) {
    let angle = rng.gen_range(-0.8..0.8);
    let rotated = rotate_on_white(page, angle, rng);
    let (w, h) = (rotated.w, rotated.h);
    let mut g = rotated.to_gray();
    blur3(&mut g, w, h, 1);
    noise(&mut g, 1, rng.gen_range(2.0..4.5), 0.0, rng.gen());
    let lut = levels_lut(
        rng.gen_range(40.0..70.0),
        rng.gen_range(222.0..238.0),
        rng.gen_range(0.8..1.2),
    );
    apply_lut(&mut g, &lut);
    let specks = (w * h) as f64 * rng.gen_range(0.00005..0.0002);
    let mut r = FastRng::new(rng.gen());
    for _ in 0..specks as usize {
        let x = (r.next() % w as u64) as usize;
        let y = (r.next() % h as u64) as usize;
        let size = 1 + (r.next() % 3) as usize;
        let v = (r.next() % 90) as u8;
        for dy in 0..size {
            for dx in 0..size {
                if x + dx < w && y + dy < h {
                    g[(y + dy) * w + x + dx] = v;
                }
            }
        }
    }
    if rng.gen_bool(0.5) {
        let band = (w as f64 * rng.gen_range(0.01..0.03)) as usize;
        let right = rng.gen_bool(0.5);
        for y in 0..h {
            for i in 0..band {
                let x = if right { w - 1 - i } else { i };
                let t = 1.0 - i as f32 / band.max(1) as f32;
                let v = f32::from(g[y * w + x]) * (1.0 - 0.75 * t);
                g[y * w + x] = v as u8;
            }
        }
    }
    (w, h, g)
}

/// A desk, a table cloth or a hand: what shows around a photographed document.
fn background(w: usize, h: usize, rng: &mut Rng8) -> Canvas {
    let palettes: [Rgb; 5] = [
        [120, 85, 55],
        [160, 120, 80],
        [70, 72, 78],
        [200, 196, 188],
        [40, 60, 90],
    ];
    let base = palettes[rng.gen_range(0..palettes.len())];
    let mut c = Canvas::new(w, h, base);
    let fx = rng.gen_range(0.002..0.02);
    let fy = rng.gen_range(0.0005..0.004);
    let phase = rng.gen_range(0.0..std::f32::consts::TAU);
    let cols: Vec<f32> = (0..w)
        .map(|x| 1.0 + 0.08 * (x as f32 * fx + phase).sin())
        .collect();
    for y in 0..h {
        let rf = 1.0 + 0.05 * (y as f32 * fy * 3.0).sin();
        let row = &mut c.px[y * w * 3..(y + 1) * w * 3];
        for (x, p) in row.chunks_exact_mut(3).enumerate() {
            let f = cols[x] * rf;
            for (k, v) in p.iter_mut().enumerate() {
                *v = (f32::from(base[k]) * f).min(255.0) as u8;
            }
        }
    }
    noise(&mut c.px, 3, 6.0, 2.0, rng.gen());
    c
}

/// Uneven light: brighter towards one side, darker corners, a slight colour cast.
fn lighting(c: &mut Canvas, rng: &mut Rng8) {
    let (w, h) = (c.w, c.h);
    let gx = rng.gen_range(-0.18..0.18f32);
    let gy = rng.gen_range(-0.18..0.18f32);
    let vig = rng.gen_range(0.08..0.25f32);
    let cast = [
        rng.gen_range(0.97..1.04f32),
        1.0,
        rng.gen_range(0.90..1.0f32),
    ];
    let cols: Vec<f32> = (0..w)
        .map(|x| {
            let t = x as f32 / w as f32 * 2.0 - 1.0;
            (1.0 + gx * t) * (1.0 - vig * t * t)
        })
        .collect();
    for y in 0..h {
        let t = y as f32 / h as f32 * 2.0 - 1.0;
        let rf = (1.0 + gy * t) * (1.0 - vig * t * t) * 0.97;
        let row = &mut c.px[y * w * 3..(y + 1) * w * 3];
        for (x, p) in row.chunks_exact_mut(3).enumerate() {
            let f = cols[x] * rf;
            for k in 0..3 {
                p[k] = (f32::from(p[k]) * f * cast[k]).min(255.0) as u8;
            }
        }
    }
}

/// A phone photo of `doc` filling about `fill` of the frame width, with `corner_radius`
/// for cards.
pub fn phone(doc: &Canvas, rng: &mut Rng8, fill: f64, corner_radius: f64) -> Canvas {
    let (dw, dh) = (doc.w as f64, doc.h as f64);
    let landscape = dw > dh;
    let fw = dw / fill;
    let fh = if landscape { fw * 0.75 } else { fw * 4.0 / 3.0 };
    let fh = fh.max(dh * 1.08);
    let (w, h) = (fw.round() as usize, fh.round() as usize);
    let mut c = background(w, h, rng);
    let angle = rng.gen_range(-4.0..4.0);
    let j = dw.max(dh) * 0.012;
    let mut jitter = [(0.0, 0.0); 4];
    for p in jitter.iter_mut() {
        *p = (rng.gen_range(-j..j), rng.gen_range(-j..j));
    }
    let cx = w as f64 / 2.0 + rng.gen_range(-0.03..0.03) * w as f64;
    let cy = h as f64 / 2.0 + rng.gen_range(-0.03..0.03) * h as f64;
    let quad = placed_quad(dw, dh, cx, cy, angle, 1.0, jitter);
    let soft = dw.max(dh) * 0.012;
    shadow(&mut c, quad, (soft * 0.6, soft), soft, 0.45);
    warp(&mut c, doc, quad, corner_radius);
    lighting(&mut c, rng);
    // Grain before blur: the camera's denoising and defocus soften its own noise.
    noise(&mut c.px, 3, rng.gen_range(2.0..4.0), 1.0, rng.gen());
    blur3(&mut c.px, w, h, 3);
    c
}

/// A card laid on an A4 sheet (or its own crop) at `center`, tilted by `angle`.
pub fn place_card(
    sheet: &mut Canvas,
    card: &Canvas,
    center: (f64, f64),
    angle: f64,
    corner_radius: f64,
) {
    let quad = placed_quad(
        card.w as f64,
        card.h as f64,
        center.0,
        center.1,
        angle,
        1.0,
        [(0.0, 0.0); 4],
    );
    // The card's thickness casts a thin shadow under the scanner lamp; copies show its edge.
    let soft = (card.w as f64 / 250.0).max(1.5);
    shadow(sheet, quad, (soft * 0.5, soft * 0.7), soft, 0.5);
    warp(sheet, card, quad, corner_radius);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_corners() {
        let from = [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0)];
        let to = [(1.0, 2.0), (12.0, 1.0), (11.0, 8.0), (2.0, 7.0)];
        let h = Homography::from_quads(from, to).expect("solvable");
        for (f, t) in from.iter().zip(to.iter()) {
            let (x, y) = h.apply(f.0, f.1);
            assert!((x - t.0).abs() < 1e-6 && (y - t.1).abs() < 1e-6);
        }
    }

    #[test]
    fn blur_keeps_flat_images_flat_and_spreads_a_dot() {
        let mut px = vec![99u8; 30 * 20];
        blur3(&mut px, 30, 20, 1);
        assert!(px.iter().all(|v| *v == 99));
        let mut dot = vec![0u8; 9 * 9];
        dot[4 * 9 + 4] = 180;
        blur3(&mut dot, 9, 9, 1);
        assert_eq!(dot[4 * 9 + 4], 20);
        assert_eq!(dot[3 * 9 + 3], 20);
        assert_eq!(dot[2 * 9 + 2], 0);
    }
}
