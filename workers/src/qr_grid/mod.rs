//! A second reader for QR codes printed too small or too blurred for rxing's sampler.
//!
//! An ID card's code photocopied at 200 dpi, or photographed with the sheet around it,
//! has about two pixels a module. Thresholding pixels one by one then flips more
//! modules than error-correction level L repairs. This reader instead:
//! - fits the module grid to the pixels with the patterns every code carries (finders,
//!   separators, timing rows, alignment patterns, the dark module), by maximising the
//!   agreement of the sampled grey levels with those known modules;
//! - decides each module against a model of how ink bleeds between neighbours, fitted
//!   on the same known modules (a dark module between light ones reads lighter than a
//!   dark one inside a dark block);
//! - hands the module matrix to rxing's decoder, whose Reed–Solomon check rejects a
//!   wrong guess, so trying several grids and thresholds cannot invent a payload.
//!
//! rxing's finder-pattern search still locates the three finders; only the sampling and
//! the module decisions are ours.

use image::GrayImage;
use rxing::common::HybridBinarizer;
use rxing::qrcode::decoder::qrcode_decoder::decode_bool_array_with_hints;
use rxing::qrcode::detector::FinderPatternFinder;
use rxing::{BinaryBitmap, DecodeHints, Luma8LuminanceSource, Point};

/// Alignment-pattern centre rows and columns of versions 1 to 15 (ISO/IEC 18004 annex E).
/// A card's payload (under 250 bytes of UTF-8) fits version 15 at level L.
const ALIGNMENT: [&[usize]; 15] = [
    &[],
    &[6, 18],
    &[6, 22],
    &[6, 26],
    &[6, 30],
    &[6, 34],
    &[6, 22, 38],
    &[6, 24, 42],
    &[6, 26, 46],
    &[6, 28, 50],
    &[6, 30, 54],
    &[6, 32, 58],
    &[6, 34, 62],
    &[6, 26, 46, 66],
    &[6, 26, 48, 70],
];
const MAX_DIMENSION: usize = 17 + 4 * ALIGNMENT.len();
/// Enlargements the finder patterns are looked for at: at two pixels a module their
/// one-module rings vanish under the binariser, at twice the size they survive.
const FINDER_SCALES: [u32; 3] = [1, 2, 3];
/// Grid positions tried around the fitted one, in modules: a fit can settle a quarter
/// module off where blur makes the known modules agree equally.
const SHIFTS: [(f32, f32); 5] = [
    (0.0, 0.0),
    (0.25, 0.0),
    (-0.25, 0.0),
    (0.0, 0.25),
    (0.0, -0.25),
];
/// Below this agreement of the fitted grid with the known modules it is not a code.
const MIN_FIT: f32 = 0.6;

/// A decoded code: its payload and the image positions of its four corners.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCode {
    pub payload: String,
    pub corners: [(f32, f32); 4],
}

/// Pixels of an image: left, top, width, height.
pub type Rect = (u32, u32, u32, u32);

/// Looks for a QR code inside `region` of `image` by fitting its module grid, and
/// returns its exact payload, or nothing. The finder search runs on the region alone,
/// enlarged, so the region should be the card rather than the sheet around it.
pub fn read(image: &GrayImage, region: Rect) -> Option<GridCode> {
    FINDER_SCALES.iter().find_map(|&scale| {
        finder_sets(image, region, scale)
            .iter()
            .find_map(|f| read_at(image, f))
    })
}

/// Three finder centres (top left, top right, bottom left) and the module size, in
/// pixels of the whole image.
#[derive(Debug, Clone, Copy)]
struct Finders {
    top_left: (f32, f32),
    top_right: (f32, f32),
    bottom_left: (f32, f32),
    module: f32,
}

/// Finder candidates this many or more are noise (a fingerprint, a guilloche).
const MAX_CANDIDATES: usize = 24;

