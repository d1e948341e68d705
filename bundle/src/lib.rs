//! Build-output analysis: what a bundler's output folder ships, what each page
//! loads first, where the bytes come from, duplicates, and budgets.
//!
//! Gather, then compute: [`gather`] does the file-system work ([`walk`],
//! compression, [`chunk_graph`] metadata, [`sourcemap`], [`size_limit`], the
//! layout from [`frameworks::detect`]) and returns [`gather::BundleFacts`];
//! [`compute`] turns those facts into the report ([`initial`],
//! [`duplicates`], [`budgets`], the [`findings`] registry, all pure). One
//! exception: for a Next.js or React Router output, [`compute`] reads the
//! framework's route manifests itself to find the entries
//! ([`frameworks::next::routes`]: `build-manifest.json` and
//! `app-build-manifest.json` of `.next/`; [`frameworks::react_router::routes`]:
//! the `assets/` listing of the client folder and its `manifest-*.js`).
//!
//! Sizes: 1 KB = 1000 bytes everywhere. Per-source gzip sizes are estimates
//! (the asset's gzip size times the source's share of its raw bytes).

pub mod budgets;
pub mod chunk_graph;
pub mod compute;
pub mod config;
pub mod duplicates;
pub mod findings;
pub mod frameworks;
pub mod gather;
pub mod initial;
pub mod size_cache;
pub mod size_limit;
pub mod sourcemap;
pub mod walk;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use model::bundle::BundleReport;
use model::finding::Severities;

pub use config::{BudgetRule, BundleConfig};
pub use gather::asset_type;
pub use project::compress::Compression;

use project::ProjectFacts;

/// What to analyse and how.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// The `[bundle]` section of `perfscope.toml`.
    pub config: BundleConfig,
    /// Which compressions to compute (use [`BundleOptions::new`] to take them
    /// from the configuration).
    pub compression: Compression,
    /// The project the output belongs to: where `.size-limit.json` and
    /// `package.json` come from, and the only place package versions are
    /// read. `None`: neither is read.
    pub project: Option<Arc<ProjectFacts>>,
    /// Severity of each kind of finding (`off` kinds are not computed).
    pub severities: Severities,
    /// Where "assets compressed k of N" goes.
    pub progress: model::Progress,
    /// Reuse compressed sizes from `node_modules/.cache/perfscope` of the
    /// project (and record new ones). Off by default; the CLI turns it on
    /// unless `--no-cache`.
    pub cache: bool,
}

impl BundleOptions {
    /// Options from a configuration (its `compression`, both when absent).
    pub fn new(
        config: BundleConfig,
        project: Option<Arc<ProjectFacts>>,
    ) -> Result<Self, BundleError> {
        let compression = match &config.compression {
            Some(list) => Compression::parse_list(&list.join(",")).map_err(BundleError::Config)?,
            None => Compression::default(),
        };
        Ok(Self {
            config,
            compression,
            project,
            severities: Severities::default(),
            progress: model::Progress::default(),
            cache: false,
        })
    }
}

/// Why the analysis could not run at all (problems with single files are
/// diagnostics in the report instead).
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The output folder does not exist or is not a folder.
    #[error("{path}: not a folder")]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The output folder cannot be resolved.
    #[error("cannot open {path}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The `[bundle]` configuration is invalid.
    #[error("invalid [bundle] configuration: {0}")]
    Config(String),
}

/// Analyses the output folder `dist`: [`gather::gather`], then [`compute::compute`].
pub fn analyze(dist: &Path, options: &BundleOptions) -> Result<BundleReport, BundleError> {
    // Chunks are parsed on threads with large stacks (see `project::depth`).
    project::depth::run(|| {
        let facts = gather::gather(dist, options)?;
        Ok(compute::compute(facts, options))
    })
}
