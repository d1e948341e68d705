//! Human formatting of sizes, times and ratios, shared by the HTML and Markdown.
//!
//! Sizes use decimal units like size-limit and `perfscope bundle`: 1 KB = 1000 bytes.

/// `1234` → `1.23 KB`; decimal units.
pub fn bytes(value: u64) -> String {
    let v = value as f64;
    if value < 1000 {
        format!("{value} B")
    } else if value < 1_000_000 {
        format!("{} KB", trim(v / 1e3))
    } else if value < 1_000_000_000 {
        format!("{} MB", trim(v / 1e6))
    } else {
        format!("{} GB", trim(v / 1e9))
    }
}

/// A signed byte delta: `+1.2 KB`, `−300 B`, `0 B`.
pub fn signed_bytes(delta: f64) -> String {
    let magnitude = bytes(delta.abs().round() as u64);
    sign(delta, magnitude)
}

/// Milliseconds: `850 ms`, `1.25 s`.
pub fn ms(value: f64) -> String {
    if value.abs() < 1000.0 {
        format!("{} ms", value.round() as i64)
    } else {
        format!("{} s", trim(value / 1000.0))
    }
}

/// A signed time delta: `+120 ms`, `−1.2 s`.
pub fn signed_ms(delta: f64) -> String {
    sign(delta, ms(delta.abs()))
}

/// A unitless score such as CLS: `0.123`.
pub fn score(value: f64) -> String {
    format!("{value:.3}")
}

/// A signed score delta: `+0.050`.
pub fn signed_score(delta: f64) -> String {
    sign(delta, score(delta.abs()))
}

/// A ratio as a signed percentage: `0.125` → `+12.5%`.
pub fn signed_percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    let text = if pct.abs() >= 100.0 {
        format!("{}%", pct.abs().round() as i64)
    } else {
        format!("{:.1}%", pct.abs())
    };
    sign(ratio, text)
}

/// A ratio as a percentage without sign: `0.125` → `12.5%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

fn sign(value: f64, magnitude: String) -> String {
    if value > 0.0 {
        format!("+{magnitude}")
    } else if value < 0.0 {
        format!("\u{2212}{magnitude}")
    } else {
        magnitude
    }
}

/// Two significant decimals at most, trailing zeros removed: `1.50` → `1.5`.
fn trim(value: f64) -> String {
    let text = if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1 KB");
        assert_eq!(bytes(1234), "1.23 KB");
        assert_eq!(bytes(182_400), "182 KB");
        assert_eq!(bytes(2_500_000), "2.5 MB");
    }

    #[test]
    fn deltas_carry_a_sign() {
        assert_eq!(signed_bytes(-18_000.0), "\u{2212}18 KB");
        assert_eq!(signed_bytes(1500.0), "+1.5 KB");
        assert_eq!(signed_ms(120.4), "+120 ms");
        assert_eq!(signed_percent(0.125), "+12.5%");
        assert_eq!(signed_percent(-2.0), "\u{2212}200%");
        assert_eq!(ms(1250.0), "1.25 s");
        assert_eq!(signed_score(0.05), "+0.050");
    }
}
