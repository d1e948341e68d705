//! The vitals section's "Workers and iframes": what each worker and
//! out-of-process iframe the median run recorded did on its own thread:
//! requests, bytes, CPU time (where most of it went) and unused code.

use model::vitals::ChildTarget;

use super::vitals::num;
use crate::format;

/// One worker or iframe.
pub struct ChildRow {
    pub kind: String,
    pub url: String,
    pub requests: usize,
    pub transfer: String,
    pub transfer_v: String,
    /// Time with a script on its stack, ms (`–` when not profiled).
    pub script_ms: String,
    pub script_v: String,
    /// Where most of it went: `distance (search-worker.js) 308 ms`.
    pub top: String,
    /// `953 B of 1.92 KB` (`–` without coverage).
    pub unused: String,
    pub unused_v: String,
    pub errors: usize,
}

fn row(child: &ChildTarget) -> ChildRow {
    let (script_ms, script_v, top) = match &child.cpu {
        Some(cpu) => {
            let script = cpu.script_ms();
            let top = cpu
                .functions
                .first()
                .filter(|f| f.self_ms > 0.0)
                .map(|f| {
                    let place = f.module.as_deref().unwrap_or(&f.url);
                    let file = place.rsplit('/').next().unwrap_or(place);
                    format!("{} ({file}) {}", f.name, format::ms(f.self_ms))
                })
                .unwrap_or_default();
            (format::ms(script), num(script), top)
        }
        None => ("–".to_string(), "-1".to_string(), String::new()),
    };
    let (total, unused) = child.unused_js();
    let (unused_text, unused_v) = match child.scripts.is_empty() {
        true => ("–".to_string(), "-1".to_string()),
        false => (
            format!("{} of {}", format::bytes(unused), format::bytes(total)),
            unused.to_string(),
        ),
    };
    ChildRow {
        kind: child.kind.clone(),
        url: child.url.clone(),
        requests: child.requests.len(),
        transfer: format::bytes(child.transfer_bytes),
        transfer_v: child.transfer_bytes.to_string(),
        script_ms,
        script_v,
        top,
        unused: unused_text,
        unused_v,
        errors: child.console_errors.len(),
    }
}

/// The rows of the median run's children.
pub fn build(children: &[ChildTarget]) -> Vec<ChildRow> {
    children.iter().map(row).collect()
}

#[cfg(test)]
mod tests {
    use model::vitals::{CpuFunction, CpuSamples, ScriptUsage};

    use super::*;

    #[test]
    fn a_profiled_worker_and_an_iframe_without_costs() {
        let worker = ChildTarget {
            kind: "worker".into(),
            url: "http://127.0.0.1:1/embeds/search-worker.js".into(),
            transfer_bytes: 550,
            cpu: Some(CpuSamples {
                busy_ms: 352.3,
                program_ms: 14.0,
                functions: vec![CpuFunction {
                    name: "distance".into(),
                    url: "http://127.0.0.1:1/embeds/search-worker.js".into(),
                    line: 19,
                    column: 18,
                    module: Some("http://127.0.0.1:1/embeds/search-worker.js".into()),
                    package: None,
                    self_ms: 307.9,
                    total_ms: 307.9,
                }],
                ..Default::default()
            }),
            scripts: vec![ScriptUsage {
                total_bytes: 1916,
                unused_bytes: 953,
                ..Default::default()
            }],
            ..Default::default()
        };
        let rows = build(&[worker, ChildTarget::default()]);
        assert_eq!(rows[0].script_ms, "338 ms");
        assert_eq!(rows[0].top, "distance (search-worker.js) 308 ms");
        assert_eq!(rows[0].unused, "953 B of 1.92 KB");
        assert_eq!(
            (rows[1].script_ms.as_str(), rows[1].unused.as_str()),
            ("–", "–")
        );
    }
}
