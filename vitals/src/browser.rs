//! Finding, launching and always stopping Chromium.
//!
//! perfscope starts Chromium itself (in its own process group, with a fresh
//! profile in a temporary folder) and connects chromiumoxide to the DevTools
//! socket it prints. [`ChromiumProcess`] kills the whole process group when it
//! is dropped, so no Chromium process outlives a run, whatever happened.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::VitalsError;

/// Flags that keep headless Chromium quiet on a closed network (see
/// `docs`/machine notes); `--no-sandbox` is added separately.
pub const QUIET_FLAGS: &[&str] = &[
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    // The WebUI omnibox popup renderer starts with the browser and every new
    // context and burns CPU inside the measured window (see `../shared`
    // notes): FCP 406–497 ms instead of 257 ms on a 2-core machine.
    "--disable-features=Translate,MediaRouter,OptimizationHints,WebUIOmniboxPopup,WebUIOmniboxAimPopup,AimServerEligibility",
];

/// Finds a Chromium executable: `CHROME_PATH`, `PATH`, the usual install
/// places, then Playwright's and Puppeteer's browsers (see
/// [`crate::discover`]).
pub fn find_chromium() -> Result<PathBuf, VitalsError> {
    crate::discover::Discovery::from_env().find()
}

/// Whether the current process runs as root (Chromium's sandbox refuses root).
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// How to launch Chromium.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// The executable; found with [`find_chromium`] when `None`.
    pub executable: Option<PathBuf>,
    /// Disable the sandbox even when not running as root.
    pub no_sandbox: bool,
    /// How long to wait for the DevTools socket.
    pub timeout: Duration,
    /// A visible window (`--headed`) instead of headless.
    pub headed: bool,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            executable: None,
            no_sandbox: false,
            timeout: Duration::from_secs(20),
            headed: false,
        }
    }
}

/// A Chromium we launched. Dropping it kills its whole process group.
#[derive(Debug)]
pub struct ChromiumProcess {
    child: Child,
    pgid: i32,
    ws_url: String,
    _profile: tempfile::TempDir,
}

impl ChromiumProcess {
    /// Launches headless Chromium with a fresh profile and waits for its
    /// DevTools socket.
    pub async fn launch(options: &LaunchOptions) -> Result<ChromiumProcess, VitalsError> {
        let executable = match &options.executable {
            Some(path) => path.clone(),
            None => find_chromium()?,
        };
        let profile = tempfile::Builder::new()
            .prefix(&format!("{}-", profile_prefix()))
            .tempdir()
            .map_err(|source| VitalsError::Io {
                path: std::env::temp_dir().display().to_string(),
                source,
            })?;
        let mut command = Command::new(&executable);
        let flags = QUIET_FLAGS
            .iter()
            .filter(|f| !(options.headed && matches!(**f, "--headless=new" | "--hide-scrollbars")));
        command
            .args(flags)
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()));
        if options.no_sandbox || running_as_root() {
            command.arg("--no-sandbox");
        }
        command
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            command.process_group(0);
        }
        // If perfscope dies without running destructors (Ctrl-C, SIGKILL), the
        // kernel kills the browser too; its helpers exit with it.
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt as _;
            // SAFETY: only async-signal-safe calls (prctl) between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().map_err(|source| VitalsError::Launch {
            path: executable.display().to_string(),
            message: source.to_string(),
        })?;
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let stderr = child.stderr.take();
        let (tx, rx) = tokio::sync::oneshot::channel::<String>();
        // Reads stderr until the socket line, then keeps draining it so that
        // Chromium never blocks on a full pipe.
        std::thread::spawn(move || {
            let Some(stderr) = stderr else { return };
            let mut tx = Some(tx);
            let mut tail = Vec::new();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("DevTools listening on ").nth(1) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(rest.trim().to_string());
                    }
                } else if tx.is_some() && tail.len() < 20 {
                    tail.push(line);
                }
            }
            if let Some(tx) = tx.take() {
                let _ = tx.send(format!("EXIT:{}", tail.join("\n")));
            }
        });
        let mut process = ChromiumProcess {
            child,
            pgid,
            ws_url: String::new(),
            _profile: profile,
        };
        match tokio::time::timeout(options.timeout, rx).await {
            Ok(Ok(line)) if line.starts_with("ws://") => {
                process.ws_url = line;
                Ok(process)
            }
            Ok(Ok(line)) => Err(VitalsError::Launch {
                path: executable.display().to_string(),
                message: format!(
                    "Chromium exited before opening its DevTools socket: {}",
                    line.trim_start_matches("EXIT:").trim()
                ),
            }),
            Ok(Err(_)) => Err(VitalsError::Launch {
                path: executable.display().to_string(),
                message: "Chromium closed its output before opening its DevTools socket".into(),
            }),
            Err(_) => Err(VitalsError::Launch {
                path: executable.display().to_string(),
                message: format!(
                    "no DevTools socket after {} s",
                    options.timeout.as_secs_f64()
                ),
            }),
        }
    }

    /// Whether the browser process has exited (a person closed its last
    /// window).
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// The browser's DevTools WebSocket URL.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// Process id of the browser process (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills every process of the browser's process group and reaps the browser.
    pub fn kill(&mut self) {
        if self.pgid > 0 {
            // SAFETY: kill has no memory-safety preconditions; a negative pid
            // addresses the process group we created for this browser only.
            unsafe {
                libc::kill(-self.pgid, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ChromiumProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Prefix of the profile folders this process creates:
/// `perfscope-chromium-<pid>` (so concurrent perfscope processes can tell
/// their browsers apart).
pub fn profile_prefix() -> String {
    format!("perfscope-chromium-{}", std::process::id())
}

/// Ids of the live (not zombie) processes whose command line names a profile
/// folder this process created (see [`profile_prefix`]): Chromium processes
/// launched by this process that are still running (Linux `/proc`; empty
/// elsewhere).
pub fn perfscope_chromium_processes() -> Vec<u32> {
    let prefix = format!("{}-", profile_prefix());
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if !String::from_utf8_lossy(&cmdline).contains(&prefix) {
            continue;
        }
        let zombie = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                stat.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
            })
            .unwrap_or(true);
        if !zombie {
            found.push(pid);
        }
    }
    found
}
