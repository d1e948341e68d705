//! Human formatting shared by the HTML, Markdown and terminal renderers. The
//! units themselves (1 KB = 1000 bytes) are defined once, in `model::units`.

pub use model::units::{
    format_bytes as bytes, format_ms as ms, format_percent as percent, format_score as score,
    format_signed_bytes as signed_bytes, format_signed_percent as signed_percent,
};
