//! Rendering of perfscope's documents: one self-contained HTML page
//! ([`html::render`]), a Markdown pull-request comment ([`markdown::render`]),
//! the terminal output of every command ([`terminal`]), the joined JSON
//! ([`json::render`]) and its schema ([`schema::report_schema`]), SARIF 2.1.0
//! and GitHub workflow annotations ([`sarif`]).
//!
//! The reporter reads only [`model::report::Report`] and its
//! [`model::assessment::Assessment`] (computed once by `perfscope-assess`):
//! it formats, it never decides. Every function here is pure: no file system,
//! no network.

pub mod error;
mod findings;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod schema;
pub mod terminal;

pub use error::ReportError;
