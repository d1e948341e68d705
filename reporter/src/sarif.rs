//! SARIF 2.1.0 for code scanning (GitHub shows the results on the diff).
//!
//! Code scanning places every result at a file of the repository, so only
//! findings that point at a project file are written: one rule per kind
//! whose meta says it points at one ([`PointsAt`]: id, title, why, fix from
//! the kind's meta; every such kind, in report order, whether or not it has
//! findings) and one result per finding that [`Finding::file`] places at a
//! file of the project: modules (unused files and exports, cycles,
//! lazy-loading candidates), the first importer of an unlisted dependency,
//! and the `package.json` another dependency finding or a duplicate package
//! is about. Findings about the build output or the browser run (an asset,
//! a URL, a component) point at no project file, so they have neither rules
//! nor results here; they are in the report, the PR comment and, without a
//! file, in [`github`]'s annotations. The one exception is a user flow
//! replayed from a recording in the project: its failing INP budgets, leak
//! and unnecessary re-renders are placed at the recording (`flows.rs`). The
//! assessment's top actions that name an import to change are results of
//! the `top-action` rule at that line, with their rank and whether the
//! browser measured their cost (`actions.rs`). Paths are relative to the analysed
//! folder (`%SRCROOT%`). Severities are the assessment's.
//!
//! The few SARIF objects used are written as serde types here; a test
//! validates the output against the official schema.

use serde::Serialize;

use model::finding::{Finding, FindingKind, PointsAt, Severity};

mod actions;
mod flows;
use model::report::Report;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult>,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(rename = "informationUri")]
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Rule {
    id: &'static str,
    name: String,
    #[serde(rename = "shortDescription")]
    short_description: Text,
    #[serde(rename = "fullDescription")]
    full_description: Text,
    help: Help,
    #[serde(rename = "defaultConfiguration")]
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
    #[serde(rename = "uriBaseId")]
    uri_base_id: &'static str,
}

#[derive(Serialize)]
struct Region {
    #[serde(rename = "startLine")]
    start_line: u32,
}

#[derive(Serialize)]
struct PhysicalLocation {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct Location {
    #[serde(rename = "physicalLocation")]
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
struct SarifResult {
    #[serde(rename = "ruleId")]
    rule_id: &'static str,
    #[serde(rename = "ruleIndex")]
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(rename = "partialFingerprints")]
    partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
}

/// A rule from a kind's (or a flow check's) meta.
fn rule(id: &'static str, title: &str, why: &str, fix: &str, severity: Severity) -> Rule {
    Rule {
        id,
        name: pascal(id),
        short_description: Text {
            text: title.to_string(),
        },
        full_description: Text {
            text: why.to_string(),
        },
        help: Help {
            text: fix.to_string(),
            markdown: format!("**Why:** {why}\n\n**Fix:** {fix}"),
        },
        default_configuration: Configuration {
            level: level(severity),
            enabled: severity != Severity::Off,
        },
        properties: RuleProperties {
            tags: vec!["performance", "perfscope"],
        },
    }
}

/// A result at `path` (relative to the analysed folder).
fn result_at(
    rule_id: &'static str,
    rule_index: usize,
    severity: Severity,
    message: String,
    path: &str,
    key: String,
) -> SarifResult {
    SarifResult {
        rule_id,
        rule_index,
        level: level(severity),
        message: Text { text: message },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(path),
                    uri_base_id: "%SRCROOT%",
                },
                region: None,
            },
        }],
        partial_fingerprints: [("perfscopeKey/v1", key)].into_iter().collect(),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Off => "none",
    }
}

/// `UnusedExports` from `unused-exports`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Paths of the report are relative and `/`-separated; a SARIF URI escapes
/// what a URI reference cannot hold.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'/'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'@'
            | b'+'
            | b'$'
            | b'!'
            | b'('
            | b')'
            | b'='
            | b','
            | b';' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The SARIF log of an assessed report: its findings with their assessed
