//! Measures a fixture page with the test API on and saves its artifacts:
//! `cargo run -p perfscope-vitals --example measure -- <folder> <path> <artifacts-dir> [runs]`.
//! Used to record `fixtures/vitals/artifacts/**`.

use std::path::PathBuf;
use std::time::Duration;

use perfscope_vitals::{Target, VitalsOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(path), Some(out)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: measure <folder> <path> <artifacts-dir> [runs]");
        std::process::exit(2);
    };
    let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let options = VitalsOptions {
        runs,
        path,
        timeout: Duration::from_secs(20),
        test_api: true,
        save_artifacts: Some(PathBuf::from(out)),
        ..VitalsOptions::default()
    };
    match perfscope_vitals::run(&Target::Dir(PathBuf::from(dir)), &options) {
        Ok(report) => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    }
}
