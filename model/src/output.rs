//! Writing perfscope's output files safely (std only): an output folder or
//! file that is a symbolic link is refused, and each file is written to a
//! new temporary file in its folder, then renamed over the target, so a link
//! planted in the output folder (`report.md -> ../../victim.txt`) is replaced,
//! never written through.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; perfscope does not write through links (remove it or choose another folder)",
            path.display()
        ),
    )
}

/// Creates `dir` (and its parents) unless it exists; refuses a `dir` that is
/// a symbolic link.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if is_link(dir) {
        return Err(refused(dir));
    }
    std::fs::create_dir_all(dir)
}

/// Writes `bytes` to `dir/name` through a temporary file renamed over it.
/// Refuses a target that is a symbolic link (or a folder).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let path = dir.join(name);
    if is_link(&path) {
        return Err(refused(&path));
    }
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is a folder", path.display()),
        ));
    }
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    drop(file);
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, &path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_replaced_or_refused_never_followed() {
        let base = std::env::temp_dir().join(format!("perfscope-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let out = base.join("out");
        create_dir(&out).expect("dir");
        let victim = base.join("victim.txt");
        std::fs::write(&victim, "keep").expect("victim");
        std::os::unix::fs::symlink(&victim, out.join("report.md")).expect("link");
        assert!(write_file(&out, "report.md", b"x").is_err());
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
        std::fs::remove_file(out.join("report.md")).expect("unlink");
        let path = write_file(&out, "report.md", b"x").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"x");
        std::os::unix::fs::symlink(&out, base.join("linked")).expect("dir link");
        assert!(create_dir(&base.join("linked")).is_err());
        let _ = std::fs::remove_dir_all(&base);
    }
}
