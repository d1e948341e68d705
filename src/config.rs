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
    pub analyze: analyzer::source::AnalyzeConfig,
    pub bundle: analyzer::bundle::BundleConfig,
    pub vitals: vitals::VitalsConfig,
}

impl Config {
    /// Reads `<dir>/perfscope.toml` if present; defaults otherwise.
    #[allow(dead_code)]
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