/// Every triple of finder candidates that can be a code's three corners, the most
/// often confirmed first. rxing picks one triple; on a card the chip's contacts or a
/// fingerprint can win that choice over the code, so all plausible ones are tried and
/// the grid fit and error correction decide.
fn finder_sets(image: &GrayImage, region: Rect, scale: u32) -> Vec<Finders> {
    let (x, y) = (region.0.min(image.width()), region.1.min(image.height()));
    let w = region.2.min(image.width() - x);
    let h = region.3.min(image.height() - y);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
    let (sw, sh) = (w * scale, h * scale);
    let large = if scale == 1 {
        crop
    } else {
        image::imageops::resize(&crop, sw, sh, image::imageops::FilterType::Triangle)
    };
    // Blur merges a finder's one-module rings into its core under the binariser;
    // sharpening by about a module brings them back, though it can break finders a
    // plain binarisation keeps, so both are searched.
    let sharp = image::imageops::unsharpen(&large, scale as f32, 0);
    let mut candidates = finder_candidates(large, scale, (x, y));
    for c in finder_candidates(sharp, scale, (x, y)) {
        if !candidates.iter().any(|o| distance(o.0, c.0) < 2.0 * c.1) {
            candidates.push(c);
        }
    }
    candidates.sort_by_key(|c| std::cmp::Reverse(c.2));
    candidates.truncate(MAX_CANDIDATES);
    let mut sets = Vec::new();
    for i in 0..candidates.len() {
        for j in i + 1..candidates.len() {
            for l in j + 1..candidates.len() {
                let three = [candidates[i], candidates[j], candidates[l]];
                if let Some(set) = corner_set(&three) {
                    sets.push((three.iter().map(|c| c.2).sum::<usize>(), set));
                }
            }
        }
    }
    sets.sort_by_key(|s| std::cmp::Reverse(s.0));
    sets.into_iter().map(|(_, set)| set).collect()
}

