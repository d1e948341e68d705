//! The `[analyze]` section of `perfscope.toml`.

use model::FindingKind;
use serde::Deserialize;

/// Globs ignored for unused-file detection unless `ignore_defaults = false`:
/// tests, specs, stories, tool configuration and declaration files.
pub const DEFAULT_IGNORES: &[&str] = &[
    "**/*.test.*",
    "**/*.spec.*",
    "**/*.stories.*",
    "**/__tests__/**",
    "**/__mocks__/**",
    "**/*.config.*",
    "**/*.d.ts",
    "**/*.d.mts",
    "**/*.d.cts",
];

/// Settings of `perfscope analyze` (`[analyze]` in `perfscope.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzeConfig {
    /// Entry modules (paths or globs relative to the root). Overridden by `--entry`.
    pub entries: Vec<String>,
    /// Extra globs (relative to the root) never reported as unused files.
    pub ignore: Vec<String>,
    /// Whether the default ignores ([`DEFAULT_IGNORES`]) apply.
    pub ignore_defaults: bool,
    /// Whether type-only imports count as edges of import cycles.
    pub include_type_cycles: bool,
    /// Kinds of findings that make the run fail (exit code 1): any kind of
    /// any part (`model::FindingKind`); the same as `"error"` in `[findings]`.
    pub errors: Vec<FindingKind>,
    /// Files larger than this are not parsed (their imports are not followed);
    /// they still count with their size.
    pub max_file_bytes: u64,
    /// Lazy-loading candidates that would save fewer raw bytes are not reported.
    pub lazy_min_bytes: u64,
    /// How many lazy-loading candidates get a minified + gzip estimate.
    pub lazy_estimate_top: usize,
    /// Whether exclusive-subgraph candidates also include the project's own
    /// modules (every page and component import qualifies, so it is noisy);
    /// by default only imports of packages (`node_modules`) are candidates.
    pub lazy_first_party: bool,
    /// Whether every reached file inside installed packages is parsed. By
    /// default the analysis stops at package boundaries and parses inside a
    /// package only when a finding needs it (see the `boundary` module).
    pub parse_packages: bool,
}

impl Default for AnalyzeConfig {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            ignore: Vec::new(),
            ignore_defaults: true,
            include_type_cycles: false,
            errors: Vec::new(),
            max_file_bytes: 10 * 1024 * 1024,
            lazy_min_bytes: 1024,
            lazy_estimate_top: 20,
            lazy_first_party: false,
            parse_packages: false,
        }
    }
}
