//! The `perfscope` command line: parses arguments, loads `perfscope.toml`, runs
//! the libraries and picks the exit code (0 clean, 1 failed budgets or findings
//! marked as errors, 2 usage or fatal error).

mod cmd;
mod config;
mod lighthouserc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// What makes a web app heavy and slow, and whether a change made it worse.
#[derive(Debug, Parser)]
#[command(name = "perfscope", version, about, propagate_version = true)]
struct Cli {
    /// Print progress and details on stderr, also when it is not a terminal.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse the source module graph: unused files and exports, dependencies,
    /// duplicate packages, import cycles, lazy-loading candidates.
    Analyze(cmd::analyze::Args),
    /// Analyse a build output folder: sizes, initial vs lazy, source-map attribution, budgets.
    Bundle(cmd::bundle::Args),
    /// Measure Web Vitals and React renders in headless Chromium.
    Vitals(cmd::vitals::Args),
    /// Run what the configuration asks and fail (exit 1) on broken budgets or regressions.
    Check(cmd::check::Args),
    /// Write the HTML, Markdown and JSON reports.
    Report(cmd::report::Args),
    /// Join the JSON reports of `--shard K/N` runs into one report and write
    /// the same files as `report`.
    Merge(cmd::merge::Args),
    /// Compare two JSON reports (baseline and head).
    Diff(cmd::diff::Args),
    /// Print the JSON Schema of `report.json`.
    Schema(cmd::schema::Args),
    /// Serve a build folder on 127.0.0.1 (the server `vitals` uses), until stopped.
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = cmd::Context {
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Analyze(args) => cmd::analyze::run(args, &ctx),
        Command::Bundle(args) => cmd::bundle::run(args, &ctx),
        Command::Vitals(args) => cmd::vitals::run(args, &ctx),
        Command::Check(args) => cmd::check::run(args, &ctx),
        Command::Report(args) => cmd::report::run(args, &ctx),
        Command::Merge(args) => cmd::merge::run(args, &ctx),
        Command::Diff(args) => cmd::diff::run(args, &ctx),
        Command::Schema(args) => cmd::schema::run(args, &ctx),
        Command::Serve(args) => cmd::serve::run(args, &ctx),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("perfscope: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
