//! perfscope's static analysis: the source module graph of a JS/TS project
//! ([`source`]) and the output folder of a bundler ([`bundle`]).
//!
//! Gathering (file system, parsing, compressing) is separate from the findings,
//! which are pure functions over gathered facts.

pub mod bundle;
pub mod source;
