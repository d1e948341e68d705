//! Progress of long work (files parsed, assets compressed, run k of N),
//! reported by the libraries and shown by the CLI. Libraries never print: they
//! call the sink the caller gave them, if any.

use std::fmt;
use std::sync::Arc;

/// One step of progress: `done` of `total` units of `stage` are finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// What is being done, e.g. `"compressing assets"`, `"browser runs"`.
    pub stage: &'a str,
    /// Units finished so far.
    pub done: usize,
    /// Units in all (`0` when unknown).
    pub total: usize,
}

/// The function a [`Progress`] calls.
type Sink = dyn Fn(Step<'_>) + Send + Sync;

/// Where progress goes. Cloning shares the same sink; the default discards.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Sink>>);

impl Progress {
    /// A sink that calls `f` for every step.
    pub fn new(f: impl Fn(Step<'_>) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// Reports that `done` of `total` units of `stage` are finished.
    pub fn step(&self, stage: &str, done: usize, total: usize) {
        if let Some(f) = &self.0 {
            f(Step { stage, done, total });
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(sink)"
        } else {
            "Progress(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn steps_reach_the_sink_and_the_default_discards() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let progress = Progress::new(move |s| {
            sink.lock()
                .unwrap()
                .push(format!("{} {}/{}", s.stage, s.done, s.total))
        });
        progress.clone().step("runs", 1, 3);
        Progress::default().step("runs", 2, 3);
        assert_eq!(*seen.lock().unwrap(), ["runs 1/3"]);
    }
}
