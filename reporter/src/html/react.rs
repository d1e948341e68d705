//! The vitals section's React tables beyond the slow renders: render time
//! by the package that defines the components, and the components with
//! the most time at load, each with the module that defines it.

use model::vitals::{ReactPackage, ReactReport, SlowRender};

use super::vitals::num;
use crate::format;

/// Components listed at most.
const MAX_COMPONENTS: usize = 10;

/// One package (or the project's own code) of the table.
pub struct PackageRow {
    pub name: String,
    /// `package` or `project`.
    pub kind: &'static str,
    pub components: u64,
    pub renders: u64,
    pub self_ms: String,
    pub self_v: String,
    pub cpu_ms: String,
    pub cpu_v: String,
}

/// One component with the most time.
pub struct ComponentRow {
    pub name: String,
    pub defined_in: String,
    pub renders: String,
    pub self_ms: String,
    pub self_v: String,
    pub cpu_ms: String,
    pub cpu_v: String,
}

/// The tables; empty when no component was located.
pub struct ReactView {
    pub packages: Vec<PackageRow>,
    pub components: Vec<ComponentRow>,
    /// Whether CPU time was measured (a column of its own).
    pub cpu: bool,
}

fn ms_or_dash(ms: Option<f64>) -> (String, String) {
    match ms {
        Some(ms) => (format::ms(ms), num(ms)),
        None => ("–".to_string(), "-1".to_string()),
    }
}

fn package_row(p: &ReactPackage, profiling: bool) -> PackageRow {
    let (cpu_ms, cpu_v) = ms_or_dash(p.cpu_ms);
    let (self_ms, self_v) = ms_or_dash(profiling.then_some(p.self_ms));
    PackageRow {
        name: p
            .package
            .clone()
            .unwrap_or_else(|| "the project's own code".to_string()),
        kind: if p.package.is_some() {
            "package"
        } else {
            "project"
        },
        components: p.components,
        renders: p.renders,
        self_ms,
        self_v,
        cpu_ms,
        cpu_v,
    }
}

fn component_row(c: &SlowRender, profiling: bool) -> ComponentRow {
    let (cpu_ms, cpu_v) = ms_or_dash(c.cpu_ms);
    let (self_ms, self_v) = ms_or_dash(profiling.then_some(c.total_ms));
    ComponentRow {
        name: c.component.clone(),
        defined_in: c.defined_in().unwrap_or_default(),
        renders: if profiling {
            c.count.to_string()
        } else {
            "–".to_string()
        },
        self_ms,
        self_v,
        cpu_ms,
        cpu_v,
    }
}

/// The tables of `react`; `None` when no component was located.
pub fn build(react: &ReactReport) -> Option<ReactView> {
    if react.packages.is_empty() {
        return None;
    }
    let mut located: Vec<&SlowRender> = react
        .components
        .iter()
        .filter(|c| c.module.is_some())
        .collect();
    located.sort_by(|a, b| {
        b.total_ms
            .total_cmp(&a.total_ms)
            .then(b.cpu_ms.unwrap_or(0.0).total_cmp(&a.cpu_ms.unwrap_or(0.0)))
            .then_with(|| a.component.cmp(&b.component))
    });
    located.truncate(MAX_COMPONENTS);
    Some(ReactView {
        packages: react
            .packages
            .iter()
            .map(|p| package_row(p, react.profiling))
            .collect(),
        components: located
            .into_iter()
            .map(|c| component_row(c, react.profiling))
            .collect(),
        cpu: react.packages.iter().any(|p| p.cpu_ms.is_some()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(name: &str, package: Option<&str>, total: f64, cpu: Option<f64>) -> SlowRender {
        SlowRender {
            component: name.into(),
            count: 2,
            max_ms: total / 2.0,
            total_ms: total,
            max_actual_ms: total,
            module: Some(format!("src/{name}.tsx")),
            package: package.map(str::to_string),
            cpu_ms: cpu,
        }
    }

    #[test]
    fn packages_and_the_busiest_components_with_where_they_are_defined() {
        let report = ReactReport {
            detected: true,
            profiling: true,
            commits: 2,
            slow_render_ms: 16.0,
            slow_renders: vec![],
            slow_commits: vec![],
            components: vec![
                component("Chart", Some("recharts"), 40.0, Some(35.5)),
                component("Header", None, 0.5, None),
                SlowRender {
                    module: None,
                    ..component("Lost", None, 90.0, None)
                },
            ],
            packages: vec![ReactPackage {
                package: Some("recharts".into()),
                components: 1,
                renders: 2,
                self_ms: 40.0,
                cpu_ms: Some(35.5),
            }],
        };
        let view = build(&report).unwrap();
        assert_eq!(view.packages[0].name, "recharts");
        assert!(view.cpu);
        // The unlocated component is not listed; the busiest comes first.
        let names: Vec<&str> = view.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Chart", "Header"]);
        assert_eq!(view.components[0].defined_in, "src/Chart.tsx (recharts)");
        assert_eq!(view.components[1].cpu_ms, "–");
        let none = ReactReport {
            packages: vec![],
            ..report
        };
        assert!(build(&none).is_none());
    }
}
