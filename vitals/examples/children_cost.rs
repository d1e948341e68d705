//! What recording the workers and out-of-process iframes costs a load:
//! wall time of `runs: 1` measurements with and without the second
//! DevTools connection (coverage and CPU profile on in both), interleaved
//! (odd pairs with it first), browser start included, with the median FCP
//! and LCP so a change in the load shows too:
//! `cargo run -p perfscope-vitals --example children_cost -- <folder> <path> [pairs]`.
//! Prints a Markdown table (docs/benchmarks.md, "Workers and
//! out-of-process iframes").

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

/// One measurement: wall seconds, FCP and LCP (ms).
fn measure(dir: &str, path: &str, children: bool) -> [f64; 3] {
    let options = VitalsOptions {
        runs: 1,
        path: path.to_string(),
        timeout: Duration::from_secs(60),
        children,
        ..VitalsOptions::default()
    };
    let started = Instant::now();
    let report = perfscope_vitals::run(&Target::Dir(PathBuf::from(dir)), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = started.elapsed().as_secs_f64();
    let run = report.runs.first();
    let recorded = run.map_or(0, |r| r.children.len());
    eprintln!("  {recorded} children recorded");
    if !children {
        assert_eq!(recorded, 0);
    }
    [
        wall,
        run.and_then(|r| r.fcp_ms).unwrap_or(f64::NAN),
        run.and_then(|r| r.lcp_ms).unwrap_or(f64::NAN),
    ]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: children_cost <folder> <path> [pairs]");
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
        for children in order {
            let m = measure(&dir, &path, children);
            eprintln!(
                "pair {} children {children}: {:.2} s, FCP {:.0} ms, LCP {:.0} ms",
                pair + 1,
                m[0],
                m[1],
                m[2]
            );
            if children {
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
    println!("| `{path}` of `{dir}` | median wall (min–max) | median FCP | median LCP |");
    println!("| --- | ---: | ---: | ---: |");
    for (label, list) in [
        ("children not recorded", &without),
        ("children recorded", &with),
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