/// Finder candidates rxing's search sees on `image` (an enlargement by `scale` of the
/// part of the page at `origin`): centre and module size in page pixels, and how many
/// scan lines confirmed it.
fn finder_candidates(image: GrayImage, scale: u32, origin: (u32, u32)) -> Vec<Candidate> {
    let (w, h) = image.dimensions();
    let Ok(source) = Luma8LuminanceSource::new(image.into_raw(), w, h) else {
        return Vec::new();
    };
    let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = DecodeHints {
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let mut finder = FinderPatternFinder::new(bitmap.get_black_matrix());
    // Its own choice of three failing still leaves the candidates it saw.
    let _ = finder.find(&hints);
    let k = scale as f32;
    finder
        .getPossibleCenters()
        .iter()
        .map(|c| {
            let p: Point = c.into();
            (
                (p.x / k + origin.0 as f32, p.y / k + origin.1 as f32),
                c.getEstimatedModuleSize() / k,
                c.getCount(),
            )
        })
        .collect()
}

/// A finder candidate: centre, module size, confirmations.
type Candidate = ((f32, f32), f32, usize);

/// The three candidates as a code's corners, if they make a right isosceles triangle
/// of similar finders: the corner at the right angle is the top left, and the other two
/// go clockwise from it.
fn corner_set(three: &[Candidate; 3]) -> Option<Finders> {
    let modules = three.map(|c| c.1);
    let (lo, hi) = modules
        .iter()
        .fold((f32::MAX, 0.0f32), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    if lo <= 0.0 || hi / lo > 1.5 {
        return None;
    }
    (0..3).find_map(|corner| {
        let tl = three[corner].0;
        let (mut a, mut b) = (three[(corner + 1) % 3].0, three[(corner + 2) % 3].0);
        let (va, vb) = ((a.0 - tl.0, a.1 - tl.1), (b.0 - tl.0, b.1 - tl.1));
        let (la, lb) = (distance(a, tl), distance(b, tl));
        let module = modules.iter().sum::<f32>() / 3.0;
        // A code's finder centres are at least 14 modules apart (version 1).
        if la.min(lb) < 14.0 * module || la.max(lb) / la.min(lb) > 1.2 {
            return None;
        }
        let cos = (va.0 * vb.0 + va.1 * vb.1) / (la * lb);
        if cos.abs() > 0.15 {
            return None;
        }
        // Clockwise on an image whose y axis points down: top right, then bottom left.
        if va.0 * vb.1 - va.1 * vb.0 < 0.0 {
            std::mem::swap(&mut a, &mut b);
        }
        Some(Finders {
            top_left: tl,
            top_right: a,
            bottom_left: b,
            module,
        })
    })
}

fn read_at(image: &GrayImage, f: &Finders) -> Option<GridCode> {
    if f.module <= 0.0 {
        return None;
    }
    let span = (distance(f.top_left, f.top_right) + distance(f.top_left, f.bottom_left)) / 2.0;
    let estimate = (span / f.module).round() as i64 + 7;
    // The module size of a blurred finder is off by a tenth or more, and so is the
    // dimension; each candidate is fitted and the best fit decides.
    let (fit, grid, known) = (-2..=2)
        .map(|k| nearest_dimension(estimate) + 4 * k)
        .filter(|&n| (21..=MAX_DIMENSION as i64).contains(&n))
        .map(|n| {
            let known = known_modules(n as usize);
            let (fit, grid) = refine(image, Grid::from_finders(f, n as usize), &known, f.module);
            (fit, grid, known)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    if fit < MIN_FIT {
        return None;
    }
    let hints = DecodeHints {
        // ID-card payloads are UTF-8 Vietnamese; without this rxing may guess a
        // single-byte charset and mangle the diacritics.
        CharacterSet: Some("UTF-8".to_string()),
        ..DecodeHints::default()
    };
    for &(dx, dy) in &SHIFTS {
        for spread in [0.0, 0.2] {
            let values = grid.sample_all(image, dx, dy, spread);
            for bits in decisions(&values, grid.n, &known) {
                if let Ok(decoded) = decode_bool_array_with_hints(&bits, &hints) {
                    return Some(GridCode {
                        payload: decoded.getText().to_string(),
                        corners: grid.corners,
                    });
                }
            }
        }
    }
    None
}

/// A QR dimension is 4·version + 17.
fn nearest_dimension(n: i64) -> i64 {
    let version = ((n - 17) as f32 / 4.0).round() as i64;
    4 * version.max(1) + 17
}

fn distance(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The module grid: an `n` × `n` code whose module-space corners (0,0), (n,0), (n,n),
/// (0,n) lie at `corners` on the image.
#[derive(Debug, Clone, Copy)]
struct Grid {
    n: usize,
    corners: [(f32, f32); 4],
}

impl Grid {
    /// The grid the finder centres imply, assuming no perspective: each finder's centre
    /// is 3.5 modules in from its corners.
    fn from_finders(f: &Finders, n: usize) -> Grid {
        let inner = (n - 7) as f32;
        let ex = (
            (f.top_right.0 - f.top_left.0) / inner,
            (f.top_right.1 - f.top_left.1) / inner,
        );
        let ey = (
            (f.bottom_left.0 - f.top_left.0) / inner,
            (f.bottom_left.1 - f.top_left.1) / inner,
        );
        let at = |u: f32, v: f32| {
            (
                f.top_left.0 + (u - 3.5) * ex.0 + (v - 3.5) * ey.0,
                f.top_left.1 + (u - 3.5) * ex.1 + (v - 3.5) * ey.1,
            )
        };
        let side = n as f32;
        Grid {
            n,
            corners: [at(0.0, 0.0), at(side, 0.0), at(side, side), at(0.0, side)],
        }
    }

    fn transform(&self) -> Perspective {
        Perspective::square_to_quad(&self.corners)
    }

    /// Grey levels at every module centre, moved by (`dx`, `dy`) modules; with a
    /// `spread`, the mean of nine points that far apart around each centre.
    fn sample_all(&self, image: &GrayImage, dx: f32, dy: f32, spread: f32) -> Vec<f32> {
        let t = self.transform();
        let n = self.n as f32;
        let offsets: &[f32] = if spread > 0.0 {
            &[-1.0, 0.0, 1.0]
        } else {
            &[0.0]
        };
        let count = (offsets.len() * offsets.len()) as f32;
        let mut values = Vec::with_capacity(self.n * self.n);
        for r in 0..self.n {
            for c in 0..self.n {
                let mut sum = 0.0;
                for oy in offsets {
                    for ox in offsets {
                        let u = (c as f32 + 0.5 + dx + ox * spread) / n;
                        let v = (r as f32 + 0.5 + dy + oy * spread) / n;
                        let (x, y) = t.apply(u, v);
                        sum += bilinear(image, x, y);
                    }
                }
                values.push(sum / count);
            }
        }
        values
    }

    /// How well the grey levels at the known modules follow their colours: the
    /// correlation of darkness with ink, 1 for a perfect fit.
    fn fit(&self, image: &GrayImage, known: &[Known]) -> f32 {
        let t = self.transform();
        let n = self.n as f32;
        let samples: Vec<(f32, f32)> = known
            .iter()
            .map(|k| {
                let (x, y) = t.apply((k.col as f32 + 0.5) / n, (k.row as f32 + 0.5) / n);
                (
                    255.0 - bilinear(image, x, y),
                    if k.dark { 1.0 } else { 0.0 },
                )
            })
            .collect();
        correlation(&samples)
    }
}

/// Moves each corner coordinate in turn while the fit improves, with halving steps.
fn refine(image: &GrayImage, mut grid: Grid, known: &[Known], module: f32) -> (f32, Grid) {
    let mut best = grid.fit(image, known);
    for step in [0.5, 0.25, 0.125] {
        let delta = step * module;
        for _ in 0..12 {
            let mut improved = false;
            for coordinate in 0..8 {
                for sign in [1.0, -1.0] {
                    let mut trial = grid;
                    let corner = &mut trial.corners[coordinate / 2];
                    if coordinate % 2 == 0 {
                        corner.0 += sign * delta;
                    } else {
                        corner.1 += sign * delta;
                    }
                    let fit = trial.fit(image, known);
                    if fit > best {
                        best = fit;
                        grid = trial;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    (best, grid)
}

fn correlation(samples: &[(f32, f32)]) -> f32 {
    let len = samples.len() as f32;
    if len < 2.0 {
        return 0.0;
    }
    let (mx, my) = samples
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / len, b + y / len));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in samples {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return 0.0;
    }
    sxy / (sxx * syy).sqrt()
}

fn bilinear(image: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = (image.width() as f32, image.height() as f32);
    // Pixel centres are at half-integers.
    let (x, y) = (x - 0.5, y - 0.5);
    if !(0.0..w - 1.0).contains(&x) || !(0.0..h - 1.0).contains(&y) {
        return 255.0;
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as u32, y0 as u32);
    let p = |dx: u32, dy: u32| f32::from(image.get_pixel(x0 + dx, y0 + dy).0[0]);
    let top = p(0, 0) * (1.0 - fx) + p(1, 0) * fx;
    let bottom = p(0, 1) * (1.0 - fx) + p(1, 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// The projective map of the unit square onto a quadrilateral (Heckbert's closed form,
/// as in zxing's `PerspectiveTransform::squareToQuadrilateral`).
struct Perspective {
    a: [f32; 8],
}

impl Perspective {
    fn square_to_quad(q: &[(f32, f32); 4]) -> Perspective {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = *q;
        let (dx3, dy3) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let denominator = dx1 * dy2 - dx2 * dy1;
        let (a13, a23) = if denominator.abs() < 1e-9 || (dx3 == 0.0 && dy3 == 0.0) {
            (0.0, 0.0)
        } else {
            (
                (dx3 * dy2 - dx2 * dy3) / denominator,
                (dx1 * dy3 - dx3 * dy1) / denominator,
            )
        };
        Perspective {
            a: [
                x1 - x0 + a13 * x1,
                x3 - x0 + a23 * x3,
                x0,
                y1 - y0 + a13 * y1,
                y3 - y0 + a23 * y3,
                y0,
                a13,
                a23,
            ],
        }
    }

    fn apply(&self, u: f32, v: f32) -> (f32, f32) {
        let a = &self.a;
        let w = a[6] * u + a[7] * v + 1.0;
        (
            (a[0] * u + a[1] * v + a[2]) / w,
            (a[3] * u + a[4] * v + a[5]) / w,
        )
    }
}

/// A module whose colour every code of its dimension shares.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Known {
    row: usize,
    col: usize,
    dark: bool,
}

/// The finder patterns with their separators, the timing rows, the alignment patterns
/// and the dark module of an `n` × `n` code.
fn known_modules(n: usize) -> Vec<Known> {
    let mut known = vec![None; n * n];
    for (r0, c0) in [(0i64, 0i64), (0, n as i64 - 7), (n as i64 - 7, 0)] {
        for r in -1..8i64 {
            for c in -1..8i64 {
                let (row, col) = (r0 + r, c0 + c);
                if row < 0 || col < 0 || row >= n as i64 || col >= n as i64 {
                    continue;
                }
                let dark = !(r == -1 || c == -1 || r == 7 || c == 7)
                    && (r == 0
                        || r == 6
                        || c == 0
                        || c == 6
                        || ((2..=4).contains(&r) && (2..=4).contains(&c)));
                known[row as usize * n + col as usize] = Some(dark);
            }
        }
    }
    for i in 8..n.saturating_sub(8) {
        known[6 * n + i] = Some(i % 2 == 0);
        known[i * n + 6] = Some(i % 2 == 0);
    }
    let version = (n - 17) / 4;
    if let Some(centres) = ALIGNMENT.get(version.wrapping_sub(1)) {
        for &r in centres.iter() {
            for &c in centres.iter() {
                // The three that would overlap a finder are not drawn.
                let corner = |p: usize| p == 6;
                let far = |p: usize| p == n - 7;
                if (corner(r) && corner(c)) || (corner(r) && far(c)) || (far(r) && corner(c)) {
                    continue;
                }
                for dr in -2i64..=2 {
                    for dc in -2i64..=2 {
                        let (row, col) = ((r as i64 + dr) as usize, (c as i64 + dc) as usize);
                        known[row * n + col] = Some(dr.abs().max(dc.abs()) != 1);
                    }
                }
            }
        }
    }
    known[(4 * version + 9) * n + 8] = Some(true);
    known
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            k.map(|dark| Known {
                row: i / n,
                col: i % n,
                dark,
            })
        })
        .collect()
}

/// Module matrices to try, from the simplest threshold to the ink-bleed model.
fn decisions(values: &[f32], n: usize, known: &[Known]) -> Vec<Vec<Vec<bool>>> {
    let mut out = Vec::new();
    let mean = |dark: bool| {
        let v: Vec<f32> = known
            .iter()
            .filter(|k| k.dark == dark)
            .map(|k| values[k.row * n + k.col])
            .collect();
        v.iter().sum::<f32>() / v.len().max(1) as f32
    };
    let threshold = (mean(true) + mean(false)) / 2.0;
    let global: Vec<bool> = values.iter().map(|&v| v < threshold).collect();
    out.push(global.clone());
    out.push(local_threshold(values, n));
    let mut dark: Vec<f32> = global.iter().map(|&d| if d { 1.0 } else { 0.0 }).collect();
    for k in known {
        dark[k.row * n + k.col] = if k.dark { 1.0 } else { 0.0 };
    }
    for _ in 0..4 {
        let Some(next) = bleed_model_step(values, n, &dark, known) else {
            break;
        };
        out.push(next.iter().map(|&d| d > 0.5).collect());
        dark = next;
    }
    out.into_iter()
        .map(|flat| flat.chunks(n).map(<[bool]>::to_vec).collect())
        .collect()
}

/// Each module against the mean of the 5 × 5 modules around it: follows shading across
/// a photographed code.
fn local_threshold(values: &[f32], n: usize) -> Vec<bool> {
    let mut out = Vec::with_capacity(n * n);
    for r in 0..n {
        for c in 0..n {
            let (r0, r1) = (r.saturating_sub(2), (r + 3).min(n));
            let (c0, c1) = (c.saturating_sub(2), (c + 3).min(n));
            let mut sum = 0.0;
            for rr in r0..r1 {
                for cc in c0..c1 {
                    sum += values[rr * n + cc];
                }
            }
            let mean = sum / ((r1 - r0) * (c1 - c0)) as f32;
            out.push(values[r * n + c] < mean);
        }
    }
    out
}

/// One round of the ink-bleed model: fits `value = a + b·dark + c·(dark edge
/// neighbours) + d·(dark corner neighbours)` over the whole grid by least squares,
/// then gives each unknown module the colour that explains its grey level better,
/// given its neighbours' current colours.
fn bleed_model_step(values: &[f32], n: usize, dark: &[f32], known: &[Known]) -> Option<Vec<f32>> {
    let at = |r: i64, c: i64| {
        if r < 0 || c < 0 || r >= n as i64 || c >= n as i64 {
            0.0
        } else {
            dark[r as usize * n + c as usize]
        }
    };
    let mut edge = vec![0.0; n * n];
    let mut diagonal = vec![0.0; n * n];
    for r in 0..n as i64 {
        for c in 0..n as i64 {
            let i = r as usize * n + c as usize;
            edge[i] = at(r - 1, c) + at(r + 1, c) + at(r, c - 1) + at(r, c + 1);
            diagonal[i] = at(r - 1, c - 1) + at(r - 1, c + 1) + at(r + 1, c - 1) + at(r + 1, c + 1);
        }
    }
    let mut normal = [[0f64; 5]; 4];
    for i in 0..n * n {
        let x = [
            1.0,
            f64::from(dark[i]),
            f64::from(edge[i]),
            f64::from(diagonal[i]),
        ];
        for a in 0..4 {
            for b in 0..4 {
                normal[a][b] += x[a] * x[b];
            }
            normal[a][4] += x[a] * f64::from(values[i]);
        }
    }
    let coef = solve4(normal)?;
    let mut next: Vec<f32> = (0..n * n)
        .map(|i| {
            let base = coef[0] + coef[2] * f64::from(edge[i]) + coef[3] * f64::from(diagonal[i]);
            let v = f64::from(values[i]);
            if (v - (base + coef[1])).abs() < (v - base).abs() {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    for k in known {
        next[k.row * n + k.col] = if k.dark { 1.0 } else { 0.0 };
    }
    Some(next)
}

/// Gaussian elimination with partial pivoting on a 4 × 4 system (augmented).
fn solve4(mut m: [[f64; 5]; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-9 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let factor = row[col] / pivot_row[col];
                for (v, p) in row.iter_mut().zip(pivot_row).skip(col) {
                    *v -= factor * p;
                }
            }
        }
    }
    Some([
        m[0][4] / m[0][0],
        m[1][4] / m[1][1],
        m[2][4] / m[2][2],
        m[3][4] / m[3][3],
    ])
}

#[cfg(test)]
mod tests;
