//! Fatal errors of the source analysis. Everything else is a diagnostic.

use std::path::PathBuf;

/// Why `analyze` could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The root folder cannot be read.
    #[error("cannot analyse {path}")]
    Root {
        /// The root as given.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The root is not a folder.
    #[error("cannot analyse {path}: not a folder")]
    NotAFolder {
        /// The root as given.
        path: PathBuf,
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
