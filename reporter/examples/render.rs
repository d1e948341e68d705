//! Renders `report.html`, `report.md` and `report.json` from saved documents,
//! without running any analysis:
//!
//! ```text
//! cargo run -p perfscope-reporter --example render -- OUT_DIR DOC.json... [--baseline BASE.json]
//! ```
//!
//! Each `DOC.json` is an `analyze`, `bundle` or `vitals` document (or a whole
//! report); they are joined into one report.

extern crate perfscope_reporter as reporter;

use std::path::PathBuf;

use model::report::Report;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: render OUT_DIR DOC.json... [--baseline BASE.json]")?,
    );
    let mut report = Report::new(
        format!("perfscope {}", env!("CARGO_PKG_VERSION")),
        Default::default(),
        Default::default(),
        Default::default(),
    );
    let mut baseline = None;
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            let path = args.next().ok_or("--baseline needs a file")?;
            baseline = Some(reporter::json::parse_document(&std::fs::read_to_string(
                path,
            )?)?);
            continue;
        }
        let doc = reporter::json::parse_document(&std::fs::read_to_string(&arg)?)?;
        if doc.analyze.document().is_some() || doc.analyze.error().is_some() {
            report.analyze = doc.analyze;
        }
        if doc.bundle.document().is_some() || doc.bundle.error().is_some() {
            report.bundle = doc.bundle;
        }
        if doc.vitals.document().is_some() || doc.vitals.error().is_some() {
            report.vitals = doc.vitals;
        }
    }
    assess::assess_into(
        &mut report,
        baseline.as_ref(),
        &assess::AssessOptions::default(),
    );
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("report.html"), reporter::html::render(&report)?)?;
    std::fs::write(out.join("report.md"), reporter::markdown::render(&report))?;
    std::fs::write(out.join("report.json"), reporter::json::render(&report)?)?;
    Ok(())
}
