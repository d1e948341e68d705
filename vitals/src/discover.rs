//! Finding a Chromium or Chrome without being told where it is, in the order
//! a frontend developer's machine and a CI runner have one:
//!
//! 1. `CHROME_PATH` (as Lighthouse and chrome-launcher read it);
//! 2. a browser on `PATH` (`chromium`, `chromium-browser`, `google-chrome`,
//!    `google-chrome-stable`, `chrome`);
//! 3. the usual install locations ([`KNOWN_PATHS`]: Debian's and Snap's
//!    Chromium, macOS applications);
//! 4. the browsers Playwright installed (`npx playwright install chromium`:
//!    `$PLAYWRIGHT_BROWSERS_PATH`, else `~/.cache/ms-playwright` on Linux and
//!    `~/Library/Caches/ms-playwright` on macOS; `chromium-<revision>/`),
//!    the newest revision first;
//! 5. the browsers Puppeteer installed (`npx @puppeteer/browsers install
//!    chrome@stable`, or `npm install puppeteer`: `$PUPPETEER_CACHE_DIR`,
//!    else `~/.cache/puppeteer`; `chrome/<platform>-<version>/`), the newest
//!    version first.
//!
//! The environment is read once ([`Discovery::from_env`]); the search itself
//! is a function of it, so tests give it a fake home.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::VitalsError;

/// Where Chromium or Chrome is usually installed when it is not on `PATH`.
pub const KNOWN_PATHS: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/// Executable names a browser has on `PATH`.
const PATH_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// The executable inside one of Playwright's `chromium-<revision>/` folders.
const PLAYWRIGHT_EXECUTABLES: &[&str] = &[
    "chrome-linux64/chrome",
    "chrome-linux/chrome",
    "chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium",
    "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    "chrome-win64/chrome.exe",
    "chrome-win/chrome.exe",
];

/// The executable inside one of Puppeteer's `chrome/<platform>-<version>/` folders.
const PUPPETEER_EXECUTABLES: &[&str] = &[
    "chrome-linux64/chrome",
    "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-win64/chrome.exe",
];

/// What the search reads from the environment.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// `CHROME_PATH`.
    pub chrome_path: Option<PathBuf>,
    /// `PATH`.
    pub path: Option<OsString>,
    /// The install locations looked at after `PATH`.
    pub known: Vec<PathBuf>,
    /// Playwright's browser folder.
    pub playwright: Option<PathBuf>,
    /// Puppeteer's cache folder.
    pub puppeteer: Option<PathBuf>,
}

impl Discovery {
    /// The search as this process's environment sets it up.
    pub fn from_env() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cache = |linux: &str, mac: &str| {
            home.as_ref().map(|h| {
                if cfg!(target_os = "macos") {
                    h.join(mac)
                } else {
                    h.join(linux)
                }
            })
        };
        Self {
            chrome_path: std::env::var_os("CHROME_PATH").map(PathBuf::from),
            path: std::env::var_os("PATH"),
            known: KNOWN_PATHS.iter().map(PathBuf::from).collect(),
            playwright: std::env::var_os("PLAYWRIGHT_BROWSERS_PATH")
                .map(PathBuf::from)
                .or_else(|| cache(".cache/ms-playwright", "Library/Caches/ms-playwright")),
            puppeteer: std::env::var_os("PUPPETEER_CACHE_DIR")
                .map(PathBuf::from)
                .or_else(|| cache(".cache/puppeteer", ".cache/puppeteer")),
        }
    }

    /// The browser to launch, or every place looked at.
    pub fn find(&self) -> Result<PathBuf, VitalsError> {
        let mut tried = Vec::new();
        match &self.chrome_path {
            Some(path) if is_executable(path) => return Ok(path.clone()),
            Some(path) => tried.push(format!("CHROME_PATH={}", path.display())),
            None => tried.push("CHROME_PATH (not set)".to_string()),
        }
        if let Some(found) = self.on_path() {
            return Ok(found);
        }
        tried.push(format!("PATH ({})", PATH_NAMES.join(", ")));
        if let Some(found) = self.known.iter().find(|p| is_executable(p)) {
            return Ok(found.clone());
        }
        tried.extend(self.known.iter().map(|p| p.display().to_string()));
        for (cache, sub, exes, label) in [
            (
                &self.playwright,
                None,
                PLAYWRIGHT_EXECUTABLES,
                "Playwright's browsers",
            ),
            (
                &self.puppeteer,
                Some("chrome"),
                PUPPETEER_EXECUTABLES,
                "Puppeteer's browsers",
            ),
        ] {
            let Some(cache) = cache else { continue };
            let folder = sub.map_or_else(|| cache.clone(), |s| cache.join(s));
            if let Some(found) = newest_in(&folder, label, exes) {
                return Ok(found);
            }
            tried.push(format!("{label} ({})", folder.display()));
        }
        Err(VitalsError::NoBrowser { tried })
    }

    fn on_path(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        std::env::split_paths(path)
            .filter(|dir| dir.is_absolute())
            .flat_map(|dir| PATH_NAMES.iter().map(move |name| dir.join(name)))
            .find(|p| is_executable(p))
    }
}

