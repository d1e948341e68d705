//! Form factors and throttling, in Lighthouse's vocabulary.
//!
//! The form factor (`desktop`, `mobile`) sets the viewport, the pixel ratio
//! and touch. Throttling is separate:
//! - `devtools` (default): what Lighthouse applies with
//!   `throttlingMethod: "devtools"`: on mobile 562.5 ms request latency,
//!   1,474.56 kbit/s down, 675 kbit/s up and a 4× slower CPU; on desktop
//!   nothing (Lighthouse's desktop 40 ms / 10 Mbit/s are inputs of its
//!   *simulation*, which perfscope does not do);
//! - `provided`: none (the machine's own network and CPU);
//! - custom values (`[vitals.throttling]`).
//!
//! `--profile none` is `desktop` with `provided` throttling.

use model::vitals::{NetworkThrottling, Profile};
use serde::{Deserialize, Serialize};

/// `--profile desktop|mobile|none`: the form factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// 1350×940 at DPR 1.
    #[default]
    Desktop,
    /// 412×823 at DPR 1.75, touch.
    Mobile,
    /// Desktop with no throttling at all, whatever `throttling` says.
    None,
}

/// How the network and the CPU are slowed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", untagged)]
pub enum Throttling {
    /// `"devtools"` or `"provided"`.
    Named(ThrottlingName),
    /// Custom values.
    Custom(CustomThrottling),
    /// The default: Lighthouse's devtools values.
    #[default]
    #[serde(skip)]
    Default,
}

/// Lighthouse's throttling methods perfscope applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThrottlingName {
    /// Lighthouse's devtools values for the form factor.
    Devtools,
    /// None: the machine as it is.
    Provided,
}

/// `[vitals.throttling]` with values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomThrottling {
    /// Added latency per request, ms.
    #[serde(default)]
    pub latency_ms: f64,
    /// Download throughput, kbit/s (0: unlimited).
    #[serde(default)]
    pub download_kbps: f64,
    /// Upload throughput, kbit/s (0: unlimited).
    #[serde(default)]
    pub upload_kbps: f64,
    /// CPU slowdown factor (1: none).
    #[serde(default = "one")]
    pub cpu_slowdown: f64,
}

fn one() -> f64 {
    1.0
}

impl Throttling {
    /// Parses `devtools` or `provided`.
    pub fn parse(name: &str) -> Option<Throttling> {
        match name {
            "devtools" => Some(Throttling::Named(ThrottlingName::Devtools)),
            "provided" => Some(Throttling::Named(ThrottlingName::Provided)),
            _ => None,
        }
    }

    /// Checks custom values: finite, not negative, CPU slowdown at least 1.
    pub fn validate(&self) -> Result<(), String> {
        if let Throttling::Custom(c) = self {
            for (name, v) in [
                ("latency_ms", c.latency_ms),
                ("download_kbps", c.download_kbps),
                ("upload_kbps", c.upload_kbps),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(format!(
                        "[vitals.throttling] {name} must be a finite number of 0 or more (got {v})"
                    ));
                }
            }
            if !(c.cpu_slowdown.is_finite() && (1.0..=100.0).contains(&c.cpu_slowdown)) {
                return Err(format!(
                    "[vitals.throttling] cpu_slowdown must be between 1 and 100 (got {})",
                    c.cpu_slowdown
                ));
            }
        }
        Ok(())
    }
}

impl ProfileName {
    /// Parses `desktop`, `mobile` or `none`.
    pub fn parse(name: &str) -> Option<ProfileName> {
        match name {
            "desktop" => Some(ProfileName::Desktop),
            "mobile" => Some(ProfileName::Mobile),
            "none" => Some(ProfileName::None),
            _ => None,
        }
    }

    /// The concrete values with Lighthouse's devtools throttling.
    pub fn profile(self) -> Profile {
        self.with(Throttling::Default)
    }

    /// The concrete values of this form factor with `throttling`.
    pub fn with(self, throttling: Throttling) -> Profile {
        // kbps → bytes/s as `Network.emulateNetworkConditions` expects.
        let bytes = |kbps: f64| kbps * 1024.0 / 8.0;
        let mut profile = match self {
            ProfileName::Mobile => Profile {
                name: "mobile".into(),
                width: 412,
                height: 823,
                device_scale_factor: 1.75,
                mobile: true,
                cpu_slowdown: 4.0,
                network: Some(NetworkThrottling {
                    latency_ms: 150.0 * 3.75,
                    download_bytes_per_s: bytes(1.6 * 1024.0 * 0.9),
                    upload_bytes_per_s: bytes(750.0 * 0.9),
                }),
                throttling: String::new(),
            },
            ProfileName::Desktop => Profile {
                name: "desktop".into(),
                width: 1350,
                height: 940,
                device_scale_factor: 1.0,
                mobile: false,
                cpu_slowdown: 1.0,
                network: None,
                throttling: String::new(),
            },
            ProfileName::None => Profile {
                name: "none".into(),
                width: 1350,
                height: 940,
                device_scale_factor: 1.0,
                mobile: false,
                cpu_slowdown: 1.0,
                network: None,
                throttling: String::new(),
            },
        };
        let throttling = if self == ProfileName::None {
            Throttling::Named(ThrottlingName::Provided)
        } else {
            throttling
        };
        profile.throttling = match throttling {
            Throttling::Default | Throttling::Named(ThrottlingName::Devtools) => {
                "devtools (Lighthouse's values)".to_string()
            }
            Throttling::Named(ThrottlingName::Provided) => {
                profile.network = None;
                profile.cpu_slowdown = 1.0;
                "provided (none applied)".to_string()
            }
            Throttling::Custom(c) => {
                profile.cpu_slowdown = c.cpu_slowdown;
                profile.network = (c.latency_ms > 0.0
                    || c.download_kbps > 0.0
                    || c.upload_kbps > 0.0)
                    .then(|| NetworkThrottling {
                        latency_ms: c.latency_ms,
                        download_bytes_per_s: bytes(c.download_kbps),
                        upload_bytes_per_s: bytes(c.upload_kbps),
                    });
                "custom".to_string()
            }
        };
        profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_matches_lighthouse_devtools_values() {
        let p = ProfileName::Mobile.profile();
        let n = p.network.unwrap();
        assert_eq!(n.latency_ms, 562.5);
        // 1.6 Mbps × 0.9 = 1474.56 kbps = 188743.68 bytes/s
        assert!((n.download_bytes_per_s - 188_743.68).abs() < 0.01);
        assert!((n.upload_bytes_per_s - 86_400.0).abs() < 0.01);
        assert_eq!((p.width, p.height, p.device_scale_factor), (412, 823, 1.75));
        assert_eq!(p.cpu_slowdown, 4.0);
    }

    #[test]
    fn desktop_devtools_is_unthrottled_and_provided_removes_throttling() {
        let d = ProfileName::Desktop.profile();
        assert!(d.network.is_none());
        assert_eq!(d.cpu_slowdown, 1.0);
        let m = ProfileName::Mobile.with(Throttling::parse("provided").unwrap());
        assert!(m.network.is_none());
        assert_eq!(m.cpu_slowdown, 1.0);
        assert!(m.mobile);
        let c = ProfileName::Desktop.with(Throttling::Custom(CustomThrottling {
            latency_ms: 40.0,
            download_kbps: 10_240.0,
            upload_kbps: 10_240.0,
            cpu_slowdown: 2.0,
        }));
        assert_eq!(c.network.map(|n| n.latency_ms), Some(40.0));
        assert_eq!(c.throttling, "custom");
    }
}
