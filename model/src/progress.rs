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

/// What a [`Progress`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A step of long work.
    Step(Step<'a>),
    /// Something the user should know now, while the work goes on (a slow
    /// step ahead and how to skip it): shown even where progress is not.
    Note(&'a str),
}

/// The function a [`Progress`] calls.
type Sink = dyn Fn(Event<'_>) + Send + Sync;

/// Where progress goes. Cloning shares the same sink; the default discards.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Sink>>);

impl Progress {
    /// A sink that calls `f` for every event.
    pub fn new(f: impl Fn(Event<'_>) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// Reports that `done` of `total` units of `stage` are finished.
    pub fn step(&self, stage: &str, done: usize, total: usize) {
        if let Some(f) = &self.0 {
            f(Event::Step(Step { stage, done, total }));
        }
    }

    /// Tells the user something now (see [`Event::Note`]).
    pub fn note(&self, message: &str) {
        if let Some(f) = &self.0 {
            f(Event::Note(message));
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
        let progress = Progress::new(move |event| {
            sink.lock().unwrap().push(match event {
                Event::Step(s) => format!("{} {}/{}", s.stage, s.done, s.total),
                Event::Note(n) => format!("note {n}"),
            })
        });
        progress.clone().step("runs", 1, 3);
        progress.note("slow");
        Progress::default().step("runs", 2, 3);
        assert_eq!(*seen.lock().unwrap(), ["runs 1/3", "note slow"]);
    }
}
