//! Reading files that a project names, safely: only regular files are opened
//! (a FIFO or a device named `package.json` would block `open()` forever),
//! with a size limit, and a file that turns into something else between the
//! check and the open is refused.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Reads `path` if it is a regular file (symlinks followed) of at most `max`
/// bytes. `Ok(None)` when nothing exists there; an error names the problem
/// (not a regular file, too large, unreadable).
pub fn read_regular(path: &Path, max: u64) -> io::Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > max {
        return Err(too_large(meta.len(), max));
    }
    let file = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading only if it is a regular file: opened without
/// blocking (so a FIFO swapped in after a check cannot hang), then checked.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    #[cfg(unix)]
    clear_nonblocking(&file);
    Ok(file)
}

/// Regular files ignore `O_NONBLOCK`; clear it anyway so reads behave as usual.
#[cfg(unix)]
fn clear_nonblocking(file: &File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is a valid descriptor owned by `file` for this call.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a folder, FIFO, socket or device)",
    )
}

fn too_large(size: u64, max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("too large ({size} bytes; the limit is {max})"),
    )
}

/// A JSON error's message without serde_json's ` at line L column C` suffix
/// (callers give the position themselves).
pub fn json_problem(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), Some(b"{}".to_vec()));
        assert_eq!(read_regular(&dir.path().join("missing"), 10).unwrap(), None);
        assert!(read_regular(dir.path(), 10).is_err());
        assert!(read_regular(&file, 1).is_err());
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
            let err = read_regular(&fifo, 10).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
            assert!(open_regular(&fifo).is_err());
        }
    }

    #[test]
    fn json_problems_lose_the_position_suffix() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ,\n}").unwrap_err();
        assert_eq!(json_problem(&err), "expected value");
    }
}

/// Whether `path` is `dir` or inside it, as [`Path::starts_with`] answers
/// for normalized absolute paths, comparing bytes (the hot loops of
/// workspace ownership and link lookups call this per module and per file
/// system query).
pub fn is_under(path: &Path, dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (p, d) = (path.as_os_str().as_bytes(), dir.as_os_str().as_bytes());
        let d = d.strip_suffix(b"/").unwrap_or(d);
        p.strip_prefix(d)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"/") || d.is_empty())
    }
    #[cfg(not(unix))]
    {
        path.starts_with(dir)
    }
}

#[cfg(test)]
mod is_under_tests {
    use super::is_under;
    use std::path::Path;

    #[test]
    fn byte_prefix_respects_component_boundaries() {
        let dir = Path::new("/repo/packages/ui");
        assert!(is_under(Path::new("/repo/packages/ui"), dir));
        assert!(is_under(Path::new("/repo/packages/ui/src/a.ts"), dir));
        assert!(!is_under(Path::new("/repo/packages/ui-kit/a.ts"), dir));
        assert!(!is_under(Path::new("/repo/packages"), dir));
        assert!(is_under(Path::new("/repo/a"), Path::new("/repo/")));
        assert!(is_under(Path::new("/a"), Path::new("/")));
    }
}
