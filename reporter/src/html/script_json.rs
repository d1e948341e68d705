//! JSON that is safe inside `<script type="application/json">`.
//!
//! Serialised JSON can hold `</script>` or `<!--` inside strings, which would
//! end or confuse the script element. Every `<`, `>` and `&` becomes its `\u`
//! escape (they only occur inside JSON strings, where the escape means the same
//! character), and U+2028/U+2029 are escaped too so the text is also valid
//! JavaScript. `JSON.parse` of the element's text gives back the same value.

use serde::Serialize;

use crate::ReportError;

/// Serialises `value` for embedding in a `<script type="application/json">` element.
pub fn to_script_json<T: Serialize>(value: &T) -> Result<String, ReportError> {
    let json = serde_json::to_string(value).map_err(|source| ReportError::Serialize {
        what: "the treemap data",
        source,
    })?;
    Ok(escape(&json))
}

/// Escapes serialised JSON for a script element.
pub fn escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_tags_cannot_survive() {
        let value = serde_json::json!({"url": "https://x/</script><script>alert(1)</script>", "s": "a\u{2028}b&c"});
        let text = to_script_json(&value).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
