//! The `[vitals]` section of `perfscope.toml`.

use serde::Deserialize;

use crate::profile::{ProfileName, Throttling};

/// One frame at 60 Hz, in ms: the default slow-render threshold and render
/// budget (a render slower than a frame drops frames).
pub const FRAME_MS: f64 = 16.0;

/// `[vitals]` in `perfscope.toml`. Every key is optional.
///
/// ```toml
/// [vitals]
/// url = "dist"          # a URL or a build folder
/// runs = 3
/// profile = "mobile"
/// slow_render_ms = 16
/// start = "npx next start -p {port}"   # the app's own server, on a free port
/// start_timeout_s = 60
/// [[vitals.pages]]
/// path = "/"
/// [[vitals.pages]]
/// path = "/blog/hello"
/// [vitals.budgets]
/// fcp_ms = 1500
/// lcp_ms = 2500
/// tti_ms = 3000
/// render_ms = 16
/// tbt_ms = 300          # optional
/// cls = 0.1             # optional
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VitalsConfig {
    /// What `perfscope check` loads: a URL or a build folder. Nothing when absent.
    pub url: Option<String>,
    /// Route loaded when `url` is a folder.
    pub path: Option<String>,
    /// SPA fallback when serving a folder.
    pub spa: bool,
    /// Number of runs (default 3; `perfscope check` makes 5 unless this is set).
    pub runs: Option<usize>,
    /// Form factor (default `desktop`).
    pub profile: ProfileName,
    /// Throttling: `"devtools"` (default, Lighthouse's values), `"provided"`
    /// (none), or a table of values.
    pub throttling: Throttling,
    /// Per-run timeout in seconds (default 60).
    pub timeout_s: u64,
    /// Slow-render threshold in ms (default 16).
    pub slow_render_ms: f64,
    /// Budgets checked against the median run.
    pub budgets: VitalsBudgets,
    /// A command that starts the app's own server (`{port}` is replaced by a
    /// free port; `PORT` is set too); `url` is then ignored and the server's
    /// origin is measured.
    pub start: Option<String>,
    /// How long the started server may take to answer, in seconds (default 60).
    pub start_timeout_s: u64,
    /// Pages to measure, each with its own runs and budgets (default: `path`).
    pub pages: Vec<PageConfig>,
    /// Network and CPU quiet a run waits for, ms (default 5250, Lighthouse's
    /// window when throttling is not simulated).
    pub quiet_ms: u64,
    /// Longest wait for the first contentful paint, s (default 30).
    pub fcp_timeout_s: u64,
    /// Longest wait after navigation, s (default 45).
    pub max_wait_s: u64,
    /// Recorded user flows replayed after the loads (`[[vitals.flows]]`).
    pub flows: Vec<FlowConfig>,
    /// The coverage's granularity: `"function"` (the default, Lighthouse's
    /// basis) or `"block"` (branches never taken in functions that ran
    /// count as unused too).
    pub coverage_granularity: model::vitals::CoverageGranularity,
    /// What a Lighthouse CI configuration (`lighthouserc`) asserts; not a
    /// key of `perfscope.toml` (the binary reads the file beside it).
    #[serde(skip)]
    pub lighthouse_ci: crate::lighthouse_ci::LighthouseCi,
}

/// One flow of `[[vitals.flows]]`: a recording file, or the steps inline
/// (the Recorder's step names and fields, in TOML).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowConfig {
    /// A Chrome DevTools Recorder export (JSON), relative to the project.
    #[serde(default)]
    pub file: Option<std::path::PathBuf>,
    /// Inline: the flow's title.
    #[serde(default)]
    pub title: Option<String>,
    /// Inline: the steps (`{ type = "click", selectors = ["#add"] }`...).
    #[serde(default)]
    pub steps: Option<Vec<serde_json::Value>>,
    /// Inline: the default step timeout, ms.
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Repetitions of the steps after the opening navigation (default 1):
    /// with 3 or more, memory left behind by each is a suspected leak.
    #[serde(default = "one_repeat")]
    pub repeat: u32,
    /// This flow's INP budget, ms (default `[vitals.budgets] inp_ms`).
    #[serde(default)]
    pub inp_ms: Option<f64>,
    /// Every step's INP budget, ms (off by default).
    #[serde(default)]
    pub step_inp_ms: Option<f64>,
}

fn one_repeat() -> u32 {
    1
}

