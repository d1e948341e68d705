//! Units: sizes are decimal everywhere, **1 KB = 1000 bytes** and 1 MB =
//! 1000 KB (as size-limit and the README say). One function formats bytes for
//! every output (terminal, Markdown, HTML); one parses the limits users write.

/// `1234` → `1.23 KB`: decimal units, at most two decimals, trailing zeros removed.
pub fn format_bytes(value: u64) -> String {
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
pub fn format_signed_bytes(delta: f64) -> String {
    signed(delta, format_bytes(delta.abs().round() as u64))
}

/// Milliseconds: `850 ms`, `1.25 s`.
pub fn format_ms(value: f64) -> String {
    if value.abs() < 1000.0 {
        format!("{} ms", value.round() as i64)
    } else {
        format!("{} s", trim(value / 1000.0))
    }
}

/// A unitless score such as CLS: `0.123`.
pub fn format_score(value: f64) -> String {
    format!("{value:.3}")
}

/// A ratio as a signed percentage: `0.125` → `+12.5%`.
pub fn format_signed_percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    let text = if pct.abs() >= 100.0 {
        format!("{}%", pct.abs().round() as i64)
    } else {
        format!("{:.1}%", pct.abs())
    };
    signed(ratio, text)
}

/// A ratio as a percentage without sign: `0.125` → `12.5%`.
pub fn format_percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// `magnitude` with the sign of `value`: `+`, `−` (U+2212) or nothing for 0.
pub fn signed(value: f64, magnitude: String) -> String {
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

/// Parses a size such as `"250 KB"`, `"1.5MB"`, `"512"`, `"10 KiB"`
/// (decimal KB/MB/GB, binary KiB/MiB/GiB). Negative, non-finite and unknown
/// units are errors naming the text.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a size (expected e.g. \"250 KB\")"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "`{text}`: unknown size unit `{other}` (use B, KB, MB, KiB, MiB)"
            ));
        }
    };
    let bytes = (number * factor).round();
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("`{text}` is not a size"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(1000), "1 KB");
        assert_eq!(format_bytes(1234), "1.23 KB");
        assert_eq!(format_bytes(182_400), "182 KB");
        assert_eq!(format_bytes(2_500_000), "2.5 MB");
    }

    #[test]
    fn deltas_carry_a_sign() {
        assert_eq!(format_signed_bytes(-18_000.0), "\u{2212}18 KB");
        assert_eq!(format_signed_bytes(1500.0), "+1.5 KB");
        assert_eq!(signed(120.4, format_ms(120.4)), "+120 ms");
        assert_eq!(format_signed_percent(0.125), "+12.5%");
        assert_eq!(format_signed_percent(-2.0), "\u{2212}200%");
        assert_eq!(format_ms(1250.0), "1.25 s");
        assert_eq!(signed(0.05, format_score(0.05)), "+0.050");
    }

    #[test]
    fn parses_decimal_and_binary_units() {
        assert_eq!(parse_size("250 KB"), Ok(250_000));
        assert_eq!(parse_size("10 kB"), Ok(10_000));
        assert_eq!(parse_size("1.5MB"), Ok(1_500_000));
        assert_eq!(parse_size("1 KiB"), Ok(1024));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("1 s").is_err());
        assert!(parse_size("KB").is_err());
        assert!(parse_size("-5 KB").is_err());
        assert!(parse_size("1e400 KB").is_err());
    }
}
