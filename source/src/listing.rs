//! The file system as the resolver sees it, answered from folder listings.
//!
//! Resolving `./button` tries `button`, `button.ts`, `button.tsx`... and the
//! resolver asks the OS about each candidate (one `statx` each, most of them
//! failing). Here each folder is read once (`readdir` gives every entry's type
//! for free) and every later question about a path in it is a table lookup.
//! Whenever the listing cannot answer exactly, the OS is asked as before:
//! symlinks (followed by `stat`), unknown entry types, folders that cannot be
//! listed, and folders that match names case-insensitively (a listing answers
//! byte-exact names only).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use oxc_resolver::{FileMetadata, FileSystem, FileSystemOs, ResolveError};

/// Manifests (`package.json`, `tsconfig.json`) larger than this are not read.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// What a folder listing says about one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link (not followed).
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

/// What is known about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Listed with this kind.
    Found(Kind),
    /// Its folder is listed and does not hold it (or its folder does not exist).
    Missing,
    /// The listings cannot tell: ask the OS.
    Unknown,
}

/// A folder's state.
#[derive(Debug, Clone)]
enum Folder {
    /// Entries by name.
    Listed(Arc<HashMap<OsString, Kind>>),
    /// Not a folder (missing, or a file): nothing is inside.
    Absent,
    /// Cannot be listed, or matches names case-insensitively: ask the OS.
    Unknown,
}

/// Folder listings, read on first use and shared between threads.
#[derive(Debug, Default)]
pub struct Listings {
    folders: RwLock<HashMap<OsString, Folder>>,
    /// Workspace packages seen as if installed: `<repo>/node_modules/<name>`
    /// → the package's folder (what a workspace install's symlink does).
    links: RwLock<Vec<(PathBuf, PathBuf)>>,
}

impl Listings {
    /// Shows each `(link, target)` folder at `link`, unless something is
    /// really there.
    pub fn set_links(&self, links: Vec<(PathBuf, PathBuf)>) {
        let links = links
            .into_iter()
            .filter(|(link, _)| std::fs::symlink_metadata(link).is_err())
            .collect();
        if let Ok(mut slot) = self.links.write() {
            *slot = links;
        }
    }

    /// `path` with a link prefix replaced by its target.
    fn translate<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        let Ok(links) = self.links.read() else {
            return std::borrow::Cow::Borrowed(path);
        };
        for (link, target) in links.iter() {
            if project::fsx::is_under(path, link)
                && let Ok(rest) = path.strip_prefix(link)
            {
                return std::borrow::Cow::Owned(target.join(rest));
            }
        }
        std::borrow::Cow::Borrowed(path)
    }

    /// Whether `path` is a folder that only exists to hold links
    /// (`<repo>/node_modules`, `<repo>/node_modules/@scope`).
    fn is_link_parent(&self, path: &Path) -> bool {
        self.links.read().is_ok_and(|links| {
            links
                .iter()
                .any(|(link, _)| link != path && project::fsx::is_under(link, path))
        }) && std::fs::metadata(path).is_err()
    }

    /// What the listings say about `path` (an absolute, normalized path).
    pub fn lookup(&self, path: &Path) -> Lookup {
        let (Some(parent), Some(Component::Normal(name))) =
            (path.parent(), path.components().next_back())
        else {
            return Lookup::Unknown;
        };
        match self.folder(parent) {
            Folder::Listed(entries) => match entries.get(name) {
                Some(kind) => Lookup::Found(*kind),
                None => Lookup::Missing,
            },
            Folder::Absent => Lookup::Missing,
            Folder::Unknown => Lookup::Unknown,
        }
    }

    fn folder(&self, dir: &Path) -> Folder {
        let key = dir.as_os_str();
        if let Some(folder) = self
            .folders
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
        {
            return folder.clone();
        }
        // What the parent's listing says about this folder (recursively listed).
        let folder = match self.lookup(dir) {
            Lookup::Found(Kind::File | Kind::Other) | Lookup::Missing => Folder::Absent,
            Lookup::Found(Kind::Dir | Kind::Symlink) | Lookup::Unknown => read_folder(dir),
        };
        self.folders
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(key.to_os_string())
            .or_insert(folder)
            .clone()
    }
}

/// Lists `dir`; `Unknown` when it cannot be listed or is case-insensitive.
fn read_folder(dir: &Path) -> Folder {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Folder::Unknown;
    };
    let mut entries = HashMap::new();
    for entry in read {
        let Ok(entry) = entry else {
            return Folder::Unknown;
        };
        // From the listing itself where the file system gives the type.
        let Ok(file_type) = entry.file_type() else {
            return Folder::Unknown;
        };
        let kind = if file_type.is_symlink() {
            Kind::Symlink
        } else if file_type.is_file() {
            Kind::File
        } else if file_type.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        };
        entries.insert(entry.file_name(), kind);
    }
    if case_insensitive(dir, &entries) {
        return Folder::Unknown;
    }
    Folder::Listed(Arc::new(entries))
}

/// Whether `dir` finds an entry under another letter case (macOS, Windows,
/// casefolded ext4): then a missing name in the listing proves nothing.
fn case_insensitive(dir: &Path, entries: &HashMap<OsString, Kind>) -> bool {
    let probe = entries
        .keys()
        .filter_map(|name| name.to_str())
        .find_map(|name| {
            let flipped: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            (flipped != name && !entries.contains_key(OsStr::new(&flipped))).then_some(flipped)
        });
    match probe {
        Some(flipped) => std::fs::symlink_metadata(dir.join(flipped)).is_ok(),
        // No name with letters to flip: letter case cannot matter here.
        None => false,
    }
}

