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
    pub analyze: analyzer::source::AnalyzeConfig,
    /// `[bundle]`: output folder, compressions, budgets.
    pub bundle: analyzer::bundle::BundleConfig,
    /// `[vitals]`: URL, runs, profile, budgets.
    pub vitals: vitals::VitalsConfig,
    /// `[baseline]`: how a comparison with a baseline report is judged.
    pub baseline: BaselineConfig,
}

/// `[baseline]` of `perfscope.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineConfig {
    /// Relative worsening above which a metric is a regression (0.2 = 20%).
    pub threshold: f64,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self {
            threshold: reporter::DEFAULT_THRESHOLD,
        }
    }
}

impl Config {
    /// Reads `<dir>/perfscope.toml` if present; defaults otherwise.
    pub fn load(dir: &Path) -> anyhow::Result<Config> {
        let path = dir.join("perfscope.toml");
        if !path.is_file() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut config: Config = toml::from_str(&text).with_context(|| {
            format!("{} is not a valid perfscope configuration", path.display())
        })?;
        config.path = Some(path);
        Ok(config)
    }
}
