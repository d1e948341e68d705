//! Starting the app's own server for the measurement (`[vitals] start`), as
//! Lighthouse CI's `startServerCommand` does: a framework app that renders on
//! the server (Next.js, React Router) cannot be served as static files.
//!
//! perfscope picks a free port on 127.0.0.1, runs the command through `sh -c`
//! in the project folder with `{port}` replaced (and `PORT` and `HOSTNAME`
//! set, which Next.js, React Router's server and most Node servers read),
//! waits until `http://127.0.0.1:<port>/` answers any HTTP response, and
//! stops the command's whole process group when the measurement ends.
//!
//! The server's output (stdout and stderr) goes to a new file
//! `perfscope-server-<port>-<random>.log` in the system's temporary folder
//! ([`std::env::temp_dir`]: `$TMPDIR`, else `/tmp`), created exclusively (an
//! existing file or link is never opened). The log is not deleted when the
//! server stops; when the server
//! exits or does not answer in time, the error names that file and quotes its
//! last lines.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::VitalsError;

/// The command and how long it may take to answer.
#[derive(Debug, Clone)]
pub struct StartCommand {
    /// Shell command, `{port}` replaced by the chosen port.
    pub command: String,
    /// Folder it runs in (the project).
    pub cwd: PathBuf,
    /// How long the server may take before its first answer.
    pub timeout: Duration,
}

/// A server started for the measurement; stopped when dropped.
#[derive(Debug)]
pub struct RunningServer {
    child: Child,
    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub origin: String,
    /// Where its output goes: `perfscope-server-<port>-<random>.log` in
    /// [`std::env::temp_dir`] (kept after the server stops).
    pub log: PathBuf,
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Whether an HTTP server answers on `port` (any status).
fn answers(port: u16) -> bool {
    let address = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    let Ok(mut stream) = TcpStream::connect_timeout(&address.into(), Duration::from_millis(500))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    head[..read].starts_with(b"HTTP/")
}

/// The last lines of the log (at most 2 KB), for an error message.
fn tail(log: &Path) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let start = text.len().saturating_sub(2048);
    let text = String::from_utf8_lossy(&text[start..]);
    let lines: Vec<&str> = text.lines().rev().take(8).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join("\n")
}

impl RunningServer {
    /// Starts `start` and waits until it answers.
    pub async fn start(start: &StartCommand) -> Result<RunningServer, VitalsError> {
        let start = start.clone();
        tokio::task::spawn_blocking(move || Self::start_blocking(&start))
            .await
            .map_err(|e| VitalsError::Start {
                command: String::new(),
                message: format!("the start task failed: {e}"),
                log: String::new(),
            })?
    }

    fn start_blocking(start: &StartCommand) -> Result<RunningServer, VitalsError> {
        let io = |source| VitalsError::Io {
            path: "127.0.0.1".into(),
            source,
        };
        let port = free_port().map_err(io)?;
        let command = start.command.replace("{port}", &port.to_string());
        // A new file with a random name (created exclusively: never through
        // a link someone planted in the shared temporary folder), kept.
        let (out, log) = tempfile::Builder::new()
            .prefix(&format!("perfscope-server-{port}-"))
            .suffix(".log")
            .tempfile()
            .and_then(|f| f.keep().map_err(|e| e.error))
            .map_err(|source| VitalsError::Io {
                path: std::env::temp_dir().display().to_string(),
                source,
            })?;
        let err = out.try_clone().map_err(|source| VitalsError::Io {
            path: log.display().to_string(),
            source,
        })?;
        let fail = |message: String| VitalsError::Start {
            command: command.clone(),
            message,
            log: log.display().to_string(),
        };
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&start.cwd)
            .env("PORT", port.to_string())
            .env("HOSTNAME", "127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            // Its own process group: stopping it stops what it started.
            .process_group(0)
            .spawn()
            .map_err(|e| fail(format!("cannot run it: {e}")))?;
        let deadline = Instant::now() + start.timeout;
        loop {
            if answers(port) {
                return Ok(RunningServer {
                    child,
                    origin: format!("http://127.0.0.1:{port}"),
                    log,
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(fail(format!(
                    "it exited ({status}) before answering on port {port}; its last output:\n{}",
                    tail(&log)
                )));
            }
            if Instant::now() >= deadline {
                stop(&mut child);
                return Err(fail(format!(
                    "nothing answered on http://127.0.0.1:{port}/ within {} s (does the command use {{port}} or $PORT, and bind 127.0.0.1?); its last output:\n{}",
                    start.timeout.as_secs(),
                    tail(&log)
                )));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Stops the process group: SIGTERM, then SIGKILL after 3 s.
fn stop(child: &mut Child) {
    let Ok(pid) = i32::try_from(child.id()) else {
        return;
    };
    // SAFETY: signalling a process group we created; no memory is touched.
    unsafe {
        libc::kill(-pid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: as above.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    let _ = child.wait();
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
