//! `perfscope schema`: prints the JSON Schema of `report.json`.

use std::process::ExitCode;

use super::Context;

/// Arguments of `perfscope schema`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `perfscope schema`.
pub fn run(_args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    super::print_json(&reporter::schema::report_schema())?;
    Ok(ExitCode::SUCCESS)
}
