//! How long parsing and converting one place field takes: 100,000 addresses made from
//! the table's own communes, printed as cards print them (a house and street first; full
//! unit words, abbreviations, or today's units; one in ten with a unit that does not
//! exist), each parsed and converted once. Prints the mean and the 99th percentile.
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
    let addresses: Vec<String> = (0..count)
        .map(|i| {
            let row = &rows[(i * 7919) % rows.len()];
            let house = format!("Số {}, Đường số {}", i % 200 + 1, i % 37 + 1);
            match i % 10 {
                0 => format!("{house}, Xã Không Có Thật, {}", row[5]),
                1 | 2 => format!("{house}, {}, {}", row[7], row[5]),
                3 | 4 => format!("{house}, {}", abbreviate(row[3])),
                _ => format!("{house}, {}", row[3]),
            }
        })
        .collect();
    let mut times = Vec::with_capacity(count);
    let mut identified = 0usize;
    let all = Instant::now();
    for a in &addresses {
        let t = Instant::now();
        let units = table.place(a);
        times.push(t.elapsed());
        if units.is_some_and(|u| u.printed.commune.is_some()) {
            identified += 1;
        }
    }
    let total = all.elapsed();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    println!(
        "{count} places: mean {:.1} µs, p99 {:.1} µs, max {:.1} µs; communes identified {identified} ({:.1}%); table loaded in {:.0} ms",
        total.as_secs_f64() * 1e6 / count as f64,
        p99.as_secs_f64() * 1e6,
        times[times.len() - 1].as_secs_f64() * 1e6,
        identified as f64 * 100.0 / count as f64,
        load.as_secs_f64() * 1e3,
    );
}