/// The most repetitions of a flow accepted.
pub const MAX_REPEAT: u32 = 100;

impl FlowConfig {
    /// A flow of one recording file, with the defaults.
    pub fn file(file: impl Into<std::path::PathBuf>) -> FlowConfig {
        FlowConfig {
            file: Some(file.into()),
            title: None,
            steps: None,
            timeout: None,
            repeat: 1,
            inp_ms: None,
            step_inp_ms: None,
        }
    }

    /// What `[[vitals.flows]]` number `n` (1-based) is called in messages.
    pub fn describe(&self, n: usize) -> String {
        match (&self.file, &self.title) {
            (Some(file), _) => file.display().to_string(),
            (None, Some(title)) => format!("[[vitals.flows]] {n} ({title})"),
            (None, None) => format!("[[vitals.flows]] {n}"),
        }
    }

    /// Checks one flow's values.
    fn validate(&self, n: usize) -> Result<(), String> {
        let name = self.describe(n);
        match (&self.file, &self.steps) {
            (Some(_), Some(_)) => {
                return Err(format!("{name}: give `file` or `steps`, not both"));
            }
            (None, None) => {
                return Err(format!(
                    "[[vitals.flows]] {n}: needs `file` (a Chrome DevTools Recorder export) or `steps`"
                ));
            }
            _ => {}
        }
        if self.repeat == 0 || self.repeat > MAX_REPEAT {
            return Err(format!(
                "{name}: repeat must be between 1 and {MAX_REPEAT} (got {})",
                self.repeat
            ));
        }
        for (field, value) in [("inp_ms", self.inp_ms), ("step_inp_ms", self.step_inp_ms)] {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(format!(
                    "{name}: {field} must be a finite number of 0 or more (got {v})"
                ));
            }
        }
        Ok(())
    }
}

/// One page of `[[vitals.pages]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageConfig {
    /// Its path on the app (`/`, `/blog/hello`, `/#reports`).
    pub path: String,
}

impl Default for VitalsConfig {
    fn default() -> Self {
        VitalsConfig {
            url: None,
            path: None,
            spa: false,
            runs: None,
            profile: ProfileName::Desktop,
            throttling: Throttling::Default,
            timeout_s: 60,
            slow_render_ms: FRAME_MS,
            budgets: VitalsBudgets::default(),
            start: None,
            start_timeout_s: 60,
            pages: Vec::new(),
            quiet_ms: 5250,
            fcp_timeout_s: 30,
            max_wait_s: 45,
            flows: Vec::new(),
            coverage_granularity: model::vitals::CoverageGranularity::Function,
            lighthouse_ci: crate::lighthouse_ci::LighthouseCi::default(),
        }
    }
}

/// The longest run timeout accepted (one day).
pub const MAX_TIMEOUT_S: u64 = 24 * 3600;
/// The most runs accepted.
pub const MAX_RUNS: usize = 1000;

impl VitalsConfig {
    /// Checks values the types allow but a run cannot use.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(runs) = self.runs
            && (runs == 0 || runs > MAX_RUNS)
        {
            return Err(format!(
                "[vitals] runs must be between 1 and {MAX_RUNS} (got {runs})"
            ));
        }
        if self.timeout_s == 0 || self.timeout_s > MAX_TIMEOUT_S {
            return Err(format!(
                "[vitals] timeout_s must be between 1 and {MAX_TIMEOUT_S} seconds (got {})",
                self.timeout_s
            ));
        }
        if !(self.slow_render_ms.is_finite() && self.slow_render_ms >= 0.0) {
            return Err(format!(
                "[vitals] slow_render_ms must be a finite number of 0 or more (got {})",
                self.slow_render_ms
            ));
        }
        if self.start_timeout_s == 0 || self.start_timeout_s > MAX_TIMEOUT_S {
            return Err(format!(
                "[vitals] start_timeout_s must be between 1 and {MAX_TIMEOUT_S} seconds (got {})",
                self.start_timeout_s
            ));
        }
        self.throttling.validate()?;
        if !(100..=60_000).contains(&self.quiet_ms) {
            return Err(format!(
                "[vitals] quiet_ms must be between 100 and 60000 (got {})",
                self.quiet_ms
            ));
        }
        for (name, value) in [
            ("fcp_timeout_s", self.fcp_timeout_s),
            ("max_wait_s", self.max_wait_s),
        ] {
            if value == 0 || value > MAX_TIMEOUT_S {
                return Err(format!(
                    "[vitals] {name} must be between 1 and {MAX_TIMEOUT_S} seconds (got {value})"
                ));
            }
        }
        if let Some(start) = &self.start
            && start.trim().is_empty()
        {
            return Err("[vitals] start is empty".to_string());
        }
        for page in &self.pages {
            if !(page.path.starts_with('/')
                || page.path.starts_with("http://")
                || page.path.starts_with("https://"))
            {
                return Err(format!(
                    "[[vitals.pages]] path must start with `/` (got `{}`)",
                    page.path
                ));
            }
        }
        for (i, flow) in self.flows.iter().enumerate() {
            flow.validate(i + 1)?;
        }
        self.budgets.validate()
    }
}

