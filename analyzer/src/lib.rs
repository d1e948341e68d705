//! perfscope's static analysis: the source module graph of a JS/TS project
//! ([`source`]) and the output folder of a bundler ([`bundle`]).
//!
//! Gathering (file system, parsing, compressing) is separate from computing
//! the report and its findings from the gathered facts. A few computing steps
//! still read files, each named where it lives: installed packages'
//! `package.json` in [`source::findings`], framework route manifests in
//! [`bundle`].
//!
//! What both analyses read from the project folder ([`project`]) is read
//! once; the pieces both use live here once: the HTML scanner ([`html`]),
//! package names of `node_modules` paths ([`packages`]), compressed sizes
//! ([`compress`]) and safe file reads ([`fsx`]).

pub mod bundle;
pub mod compress;
pub mod depth;
pub mod fsx;
pub mod html;
pub mod packages;
pub mod project;
pub mod source;
