//! Benchmark of the source analyzer (`cargo bench -p perfscope-analyzer --bench source_bench`).
//!
//! Generates a synthetic project in a temp folder — 10,000 TS/TSX modules of
//! ~100 lines (about 1M lines) in 100 feature folders with barrels
//! (`export *`), tsconfig `paths` aliases, type-only imports, `import()` of
//! routes, and a `node_modules` tree of 40 packages (with a nested duplicate) —
//! then, in a fresh child process (so peak RSS is the analysis alone):
//! 1. `analyze` end to end, serializing the JSON report (as `--format json`);
//! 2. in another child, the bare oxc parse of the same files (read + parse,
//!    rayon, one allocator per file), for the parse-stage comparison.
//!
//! Prints wall times, CPU times and peak RSS (VmHWM) of `--rounds N` (default 3)
//! bare/analyze pairs, flagging the runs during which a `rustc` was running.
//! Options: `--modules N`, `--rounds N`, `--keep DIR` (generate into DIR and
//! keep it). One child alone on an existing project: `--measure-analyze DIR
//! [--dump FILE]` (FILE gets the JSON), `--measure-bare DIR`,
//! `--measure-stages DIR` (walk, then `gather`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use perfscope_analyzer::source::{AnalyzeOptions, analyze_full};
use rayon::prelude::*;

const FEATURES: usize = 100;
const PACKAGES: usize = 40;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// CPU time of this process so far (user + system), in ms.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the
    // 14th field of the line, stime the 15th, in clock ticks (100 per second).
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// One module body of about 100 lines.
fn module(f: usize, m: usize, per_feature: usize) -> String {
    let mut s = String::with_capacity(4096);
    let tsx = m.is_multiple_of(2);
    // Imports: siblings (lower index), another feature's barrel via alias, a package, a type.
    if m > 0 {
        let _ = writeln!(s, "import {{ value{} }} from './m{}';", m - 1, m - 1);
    }
    if m > 3 {
        let _ = writeln!(
            s,
            "import {{ value{} as other }} from './m{}';",
            m / 2,
            m / 2
        );
    }
    if f > 0 && m.is_multiple_of(5) {
        let _ = writeln!(
            s,
            "import {{ value0 as ext }} from '@/features/f{}';",
            (f * 7 + m) % f
        );
    }
    if m.is_multiple_of(3) {
        let _ = writeln!(
            s,
            "import {{ lib{0}Fn }} from 'lib-{0}';",
            (f + m) % PACKAGES
        );
    }
    if m > 1 {
        let _ = writeln!(s, "import type {{ Shape{} }} from './m{}';", m - 2, m - 2);
    }
    if tsx {
        let _ = writeln!(s, "import {{ useState }} from 'react';");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "/** Shape of module {f}/{m}. */");
    let _ = writeln!(s, "export interface Shape{m} {{");
    for k in 0..8 {
        let _ = writeln!(s, "  field{k}: number; // documented field {k}");
    }
    let _ = writeln!(s, "}}");
    let _ = writeln!(s);
    let _ = writeln!(s, "export const value{m}: number = {m};");
    let _ = writeln!(s, "export const unused{m} = 'f{f}m{m}';");
    let _ = writeln!(s);
    let _ = writeln!(s, "export function compute{m}(input: Shape{m}): number {{");
    let _ = writeln!(s, "  let total = 0;");
    for k in 0..40 {
        let _ = writeln!(
            s,
            "  total += input.field{} * {k} + (total % {}) - {k}; // step {k}",
            k % 8,
            k + 3
        );
    }
    let _ = writeln!(s, "  return total;");
    let _ = writeln!(s, "}}");
    let _ = writeln!(s);
    if tsx {
        let _ = writeln!(s, "export function View{m}(props: {{ title: string }}) {{");
        let _ = writeln!(s, "  const [n, setN] = useState(0);");
        let _ = writeln!(s, "  return (");
        let _ = writeln!(s, "    <section className=\"view\">");
        for k in 0..20 {
            let _ = writeln!(
                s,
                "      <p data-k=\"{k}\" onClick={{() => setN(n + {k})}}>{{props.title}} {k}</p>"
            );
        }
        let _ = writeln!(s, "    </section>");
        let _ = writeln!(s, "  );");
        let _ = writeln!(s, "}}");
    } else {
        let _ = writeln!(s, "export class Store{m} {{");
        let _ = writeln!(s, "  private items: number[] = [];");
        for k in 0..10 {
            let _ = writeln!(s, "  add{k}(x: number): void {{");
            let _ = writeln!(s, "    this.items.push(x + {k});");
            let _ = writeln!(s, "  }}");
        }
        let _ = writeln!(s, "}}");
    }
    // Use what was imported so the code looks real.
    let mut used = vec!["0".to_string()];
    if m > 0 {
        used.push(format!("value{}", m - 1));
    }
    if m > 3 {
        used.push("other".into());
    }
    if f > 0 && m.is_multiple_of(5) {
        used.push("ext".into());
    }
    if m.is_multiple_of(3) {
        used.push(format!("lib{}Fn()", (f + m) % PACKAGES));
    }
    let _ = writeln!(s, "export const sum{m} = [{}].length;", used.join(", "));
    if m + 1 == per_feature {
        let _ = writeln!(s, "export async function later() {{");
        let _ = writeln!(s, "  const {{ value0 }} = await import('./m0');");
        let _ = writeln!(s, "  return value0;");
        let _ = writeln!(s, "}}");
    }
    s
}

