//! Rendering of perfscope's documents: one self-contained HTML page
//! ([`html::render`]), a Markdown pull-request comment ([`markdown::render`]),
//! the joined JSON ([`json::render`]) and its schema ([`schema::report_schema`]),
//! and the comparison of two reports ([`diff::compare`]).
//!
//! The reporter reads only [`model::report::Report`]; it knows nothing of parsers
//! or browsers. Every function here is pure: no file system, no network.

pub mod actions;
pub mod budgets;
pub mod diff;
pub mod error;
pub mod findings;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod metrics;
pub mod schema;
pub mod terminal;

pub use error::ReportError;

/// Default relative worsening above which a metric is a regression (20%).
pub const DEFAULT_THRESHOLD: f64 = 0.2;
