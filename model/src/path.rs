//! Paths in perfscope's output: relative to the analysed root, `/`-separated.

use std::path::{Component, Path};

/// `path` relative to `root`, `/`-separated; `None` when `path` is not under
/// `root`. Both are taken as given (no file-system access): pass canonical
/// paths when symlinks matter. `root` itself is `""`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    // Fast path: the bytes of `root` and a separator start `path`, and the
    // rest is made of plain components.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (full, base) = (path.as_os_str().as_bytes(), root.as_os_str().as_bytes());
        if let Some(rest) = full.strip_prefix(base)
            && let Some(rest) = rest.strip_prefix(b"/")
            && !base.is_empty()
            && rest
                .split(|&b| b == b'/')
                .all(|c| !c.is_empty() && c != b"." && c != b"..")
        {
            return Some(String::from_utf8_lossy(rest).into_owned());
        }
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => parts.push(name.to_string_lossy()),
            Component::CurDir => {}
            // `..` would leave the root: not a path under it.
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Like [`relative`]; a path beside the root (a sibling workspace of a
/// monorepo) is given with `../`; a path sharing nothing but the file
/// system's root with it is given as it is (with `/`).
pub fn display(root: &Path, path: &Path) -> String {
    if let Some(rel) = relative(root, path) {
        return rel;
    }
    let (a, b): (Vec<Component>, Vec<Component>) =
        (root.components().collect(), path.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let shares_more_than_the_root = a
        .iter()
        .take(common)
        .any(|c| matches!(c, Component::Normal(_)));
    let plain = |c: &Component| matches!(c, Component::Normal(_));
    if shares_more_than_the_root && a[common..].iter().all(plain) && b[common..].iter().all(plain) {
        let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
        parts.extend(
            b[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        return parts.join("/");
    }
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_slashes_and_refuse_to_leave_the_root() {
        let root = Path::new("/p/app");
        assert_eq!(
            relative(root, Path::new("/p/app/src/a.ts")).as_deref(),
            Some("src/a.ts")
        );
        assert_eq!(relative(root, Path::new("/p/app")).as_deref(), Some(""));
        assert_eq!(relative(root, Path::new("/p/other/a.ts")), None);
        assert_eq!(relative(root, Path::new("/p/app/../x.ts")), None);
        assert_eq!(
            relative(root, Path::new("/p/app/./src/a.ts")).as_deref(),
            Some("src/a.ts")
        );
        assert_eq!(
            display(root, Path::new("/elsewhere/b.ts")),
            "/elsewhere/b.ts"
        );
    }
}
