//! A position in a served script (a long animation frame's
//! `sourceCharPosition`) to the original module and package, through the
//! script's source map, and a map's mappings for attributing ranges of
//! generated code (unused JavaScript). Pure: the caller fetches the script
//! and its map (as the page would, from the same server).

use project::packages::{normalize_source, package_of};
use sourcemap::DecodedMap;

/// The `sourceMappingURL` of a script: the last `//# sourceMappingURL=`
/// (or `//@`) comment in its final lines.
pub fn map_reference(script: &str) -> Option<String> {
    let tail_start = script.len().saturating_sub(64 * 1024);
    let tail = script.get(tail_start..).unwrap_or(script);
    tail.lines().rev().take(20).find_map(|line| {
        let line = line.trim();
        let rest = line
            .strip_prefix("//# sourceMappingURL=")
            .or_else(|| line.strip_prefix("//@ sourceMappingURL="))?;
        let url = rest.split_whitespace().next()?;
        (!url.is_empty()).then(|| url.to_string())
    })
}

/// Line and column (0-based, columns in UTF-16 units as source maps count
/// them) of a character position (a JavaScript string index: UTF-16 units).
pub fn position(script: &str, char_pos: u64) -> Option<(u32, u32)> {
    let (mut line, mut col, mut at) = (0u32, 0u32, 0u64);
    for c in script.chars() {
        if at >= char_pos {
            return Some((line, col));
        }
        let units = c.len_utf16() as u64;
        at += units;
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += units as u32;
        }
    }
    (at == char_pos).then_some((line, col))
}

/// A parsed source map.
pub struct ScriptMap(DecodedMap);

/// A source map's sources and mappings ([`ScriptMap::segments`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Segments {
    /// The original sources, normalised, by index.
    pub sources: Vec<String>,
    /// Each mapping: generated line, generated column (UTF-16 units), the
    /// index of its source (`None`: a mapping to no source), sorted.
    pub mappings: Vec<(u32, u32, Option<u32>)>,
}

impl ScriptMap {
    /// Parses a source map (regular or indexed); `None` when it is not one.
    pub fn parse(bytes: &[u8]) -> Option<ScriptMap> {
        sourcemap::decode_slice(bytes).ok().map(ScriptMap)
    }

    /// The original module (normalised, `/`-separated) and its package at
    /// a generated position.
    pub fn original(&self, line: u32, col: u32) -> Option<(String, Option<String>)> {
        let token = self.0.lookup_token(line, col)?;
        if token.get_dst_line() != line {
            return None;
        }
        let module = normalize_source(token.get_source()?);
        let package = package_of(&module).map(|p| p.name);
        Some((module, package))
    }

    /// The original sources, normalised (`/`-separated, without `./`,
    /// `../` or a `webpack://` prefix), and every mapping in generated
    /// order (line, then column; stable): its generated line and column
    /// (UTF-16 units) and the index of its source in the first list, `None`
    /// for a mapping without one. An index map is flattened first (`None`
    /// when it cannot be).
    pub fn segments(&self) -> Option<Segments> {
        let flattened;
        let map: &sourcemap::SourceMap = match &self.0 {
            DecodedMap::Regular(map) => map,
            DecodedMap::Hermes(map) => map,
            DecodedMap::Index(index) => {
                flattened = index.flatten().ok()?;
                &flattened
            }
        };
        let sources = map.sources().map(normalize_source).collect();
        let mut mappings: Vec<(u32, u32, Option<u32>)> = map
            .tokens()
            .map(|t| {
                let source = t.has_source().then(|| t.get_src_id());
                (t.get_dst_line(), t.get_dst_col(), source)
            })
            .collect();
        mappings.sort_by_key(|(line, col, _)| (*line, *col));
        Some(Segments { sources, mappings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_reference() {
        let script =
            "var a=1;\n//# sourceMappingURL=old.map\nvar b;\n//# sourceMappingURL=app.js.map\n";
        assert_eq!(map_reference(script).as_deref(), Some("app.js.map"));
        assert_eq!(map_reference("var a = 1;"), None);
    }

    #[test]
    fn char_positions_count_utf16_units() {
        let script = "ab\nc€d\n😀x";
        assert_eq!(position(script, 0), Some((0, 0)));
        assert_eq!(position(script, 3), Some((1, 0)));
        assert_eq!(position(script, 5), Some((1, 2)));
        // The emoji takes two units.
        assert_eq!(position(script, 9), Some((2, 2)));
        assert_eq!(position(script, 99), None);
    }

    #[test]
    fn maps_to_module_and_package() {
        // Two generated lines: line 0 from src/App.jsx, line 1 from
        // node_modules/react-dom (webpack-style source names).
        let map = br#"{"version":3,"sources":["webpack://app/./src/App.jsx","webpack://app/./node_modules/react-dom/cjs/react-dom.development.js"],"names":[],"mappings":"AAAA;ACAA"}"#;
        let map = ScriptMap::parse(map).unwrap();
        assert_eq!(map.original(0, 4), Some(("src/App.jsx".to_string(), None)));
        assert_eq!(
            map.original(1, 0),
            Some((
                "node_modules/react-dom/cjs/react-dom.development.js".to_string(),
                Some("react-dom".to_string())
            ))
        );
        assert!(ScriptMap::parse(b"not a map").is_none());
    }
}
