//! `perfscope.toml`: the project's configuration (see README, "Configuration").
//! Each section belongs to the library that uses it; this file only reads the
//! file and reports where it is wrong.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

/// The whole `perfscope.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the file was read from, when one was found.
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// `[analyze]`: entries, ignore globs, which findings are errors.
    pub analyze: source::AnalyzeConfig,
    /// `[bundle]`: output folder, compressions, budgets.
    pub bundle: bundle::BundleConfig,
    /// `[vitals]`: URL, runs, profile, budgets.
    pub vitals: vitals::VitalsConfig,
    /// `[baseline]`: how a comparison with a baseline report is judged.
    pub baseline: BaselineConfig,
    /// `[findings]`: the severity of each kind of finding, by id
    /// (`unused-exports = "error"`, `cycles = "off"`); any kind of any part.
    pub findings: model::Severities,
}

/// `[baseline]` of `perfscope.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineConfig {
    /// Relative worsening above which a metric is a regression (0.2 = 20%).
    pub threshold: f64,
    /// A regular expression matching the hash in asset paths, when the
    /// built-in rules (Vite, webpack, Rspack, esbuild, Next.js) do not fit.
    pub hash_pattern: Option<String>,
    /// Asset changes smaller than this (gzip bytes) fold into one line (default 100).
    pub fold_bytes: Option<u64>,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self {
            threshold: assess::DEFAULT_THRESHOLD,
            hash_pattern: None,
            fold_bytes: None,
        }
    }
}

impl Config {
    /// Reads `<dir>/perfscope.toml` if present (defaults otherwise), then a
    /// Lighthouse CI configuration (`lighthouserc.json`…) beside it, which
    /// fills the `[vitals]` keys `perfscope.toml` does not set and adds its
    /// assertions (see [`crate::lighthouserc`]).
    pub fn load(dir: &Path) -> anyhow::Result<Config> {
        let (mut config, explicit) = Self::load_toml(dir)?;
        crate::lighthouserc::apply(dir, &mut config.vitals, &explicit);
        Ok(config)
    }

    /// `<dir>/perfscope.toml`, and the `[vitals]` keys it sets.
    fn load_toml(dir: &Path) -> anyhow::Result<(Config, crate::lighthouserc::Explicit)> {
        let path = dir.join("perfscope.toml");
        if !path.is_file() {
            return Ok((Config::default(), Default::default()));
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut config: Config = toml::from_str(&text).with_context(|| {
            format!("{} is not a valid perfscope configuration", path.display())
        })?;
        config.path = Some(path.clone());
        config.validate().with_context(|| {
            format!("{} is not a valid perfscope configuration", path.display())
        })?;
        Ok((config, crate::lighthouserc::Explicit::of_toml(&text)))
    }

    /// Checks values the types allow but perfscope does not: limits and
    /// thresholds must be finite and not negative, kinds must not be both
    /// `errors` and `off`.
    fn validate(&self) -> anyhow::Result<()> {
        if !(self.baseline.threshold.is_finite() && self.baseline.threshold >= 0.0) {
            anyhow::bail!(
                "[baseline] threshold must be a finite number of 0 or more (got {})",
                self.baseline.threshold
            );
        }
        if let Some(pattern) = &self.baseline.hash_pattern {
            regex::Regex::new(pattern).map_err(|e| {
                anyhow::anyhow!("[baseline] hash_pattern is not a valid regular expression: {e}")
            })?;
        }
        self.vitals.validate().map_err(anyhow::Error::msg)?;
        self.validate_bundle_sizes()?;
        for kind in &self.analyze.errors {
            if self.findings.of(*kind) == model::Severity::Off {
                anyhow::bail!(
                    "`{kind}` is both in [analyze] errors and \"off\" in [findings]; keep one"
                );
            }
        }
        Ok(())
    }

    /// Every size limit of `[[bundle.budgets]]` is a size perfscope can hold:
    /// the error names the rule, the key and the value, and for a size out
    /// of range the largest accepted ([`model::units::MAX_SIZE`]).
    fn validate_bundle_sizes(&self) -> anyhow::Result<()> {
        for (i, rule) in self.bundle.budgets.iter().enumerate() {
            for (key, limit) in [
                ("raw", &rule.raw),
                ("gzip", &rule.gzip),
                ("brotli", &rule.brotli),
            ] {
                let Some(limit) = limit else { continue };
                if let Err(e) = model::units::parse_size(limit) {
                    let name = rule
                        .name
                        .as_deref()
                        .map(|n| format!(" (\"{}\")", model::diagnostic::quote(n)))
                        .unwrap_or_default();
                    anyhow::bail!("[[bundle.budgets]] #{}{name} {key}: {e}", i + 1);
                }
            }
        }
        Ok(())
    }

    /// The severity of every kind: `[findings]`, with the kinds of
    /// `[analyze] errors` as errors.
    pub fn severities(&self) -> model::Severities {
        let mut severities = self.findings.clone();
        for kind in &self.analyze.errors {
            severities.set(*kind, model::Severity::Error);
        }
        severities
    }

    /// What the assess step needs: the threshold (a flag overrides the
    /// configuration) and the severities.
    pub fn assess_options(&self, threshold: Option<f64>) -> assess::AssessOptions {
        assess::AssessOptions {
            threshold: threshold.unwrap_or(self.baseline.threshold),
            severities: self.severities(),
            diff: assess::bundle_diff::DiffOptions {
                // Checked when the file was read.
                hash_pattern: self
                    .baseline
                    .hash_pattern
                    .as_deref()
                    .and_then(|p| regex::Regex::new(p).ok()),
                fold_bytes: self.baseline.fold_bytes,
            },
        }
    }
}
