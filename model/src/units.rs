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

/// The largest size [`parse_size`] accepts: 1000 TB (10^15 bytes). Far above
/// any build or budget, and still exact as a JSON number in every reader of
/// `report.json` (JavaScript's integers stay exact up to 2^53, about 9 × 10^15),
/// so a limit never turns into another number on its way to a report.
pub const MAX_SIZE: u64 = 1_000_000_000_000_000;
/// [`MAX_SIZE`] as users write it.
pub const MAX_SIZE_TEXT: &str = "1000 TB";

/// Parses a size such as `"250 KB"`, `"1.5MB"`, `"512"`, `"10 KiB"`
/// (decimal KB/MB/GB/TB, binary KiB/MiB/GiB/TiB). Negative, non-finite and
/// unknown units are errors naming the text (clipped as diagnostics quote
/// input); a size above [`MAX_SIZE`]
/// (`"999999999999 TB"`, a byte count past `u64`) is an error naming the
/// text and the largest size accepted.
pub fn parse_size(text: &str) -> Result<u64, String> {
    // The text as errors show it: clipped, control characters escaped.
    let shown = crate::diagnostic::quote(text);
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{shown}` is not a size (expected e.g. \"250 KB\")"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => {
            let other = crate::diagnostic::quote(other);
            return Err(format!(
                "`{shown}`: unknown size unit `{other}` (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)"
            ));
        }
    };
    let bytes = (number * factor).round();
    if bytes.is_nan() || bytes < 0.0 {
        return Err(format!("`{shown}` is not a size"));
    }
    // Infinity too: 400 digits are read as `inf`.
    if bytes > MAX_SIZE as f64 {
        return Err(format!(
            "`{shown}` is out of range: the largest size accepted is {MAX_SIZE_TEXT} ({MAX_SIZE} bytes)"
        ));
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

    #[test]
    fn sizes_past_the_maximum_name_the_text_and_the_maximum() {
        assert_eq!(parse_size("2 TB"), Ok(2_000_000_000_000));
        assert_eq!(parse_size("1 TiB"), Ok(1 << 40));
        assert_eq!(parse_size(MAX_SIZE_TEXT), Ok(MAX_SIZE));
        for text in [
            "999999999999 TB",
            "18446744073709551616",
            "99999999999999999999999999 GB",
            "1000.1 TB",
        ] {
            let error = parse_size(text).unwrap_err();
            assert!(
                error.contains(&format!("`{text}` is out of range")),
                "{error}"
            );
            assert!(
                error.contains("the largest size accepted is 1000 TB"),
                "{error}"
            );
        }
        // A run of digits that f64 reads as infinity is out of range too.
        let huge = "9".repeat(400);
        let error = parse_size(&huge).unwrap_err();
        assert!(error.contains("out of range"), "{error}");
        assert!(error.chars().count() < 400, "the text is clipped: {error}");
    }
}
