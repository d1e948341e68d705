//! Benchmark of the bundle analyzer (run: `cargo bench -p perfscope-bundle --bench bundle_bench`).
//!
//! Generates an output folder of about 20 MB of minified-looking JS in 300
//! chunks (one 2 MB vendor chunk, the rest 20–130 KB), each with a source map
//! beside it (mappings every few columns, sources from app code and
//! `node_modules` packages), plus an `index.html`. Then runs the analysis with
//! gzip + brotli and again without brotli, and prints:
//! - total wall time, the brotli floor (sum of per-asset brotli time / threads)
//!   and their ratio (target ≤ 1.2);
//! - the share of everything except brotli (run without brotli / full run;
//!   target ≤ 15%);
//! - peak RSS (VmHWM) against 4 × (largest asset + its map).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use perfscope_bundle::{BundleOptions, Compression, analyze};

const CHUNKS: usize = 300;
const TOTAL_BYTES: usize = 20_000_000;
const VENDOR_BYTES: usize = 2_000_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "return",
    "function",
    "const",
    "let",
    "this",
    "props",
    "state",
    "value",
    "length",
    "push",
    "map",
    "filter",
    "createElement",
    "children",
    "className",
    "useState",
    "useEffect",
    "document",
    "window",
    "Promise",
    "then",
    "catch",
    "error",
    "message",
    "items",
    "index",
    "key",
    "null",
    "undefined",
    "true",
    "false",
    "Object",
    "assign",
];

const SOURCES: &[&str] = &[
    "../../src/App.tsx",
    "../../src/pages/Home.tsx",
    "../../src/components/Button.tsx",
    "../../src/store/cart.ts",
    "../../node_modules/react-dom/cjs/react-dom.production.min.js",
    "../../node_modules/.pnpm/lodash-es@4.17.21/node_modules/lodash-es/lodash.js",
    "../../node_modules/.pnpm/@tanstack+query-core@5.1.0/node_modules/@tanstack/query-core/build/index.js",
    "../../node_modules/date-fns/esm/index.js",
];

fn vlq(out: &mut String, value: i64) {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut v = if value < 0 {
        ((-value) << 1) | 1
    } else {
        value << 1
    } as u64;
    loop {
        let mut digit = (v & 31) as usize;
        v >>= 5;
        if v != 0 {
            digit |= 32;
        }
        out.push(B64[digit] as char);
        if v == 0 {
            break;
        }
    }
}

