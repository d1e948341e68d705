//! Fatal errors of the source analysis. Everything else is a diagnostic.

use std::path::PathBuf;

/// Why `analyze` could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The root folder is missing or not a folder.
    #[error("{path}: cannot analyse: {cause}")]
    Root {
        /// The root as given.
        path: PathBuf,
        /// What is wrong with it.
        cause: String,
    },
    /// No entry module could be found or used.
    #[error(
        "{path}: no entry module found ({tried}); pass one with --entry or set `entries` in perfscope.toml"
    )]
    NoEntries {
        /// The root.
        path: PathBuf,
        /// What was tried.
        tried: String,
    },
    /// A configuration value is wrong.
    #[error("perfscope.toml [analyze]: {0}")]
    Config(String),
}
