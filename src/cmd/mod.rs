//! One module per subcommand. Each exposes `Args` (clap) and
//! `run(args, ctx) -> anyhow::Result<ExitCode>`.

pub mod analyze;
pub mod bundle;
pub mod check;
pub mod diff;
pub mod gather;
pub mod report;
pub mod schema;
pub mod vitals;

use std::io::IsTerminal;

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

    /// A progress sink for the libraries: on a terminal one line updated in
    /// place (`assets measured 120/300`); with `--verbose` elsewhere, a line at
    /// each quarter; nothing otherwise.
    pub fn progress_sink(&self) -> model::Progress {
        if !self.show_progress() {
            return model::Progress::default();
        }
        let terminal = std::io::stderr().is_terminal();
        model::Progress::new(move |step| {
            let finished = step.total > 0 && step.done >= step.total;
            if terminal {
                let end = if finished { "\n" } else { "" };
                eprint!("\r\x1b[2K{}: {}/{}{end}", step.stage, step.done, step.total);
            } else {
                let quarter = (step.total / 4).max(1);
                if finished || step.done % quarter == 0 {
                    eprintln!("{}: {}/{}", step.stage, step.done, step.total);
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
}

/// Whether an error is a closed stdout (e.g. `perfscope ... | head`): exit quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes a JSON document to stdout, followed by a newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    // Serialize first, so a closed stdout surfaces as an `io::Error` (a broken
    // pipe exits quietly) rather than inside a `serde_json::Error`.
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}
