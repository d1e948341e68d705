//! What perfscope's two static analyses share, each piece once: the facts
//! read from the project folder ([`facts`]: the root `package.json`,
//! `index.html`, installed package versions), package names of specifiers
//! and `node_modules` paths ([`packages`]), the HTML scanner ([`html`]),
//! compressed sizes ([`compress`]), safe file reads ([`fsx`]) and the
//! large-stack threads parsing runs on ([`depth`]).
//!
//! The source analysis (`perfscope-source`) and the build-output analysis
//! (`perfscope-bundle`) depend on this crate and never on each other.

pub mod compress;
pub mod depth;
pub mod facts;
pub mod fsx;
pub mod html;
pub mod packages;

pub use facts::{Manifest, ProjectFacts};
