//! Human sizes (`"250 KB"`).
//!
//! Decimal units, like size-limit: `B`, `KB`/`kB` = 1000 bytes, `MB` = 1000 KB,
//! `GB` = 1000 MB (case-insensitive). Binary units must be spelled out: `KiB` =
//! 1024 bytes, `MiB`, `GiB`. A bare number is bytes. Decimals are allowed
//! (`"1.5 MB"`) and rounded to the nearest byte.

/// Parses a human size into bytes.
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
    if !bytes.is_finite() || bytes < 0.0 {
        return Err(format!("`{text}` is not a size"));
    }
    Ok(bytes as u64)
}

/// Formats bytes with decimal units (`1.23 KB`), as the human table prints them.
pub fn format_size(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.2} KB", bytes as f64 / 1e3)
    } else {
        format!("{:.2} MB", bytes as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_and_binary_units() {
        assert_eq!(parse_size("250 KB"), Ok(250_000));
        assert_eq!(parse_size("10 kB"), Ok(10_000));
        assert_eq!(parse_size("1.5MB"), Ok(1_500_000));
        assert_eq!(parse_size("1 KiB"), Ok(1024));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("1 s").is_err());
        assert!(parse_size("KB").is_err());
        assert_eq!(format_size(250_000), "250.00 KB");
    }
}
