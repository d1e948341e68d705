//! The project's `package.json`: its name and declared dependencies.

use std::collections::BTreeSet;
use std::path::Path;

use model::Diagnostic;

/// Declared dependencies of the root `package.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `name`.
    pub name: Option<String>,
    /// `dependencies` (checked for unused).
    pub dependencies: BTreeSet<String>,
    /// `devDependencies`, `peerDependencies`, `optionalDependencies`
    /// (they make a package listed, but are not reported as unused: tools use them).
    pub other_dependencies: BTreeSet<String>,
    /// Whether a `package.json` was found and read.
    pub present: bool,
}

impl Manifest {
    /// Whether `name` is listed in any dependency field.
    pub fn lists(&self, name: &str) -> bool {
        self.dependencies.contains(name) || self.other_dependencies.contains(name)
    }
}

/// Reads `<root>/package.json`; problems become diagnostics.
pub fn read_manifest(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Manifest {
    let path = root.join("package.json");
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                diagnostics.push(Diagnostic::new(
                    "package.json",
                    "is not valid UTF-8; dependencies are not checked",
                ));
                return Manifest::default();
            }
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Manifest::default(),
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                "package.json",
                format!("cannot be read ({err}); dependencies are not checked"),
            ));
            return Manifest::default();
        }
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(err) => {
            diagnostics.push(Diagnostic::at_line(
                "package.json",
                u32::try_from(err.line()).unwrap_or(0),
                format!("is not valid JSON ({err}); dependencies are not checked"),
            ));
            return Manifest::default();
        }
    };
    let names = |field: &str| -> BTreeSet<String> {
        json.get(field)
            .and_then(|v| v.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut other = names("devDependencies");
    other.extend(names("peerDependencies"));
    other.extend(names("optionalDependencies"));
    Manifest {
        name: json
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        dependencies: names("dependencies"),
        other_dependencies: other,
        present: true,
    }
}
