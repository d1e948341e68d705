//! `perfscope analyze [DIR]`: the source module graph and its findings.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use model::analyze::AnalyzeReport;

use super::{Context, Format};

/// Arguments of `perfscope analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (with `package.json`, `tsconfig.json`, `perfscope.toml`).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Entry module, relative to DIR (repeatable). Default: `entries` from
    /// perfscope.toml, else discovered (index.html, package.json, src/main.*, src/index.*).
    #[arg(long = "entry", value_name = "PATH")]
    pub entries: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `perfscope analyze`: exit 1 when findings marked as errors exist.
pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let config = crate::config::Config::load(&args.dir)?;
    let options = analyzer::source::AnalyzeOptions {
        entries: args.entries,
        config: config.analyze,
    };
    ctx.progress(format!("analysing {}", args.dir.display()));
    let report = analyzer::source::analyze(&args.dir, &options)
        .with_context(|| format!("cannot analyse {}", args.dir.display()))?;
    ctx.progress(format!(
        "{} modules in {:.0} ms",
        report.modules.len(),
        report.timings.total_ms
    ));
    match args.format {
        Format::Json => super::print_json(&report)?,
        Format::Human | Format::Markdown => print_human(&report)?,
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn print_human(r: &AnalyzeReport) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let entries: Vec<String> = r
        .entries
        .iter()
        .map(|e| format!("{} ({})", e.path, e.source))
        .collect();
    writeln!(out, "Entries: {}", entries.join(", "))?;
    let bytes: u64 = r.modules.iter().map(|m| m.bytes).sum();
    writeln!(out, "Modules: {} ({})", r.modules.len(), kib(bytes))?;
    writeln!(out)?;
    writeln!(out, "Unused files ({})", r.unused_files.len())?;
    for f in &r.unused_files {
        writeln!(out, "  {f}")?;
    }
    writeln!(out, "Unused exports ({})", r.unused_exports.len())?;
    for e in &r.unused_exports {
        let ty = if e.type_only { " (type)" } else { "" };
        writeln!(out, "  {}:{}  {}{ty}", e.path, e.line, e.name)?;
    }
    writeln!(out, "Unused dependencies ({})", r.unused_dependencies.len())?;
    for d in &r.unused_dependencies {
        writeln!(out, "  {d}")?;
    }
    writeln!(
        out,
        "Unlisted dependencies ({})",
        r.unlisted_dependencies.len()
    )?;
    for d in &r.unlisted_dependencies {
        writeln!(
            out,
            "  {}  (imported by {})",
            d.name,
            d.importers.join(", ")
        )?;
    }
    writeln!(out, "Duplicate packages ({})", r.duplicate_packages.len())?;
    for d in &r.duplicate_packages {
        writeln!(out, "  {}", d.name)?;
        for i in &d.instances {
            writeln!(
                out,
                "    {} {}  {}  (imported by {})",
                i.version.as_deref().unwrap_or("?"),
                i.path,
                kib(i.bytes),
                i.importers.join(", ")
            )?;
        }
    }
    writeln!(out, "Import cycles ({})", r.cycles.len())?;
    for c in &r.cycles {
        writeln!(out, "  {}", c.join(" <-> "))?;
    }
    writeln!(out, "Lazy-loading candidates ({})", r.lazy_candidates.len())?;
    for c in &r.lazy_candidates {
        let gz = c
            .gzip_saved_estimate
            .map(|g| format!(", ~{} min+gzip", kib(g)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}:{} import \"{}\" -> {}  saves {} in {} modules{gz}  [{}]",
            c.importer,
            c.line,
            c.specifier,
            c.module,
            kib(c.bytes_saved),
            c.modules_saved,
            c.reason
        )?;
        if !c.static_path.is_empty() {
            writeln!(out, "      static path: {}", c.static_path.join(" -> "))?;
        }
    }
    if !r.diagnostics.is_empty() {
        writeln!(out, "Diagnostics ({})", r.diagnostics.len())?;
        for d in &r.diagnostics {
            match d.line {
                Some(line) => writeln!(out, "  {}:{line}: {}", d.path, d.message)?,
                None => writeln!(out, "  {}: {}", d.path, d.message)?,
            }
        }
    }
    if !r.errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Failed: findings configured as errors: {}",
            r.errors.join(", ")
        )?;
    }
    out.flush()?;
    Ok(())
}
