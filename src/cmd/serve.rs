//! `perfscope serve DIR`: serves a build folder on 127.0.0.1 with the same
//! static server `vitals` uses (never outside the folder), until interrupted.
//! Useful as a `[vitals] start` command for a static build, and to look at
//! what perfscope measures.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;

/// Arguments of `perfscope serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The build folder.
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (default: a free one, printed).
    #[arg(long)]
    pub port: Option<u16>,
    /// Serve `index.html` for unknown extension-less paths (single-page apps).
    #[arg(long)]
    pub spa: bool,
}

/// Runs `perfscope serve` until the process is stopped.
pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = vitals::server::StaticServer::start(
            &args.dir,
            vitals::server::ServerOptions {
                spa: args.spa,
                test_api: false,
                port: args.port,
            },
        )
        .await?;
        println!("serving {} on {}", args.dir.display(), server.url("/"));
        tokio::signal::ctrl_c().await?;
        drop(server);
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