/// The executable of the newest browser folder under `folder`: Playwright's
/// `chromium-<revision>` or Puppeteer's `<platform>-<version>` (numbers
/// compared as numbers).
fn newest_in(folder: &Path, label: &str, executables: &[&str]) -> Option<PathBuf> {
    let mut dirs: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version = if label.starts_with("Playwright") {
                // Not `chromium_headless_shell-*` nor `chromium-tip-of-tree-*`.
                name.strip_prefix("chromium-")
                    .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))?
                    .to_string()
            } else {
                name.split_once('-')?.1.to_string()
            };
            let numbers = version
                .split('.')
                .map(|n| n.parse().ok())
                .collect::<Option<Vec<u64>>>()?;
            Some((numbers, e.path()))
        })
        .collect();
    dirs.sort();
    dirs.iter()
        .rev()
        .flat_map(|(_, dir)| executables.iter().map(move |exe| dir.join(exe)))
        .find(|p| is_executable(p))
}

/// A regular file this user may run.
fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exe(path: &Path) -> PathBuf {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path.to_path_buf()
    }

    fn nothing() -> Discovery {
        Discovery::default()
    }

    #[test]
    fn chrome_path_wins_then_path_then_known_places() {
        let dir = tempfile::tempdir().unwrap();
        let env = exe(&dir.path().join("env/chrome"));
        let on_path = exe(&dir.path().join("bin/google-chrome"));
        let known = exe(&dir.path().join("opt/chromium"));
        let mut d = Discovery {
            chrome_path: Some(env.clone()),
            path: Some(std::env::join_paths([dir.path().join("bin")]).unwrap()),
            known: vec![known.clone()],
            ..nothing()
        };
        assert_eq!(d.find().unwrap(), env);
        d.chrome_path = None;
        assert_eq!(d.find().unwrap(), on_path);
        d.path = None;
        assert_eq!(d.find().unwrap(), known);
    }

    #[test]
    fn a_non_executable_file_on_path_is_not_a_browser() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::write(dir.path().join("bin/chromium"), "").unwrap();
        let d = Discovery {
            path: Some(dir.path().join("bin").into_os_string()),
            ..nothing()
        };
        assert!(d.find().is_err());
    }

    #[test]
    fn the_newest_playwright_chromium_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join(".cache/ms-playwright");
        exe(&cache.join("chromium-999/chrome-linux/chrome"));
        let newest = exe(&cache.join("chromium-1140/chrome-linux/chrome"));
        exe(&cache.join("chromium_headless_shell-2000/chrome-linux/headless_shell"));
        std::fs::create_dir_all(cache.join("ffmpeg-1010")).unwrap();
        let d = Discovery {
            playwright: Some(cache),
            ..nothing()
        };
        assert_eq!(d.find().unwrap(), newest);
    }

    #[test]
    fn the_newest_puppeteer_chrome_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join(".cache/puppeteer");
        exe(&cache.join("chrome/linux-131.0.6778.85/chrome-linux64/chrome"));
        let newest = exe(&cache.join("chrome/linux-131.0.6778.204/chrome-linux64/chrome"));
        let d = Discovery {
            puppeteer: Some(cache),
            ..nothing()
        };
        assert_eq!(d.find().unwrap(), newest);
    }

    #[test]
    fn nothing_found_names_every_place_and_how_to_get_a_browser() {
        let dir = tempfile::tempdir().unwrap();
        let d = Discovery {
            chrome_path: Some(PathBuf::from("/nonexistent/chrome")),
            known: vec![PathBuf::from("/nope/chromium")],
            playwright: Some(dir.path().join("pw")),
            puppeteer: Some(dir.path().join("pp")),
            ..nothing()
        };
        let text = d.find().unwrap_err().to_string();
        for needle in [
            "CHROME_PATH=/nonexistent/chrome",
            "/nope/chromium",
            "PATH (chromium",
            "Playwright's browsers",
            "Puppeteer's browsers",
            "apt-get install chromium",
            "npx playwright install chromium",
            "npx @puppeteer/browsers install chrome@stable",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert!(!text.contains('\n'), "one line: {text}");
    }
}