/// Limits checked against the median run; `None` disables a budget.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VitalsBudgets {
    /// First Contentful Paint, ms (default 1500).
    pub fcp_ms: Option<f64>,
    /// Largest Contentful Paint, ms (default 2500).
    pub lcp_ms: Option<f64>,
    /// Time to Interactive, ms (default 3000).
    pub tti_ms: Option<f64>,
    /// Slowest React render (self time), ms (default 16).
    pub render_ms: Option<f64>,
    /// Total Blocking Time, ms (off by default).
    pub tbt_ms: Option<f64>,
    /// Cumulative Layout Shift (off by default).
    pub cls: Option<f64>,
    /// Interaction to Next Paint of each replayed flow, ms (default 200,
    /// Google's "good" threshold; judged only when a flow ran).
    pub inp_ms: Option<f64>,
    /// Main-thread work of the load, ms: every main-thread task's self time
    /// (Lighthouse's `mainthread-work-breakdown`; off by default).
    #[serde(alias = "main_thread")]
    pub main_thread_ms: Option<f64>,
    /// Unused JavaScript at load, summed over the page's scripts: bytes
    /// transferred (`"60 KB"`) or their share of the JavaScript transferred
    /// (`0.4`); off by default.
    pub unused_js: Option<UnusedJsLimit>,
}

/// The `unused_js` budget: a size (`"60 KB"`, a string as bundle budgets
/// write sizes) or a share from 0 to 1 (a number).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "UnusedJsText")]
pub enum UnusedJsLimit {
    /// Unused JavaScript transferred, bytes.
    Bytes(u64),
    /// Unused JavaScript transferred over all JavaScript transferred, 0 to 1.
    Share(f64),
}

/// `unused_js` as written in `perfscope.toml`.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a size such as \"60 KB\" or a share from 0 to 1 such as 0.4"
)]
enum UnusedJsText {
    Size(String),
    Share(f64),
}

impl TryFrom<UnusedJsText> for UnusedJsLimit {
    type Error = String;

    fn try_from(value: UnusedJsText) -> Result<Self, String> {
        match value {
            UnusedJsText::Size(text) => model::units::parse_size(&text)
                .map(UnusedJsLimit::Bytes)
                .map_err(|e| format!("unused_js: {e}")),
            UnusedJsText::Share(share) if (0.0..=1.0).contains(&share) => {
                Ok(UnusedJsLimit::Share(share))
            }
            UnusedJsText::Share(share) => Err(format!(
                "unused_js: a number is a share from 0 to 1 (got {share}); write a size as a string, such as \"60 KB\""
            )),
        }
    }
}

impl VitalsBudgets {
    /// The limit set for `metric`, if any.
    pub fn limit(&self, metric: model::MetricId) -> Option<f64> {
        use model::MetricId as M;
        match metric {
            M::Fcp => self.fcp_ms,
            M::Lcp => self.lcp_ms,
            M::Tti => self.tti_ms,
            M::Tbt => self.tbt_ms,
            M::Cls => self.cls,
            M::Render => self.render_ms,
            M::Inp => self.inp_ms,
            M::MainThread => self.main_thread_ms,
            M::UnusedJs => match self.unused_js? {
                UnusedJsLimit::Bytes(bytes) => Some(bytes as f64),
                UnusedJsLimit::Share(_) => None,
            },
            M::UnusedJsShare => match self.unused_js? {
                UnusedJsLimit::Share(share) => Some(share),
                UnusedJsLimit::Bytes(_) => None,
            },
            M::Raw | M::Gzip | M::Brotli | M::Ttfb | M::Transfer | M::LighthouseScore => None,
        }
    }

