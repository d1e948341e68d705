//! What does not change between runs, kept beside the bundle part's sizes in
//! `node_modules/.cache/perfscope` (the folder frontend tools cache in):
//!
//! - `facts-v1.json`: the parsed facts of every file read ([`FileFacts`]:
//!   imports, exports, JSX...), project files and packages alike;
//! - `minified-v1/<key>.json`: what a module ships minified (the lazy
//!   candidates' production estimate), one file per module.
//!
//! Every key is the 128-bit XXH3 of the file's text with its extension (the
//! parser reads `.ts`, `.tsx` and `.js` differently) and a fingerprint of
//! the code that computes the answer (perfscope's version, the parser's and
//! minifier's source, the locked dependency versions):
//! an entry that matches is the same input to the same code, so it is the
//! same answer; any change is a new key and is computed again, never
//! trusted. A damaged or oversized cache file is ignored. The facts file
//! keeps only the entries this run used (it never grows past the project).
//! The cache is used only when the project has a `node_modules` folder and
//! the caller asks for it (`--no-cache` runs cold).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::estimate::Minified;
use crate::parse::FileFacts;

/// A facts file larger than this is ignored.
const MAX_FACTS_BYTES: u64 = 256 * 1024 * 1024;
/// A minified entry larger than this is ignored.
const MAX_MINIFIED_BYTES: u64 = 64 * 1024 * 1024;
const FACTS_FILE: &str = "facts-v1.json";
const MINIFIED_DIR: &str = "minified-v1";

/// What the cached answers depend on besides the file: perfscope's version,
/// the code that parses and minifies (its source, so that any change to it,
/// even without a new version number, makes new keys) and the locked
/// versions of its dependencies (oxc, swc).
fn fingerprint() -> &'static str {
    static PRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PRINT.get_or_init(|| {
        let mut hasher = Xxh3::new();
        for part in [
            env!("CARGO_PKG_VERSION"),
            include_str!("parse.rs"),
            include_str!("estimate.rs"),
            include_str!("cache.rs"),
            include_str!("../../Cargo.lock"),
        ] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        format!("{:032x}", hasher.digest128())
    })
}

/// The facts file: key → facts.
#[derive(Default, Serialize, Deserialize)]
struct FactsFile {
    /// The [`fingerprint`] of the perfscope that wrote it (keys hold it too).
    version: String,
    entries: HashMap<String, FileFacts>,
}

/// A minified entry: the module's production code and live imports, or why
/// swc could not minify it.
#[derive(Serialize, Deserialize)]
enum MinifiedEntry {
    Ok(Minified),
    Failed(String),
}

/// How the cache did in one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Files whose facts came from the cache.
    pub facts_hits: usize,
    /// Files parsed.
    pub facts_misses: usize,
    /// Modules whose minified form came from the cache.
    pub minified_hits: usize,
    /// Modules minified.
    pub minified_misses: usize,
}

/// The cache of one run.
#[derive(Debug, Default)]
pub struct SourceCache {
    dir: Option<PathBuf>,
    old: HashMap<String, FileFacts>,
    used: Mutex<HashMap<String, FileFacts>>,
    facts_hits: AtomicUsize,
    facts_misses: AtomicUsize,
    minified_hits: AtomicUsize,
    minified_misses: AtomicUsize,
}

