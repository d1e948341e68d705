//! `perfscope check` (being built).

use std::process::ExitCode;

use super::Context;

/// Arguments of `perfscope check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `perfscope check`.
pub fn run(_args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfscope check` is not built yet")
}
