//! Errors of the reporter.

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An askama template failed to render.
    #[error("cannot render the HTML template `{template}`: {source}")]
    Template {
        /// The template file under `templates/`.
        template: &'static str,
        /// The cause.
        #[source]
        source: askama::Error,
    },
    /// Data could not be serialised to JSON.
    #[error("cannot serialise {what} to JSON: {source}")]
    Json {
        /// What was being serialised.
        what: &'static str,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON document whose `kind` is not one perfscope writes.
    #[error(
        "not a perfscope document: `kind` is `{0}` (expected report, analyze, bundle or vitals)"
    )]
    UnknownKind(String),
}