/// Writes one chunk of about `size` bytes and its map; returns bytes written (JS + map).
fn write_chunk(dir: &Path, name: &str, size: usize, rng: &mut Rng) -> (usize, usize) {
    let mut js = String::with_capacity(size + 1024);
    let mut mappings = String::new();
    let (mut prev_src, mut prev_line, mut prev_col) = (0i64, 0i64, 0i64);
    let mut src_line = 0i64;
    while js.len() < size {
        let line_start = js.len();
        let mut gen_col = 0i64;
        let mut first = true;
        let line_len = 500 + rng.below(3000);
        while js.len() - line_start < line_len {
            let col = (js.len() - line_start) as i64;
            if !first {
                mappings.push(',');
            }
            first = false;
            let src = (rng.below(SOURCES.len())) as i64;
            vlq(&mut mappings, col - gen_col);
            vlq(&mut mappings, src - prev_src);
            vlq(&mut mappings, src_line - prev_line);
            let src_col = rng.below(80) as i64;
            vlq(&mut mappings, src_col - prev_col);
            gen_col = col;
            prev_src = src;
            prev_line = src_line;
            prev_col = src_col;
            src_line += rng.below(3) as i64;
            let word = WORDS[rng.below(WORDS.len())];
            let _ = write!(js, "{word}{}", rng.below(500));
            js.push_str(match rng.below(6) {
                0 => "(",
                1 => ")",
                2 => ".",
                3 => "=",
                4 => ";",
                _ => ",",
            });
        }
        js.push('\n');
        mappings.push(';');
    }
    let _ = writeln!(js, "//# sourceMappingURL={name}.map");
    let sources: Vec<String> = SOURCES.iter().map(|s| format!("\"{s}\"")).collect();
    let map = format!(
        "{{\"version\":3,\"file\":\"{name}\",\"sources\":[{}],\"names\":[],\"mappings\":\"{mappings}\"}}",
        sources.join(",")
    );
    std::fs::write(dir.join(name), &js).expect("write chunk");
    std::fs::write(dir.join(format!("{name}.map")), &map).expect("write map");
    (js.len(), map.len())
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = dir.path().join("dist");
    let assets = dist.join("assets");
    std::fs::create_dir_all(&assets).expect("mkdir");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total_js = 0;
    let mut largest = (0, 0);
    let per_chunk = (TOTAL_BYTES - VENDOR_BYTES) / (CHUNKS - 1);
    let mut html = String::from("<!doctype html><html><head>\n");
    for i in 0..CHUNKS {
        let name = format!("chunk-{i:03}.js");
        let size = if i == 0 {
            VENDOR_BYTES
        } else {
            per_chunk / 2 + rng.below(per_chunk)
        };
        let (js, map) = write_chunk(&assets, &name, size, &mut rng);
        total_js += js;
        if js + map > largest.0 + largest.1 {
            largest = (js, map);
        }
        if i < 10 {
            let _ = writeln!(
                html,
                "<script type=\"module\" src=\"/assets/{name}\"></script>"
            );
        }
    }
    html.push_str("</head><body></body></html>\n");
    std::fs::write(dist.join("index.html"), html).expect("write html");
    println!(
        "generated {CHUNKS} chunks, {:.1} MB of JS; largest asset {:.2} MB + map {:.2} MB",
        total_js as f64 / 1e6,
        largest.0 as f64 / 1e6,
        largest.1 as f64 / 1e6
    );

    let full = BundleOptions::default();
    let started = Instant::now();
    let report = analyze(&dist, &full).expect("analysis");
    let full_s = started.elapsed().as_secs_f64();
    let t = &report.timings;
    let floor_s = t.brotli_cpu_ms / 1000.0 / t.threads as f64;
    let rss_after_full = peak_rss_kb();

    let no_brotli = BundleOptions {
        compression: Compression {
            gzip: true,
            brotli: false,
        },
        ..BundleOptions::default()
    };
    let started = Instant::now();
    let light = analyze(&dist, &no_brotli).expect("analysis");
    let light_s = started.elapsed().as_secs_f64();
    assert_eq!(light.assets.len(), report.assets.len());
    for asset in &report.assets {
        let attributed: u64 = asset.sources.iter().map(|s| s.bytes).sum();
        assert_eq!(
            attributed + asset.unmapped_bytes,
            asset.raw,
            "{}",
            asset.path
        );
    }

    println!("threads: {}", t.threads);
    println!("full run (gzip + brotli): {full_s:.2} s");
    println!(
        "  brotli CPU {:.2} s, gzip CPU {:.2} s, source maps CPU {:.2} s, walk {:.0} ms, findings {:.0} ms",
        t.brotli_cpu_ms / 1000.0,
        t.gzip_cpu_ms / 1000.0,
        t.sourcemap_cpu_ms / 1000.0,
        t.walk_ms,
        t.findings_ms
    );
    println!(
        "brotli floor (brotli CPU / threads): {floor_s:.2} s; total / floor = {:.3} (target <= 1.2)",
        full_s / floor_s
    );
    println!(
        "run without brotli: {light_s:.2} s = {:.1}% of the full run (target <= 15%)",
        light_s / full_s * 100.0
    );
    if let Some(kb) = rss_after_full {
        let bound = 4.0 * (largest.0 + largest.1) as f64 / 1e6;
        println!(
            "peak RSS (VmHWM) {:.1} MB; 4 x (largest asset + map) = {bound:.1} MB",
            kb as f64 / 1e3
        );
    }
}