fn generate(root: &Path, modules: usize) -> (usize, usize) {
    let per_feature = modules / FEATURES;
    let mut deps = Vec::new();
    for p in 0..PACKAGES {
        deps.push(format!("\"lib-{p}\": \"1.0.0\""));
        let dir = root.join(format!("node_modules/lib-{p}"));
        write(
            &dir.join("package.json"),
            &format!(
                "{{ \"name\": \"lib-{p}\", \"version\": \"1.0.0\", \"module\": \"esm/index.js\", \"main\": \"cjs/index.js\" }}"
            ),
        );
        let mut index = String::new();
        for k in 0..5 {
            let _ = writeln!(index, "export * from './part{k}.js';");
            let mut part = String::new();
            if p.is_multiple_of(10) && k == 0 {
                let _ = writeln!(part, "import {{ helper }} from 'shared-helper';");
            }
            for j in 0..60 {
                let _ = writeln!(
                    part,
                    "export function lib{p}Part{k}Fn{j}(a, b) {{ return a * {j} + b; }}"
                );
            }
            write(&dir.join(format!("esm/part{k}.js")), &part);
        }
        let _ = writeln!(index, "export function lib{p}Fn() {{ return {p}; }}");
        write(&dir.join("esm/index.js"), &index);
        write(&dir.join("cjs/index.js"), "module.exports = {};\n");
        if p.is_multiple_of(10) {
            // A nested copy of shared-helper (duplicate package).
            let nested = dir.join("node_modules/shared-helper");
            write(
                &nested.join("package.json"),
                "{ \"name\": \"shared-helper\", \"version\": \"2.0.0\", \"main\": \"index.js\" }",
            );
            write(&nested.join("index.js"), "export const helper = 2;\n");
        }
    }
    let shared = root.join("node_modules/shared-helper");
    write(
        &shared.join("package.json"),
        "{ \"name\": \"shared-helper\", \"version\": \"1.0.0\", \"main\": \"index.js\" }",
    );
    write(&shared.join("index.js"), "export const helper = 1;\n");
    write(
        &root.join("node_modules/react/package.json"),
        "{ \"name\": \"react\", \"version\": \"18.3.1\", \"main\": \"index.js\" }",
    );
    write(
        &root.join("node_modules/react/index.js"),
        "export function useState(v) { return [v, () => {}]; }\nexport default {};\n",
    );
    write(
        &root.join("package.json"),
        &format!(
            "{{ \"name\": \"bench-app\", \"private\": true, \"dependencies\": {{ \"react\": \"18.3.1\", {} }} }}",
            deps.join(", ")
        ),
    );
    write(
        &root.join("tsconfig.json"),
        "{ \"compilerOptions\": { \"jsx\": \"react-jsx\", \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"src/*\"] } } }",
    );
    let mut lines = 0;
    let mut count = 0;
    let mut main = String::new();
    for f in 0..FEATURES {
        let dir = root.join(format!("src/features/f{f}"));
        let mut barrel = String::new();
        for m in 0..per_feature {
            let text = module(f, m, per_feature);
            lines += text.lines().count();
            count += 1;
            let ext = if m.is_multiple_of(2) { "tsx" } else { "ts" };
            write(&dir.join(format!("m{m}.{ext}")), &text);
            if m.is_multiple_of(4) {
                let _ = writeln!(barrel, "export * from './m{m}';");
            }
        }
        write(&dir.join("index.ts"), &barrel);
        count += 1;
        if f.is_multiple_of(2) {
            let _ = writeln!(
                main,
                "import {{ value0 as v{f} }} from '@/features/f{f}';\nconsole.log(v{f});"
            );
        } else {
            let _ = writeln!(
                main,
                "export const route{f} = () => import('./features/f{f}/m{}');",
                per_feature - 1
            );
        }
    }
    write(&root.join("src/main.tsx"), &main);
    (count + 1, lines)
}

fn measure_analyze(root: &Path, dump: Option<&Path>) {
    let start = Instant::now();
    let cpu_start = cpu_ms();
    let analysis = analyze_full(
        &perfscope_analyzer::project::ProjectFacts::read(root),
        &AnalyzeOptions::default(),
    )
    .expect("analysis");
    let json = serde_json::to_vec(&analysis.report).expect("json");
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    let cpu = cpu_ms() - cpu_start;
    if let Some(dump) = dump {
        std::fs::write(dump, &json).expect("dump");
    }
    let r = &analysis.report;
    println!(
        "analyze: wall {wall:.0} ms, CPU {cpu:.0} ms (graph {:.0} ms, findings {:.0} ms), peak RSS {:.0} MB, {} modules, JSON {:.1} MB, {} unused exports, {} unused files, {} cycles, {} lazy candidates, {} duplicates, {} diagnostics",
        r.timings.graph_ms,
        r.timings.findings_ms,
        peak_rss_mb(),
        r.modules.len(),
        json.len() as f64 / 1_048_576.0,
        r.unused_exports.len(),
        r.unused_files.len(),
        r.cycles.len(),
        r.lazy_candidates.len(),
        r.duplicate_packages.len(),
        r.diagnostics.len()
    );
}

/// Times the gathering stages alone (cold process): the project walk, and
/// `gather` (walk + entries + read/parse/resolve of the reachable files).
fn measure_stages(root: &Path) {
    let start = Instant::now();
    let files = perfscope_analyzer::source::walk::project_files(root, &mut Vec::new());
    let walk = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let graph = perfscope_analyzer::source::gather(
        &perfscope_analyzer::project::ProjectFacts::read(root),
        &AnalyzeOptions::default(),
    )
    .expect("gather");
    let gather = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "stages: walk {walk:.0} ms ({} files); gather {gather:.0} ms ({} modules)",
        files.len(),
        graph.graph.node_count()
    );
}

fn measure_bare(root: &Path) {
    let files: Vec<PathBuf> =
        perfscope_analyzer::source::walk::project_files(root, &mut Vec::new());
    let start = Instant::now();
    let cpu_start = cpu_ms();
    let errors: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let allocator = oxc_allocator::Allocator::default();
            let ret = oxc_parser::Parser::new(
                &allocator,
                &text,
                perfscope_analyzer::source::parse::source_type_for(path),
            )
            .parse();
            ret.diagnostics.len()
        })
        .sum();
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    let cpu = cpu_ms() - cpu_start;
    println!(
        "bare oxc read+parse: wall {wall:.0} ms, CPU {cpu:.0} ms over {} files ({errors} errors), peak RSS {:.0} MB",
        files.len(),
        peak_rss_mb()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--measure-analyze") {
        let dump = args
            .iter()
            .position(|a| a == "--dump")
            .and_then(|p| args.get(p + 1))
            .map(PathBuf::from);
        measure_analyze(Path::new(&args[pos + 1]), dump.as_deref());
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--measure-stages") {
        measure_stages(Path::new(&args[pos + 1]));
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--measure-bare") {
        measure_bare(Path::new(&args[pos + 1]));
        return;
    }
    let modules = args
        .iter()
        .position(|a| a == "--modules")
        .and_then(|p| args.get(p + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000usize);
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|p| args.get(p + 1))
        .map(PathBuf::from);
    let temp = tempfile::tempdir().expect("tempdir");
    let root = keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let start = Instant::now();
    let (count, lines) = generate(&root, modules);
    println!(
        "generated {count} modules, {lines} lines in {:.1} s at {}",
        start.elapsed().as_secs_f64(),
        root.display()
    );
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|p| args.get(p + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3usize);
    let exe = std::env::current_exe().expect("exe");
    let run = |mode: &str| -> String {
        let busy = other_rustc();
        let output = std::process::Command::new(&exe)
            .arg(mode)
            .arg(&root)
            .output()
            .expect("child");
        assert!(output.status.success(), "{mode} failed");
        let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let busy = busy.max(other_rustc());
        if busy > 0 {
            println!("{text} [{busy} rustc running: shared cores]");
        } else {
            println!("{text}");
        }
        text
    };
    let mut rows = Vec::new();
    for _ in 0..rounds {
        let bare = run("--measure-bare");
        let analyze = run("--measure-analyze");
        rows.push((
            number_after(&bare, "wall "),
            number_after(&analyze, "wall "),
            number_after(&analyze, "(graph "),
        ));
    }
    run("--measure-stages");
    for (i, (bare, wall, graph)) in rows.iter().enumerate() {
        println!(
            "round {}: analyze wall {wall:.0} ms, graph stage {graph:.0} ms = {:.2}x the bare parse ({bare:.0} ms)",
            i + 1,
            graph / bare
        );
    }
}

/// The number that follows `label` in `text` (0 when absent).
fn number_after(text: &str, label: &str) -> f64 {
    text.split_once(label)
        .map(|(_, rest)| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

/// How many `rustc` processes run on the machine (they share our cores).
fn other_rustc() -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == "rustc")
        })
        .count()
}
