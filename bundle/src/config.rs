//! The `[bundle]` section of `perfscope.toml`.
//!
//! ```toml
//! [bundle]
//! dist = "dist"                      # folder analysed by `perfscope check`
//! compression = ["gzip", "brotli"]   # which sizes to compute
//! default_budgets = true             # keep the defaults next to your rules
//!
//! [[bundle.budgets]]
//! name = "main page"
//! entry = "index.html"               # its initial total (JS + CSS)
//! gzip = "250 KB"
//!
//! [[bundle.budgets]]
//! path = "assets/vendor-*.js"        # glob relative to the output folder; sizes summed
//! brotli = "120 KB"
//!
//! [[bundle.budgets]]
//! route = "/dashboard/*"             # every matching route's initial JS (Next.js, React Router)
//! gzip = "200 KB"
//!
//! [[bundle.budgets]]
//! total = true                       # all JS of the output
//! gzip = "1 MB"
//! ```
//!
//! Sizes are decimal: 1 KB = 1000 bytes (see [`super::units`]).

use serde::Deserialize;

/// `[bundle]` in `perfscope.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BundleConfig {
    /// The output folder, relative to the project (used when no folder is given).
    pub dist: Option<String>,
    /// Compressions to compute (`gzip`, `brotli`); both when absent.
    pub compression: Option<Vec<String>>,
    /// Budgets to check. When empty (and no size-limit configuration exists), the
    /// default budgets apply.
    pub budgets: Vec<BudgetRule>,
    /// Whether the default budgets also apply when budgets are configured
    /// (default: only when none are).
    pub default_budgets: Option<bool>,
}

/// One budget: exactly one of `path`, `entry`, `route`, `total`, and at
/// least one of `raw`, `gzip`, `brotli`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetRule {
    /// Name shown in the table (a description of the target when absent).
    pub name: Option<String>,
    /// Glob over paths relative to the output folder (`assets/*.js`); the matched
    /// files' sizes are summed.
    pub path: Option<String>,
    /// An entry (HTML path such as `index.html`, or a bundler entry name): its
    /// initial total.
    pub entry: Option<String>,
    /// A glob over route names (`/`, `/blog/[slug]`, `/app/*`; `*` stays in
    /// one segment, `**` crosses them): each matching route's initial JS is
    /// judged on its own.
    pub route: Option<String>,
    /// `true`: all JS of the output.
    pub total: bool,
    /// Limit on raw bytes (`"500 KB"`).
    pub raw: Option<String>,
    /// Limit on gzip bytes.
    pub gzip: Option<String>,
    /// Limit on brotli bytes.
    pub brotli: Option<String>,
}
