//! Errors of the vitals library. A failed run is not an error (it becomes a
//! diagnostic); these are the failures that leave nothing to report.

/// What stopped a vitals measurement.
#[derive(Debug, thiserror::Error)]
pub enum VitalsError {
    /// No Chromium or Chrome executable was found.
    #[error(
        "no Chromium or Chrome found (tried: {}); get one with `apt-get install chromium` (Debian/Ubuntu), `npx playwright install chromium` or `npx @puppeteer/browsers install chrome@stable`, or set CHROME_PATH, or pass --browser-ws ws://… to use a running browser",
        tried.join(", ")
    )]
    NoBrowser {
        /// Every place that was looked at.
        tried: Vec<String>,
    },
    /// The browser could not be started.
    /// `--headed` on a machine without a display.
    #[error(
        "--headed opens a visible Chromium, but this machine has no display ({reason}); record the flow in Chrome DevTools' Recorder on a machine with one, export it as JSON and replay it here with --flow"
    )]
    NoDisplay {
        /// What is missing.
        reason: String,
    },
    #[error("cannot start {path}: {message}")]
    Launch {
        /// The executable.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The DevTools connection failed.
    #[error("cannot talk to the browser at {url}: {message}")]
    Connect {
        /// WebSocket URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A file or socket operation failed.
    #[error("cannot use {path}")]
    Io {
        /// The file, folder or address concerned.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The app's server (`[vitals] start`) did not start.
    #[error("`{command}` (the [vitals] start command) failed: {message} (its output: {log})")]
    Start {
        /// The command, `{port}` replaced.
        command: String,
        /// What happened.
        message: String,
        /// The log file with its output.
        log: String,
    },
    /// A saved artifact could not be read.
    #[error("{path}: not a perfscope vitals artifact: {message}")]
    Artifact {
        /// The artifact file.
        path: String,
        /// The parse error.
        message: String,
    },
}
