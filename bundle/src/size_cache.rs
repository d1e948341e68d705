//! Compressed sizes cached by content: an unchanged file (a vendor chunk
//! between two CI runs) is not compressed again. The cache is one JSON file,
//! `node_modules/.cache/perfscope/sizes-v1.json` in the project (the folder
//! other frontend tools cache in), keyed by the SHA-256 of the file and its
//! length; it is used only when the project has a `node_modules` folder, read
//! once and written once (through a temporary file renamed over it).
//! gzip is level 9 and brotli quality 11 always, so a size never goes stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Sizes of one content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizes {
    /// gzip -9 size, when computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<u64>,
    /// brotli quality 11 size, when computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brotli: Option<u64>,
}

/// Entries kept at most (the oldest unused ones go first).
const MAX_ENTRIES: usize = 50_000;
/// A cache file larger than this is ignored.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Default, Serialize, Deserialize)]
struct File {
    /// Key → sizes, in the order they were last used (oldest first).
    entries: Vec<(String, Sizes)>,
}

/// The cache of one run.
#[derive(Default)]
pub struct SizeCache {
    dir: Option<PathBuf>,
    old: BTreeMap<String, (usize, Sizes)>,
    used: Mutex<BTreeMap<String, Sizes>>,
}

impl SizeCache {
    /// No cache: every size is computed.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The cache of the project at `root`: used only when `root/node_modules`
    /// is a folder. An unreadable or damaged cache file is ignored.
    pub fn open(root: &Path) -> Self {
        let node_modules = root.join("node_modules");
        if !node_modules.is_dir() {
            return Self::disabled();
        }
        let dir = node_modules.join(".cache").join("perfscope");
        let file: File = project::fsx::read_regular(&dir.join("sizes-v1.json"), MAX_FILE_BYTES)
            .ok()
            .flatten()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let old = file
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, (k, v))| (k, (i, v)))
            .collect();
        Self {
            dir: Some(dir),
            old,
            used: Mutex::new(BTreeMap::new()),
        }
    }

    /// The key of a content: SHA-256 and length.
    pub fn key(data: &[u8]) -> String {
        let digest = Sha256::digest(data);
        let mut key = String::with_capacity(80);
        for b in digest {
            key.push_str(&format!("{b:02x}"));
        }
        key.push_str(&format!(":{}", data.len()));
        key
    }

    /// Whether the cache is in use.
    pub fn enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// The cached sizes of `key`.
    pub fn get(&self, key: &str) -> Option<Sizes> {
        if let Some(s) = self.used.lock().ok().and_then(|u| u.get(key).copied()) {
            return Some(s);
        }
        self.old.get(key).map(|(_, s)| *s)
    }

    /// Records the sizes of `key` (merged with what is cached).
    pub fn put(&self, key: String, sizes: Sizes) {
        let cached = self.get(&key).unwrap_or_default();
        let merged = Sizes {
            gzip: sizes.gzip.or(cached.gzip),
            brotli: sizes.brotli.or(cached.brotli),
        };
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, merged);
        }
    }

    /// Writes the cache: this run's entries last (most recent), older ones
    /// before them, at most [`MAX_ENTRIES`]. Errors are returned for a note;
    /// the run does not depend on them.
    pub fn save(self) -> std::io::Result<()> {
        let Some(dir) = self.dir else {
            return Ok(());
        };
        let used = self.used.into_inner().unwrap_or_default();
        if used.is_empty() {
            return Ok(());
        }
        let mut older: Vec<(usize, String, Sizes)> = self
            .old
            .into_iter()
            .filter(|(k, _)| !used.contains_key(k))
            .map(|(k, (i, s))| (i, k, s))
            .collect();
        older.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let keep_old = MAX_ENTRIES.saturating_sub(used.len());
        let skip = older.len().saturating_sub(keep_old);
        let mut entries: Vec<(String, Sizes)> = older
            .into_iter()
            .skip(skip)
            .map(|(_, k, s)| (k, s))
            .collect();
        entries.extend(used);
        let text = serde_json::to_vec(&File { entries }).map_err(std::io::Error::other)?;
        model::output::create_dir(&dir)?;
        model::output::write_file(&dir, "sizes-v1.json", &text)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_survive_a_run_and_only_with_node_modules() {
        let root = tempfile::tempdir().expect("tmp");
        assert!(!SizeCache::open(root.path()).enabled());
        std::fs::create_dir(root.path().join("node_modules")).expect("mkdir");
        let cache = SizeCache::open(root.path());
        assert!(cache.enabled());
        let key = SizeCache::key(b"console.log(1)");
        assert_eq!(cache.get(&key), None);
        cache.put(
            key.clone(),
            Sizes {
                gzip: Some(10),
                brotli: None,
            },
        );
        cache.put(
            key.clone(),
            Sizes {
                gzip: None,
                brotli: Some(8),
            },
        );
        cache.save().expect("save");
        let again = SizeCache::open(root.path());
        assert_eq!(
            again.get(&key),
            Some(Sizes {
                gzip: Some(10),
                brotli: Some(8)
            })
        );
        assert!(
            root.path()
                .join("node_modules/.cache/perfscope/sizes-v1.json")
                .is_file()
        );
    }
}
