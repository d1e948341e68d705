//! One module per subcommand. Each exposes `Args` (clap) and
//! `run(args, ctx) -> anyhow::Result<ExitCode>`.

pub mod analyze;
pub mod bundle;
pub mod check;
pub mod diff;
pub mod gather;
pub mod merge;
pub mod report;
pub mod schema;
pub mod serve;
pub mod vitals;

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// Settings shared by every subcommand.
#[derive(Debug, Clone)]
pub struct Context {
    /// `--verbose`: progress and details on stderr even when it is not a terminal.
    pub verbose: bool,
}

impl Context {
    /// Whether progress lines should be printed on stderr.
    pub fn show_progress(&self) -> bool {
        self.verbose || std::io::stderr().is_terminal()
    }

    /// A progress sink for the libraries: on a terminal a progress bar per
    /// stage (`assets measured [====>   ] 120/300`, indicatif); with
    /// `--verbose` elsewhere, a line at each quarter; nothing otherwise.
    /// Notes (a slow step ahead) always go to stderr.
    pub fn progress_sink(&self) -> model::Progress {
        let show = self.show_progress();
        let terminal = std::io::stderr().is_terminal();
        let bar: Mutex<Option<(String, indicatif::ProgressBar)>> = Mutex::new(None);
        model::Progress::new(move |event| {
            let step = match event {
                // Notes are shown even where progress is not (CI logs).
                model::progress::Event::Note(message) => {
                    let slot = bar
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match slot.as_ref() {
                        Some((_, pb)) => pb.println(format!("perfscope: {message}")),
                        None => eprintln!("perfscope: {message}"),
                    }
                    return;
                }
                model::progress::Event::Step(step) => step,
            };
            if !show {
                return;
            }
            if !terminal {
                let finished = step.total > 0 && step.done >= step.total;
                let quarter = (step.total / 4).max(1);
                if finished || step.done % quarter == 0 {
                    eprintln!("{}: {}/{}", step.stage, step.done, step.total);
                }
                return;
            }
            let mut slot = bar
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let same = slot.as_ref().is_some_and(|(stage, _)| stage == step.stage);
            if !same {
                if let Some((_, old)) = slot.take() {
                    old.finish();
                }
                let pb = indicatif::ProgressBar::new(step.total as u64);
                pb.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg} [{bar:30}] {pos}/{len} {elapsed}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                pb.set_message(step.stage.to_string());
                *slot = Some((step.stage.to_string(), pb));
            }
            if let Some((_, pb)) = slot.as_ref() {
                pb.set_length(step.total as u64);
                pb.set_position(step.done as u64);
                if step.total > 0 && step.done >= step.total {
                    pb.finish();
                }
            }
        })
    }

    /// Prints one progress line on stderr when progress is shown.
    pub fn progress(&self, message: impl AsRef<str>) {
        if self.show_progress() {
            eprintln!("{}", message.as_ref());
        }
    }
}

/// Output format of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// A short human summary.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// Markdown (for pull-request comments).
    Markdown,
    /// SARIF 2.1.0 (GitHub code scanning): findings on project files.
    Sarif,
    /// GitHub Actions annotations (`::warning file=…::`, `::error::`).
    Github,
}

/// Prints an assessed single-part report in `format`: `human` is the part's
/// own terminal view, `json` its document, `markdown` the PR comment.
pub fn print_part<T: serde::Serialize>(
    format: Format,
    document: &T,
    report: &model::report::Report,
    human: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    match format {
        Format::Json => print_json(document),
        Format::Markdown => print_text(&reporter::markdown::render(report)),
        Format::Sarif => print_text(&reporter::sarif::render(report)),
        Format::Github => print_text(&reporter::sarif::github(report)),
        Format::Human => print_styled(&human()),
    }
}

/// Exit code of an assessed report: 0 when the gate passes, 1 otherwise.
pub fn gate_exit(report: &model::report::Report) -> std::process::ExitCode {
    match &report.assessment {
        Some(a) if !a.gate.pass => std::process::ExitCode::from(1),
        _ => std::process::ExitCode::SUCCESS,
    }
}

/// The report of one part, assessed with the configuration.
pub fn single_part_report(
    analyze: model::report::Part<model::analyze::AnalyzeReport>,
    bundle: model::report::Part<model::bundle::BundleReport>,
    vitals: model::report::Part<model::vitals::VitalsReport>,
    project: Option<String>,
    options: &assess::AssessOptions,
) -> model::report::Report {
    let mut report = model::report::Report::new(generated_by(), analyze, bundle, vitals);
    report.project = project;
    assess::assess_into(&mut report, None, options);
    report
}

/// `perfscope <version>`.
pub fn generated_by() -> String {
    format!("perfscope {}", env!("CARGO_PKG_VERSION"))
}

/// Whether an error is a closed stdout (e.g. `perfscope ... | head`): exit quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes text with ANSI styles to stdout; the styles are dropped when stdout
/// is not a terminal or `NO_COLOR` is set (anstream).
pub fn print_styled(text: &str) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes plain text to stdout.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes a JSON document to stdout, followed by a newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    // Serialize first, so a closed stdout surfaces as an `io::Error` (a broken
    // pipe exits quietly) rather than inside a `serde_json::Error`.
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}
