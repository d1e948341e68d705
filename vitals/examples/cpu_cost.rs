//! What the sampling CPU profile costs a load: wall time of `runs: 1`
//! measurements with and without it (coverage on in both), interleaved
//! (odd pairs with the profile first), browser start included, with the
//! median FCP and main-thread work so a change in the load shows too:
//! `cargo run -p perfscope-vitals --example cpu_cost -- <folder> <path> [pairs]`.
//! Prints a Markdown table (docs/benchmarks.md, "CPU time at load").

use std::path::PathBuf;
use std::time::{Duration, Instant};

use perfscope_vitals::{Target, VitalsOptions};

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// One measurement: wall seconds, FCP and main-thread work (ms).
fn measure(dir: &str, path: &str, profile: bool) -> [f64; 3] {
    let options = VitalsOptions {
        runs: 1,
        path: path.to_string(),
        timeout: Duration::from_secs(60),
        cpu_profile: profile,
        ..VitalsOptions::default()
    };
    let started = Instant::now();
    let report = perfscope_vitals::run(&Target::Dir(PathBuf::from(dir)), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = started.elapsed().as_secs_f64();
    let run = report.runs.first();
    let sampled = report
        .cpu
        .as_ref()
        .and_then(|c| c.profile.as_ref())
        .is_some();
    assert_eq!(sampled, profile, "{:?}", report.diagnostics);
    [
        wall,
        run.and_then(|r| r.fcp_ms).unwrap_or(f64::NAN),
        run.and_then(|r| r.main_thread_ms).unwrap_or(f64::NAN),
    ]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: cpu_cost <folder> <path> [pairs]");
        std::process::exit(2);
    };
    let pairs: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(5);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for pair in 0..pairs {
        let order = if pair % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for profile in order {
            let m = measure(&dir, &path, profile);
            eprintln!(
                "pair {} profile {profile}: {:.2} s, FCP {:.0} ms, main thread {:.0} ms",
                pair + 1,
                m[0],
                m[1],
                m[2]
            );
            if profile {
                with.push(m)
            } else {
                without.push(m)
            }
        }
    }
    let column = |list: &[[f64; 3]], i: usize| {
        let mut v: Vec<f64> = list
            .iter()
            .map(|m| m[i])
            .filter(|x| x.is_finite())
            .collect();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        (median(&mut v), min, max)
    };
    println!(
        "| `{path}` of `{dir}` | median wall (min–max) | median FCP | median main-thread work |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (label, list) in [
        ("without the profile", &without),
        ("with the profile", &with),
    ] {
        let (w, lo, hi) = column(list, 0);
        println!(
            "| {label} | {w:.2} s ({lo:.2}–{hi:.2}) | {:.0} ms | {:.0} ms |",
            column(list, 1).0,
            column(list, 2).0
        );
    }
    let (w, o) = (column(&with, 0).0, column(&without, 0).0);
    println!(
        "| difference | {:+.2} s ({:+.1}% of a run) | | |",
        w - o,
        (w / o - 1.0) * 100.0
    );
}