    /// Checks every limit: finite and not negative.
    pub fn validate(&self) -> Result<(), String> {
        for (name, limit) in [
            ("fcp_ms", self.fcp_ms),
            ("lcp_ms", self.lcp_ms),
            ("tti_ms", self.tti_ms),
            ("tbt_ms", self.tbt_ms),
            ("cls", self.cls),
            ("render_ms", self.render_ms),
            ("inp_ms", self.inp_ms),
            ("main_thread_ms", self.main_thread_ms),
        ] {
            if let Some(limit) = limit {
                model::budget::check_limit(&format!("[vitals.budgets] {name}"), limit)?;
            }
        }
        Ok(())
    }
}

impl Default for VitalsBudgets {
    fn default() -> Self {
        VitalsBudgets {
            fcp_ms: Some(1500.0),
            lcp_ms: Some(2500.0),
            tti_ms: Some(3000.0),
            render_ms: Some(FRAME_MS),
            tbt_ms: None,
            cls: None,
            inp_ms: Some(200.0),
            main_thread_ms: None,
            unused_js: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VitalsOptions;

    #[test]
    fn defaults_and_overrides() {
        let c: VitalsConfig = toml_like(r#"{"runs": 5, "budgets": {"cls": 0.1, "fcp_ms": null}}"#);
        assert_eq!(c.runs, Some(5));
        assert_eq!(c.budgets.cls, Some(0.1));
        assert_eq!(c.budgets.fcp_ms, None);
        assert_eq!(c.budgets.lcp_ms, Some(2500.0));
        assert_eq!(c.profile, ProfileName::Desktop);
    }

    #[test]
    fn coverage_granularity_is_function_unless_block_is_asked() {
        let c: VitalsConfig = toml_like("{}");
        assert_eq!(
            c.coverage_granularity,
            model::vitals::CoverageGranularity::Function
        );
        let c: VitalsConfig = toml_like(r#"{"coverage_granularity": "block"}"#);
        assert_eq!(
            c.coverage_granularity,
            model::vitals::CoverageGranularity::Block
        );
        assert_eq!(
            VitalsOptions::from_config(&c).coverage_granularity,
            model::vitals::CoverageGranularity::Block
        );
        let err = serde_json::from_str::<VitalsConfig>(r#"{"coverage_granularity": "line"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = serde_json::from_str::<VitalsConfig>(r#"{"rnus": 5}"#).unwrap_err();
        assert!(err.to_string().contains("rnus"));
    }

    #[test]
    fn unused_js_is_a_size_or_a_share() {
        let size: VitalsBudgets =
            serde_json::from_str(r#"{"unused_js": "60 KB", "main_thread": 900}"#).unwrap();
        assert_eq!(size.unused_js, Some(UnusedJsLimit::Bytes(60_000)));
        assert_eq!(size.limit(model::MetricId::UnusedJs), Some(60_000.0));
        assert_eq!(size.limit(model::MetricId::UnusedJsShare), None);
        assert_eq!(size.limit(model::MetricId::MainThread), Some(900.0));
        let share: VitalsBudgets = serde_json::from_str(r#"{"unused_js": 0.4}"#).unwrap();
        assert_eq!(share.limit(model::MetricId::UnusedJsShare), Some(0.4));
        assert_eq!(share.limit(model::MetricId::UnusedJs), None);
        let whole: VitalsBudgets = serde_json::from_str(r#"{"unused_js": 1}"#).unwrap();
        assert_eq!(whole.unused_js, Some(UnusedJsLimit::Share(1.0)));
        for (bad, says) in [
            (r#"{"unused_js": 60000}"#, "a share from 0 to 1 (got 60000)"),
            (r#"{"unused_js": "60 parsecs"}"#, "unknown size unit"),
            (r#"{"unused_js": true}"#, "a size such as"),
        ] {
            let err = serde_json::from_str::<VitalsBudgets>(bad).unwrap_err();
            assert!(err.to_string().contains(says), "{bad}: {err}");
        }
        let negative = VitalsBudgets {
            main_thread_ms: Some(-1.0),
            ..VitalsBudgets::default()
        };
        assert!(negative.validate().unwrap_err().contains("main_thread_ms"));
    }

    fn toml_like(json: &str) -> VitalsConfig {
        serde_json::from_str(json).unwrap()
    }
}