impl SourceCache {
    /// No cache: everything is computed.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The cache of the project at `root`: used only when `root/node_modules`
    /// is a folder. An unreadable or damaged facts file is ignored.
    pub fn open(root: &Path) -> Self {
        let node_modules = root.join("node_modules");
        if !node_modules.is_dir() {
            return Self::disabled();
        }
        let dir = node_modules.join(".cache").join("perfscope");
        let old = project::fsx::read_regular(&dir.join(FACTS_FILE), MAX_FACTS_BYTES)
            .ok()
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<FactsFile>(&bytes).ok())
            .filter(|f| f.version == fingerprint())
            .map(|f| f.entries)
            .unwrap_or_default();
        SourceCache {
            dir: Some(dir),
            old,
            ..Self::default()
        }
    }

    /// Whether entries are kept.
    pub fn enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// The key of a file's text: its 128-bit XXH3 (with the extension and
    /// the [`fingerprint`] of the code that parses it), as hex. A fast hash, because every file read
    /// is hashed; 128 bits make an accidental match between two texts
    /// vanishingly unlikely (about 2^-64 at billions of files).
    pub fn key(path: &Path, text: &str) -> String {
        let mut hasher = Xxh3::new();
        hasher.update(fingerprint().as_bytes());
        hasher.update(&[0]);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        hasher.update(ext.as_bytes());
        hasher.update(&[0]);
        hasher.update(text.as_bytes());
        format!("{:032x}", hasher.digest128())
    }

    /// The facts of `path` with text `text`: from the cache, else `parse`d
    /// (and kept; `None`, a file that cannot be parsed, is not).
    pub fn facts(
        &self,
        path: &Path,
        text: &str,
        parse: impl FnOnce() -> Option<FileFacts>,
    ) -> Option<FileFacts> {
        if !self.enabled() {
            return parse();
        }
        let key = Self::key(path, text);
        if let Some(facts) = self.old.get(&key) {
            self.facts_hits.fetch_add(1, Ordering::Relaxed);
            let facts = facts.clone();
            lock(&self.used).insert(key, facts.clone());
            return Some(facts);
        }
        self.facts_misses.fetch_add(1, Ordering::Relaxed);
        let facts = parse()?;
        lock(&self.used).insert(key, facts.clone());
        Some(facts)
    }

    /// The minified form of `path` with text `text`: from the cache, else
    /// `minify`d (and kept).
    pub fn minified(
        &self,
        path: &Path,
        text: &str,
        minify: impl FnOnce() -> Result<Minified, String>,
    ) -> Result<Minified, String> {
        let Some(dir) = &self.dir else {
            return minify();
        };
        let file = dir
            .join(MINIFIED_DIR)
            .join(format!("{}.json", Self::key(path, text)));
        let cached = project::fsx::read_regular(&file, MAX_MINIFIED_BYTES)
            .ok()
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<MinifiedEntry>(&bytes).ok());
        if let Some(entry) = cached {
            self.minified_hits.fetch_add(1, Ordering::Relaxed);
            return match entry {
                MinifiedEntry::Ok(m) => Ok(m),
                MinifiedEntry::Failed(reason) => Err(reason),
            };
        }
        self.minified_misses.fetch_add(1, Ordering::Relaxed);
        let result = minify();
        let entry = match &result {
            Ok(m) => MinifiedEntry::Ok(m.clone()),
            Err(reason) => MinifiedEntry::Failed(reason.clone()),
        };
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            write_atomic(&file, &bytes);
        }
        result
    }

    /// How the cache did so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            facts_hits: self.facts_hits.load(Ordering::Relaxed),
            facts_misses: self.facts_misses.load(Ordering::Relaxed),
            minified_hits: self.minified_hits.load(Ordering::Relaxed),
            minified_misses: self.minified_misses.load(Ordering::Relaxed),
        }
    }

    /// Writes the facts this run used (when anything was parsed or an old
    /// entry went unused). Failing to write only loses the cache.
    pub fn save(&self) {
        let Some(dir) = &self.dir else { return };
        let used = std::mem::take(&mut *lock(&self.used));
        let unchanged =
            self.facts_misses.load(Ordering::Relaxed) == 0 && used.len() == self.old.len();
        if unchanged || used.is_empty() {
            return;
        }
        let file = FactsFile {
            version: fingerprint().to_string(),
            entries: used,
        };
        if let Ok(bytes) = serde_json::to_vec(&file) {
            write_atomic(&dir.join(FACTS_FILE), &bytes);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Writes `bytes` to `file` through a temporary file renamed over it, so a
/// reader never sees half a file. Errors are ignored (a cache is optional).
fn write_atomic(file: &Path, bytes: &[u8]) {
    let Some(dir) = file.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write as _;
        if tmp.write_all(bytes).is_ok() {
            let _ = tmp.persist(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("node_modules")).unwrap();
        dir
    }

    #[test]
    fn facts_are_reused_only_for_the_same_text_and_extension() {
        let dir = project();
        let parse = |text: &str| Some(crate::parse::parse_file(Path::new("a.ts"), text));
        let cache = SourceCache::open(dir.path());
        let first = cache.facts(Path::new("/p/a.ts"), "export const a = 1;", || {
            parse("export const a = 1;")
        });
        assert_eq!(first.map(|f| f.exports.len()), Some(1));
        cache.save();
        let cache = SourceCache::open(dir.path());
        // Same text and extension: from the cache, whatever the path.
        let again = cache.facts(Path::new("/p/b.ts"), "export const a = 1;", || {
            panic!("parsed again")
        });
        assert_eq!(again.map(|f| f.exports.len()), Some(1));
        // Another text, or another extension: parsed.
        let mut parsed = 0;
        cache.facts(Path::new("/p/a.ts"), "export const b = 2;", || {
            parsed += 1;
            parse("export const b = 2;")
        });
        cache.facts(Path::new("/p/a.tsx"), "export const a = 1;", || {
            parsed += 1;
            parse("export const a = 1;")
        });
        assert_eq!(parsed, 2);
        assert_eq!(
            cache.stats(),
            CacheStats {
                facts_hits: 1,
                facts_misses: 2,
                ..CacheStats::default()
            }
        );
    }

    #[test]
    fn a_damaged_cache_is_ignored_and_no_node_modules_means_no_cache() {
        let dir = project();
        let folder = dir.path().join("node_modules/.cache/perfscope");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(FACTS_FILE), b"{ not json").unwrap();
        let cache = SourceCache::open(dir.path());
        assert!(cache.enabled());
        let mut parsed = false;
        cache.facts(Path::new("a.js"), "x", || {
            parsed = true;
            Some(FileFacts::default())
        });
        assert!(parsed);
        let bare = tempfile::tempdir().unwrap();
        assert!(!SourceCache::open(bare.path()).enabled());
    }

    #[test]
    fn minified_modules_are_kept_per_content() {
        let dir = project();
        let cache = SourceCache::open(dir.path());
        let code = "export const a = 1 + 2;";
        let made = cache
            .minified(Path::new("a.js"), code, || {
                crate::estimate::minify(Path::new("a.js"), code.to_string())
            })
            .unwrap();
        let again = SourceCache::open(dir.path())
            .minified(Path::new("b.js"), code, || panic!("minified again"))
            .unwrap();
        assert_eq!(made.code, again.code);
        let failed = cache.minified(Path::new("c.js"), "(", || Err("no".into()));
        assert_eq!(failed.unwrap_err(), "no");
        let failed_again =
            SourceCache::open(dir.path()).minified(Path::new("c.js"), "(", || panic!("again"));
        assert_eq!(failed_again.unwrap_err(), "no");
    }
}