/// severities (every finding at its kind's default severity when it was not
/// assessed).
pub fn render(report: &Report) -> String {
    let severities: Vec<(&Finding, Severity)> = match &report.assessment {
        Some(a) => a
            .findings
            .iter()
            .map(|f| (&f.finding, f.severity))
            .collect(),
        None => crate::findings::all(report)
            .into_iter()
            .map(|f| (f, f.kind.meta().severity))
            .collect(),
    };
    // One rule per kind whose findings point at a project file, in report order.
    let kinds: Vec<FindingKind> = FindingKind::ALL
        .iter()
        .copied()
        .filter(|k| k.meta().points_at != PointsAt::Nothing)
        .collect();
    // A kind's level: its assessed severity (the assessment sums up every
    // kind with findings), else its default.
    let severity_of = |kind: FindingKind| {
        report
            .assessment
            .iter()
            .flat_map(|a| &a.kinds)
            .find(|k| k.kind == kind)
            .map_or(kind.meta().severity, |k| k.severity)
    };
    let mut rules: Vec<Rule> = kinds
        .iter()
        .map(|k| {
            let meta = k.meta();
            rule(meta.id, meta.title, meta.why, meta.fix, severity_of(*k))
        })
        .collect();
    let mut results: Vec<SarifResult> = severities
        .iter()
        .filter_map(|(f, severity)| {
            let (path, line) = f.file()?;
            let rule_index = kinds.iter().position(|k| *k == f.kind)?;
            let message = if f.message.is_empty() {
                format!("{}: {}", f.kind.title(), f.subject)
            } else {
                format!("{}: {} ({})", f.kind.title(), f.message, f.subject)
            };
            Some(SarifResult {
                rule_id: f.kind.meta().id,
                rule_index,
                level: level(*severity),
                message: Text { text: message },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(&path),
                            uri_base_id: "%SRCROOT%",
                        },
                        region: line
                            .filter(|l| *l > 0)
                            .map(|start_line| Region { start_line }),
                    },
                }],
                partial_fingerprints: [(
                    "perfscopeKey/v1",
                    format!("{}:{}", f.kind.meta().id, f.key),
                )]
                .into_iter()
                .collect(),
            })
        })
        .collect();
    flows::add(report, &severities, &mut rules, &mut results);
    actions::add(report, &mut rules, &mut results);
    let version = report
        .generated_by
        .strip_prefix("perfscope ")
        .unwrap_or(&report.generated_by);
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "perfscope",
                    version,
                    information_uri: "https://github.com/perfscope/perfscope",
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: `::warning file=…,line=…::…` for each
/// finding on a project file (`::error` when it is an error), `::error::`
/// for each failed budget and failed gate check. Values are escaped as the
/// runner requires (`%`, CR, LF; also `:` and `,` in properties).
pub fn github(report: &Report) -> String {
    fn data(text: &str) -> String {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(text: &str) -> String {
        data(text).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    let Some(a) = &report.assessment else {
        return out;
    };
    for f in &a.findings {
        if f.severity == Severity::Off {
            continue;
        }
        let command = if f.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let message = if f.finding.message.is_empty() {
            f.finding.subject.clone()
        } else {
            format!("{} ({})", f.finding.message, f.finding.subject)
        };
        let title = property(f.finding.kind.title());
        match f.finding.file() {
            Some((path, line)) => {
                let line = line.map(|l| format!(",line={l}")).unwrap_or_default();
                out.push_str(&format!(
                    "::{command} file={}{line},title={title}::{}\n",
                    property(&path),
                    data(&message)
                ));
            }
            None => out.push_str(&format!("::{command} title={title}::{}\n", data(&message))),
        }
    }
    for c in a.gate.failures() {
        let reason = c.reason.as_deref().unwrap_or("");
        out.push_str(&format!(
            "::error title={}::{}\n",
            property(&format!("perfscope: {}", c.name)),
            data(&format!(
                "{}: {} (limit {}){}{}",
                c.name,
                c.actual,
                c.limit,
                if reason.is_empty() { "" } else { " — " },
                reason
            ))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_a_uri_cannot_hold() {
        assert_eq!(uri("src/a b/@x.ts"), "src/a%20b/@x.ts");
        assert_eq!(uri("src/ü.ts"), "src/%C3%BC.ts");
        assert_eq!(pascal("unused-exports"), "UnusedExports");
    }
}
