//! Metrics: pure functions of [`RunArtifacts`](crate::RunArtifacts), one file
//! per metric, with Lighthouse's definitions. Times are ms from the main
//! frame's `navigationStart`.

pub mod cls;
pub mod coverage;
pub mod cpu;
pub mod dev_server;
pub mod fcp;
pub mod heap;
pub mod inp;
pub mod issuing_tasks;
pub mod lcp;
pub mod leak;
pub mod long_tasks;
pub mod median;
pub mod network;
pub mod react;
pub mod react_sources;
pub mod spread;
pub mod step;
pub mod step_requests;
pub mod tasks;
pub mod tbt;
pub mod trace;
pub mod ttfb;
pub mod tti;

pub use trace::PageTrace;
