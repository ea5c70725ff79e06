fn otsu(img: &image::GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut wb, mut sb, mut best, mut t) = (0f64, 0f64, 0f64, 128u8);
    for i in 0..256 {
        wb += hist[i] as f64;
        if wb == 0.0 {
            continue;
        }
        let wf = total as f64 - wb;
        if wf == 0.0 {
            break;
        }
        sb += i as f64 * hist[i] as f64;
        let mb = sb / wb;
        let mf = (sum - sb) / wf;
        let v = wb * wf * (mb - mf).powi(2);
        if v > best {
            best = v;
            t = i as u8;
        }
    }
    t
}
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let img = image::open(&a[1]).unwrap().to_luma8();
    let p: Vec<u32> = a[2..6].iter().map(|s| s.parse().unwrap()).collect();
    let crop = image::imageops::crop_imm(&img, p[0], p[1], p[2], p[3]).to_image();
    for scale in [1u32, 2, 3, 4, 6, 8] {
        for filter in [
            image::imageops::FilterType::Triangle,
            image::imageops::FilterType::CatmullRom,
        ] {
            let up =
                image::imageops::resize(&crop, crop.width() * scale, crop.height() * scale, filter);
            let t0 = otsu(&up);
            let mut bin = up.clone();
            for px in bin.pixels_mut() {
                px.0[0] = if px.0[0] > t0 { 255 } else { 0 };
            }
            let t = std::time::Instant::now();
            let r = hoso_workers::qr::find_qr(&up).is_some();
            let rb = hoso_workers::qr::find_qr(&bin).is_some();
            println!(
                "{scale} {filter:?} gray {r} otsu({t0}) {rb} {:?}",
                t.elapsed()
            );
        }
    }
}
