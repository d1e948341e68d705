//! Errors of the reporter.

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An askama template failed to render.
    #[error("cannot render the HTML template `{template}`")]
    Template {
        /// The template file under `templates/`.
        template: &'static str,
        /// The cause.
        #[source]
        source: askama::Error,
    },
    /// Data could not be serialised to JSON.
    #[error("cannot serialise {what} to JSON")]
    Serialize {
        /// What was being serialised.
        what: &'static str,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A document is not valid JSON, or not of the expected shape.
    #[error("{what} is not a valid perfscope document")]
    Json {
        /// What was being read.
        what: &'static str,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A document written by a newer perfscope.
    #[error(
        "written with schema version {found}, newer than this perfscope reads (schema version {supported} and older); upgrade perfscope"
    )]
    NewerSchema {
        /// The document's `schema_version`.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A document without `schema_version`.
    #[error("not a perfscope document: it has no `schema_version`")]
    NoSchemaVersion,
    /// A JSON document whose `kind` is not one perfscope writes.
    #[error(
        "not a perfscope document: `kind` is `{0}` (expected report, analyze, bundle or vitals)"
    )]
    UnknownKind(String),
}
