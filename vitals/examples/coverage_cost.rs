//! What gathering the JavaScript and CSS coverage costs a load: wall time of
//! `runs: 1` measurements with and without it, interleaved (odd pairs with
//! coverage first), browser start included, plus the metrics of each run so
//! a change in what the page measures shows too:
//! `cargo run -p perfscope-vitals --example coverage_cost -- <folder> <path> [pairs]`.
//! Prints a Markdown table (docs/benchmarks.md, "Unused JavaScript at load").

use std::path::PathBuf;
use std::time::{Duration, Instant};

use perfscope_vitals::{Target, VitalsOptions};

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// One measurement: wall seconds, FCP and TBT of the run (ms), and how
/// many scripts had coverage.
fn measure(dir: &str, path: &str, coverage: bool) -> (f64, Option<f64>, Option<f64>, usize) {
    let options = VitalsOptions {
        runs: 1,
        path: path.to_string(),
        timeout: Duration::from_secs(60),
        coverage,
        ..VitalsOptions::default()
    };
    let started = Instant::now();
    let report = perfscope_vitals::run(&Target::Dir(PathBuf::from(dir)), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = started.elapsed().as_secs_f64();
    let run = report.runs.first();
    (
        wall,
        run.and_then(|r| r.fcp_ms),
        run.and_then(|r| r.tbt_ms),
        report.coverage.map_or(0, |c| c.scripts.len()),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: coverage_cost <folder> <path> [pairs]");
        std::process::exit(2);
    };
    let pairs: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(5);
    let mut with = Vec::new();
    let mut without = Vec::new();
    for pair in 0..pairs {
        let order = if pair % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for coverage in order {
            let m = measure(&dir, &path, coverage);
            eprintln!(
                "pair {} coverage {coverage}: {:.2} s, FCP {:?} ms, TBT {:?} ms, {} script(s) covered",
                pair + 1,
                m.0,
                m.1,
                m.2,
                m.3
            );
            if coverage {
                with.push(m);
            } else {
                without.push(m);
            }
        }
    }
    let walls = |list: &[(f64, Option<f64>, Option<f64>, usize)]| {
        let mut w: Vec<f64> = list.iter().map(|m| m.0).collect();
        let (min, max) = (
            w.iter().copied().fold(f64::INFINITY, f64::min),
            w.iter().copied().fold(0.0, f64::max),
        );
        (median(&mut w), min, max)
    };
    let fcps = |list: &[(f64, Option<f64>, Option<f64>, usize)]| {
        let mut f: Vec<f64> = list.iter().filter_map(|m| m.1).collect();
        if f.is_empty() {
            f64::NAN
        } else {
            median(&mut f)
        }
    };
    let (w_med, w_min, w_max) = walls(&with);
    let (o_med, o_min, o_max) = walls(&without);
    println!("| `{path}` of `{dir}` | median wall (min–max) | median FCP |");
    println!("| --- | ---: | ---: |");
    println!(
        "| without coverage | {o_med:.2} s ({o_min:.2}–{o_max:.2}) | {:.0} ms |",
        fcps(&without)
    );
    println!(
        "| with coverage | {w_med:.2} s ({w_min:.2}–{w_max:.2}) | {:.0} ms |",
        fcps(&with)
    );
    println!(
        "| difference | {:+.2} s ({:+.1}% of a run) | |",
        w_med - o_med,
        (w_med / o_med - 1.0) * 100.0
    );
}
