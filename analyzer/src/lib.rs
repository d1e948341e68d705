//! perfscope's static analysis: the source module graph of a JS/TS project
//! ([`source`]) and the output folder of a bundler ([`bundle`]).
//!
//! Gathering (file system, parsing, compressing) is separate from the findings,
//! which are pure functions over gathered facts. What both analyses read from
//! the project folder ([`project`]) is read once; the pieces both use live
//! here once: the HTML scanner ([`html`]), package names of `node_modules`
//! paths ([`packages`]), compressed sizes ([`compress`]) and safe file reads
//! ([`fsx`]).

pub mod bundle;
pub mod compress;
pub mod depth;
pub mod fsx;
pub mod html;
pub mod packages;
pub mod project;
pub mod source;
