//! Guarding against code nested deeper than a parser can recurse.
//!
//! oxc parses and walks recursively: a file with 700 nested functions or
//! 1,300 nested parentheses overflows an 8 MB thread stack and kills the
//! process. Two defences, used together:
//!
//! - every parse and AST walk runs on [`run`]'s threads, whose stacks are
//!   [`STACK_BYTES`] large (reserved, only touched pages cost memory);
//! - before parsing, [`too_deep`] estimates in one linear scan how deeply a
//!   file nests; a file deeper than [`MAX_NESTING`] is not parsed and
//!   becomes a diagnostic naming it.
//!
//! The estimate adds up what makes recursive-descent parsers recurse:
//! open brackets `( [ {`, chained `?`/`=>` (ternaries and arrows, which
//! nest without brackets) since the last `;` or `,` at the same bracket
//! level, and open JSX elements. Real code stays in the hundreds; the limit
//! leaves a wide margin below what [`STACK_BYTES`] can hold.

use std::sync::OnceLock;

/// Stack of the threads that parse and walk syntax trees.
pub const STACK_BYTES: usize = 512 * 1024 * 1024;

/// Files whose nesting estimate is above this are not parsed.
pub const MAX_NESTING: usize = 60_000;

/// Whether `text` nests deeper than `limit` (see the module docs); returns
/// the depth reached when it does. Stops scanning at the first excess.
pub fn too_deep(text: &[u8], limit: usize) -> Option<usize> {
    // Every level of the estimate takes at least one byte: a file no longer
    // than the limit cannot exceed it (most files; no scan needed).
    if text.len() <= limit {
        return None;
    }
    let mut brackets: usize = 0;
    // Per bracket level: `?` and `=>` since the last `;` or `,`.
    let mut chains: Vec<usize> = vec![0];
    let mut jsx: usize = 0;
    let mut previous: u8 = b';';
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        let next = text.get(i + 1).copied().unwrap_or(0);
        match b {
            b'(' | b'[' | b'{' => {
                brackets += 1;
                chains.push(0);
            }
            b')' | b']' | b'}' => {
                brackets = brackets.saturating_sub(1);
                if chains.len() > 1 {
                    chains.pop();
                }
            }
            b';' | b',' => {
                if let Some(top) = chains.last_mut() {
                    *top = 0;
                }
            }
            // A ternary (not `?.`, `??`, or TypeScript's `a?:`, `a?)`, `a?,`).
            b'?' if !matches!(next, b'.' | b'?' | b':' | b')' | b',' | b'=')
                && previous != b'?' =>
            {
                if let Some(top) = chains.last_mut() {
                    *top += 1;
                }
            }
            b'=' if next == b'>' => {
                if let Some(top) = chains.last_mut() {
                    *top += 1;
                }
                i += 1;
            }
            // `</x>` closes an element.
            b'<' if next == b'/' => jsx = jsx.saturating_sub(1),
            // `<x` opens one where an expression may start (not `a<b`, not `Array<T>`).
            b'<' if next.is_ascii_alphabetic()
                && matches!(
                    previous,
                    b'(' | b'['
                        | b'{'
                        | b','
                        | b';'
                        | b':'
                        | b'?'
                        | b'='
                        | b'&'
                        | b'|'
                        | b'>'
                        | b'!'
                        | b'}'
                ) =>
            {
                jsx += 1;
            }
            // `/>` closes a self-closing element.
            b'/' if next == b'>' => jsx = jsx.saturating_sub(1),
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            previous = b;
        }
        let depth = brackets + chains.last().copied().unwrap_or(0) + jsx;
        if depth > limit {
            return Some(depth);
        }
        i += 1;
    }
    None
}

/// Runs `work` on the analyzer's threads (rayon, [`STACK_BYTES`] stacks);
/// every parallel iterator inside uses them too. Falls back to the caller's
/// pool when those threads cannot be made.
pub fn run<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_BYTES)
            .thread_name(|i| format!("perfscope-parse-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_code_is_shallow_and_deep_nesting_is_caught() {
        let app = include_str!("../../fixtures/shop-app/src/App.tsx");
        assert_eq!(too_deep(app.as_bytes(), 50), None);
        let nest = |open: &str, close: &str, n: usize| {
            format!("x = {}1{};", open.repeat(n), close.repeat(n))
        };
        assert!(too_deep(nest("(", ")", 1000).as_bytes(), 500).is_some());
        assert!(too_deep(nest("a ? b : ", "", 1000).as_bytes(), 500).is_some());
        assert!(too_deep(nest("a => ", "", 1000).as_bytes(), 500).is_some());
        assert!(too_deep(nest("<div>", "</div>", 1000).as_bytes(), 500).is_some());
        // Siblings, comparisons, generics and optional chaining do not nest.
        let flat = "<ul>".to_string() + &"<li>a</li><img/>".repeat(1000) + "</ul>";
        assert_eq!(too_deep(flat.as_bytes(), 10), None);
        let cmp =
            "for (let i = 0; i < n; i++) { x = a<b ? c?.d ?? e : f; y: Array<T>; }\n".repeat(1000);
        assert_eq!(too_deep(cmp.as_bytes(), 10), None);
        let ts = "function f(a?: string, b?, c?) {}\n".repeat(1000);
        assert_eq!(too_deep(ts.as_bytes(), 10), None);
    }
}
