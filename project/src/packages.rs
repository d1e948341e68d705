//! Package names: of a bare specifier ([`bare_package_name`]) and of a
//! `node_modules` path or a normalised source-map source ([`package_of`]).
//!
//! Normalisation: `\` → `/`; `webpack://<namespace>/` and other `scheme://`
//! prefixes, Rollup/Vite's `\0` virtual-module marker and `?query` suffixes are
//! removed; then leading `./` and `../` runs. `sourceRoot` is not applied.
//!
//! Package: taken from the LAST `node_modules/` segment (`name` or
//! `@scope/name`). The version is known from pnpm's layout
//! (`node_modules/.pnpm/<name>@<version>[_peers|(peers)]/node_modules/<name>/…`,
//! scoped as `@scope+name@1.2.3`), or later from a readable `package.json`.

/// The package a normalised source belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageRef {
    /// `name` or `@scope/name`.
    pub name: String,
    /// Version when the path tells it (pnpm).
    pub version: Option<String>,
    /// The package folder, e.g. `node_modules/react` or
    /// `node_modules/.pnpm/react@18.3.1/node_modules/react`.
    pub install_path: String,
}

/// Normalises a source name from a source map.
pub fn normalize_source(source: &str) -> String {
    let mut s = source.replace('\\', "/");
    if let Some(rest) = s.strip_prefix("webpack://") {
        // `webpack://<namespace>/<path>`; the namespace may be empty.
        s = match rest.split_once('/') {
            Some((_, path)) => path.to_string(),
            None => rest.to_string(),
        };
    } else if let Some(pos) = s.find("://")
        && s.get(..pos).is_some_and(|scheme| {
            !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'+')
        })
    {
        s = s.get(pos + 3..).unwrap_or("").to_string();
    }
    s = s.replace('\0', "");
    if let Some(q) = s.find('?') {
        s.truncate(q);
    }
    let mut rest = s.as_str();
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
        } else {
            break;
        }
    }
    if rest.is_empty() {
        s.clone()
    } else {
        rest.to_string()
    }
}

/// The package of a normalised source, if it lives under `node_modules/`.
pub fn package_of(source: &str) -> Option<PackageRef> {
    const NM: &str = "node_modules/";
    let at = match source.rfind("/node_modules/") {
        Some(i) => i + 1,
        None if source.starts_with(NM) => 0,
        None => return None,
    };
    let after = source.get(at + NM.len()..)?;
    let mut segments = after.split('/');
    let first = segments.next()?;
    if first.is_empty() || first == ".pnpm" || first == ".bin" {
        return None;
    }
    let name = if first.starts_with('@') {
        let second = segments.next().filter(|s| !s.is_empty())?;
        format!("{first}/{second}")
    } else {
        first.to_string()
    };
    let install_path = format!("{}{}", source.get(..at + NM.len())?, name);
    let version = pnpm_version(source.get(..at)?, &name);
    Some(PackageRef {
        name,
        version,
        install_path,
    })
}

/// The package name of a bare specifier (`react`, `@scope/pkg/sub` → `@scope/pkg`),
/// `None` for relative, absolute, aliased-looking (`@/x`, `~/x`, `#x`) or URL specifiers.
pub fn bare_package_name(specifier: &str) -> Option<String> {
    let first = specifier.chars().next()?;
    if matches!(first, '.' | '/' | '#' | '~' | '\\') || specifier.contains(':') {
        return None;
    }
    let mut parts = specifier.split('/');
    let head = parts.next()?;
    let name = if let Some(scope) = head.strip_prefix('@') {
        let pkg = parts.next()?;
        if scope.is_empty() || pkg.is_empty() {
            return None;
        }
        format!("{head}/{pkg}")
    } else {
        head.to_string()
    };
    let valid = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/'));
    valid.then_some(name)
}

/// Reads `…/.pnpm/<name>@<version>…/` right before the last `node_modules/`.
fn pnpm_version(prefix: &str, name: &str) -> Option<String> {
    let prefix = prefix.strip_suffix('/')?;
    let (before, dir) = prefix.rsplit_once('/')?;
    if !(before == ".pnpm" || before.ends_with("/.pnpm")) {
        return None;
    }
    let encoded = name.replace('/', "+");
    let version = dir.strip_prefix(&encoded)?.strip_prefix('@')?;
    let end = version.find(['_', '(']).unwrap_or(version.len());
    let version = version.get(..end)?;
    (!version.is_empty()).then(|| version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_prefixes() {
        assert_eq!(normalize_source("webpack://my-lib/./src/a.js"), "src/a.js");
        assert_eq!(
            normalize_source("webpack:///./node_modules/react/index.js"),
            "node_modules/react/index.js"
        );
        assert_eq!(
            normalize_source("webpack:///webpack/bootstrap"),
            "webpack/bootstrap"
        );
        assert_eq!(
            normalize_source("../../node_modules/x/y.js"),
            "node_modules/x/y.js"
        );
        assert_eq!(
            normalize_source("\0vite/preload-helper.js"),
            "vite/preload-helper.js"
        );
        assert_eq!(normalize_source("src\\a.ts?commonjs-proxy"), "src/a.ts");
        assert_eq!(
            normalize_source("file:///home/u/p/src/a.ts"),
            "/home/u/p/src/a.ts"
        );
    }

    #[test]
    fn finds_packages_and_pnpm_versions() {
        let p = package_of("node_modules/react/cjs/react.production.js").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version, p.install_path.as_str()),
            ("react", None, "node_modules/react")
        );
        let p = package_of("node_modules/.pnpm/@tanstack+query-core@5.1.0_react@18.3.1/node_modules/@tanstack/query-core/build/x.js").unwrap();
        assert_eq!(p.name, "@tanstack/query-core");
        assert_eq!(p.version.as_deref(), Some("5.1.0"));
        assert_eq!(
            p.install_path,
            "node_modules/.pnpm/@tanstack+query-core@5.1.0_react@18.3.1/node_modules/@tanstack/query-core"
        );
        let p = package_of("node_modules/.pnpm/a@1.0.0(b@2)/node_modules/a/i.js").unwrap();
        assert_eq!(p.version.as_deref(), Some("1.0.0"));
        let p = package_of("node_modules/a/node_modules/b/i.js").unwrap();
        assert_eq!(
            (p.name.as_str(), p.install_path.as_str()),
            ("b", "node_modules/a/node_modules/b")
        );
        // A dependency seen through another package's pnpm folder: version unknown.
        let p = package_of("node_modules/.pnpm/a@1.0.0/node_modules/b/i.js").unwrap();
        assert_eq!((p.name.as_str(), p.version), ("b", None));
        assert_eq!(package_of("src/App.tsx"), None);
        assert_eq!(package_of("node_modules/@scope"), None);
    }
}
