//! Gathering: compressed sizes.
//!
//! - gzip: level 9 through flate2's `zlib` backend (the C zlib), so sizes match
//!   what zlib-based servers and Python's `gzip.compress(data, 9, mtime=0)`
//!   produce byte for byte (miniz_oxide and zlib-ng/zlib-rs differ by a fraction
//!   of a percent). The gzip header without file name is 10 bytes, the trailer 8.
//! - brotli: quality 11, window 22 (`lgwin`), generic mode, with the input size
//!   as size hint, like the reference encoder's one-shot `BrotliEncoderCompress`.
//!
//! Output is never stored: a counting sink only adds up the bytes.

use std::io::{self, Write};

/// Which compressions to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    /// gzip level 9.
    pub gzip: bool,
    /// brotli quality 11.
    pub brotli: bool,
}

impl Default for Compression {
    fn default() -> Self {
        Self {
            gzip: true,
            brotli: true,
        }
    }
}

impl Compression {
    /// Parses a comma-separated list such as `gzip,brotli` (empty or `none`: neither).
    pub fn parse_list(list: &str) -> Result<Compression, String> {
        let mut out = Compression {
            gzip: false,
            brotli: false,
        };
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item.to_ascii_lowercase().as_str() {
                "gzip" | "gz" => out.gzip = true,
                "brotli" | "br" => out.brotli = true,
                "none" => {}
                other => {
                    return Err(format!(
                        "unknown compression `{other}` (expected gzip, brotli or none)"
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Names of the enabled compressions, in a fixed order.
    pub fn names(self) -> Vec<String> {
        let mut names = Vec::new();
        if self.gzip {
            names.push("gzip".to_string());
        }
        if self.brotli {
            names.push("brotli".to_string());
        }
        names
    }
}

/// A writer that only counts bytes.
#[derive(Debug, Default)]
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// gzip level 9 size of `data` (header without file name or mtime, like
/// `gzip.compress(data, 9, mtime=0)`).
pub fn gzip_size(data: &[u8]) -> u64 {
    let mut encoder =
        flate2::GzBuilder::new().write(CountingSink::default(), flate2::Compression::new(9));
    // Writing to a counting sink cannot fail.
    if encoder.write_all(data).is_err() {
        return 0;
    }
    encoder.finish().map(|sink| sink.0).unwrap_or(0)
}

/// brotli quality 11, window 22 size of `data`.
pub fn brotli_size(data: &[u8]) -> u64 {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut input = data;
    let mut sink = CountingSink::default();
    match brotli::BrotliCompress(&mut input, &mut sink, &params) {
        Ok(_) => sink.0,
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_has_the_reference_sizes() {
        // Python: len(gzip.compress(b"", 9, mtime=0)) == 20; len(brotli.compress(b"")) == 1.
        assert_eq!(gzip_size(b""), 20);
        assert_eq!(brotli_size(b""), 1);
    }

    #[test]
    fn parse_list_accepts_known_names_only() {
        assert_eq!(
            Compression::parse_list("gzip").unwrap(),
            Compression {
                gzip: true,
                brotli: false
            }
        );
        assert!(Compression::parse_list("gzip,zstd").is_err());
        assert_eq!(
            Compression::parse_list("br,gz").unwrap(),
            Compression::default()
        );
    }
}