/// The resolver's file system: listings first, the OS when they cannot tell.
#[derive(Debug, Clone, Default)]
pub struct ListingFs(pub Arc<Listings>);

const FILE: FileMetadata = FileMetadata::new(true, false, false);
const DIR: FileMetadata = FileMetadata::new(false, true, false);
const SYMLINK: FileMetadata = FileMetadata::new(false, false, true);

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

impl FileSystem for ListingFs {
    fn new() -> Self {
        Self::default()
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        // Only regular files: a FIFO named `package.json` or `tsconfig.json`
        // would block `open()` forever.
        let path = self.0.translate(path);
        project::fsx::read_regular(&path, MAX_MANIFEST_BYTES)?.ok_or_else(not_found)
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        FileSystemOs::validate_string(self.read(path)?)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        if self.0.is_link_parent(path) {
            return Ok(DIR);
        }
        let path = &*self.0.translate(path);
        match self.0.lookup(path) {
            Lookup::Found(Kind::File) => Ok(FILE),
            Lookup::Found(Kind::Dir) => Ok(DIR),
            Lookup::Missing => Err(not_found()),
            Lookup::Found(Kind::Symlink | Kind::Other) | Lookup::Unknown => {
                FileSystemOs::metadata(path)
            }
        }
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        if self.0.is_link_parent(path) {
            return Ok(DIR);
        }
        let path = &*self.0.translate(path);
        match self.0.lookup(path) {
            Lookup::Found(Kind::File) => Ok(FILE),
            Lookup::Found(Kind::Dir) => Ok(DIR),
            Lookup::Found(Kind::Symlink) => Ok(SYMLINK),
            Lookup::Missing => Err(not_found()),
            Lookup::Found(Kind::Other) | Lookup::Unknown => FileSystemOs::symlink_metadata(path),
        }
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        FileSystemOs::read_link(&self.0.translate(path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        FileSystemOs::canonicalize(&self.0.translate(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listings agree with the OS on real fixture paths: files, folders,
    /// missing names, children of files, symlinks.
    #[test]
    fn lookups_agree_with_the_os() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/shop-app"))
            .canonicalize()
            .unwrap();
        let fs = ListingFs::default();
        let mut paths = vec![
            root.clone(),
            root.join("src"),
            root.join("src/App.tsx"),
            root.join("src/App"),
            root.join("src/App.ts"),
            root.join("src/App.tsx/tsconfig.json"),
            root.join("src/nowhere/index.ts"),
            root.join("tsconfig.json"),
            root.join("node_modules"),
        ];
        for entry in walk_all(&root) {
            paths.push(entry);
        }
        assert!(paths.len() > 20, "fixture too small");
        for path in &paths {
            let os = FileSystemOs::symlink_metadata(path).ok();
            let ours = fs.symlink_metadata(path).ok();
            assert_eq!(
                os.map(|m| (m.is_file(), m.is_dir(), m.is_symlink())),
                ours.map(|m| (m.is_file(), m.is_dir(), m.is_symlink())),
                "symlink_metadata of {}",
                path.display()
            );
            let os = FileSystemOs::metadata(path).ok();
            let ours = fs.metadata(path).ok();
            assert_eq!(
                os.map(|m| (m.is_file(), m.is_dir())),
                ours.map(|m| (m.is_file(), m.is_dir())),
                "metadata of {}",
                path.display()
            );
        }
    }

    /// Symlinks (to a file, to a folder, dangling, in a loop) and a path
    /// through a symlinked folder: the listings defer to the OS and agree.
    #[cfg(unix)]
    #[test]
    fn symlinks_agree_with_the_os() {
        use std::os::unix::fs::symlink;
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("pkg/lib")).unwrap();
        std::fs::write(root.join("pkg/lib/index.js"), "export {};\n").unwrap();
        symlink(root.join("pkg/lib/index.js"), root.join("to-file.js")).unwrap();
        symlink(root.join("pkg"), root.join("to-dir")).unwrap();
        symlink(root.join("gone"), root.join("dangling")).unwrap();
        symlink("loop-b", root.join("loop-a")).unwrap();
        symlink("loop-a", root.join("loop-b")).unwrap();
        let fs = ListingFs::default();
        for rel in [
            "to-file.js",
            "to-dir",
            "to-dir/lib",
            "to-dir/lib/index.js",
            "to-dir/lib/missing.js",
            "dangling",
            "dangling/x.js",
            "loop-a",
            "loop-a/x.js",
            "pkg/lib/index.js/x",
        ] {
            let path = root.join(rel);
            let os = FileSystemOs::symlink_metadata(&path).ok();
            let ours = fs.symlink_metadata(&path).ok();
            assert_eq!(
                os.map(|m| (m.is_file(), m.is_dir(), m.is_symlink())),
                ours.map(|m| (m.is_file(), m.is_dir(), m.is_symlink())),
                "symlink_metadata of {rel}"
            );
            let os = FileSystemOs::metadata(&path).ok();
            let ours = fs.metadata(&path).ok();
            assert_eq!(
                os.map(|m| (m.is_file(), m.is_dir())),
                ours.map(|m| (m.is_file(), m.is_dir())),
                "metadata of {rel}"
            );
        }
    }

    fn walk_all(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(read) = std::fs::read_dir(dir) else {
            return out;
        };
        for entry in read.flatten() {
            let path = entry.path();
            out.push(path.clone());
            out.push(path.join("index.ts"));
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk_all(&path));
            }
        }
        out
    }
}
