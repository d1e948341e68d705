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

/// The bytes the nesting estimate looks at; the others only matter as the
/// byte before a `<` or `?`.
static MATTERS: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"([{)]};,?=</";
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

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
    while i < text.len() {
        // Bytes that change nothing are skipped in one go; `previous` is
        // the last non-blank byte before the next one that matters.
        let start = i;
        while text.get(i).is_some_and(|b| !MATTERS[usize::from(*b)]) {
            i += 1;
        }
        if let Some(&last) = text
            .get(start..i)
            .and_then(|run| run.iter().rev().find(|b| !b.is_ascii_whitespace()))
        {
            previous = last;
        }
        let Some(&b) = text.get(i) else { break };
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

    /// The byte-by-byte scan this one replaced (it skips the bytes that
    /// change nothing): the answers must be the same.
    fn reference(text: &[u8], limit: usize) -> Option<usize> {
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

    #[test]
    fn skipping_gives_the_byte_by_byte_answers() {
        let app = include_str!("../../fixtures/shop-app/src/App.tsx");
        let mut cases: Vec<Vec<u8>> = vec![app.as_bytes().to_vec()];
        // Pseudo-random texts over the bytes that matter, blanks and letters.
        let alphabet = b"([{)]};,?=</> \n\tab.:!&|'";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [0, 1, 2, 7, 64, 500, 5000] {
            for _ in 0..40 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                cases.push(text);
            }
        }
        for text in &cases {
            for limit in [0, 1, 3, 10, 50] {
                assert_eq!(
                    too_deep(text, limit),
                    reference(text, limit),
                    "{:?}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }
}
