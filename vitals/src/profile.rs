//! Device and throttling profiles, with the values Lighthouse applies through DevTools.

use model::vitals::{NetworkThrottling, Profile};
use serde::{Deserialize, Serialize};

/// `--profile desktop|mobile|none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// 1350×940 at DPR 1, no CPU slowdown, dense 4G (40 ms, 10 Mbps) through DevTools.
    #[default]
    Desktop,
    /// 412×823 at DPR 1.75, CPU 4× slower, slow 4G as DevTools applies it.
    Mobile,
    /// 1350×940 at DPR 1, no throttling at all.
    None,
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

    /// The concrete values.
    pub fn profile(self) -> Profile {
        // kbps → bytes/s as `Network.emulateNetworkConditions` expects.
        let bytes = |kbps: f64| kbps * 1024.0 / 8.0;
        match self {
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
            },
            ProfileName::Desktop => Profile {
                name: "desktop".into(),
                width: 1350,
                height: 940,
                device_scale_factor: 1.0,
                mobile: false,
                cpu_slowdown: 1.0,
                network: Some(NetworkThrottling {
                    latency_ms: 40.0,
                    download_bytes_per_s: bytes(10.0 * 1024.0),
                    upload_bytes_per_s: bytes(10.0 * 1024.0),
                }),
            },
            ProfileName::None => Profile {
                name: "none".into(),
                width: 1350,
                height: 940,
                device_scale_factor: 1.0,
                mobile: false,
                cpu_slowdown: 1.0,
                network: None,
            },
        }
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
}
