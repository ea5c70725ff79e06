//! How long parsing and converting one place field takes: 100,000 addresses made from
//! the table's own communes, printed as cards print them (a house and street first; full
//! unit words, abbreviations, or today's units; one in ten with a unit that does not
//! exist, one in ten after an authority's name, one in ten with a letter of the commune
//! lost to OCR), each parsed and converted once. Prints the mean and the 99th percentile,
//! and for each way of printing how many communes were identified.
//!
//!   cargo run --release -p hoso-units --example bench_places -- ../shared/data/admin-units-2025/old_to_new.tsv [100000]

use std::time::Instant;

use hoso_units::Crosswalk;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("the crosswalk's path");
    let count: usize = args.next().map_or(100_000, |n| n.parse().expect("a count"));
    let started = Instant::now();
    let table = Crosswalk::load(path.as_ref(), "bench").expect("the crosswalk loads");
    let load = started.elapsed();
    let text = std::fs::read_to_string(&path).expect("the crosswalk reads");
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let abbreviate = |s: &str| {
        s.replacen("Phường ", "P. ", 1)
            .replacen("Quận ", "Q. ", 1)
            .replacen("Thành phố ", "TP. ", 1)
            .replacen("Huyện ", "H. ", 1)
    };
    // A letter of the commune's name lost, as OCR loses one.
    let slip = |address: &str| {
        let (commune, rest) = address.split_once(',').unwrap_or((address, ""));
        let mut chars: Vec<char> = commune.chars().collect();
        if chars.len() > 8 {
            chars.remove(chars.len() - 2);
        }
        format!(
            "{}{}{rest}",
            chars.into_iter().collect::<String>(),
            if rest.is_empty() { "" } else { "," }
        )
    };
    const KINDS: [&str; 6] = [
        "invented",
        "today's units",
        "abbreviated",
        "full",
        "authority",
        "slip",
    ];
    let expected_code = |i: usize, kind: usize| {
        let row = &rows[(i * 7919) % rows.len()];
        if kind == 1 {
            row[6]
        } else {
            row[2]
        }
    };
    let addresses: Vec<(usize, String)> = (0..count)
        .map(|i| {
            let row = &rows[(i * 7919) % rows.len()];
            let house = format!("Số {}, Đường số {}", i % 200 + 1, i % 37 + 1);
            match i % 10 {
                0 => (0, format!("{house}, Xã Không Có Thật, {}", row[5])),
                1 | 2 => (1, format!("{house}, {}, {}", row[7], row[5])),
                3 | 4 => (2, format!("{house}, {}", abbreviate(row[3]))),
                8 => (4, format!("Ủy ban nhân dân {}", row[3])),
                9 => (5, format!("{house}, {}", slip(row[3]))),
                _ => (3, format!("{house}, {}", row[3])),
            }
        })
        .collect();
    let mut times = Vec::with_capacity(count);
    let mut identified = [0usize; 6];
    let mut printed = [0usize; 6];
    let mut wrong = [0usize; 6];
    let all = Instant::now();
    for (i, (kind, a)) in addresses.iter().enumerate() {
        let t = Instant::now();
        let units = table.place(a);
        times.push(t.elapsed());
        printed[*kind] += 1;
        if let Some(commune) = units.and_then(|u| u.printed.commune) {
            identified[*kind] += 1;
            let bad = commune.code != expected_code(i, *kind);
            if bad && std::env::var("SHOW_WRONG").is_ok() {
                eprintln!("{a:?} -> {} {}", commune.code, commune.name);
            }
            wrong[*kind] += usize::from(bad);
        }
    }
    let total = all.elapsed();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    println!(
        "{count} places: mean {:.1} µs, p99 {:.1} µs, max {:.1} µs; table loaded in {:.0} ms",
        total.as_secs_f64() * 1e6 / count as f64,
        p99.as_secs_f64() * 1e6,
        times[times.len() - 1].as_secs_f64() * 1e6,
        load.as_secs_f64() * 1e3,
    );
    for (k, name) in KINDS.iter().enumerate() {
        println!(
            "  {name}: communes identified {} of {} ({:.2}%), {} of them wrong",
            identified[k],
            printed[k],
            identified[k] as f64 * 100.0 / printed[k].max(1) as f64,
            wrong[k]
        );
    }
}
