//! `perfscope report` (being built).

use std::process::ExitCode;

use super::Context;

/// Arguments of `perfscope report`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `perfscope report`.
pub fn run(_args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`perfscope report` is not built yet")
}
