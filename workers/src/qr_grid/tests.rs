//! Tests of the grid reader on codes drawn, blurred and damaged.

use super::*;
use qrcode::{Color, EcLevel, QrCode};

/// What a 2021 card's code holds, with a synthetic person.
const PAYLOAD: &str = "079093088921|272683194|Nguyễn Thị Ánh Tuyết|05031993|Nữ|Số 12, ngõ 34, đường Lê Lợi, Phường Hải Châu, Thủ Dầu Một, Bình Dương|17082021";

/// The code of `payload` drawn `module` pixels a module (anti-aliased, its
/// left edge at `x0`, `y0`, turned by `turn` radians) on a grey card, then blurred
/// `blur` times by a 3 × 3 box: a photocopied card at 200 dpi.
fn render(payload: &str, module: f32, turn: f32, blur: usize) -> GrayImage {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L).unwrap();
    let n = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    let side = 300;
    let (x0, y0) = (40.0, 50.0);
    let (cos, sin) = (turn.cos(), turn.sin());
    let sub = 4;
    let mut image = GrayImage::from_fn(side, side, |x, y| {
        let mut ink = 0;
        for sy in 0..sub {
            for sx in 0..sub {
                let px = x as f32 + (sx as f32 + 0.5) / sub as f32 - x0;
                let py = y as f32 + (sy as f32 + 0.5) / sub as f32 - y0;
                // Back into the code's own axes.
                let (u, v) = (
                    (px * cos + py * sin) / module,
                    (-px * sin + py * cos) / module,
                );
                if u >= 0.0 && v >= 0.0 && (u as usize) < n && (v as usize) < n {
                    ink += usize::from(dark[v as usize * n + u as usize]);
                }
            }
        }
        let cover = ink as f32 / (sub * sub) as f32;
        image::Luma([(215.0 - 190.0 * cover) as u8])
    });
    for _ in 0..blur {
        image = image::imageops::blur(&image, 1.0);
    }
    image
}

fn whole(image: &GrayImage) -> Rect {
    (0, 0, image.width(), image.height())
}

#[test]
fn a_blurred_code_at_two_pixels_a_module_is_read_byte_exact() {
    let image = render(PAYLOAD, 2.1, 0.03, 1);
    // The case this reader exists for: rxing's own sampler gives up on it.
    assert_eq!(crate::qr::find_qr(&image), None);
    let code = read(&image, whole(&image)).expect("read by its grid");
    assert_eq!(code.payload, PAYLOAD);
    // The corners are where the code was drawn, within a module.
    assert!((code.corners[0].0 - 40.0).abs() < 2.5, "{:?}", code.corners);
    assert!((code.corners[0].1 - 50.0).abs() < 2.5, "{:?}", code.corners);
}

#[test]
fn a_sharp_code_is_read_too() {
    let image = render(PAYLOAD, 3.0, 0.0, 0);
    assert_eq!(
        read(&image, whole(&image)).map(|c| c.payload).as_deref(),
        Some(PAYLOAD)
    );
}

#[test]
fn a_page_without_a_code_gives_nothing() {
    // Stripes and blocks with a finder's proportions nowhere.
    let image = GrayImage::from_fn(300, 300, |x, y| {
        image::Luma([if (x / 7 + y / 11) % 3 == 0 { 30 } else { 220 }])
    });
    assert_eq!(read(&image, whole(&image)), None);
    assert_eq!(read(&GrayImage::new(0, 0), (0, 0, 0, 0)), None);
    // A region past the image's edge is clipped, not a panic.
    assert_eq!(read(&image, (290, 290, 100, 100)), None);
}

#[test]
fn three_finders_are_ordered_clockwise_from_the_right_angle() {
    let tl = ((100.0, 100.0), 2.0, 3);
    let tr = ((160.0, 102.0), 2.1, 2);
    let bl = ((98.0, 160.0), 1.9, 2);
    for three in [[tl, tr, bl], [bl, tl, tr], [tr, bl, tl], [bl, tr, tl]] {
        let f = corner_set(&three).expect("a code's corners");
        assert_eq!((f.top_left, f.top_right, f.bottom_left), (tl.0, tr.0, bl.0));
    }
    // Not a right angle, legs of unequal length, finders of unequal size, too close.
    assert!(corner_set(&[tl, tr, ((130.0, 160.0), 2.0, 2)]).is_none());
    assert!(corner_set(&[tl, tr, ((100.0, 200.0), 2.0, 2)]).is_none());
    assert!(corner_set(&[tl, tr, ((98.0, 160.0), 4.0, 2)]).is_none());
    assert!(corner_set(&[tl, ((110.0, 100.0), 2.0, 2), ((100.0, 110.0), 2.0, 2)]).is_none());
}

#[test]
fn known_modules_count_every_function_pattern() {
    // Version 1: three finders with separators (8 × 8 each), two timing rows of
    // five, the dark module.
    assert_eq!(known_modules(21).len(), 3 * 64 + 2 * 5 + 1);
    // Version 2 adds one alignment pattern and longer timing rows.
    assert_eq!(known_modules(25).len(), 3 * 64 + 2 * 9 + 25 + 1);
    // Version 7: six alignment patterns (three overlap finders and are left out).
    assert_eq!(
        known_modules(45).len(),
        3 * 64 + 2 * 29 + 6 * 25 - 2 * 5 + 1
    );
    let timing = known_modules(21);
    assert!(timing.contains(&Known {
        row: 6,
        col: 8,
        dark: true
    }));
    assert!(timing.contains(&Known {
        row: 6,
        col: 9,
        dark: false
    }));
    assert!(timing.contains(&Known {
        row: 13,
        col: 8,
        dark: true
    }));
}

#[test]
fn the_perspective_maps_the_unit_square_onto_its_quadrilateral() {
    let quad = [(10.0, 20.0), (110.0, 25.0), (120.0, 130.0), (5.0, 118.0)];
    let t = Perspective::square_to_quad(&quad);
    for ((u, v), (x, y)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
        .into_iter()
        .zip(quad)
    {
        let (px, py) = t.apply(u, v);
        assert!(
            (px - x).abs() < 1e-3 && (py - y).abs() < 1e-3,
            "{u},{v} -> {px},{py}"
        );
    }
}

#[test]
fn the_bleed_model_solves_its_normal_equations() {
    let m = [
        [2.0, 1.0, 0.0, 0.0, 3.0],
        [1.0, 3.0, 1.0, 0.0, 5.0],
        [0.0, 1.0, 4.0, 1.0, 6.0],
        [0.0, 0.0, 1.0, 5.0, 6.0],
    ];
    let x = solve4(m).unwrap();
    for (row, want) in m.iter().zip([3.0, 5.0, 6.0, 6.0]) {
        let got: f64 = (0..4).map(|k| row[k] * x[k]).sum();
        assert!((got - want).abs() < 1e-9);
    }
    assert_eq!(solve4([[0.0; 5]; 4]), None);
}
