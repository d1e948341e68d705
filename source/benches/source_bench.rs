//! Benchmark of the source analyzer (`cargo bench -p perfscope-source --bench source_bench`).
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
//!
//! The same modules are also generated as a monorepo (see
//! `generate_monorepo`): a root `package.json` with `workspaces`, 20
//! workspaces (4 Vite apps, 16 libraries `@bench/pkg-N` importing each other
//! by name), the 100 feature folders spread over them, the same shared
//! `node_modules`. Each round measures it right after the single project, in
//! the same way (its lines start with `[monorepo]`), and the summary gives
//! the monorepo's analyze wall time against the single project's (the
//! requirement is at most 1.5x).
//!
//! Options: `--modules N`, `--rounds N`, `--keep DIR` (generate the single
//! project into DIR and keep it), `--keep-monorepo DIR` (the same for the
//! monorepo), `--layout single|monorepo|both` (default `both`, or the
//! `PERFSCOPE_BENCH_LAYOUT` environment variable). One child alone on an
//! existing project: `--measure-analyze DIR [--dump FILE] [--cache]` (FILE
//! gets the JSON; `--cache` reads and writes `node_modules/.cache/perfscope`
//! as the command line does), `--measure-bare DIR`, `--measure-stages DIR` (walk, then `gather`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use perfscope_source::{AnalyzeOptions, analyze_full};
use rayon::prelude::*;

const FEATURES: usize = 100;
const PACKAGES: usize = 40;
/// Workspaces of the monorepo layout (each holds `FEATURES / WORKSPACES`
/// feature folders).
const WORKSPACES: usize = 20;
/// How many of the monorepo's workspaces are Vite apps (the first ones); the
/// others are libraries.
const APPS: usize = 4;
/// The label of the monorepo's lines.
const MONOREPO: &str = "[monorepo] ";

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

/// One module body of about 100 lines. `ext` is the specifier it imports
/// `value0` from as `ext` (another feature's barrel, a workspace package).
fn module(f: usize, m: usize, per_feature: usize, ext: Option<&str>) -> String {
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
    if let Some(ext) = ext {
        let _ = writeln!(s, "import {{ value0 as ext }} from '{ext}';");
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
    if ext.is_some() {
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

/// Writes the `node_modules` tree under `root`: 40 packages `lib-N` (an ESM
/// build of five parts and a CJS stub; every tenth imports `shared-helper`
/// and has its own nested copy of it), `shared-helper` and `react`. Returns
/// the `"lib-N": "1.0.0"` entries for a `dependencies` list.
fn node_modules(root: &Path) -> Vec<String> {
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
    // As the real package has it: what `jsx: react-jsx` files import.
    write(
        &root.join("node_modules/react/jsx-runtime.js"),
        "export function jsx(type, props) { return { type, props }; }\nexport const jsxs = jsx;\nexport const Fragment = Symbol.for('react.fragment');\n",
    );
    deps
}

/// Writes feature `f` into `dir`: `per_feature` modules (`.tsx` and `.ts` in
/// turn) and the `index.ts` barrel re-exporting every fourth one. Module `m`
/// imports `value0` from `ext_of(m)`, if any. Returns how many modules were
/// written (barrel included) and the lines of the modules.
fn write_feature(
    dir: &Path,
    f: usize,
    per_feature: usize,
    ext_of: impl Fn(usize) -> Option<String>,
) -> (usize, usize) {
    let mut lines = 0;
    let mut barrel = String::new();
    for m in 0..per_feature {
        let text = module(f, m, per_feature, ext_of(m).as_deref());
        lines += text.lines().count();
        let ext = if m.is_multiple_of(2) { "tsx" } else { "ts" };
        write(&dir.join(format!("m{m}.{ext}")), &text);
        if m.is_multiple_of(4) {
            let _ = writeln!(barrel, "export * from './m{m}';");
        }
    }
    write(&dir.join("index.ts"), &barrel);
    (per_feature + 1, lines)
}

/// Appends to the entry module `entry` (in `src/`) its use of feature `f`:
/// an even feature's barrel is imported through the `@/` alias (re-exported
/// instead when `reexport`, as a library's entry does), an odd feature's
/// last module is a route loaded with `import()`.
fn use_feature(entry: &mut String, f: usize, per_feature: usize, reexport: bool) {
    match (f.is_multiple_of(2), reexport) {
        (true, false) => {
            let _ = writeln!(
                entry,
                "import {{ value0 as v{f} }} from '@/features/f{f}';\nconsole.log(v{f});"
            );
        }
        (true, true) => {
            let _ = writeln!(entry, "export {{ value0 as v{f} }} from '@/features/f{f}';");
        }
        (false, _) => {
            let _ = writeln!(
                entry,
                "export const route{f} = () => import('./features/f{f}/m{}');",
                per_feature - 1
            );
        }
    }
}

/// Generates the single project under `root`; returns its module count and lines.
fn generate(root: &Path, modules: usize) -> (usize, usize) {
    let per_feature = modules / FEATURES;
    let deps = node_modules(root);
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
        let (written, feature_lines) = write_feature(
            &root.join(format!("src/features/f{f}")),
            f,
            per_feature,
            |m| (f > 0 && m.is_multiple_of(5)).then(|| format!("@/features/f{}", (f * 7 + m) % f)),
        );
        count += written;
        lines += feature_lines;
        use_feature(&mut main, f, per_feature, false);
    }
    write(&root.join("src/main.tsx"), &main);
    (count + 1, lines)
}

/// The libraries (numbers `N` of `@bench/pkg-N`) that workspace `w` of the
/// monorepo depends on: five for an app (together the apps use every
/// library), up to three lower-numbered ones for a library (no cycles).
fn workspace_deps(w: usize) -> Vec<usize> {
    let libraries = WORKSPACES - APPS;
    let mut deps: Vec<usize> = if w < APPS {
        (0..5).map(|k| (w * 4 + k * 3) % libraries).collect()
    } else {
        let p = w - APPS;
        if p == 0 {
            Vec::new()
        } else {
            vec![p - 1, p / 2, p / 4]
        }
    };
    deps.sort_unstable();
    deps.dedup();
    deps
}

/// Generates the monorepo layout under `root`, with the modules of the
/// single project: a root `package.json` (private, `workspaces` `apps/*` and
/// `packages/*`), a root `tsconfig.base.json`, the shared root
/// `node_modules`, and `WORKSPACES` workspaces of `FEATURES / WORKSPACES`
/// feature folders each, with a `tsconfig.json` extending the base (and its
/// own `@/*` alias) and a `package.json` listing `react`, the `lib-N`
/// packages and its workspace dependencies (`workspace:*`):
/// - `apps/app-N` (`@bench/app-N`), Vite apps: `index.html` loads
///   `src/main.tsx`, which imports every library the app depends on by name
///   and uses its features as the single project's `src/main.tsx` does;
/// - `packages/pkg-N` (`@bench/pkg-N`), libraries whose entry
///   `src/index.ts` (package `exports`, or `main` for odd `N`) re-exports
///   `value0` of its first feature and its even features' barrels.
///
/// Where the single project's modules import another feature's barrel, the
/// modules of a workspace's first feature import a library it depends on
/// (none in `pkg-0`). Workspace packages are not linked into
/// `node_modules`: perfscope resolves them to their source by name.
/// Returns the module count and lines.
fn generate_monorepo(root: &Path, modules: usize) -> (usize, usize) {
    let per_feature = modules / FEATURES;
    let per_workspace = FEATURES / WORKSPACES;
    let lib_deps = node_modules(root);
    write(
        &root.join("package.json"),
        "{ \"name\": \"bench-monorepo\", \"private\": true, \"workspaces\": [\"apps/*\", \"packages/*\"] }",
    );
    write(
        &root.join("tsconfig.base.json"),
        "{ \"compilerOptions\": { \"jsx\": \"react-jsx\", \"strict\": true, \"module\": \"ESNext\", \"moduleResolution\": \"Bundler\" } }",
    );
    let mut lines = 0;
    let mut count = 0;
    for w in 0..WORKSPACES {
        let app = w < APPS;
        let (dir, name) = if app {
            (
                root.join(format!("apps/app-{w}")),
                format!("@bench/app-{w}"),
            )
        } else {
            let p = w - APPS;
            (
                root.join(format!("packages/pkg-{p}")),
                format!("@bench/pkg-{p}"),
            )
        };
        let deps = workspace_deps(w);
        let mut listed: Vec<String> = deps
            .iter()
            .map(|d| format!("\"@bench/pkg-{d}\": \"workspace:*\""))
            .collect();
        listed.push("\"react\": \"18.3.1\"".to_string());
        listed.extend_from_slice(&lib_deps);
        let fields = if app {
            "\"scripts\": { \"dev\": \"vite\", \"build\": \"vite build\" }, \"devDependencies\": { \"vite\": \"6.3.5\" }"
        } else if (w - APPS).is_multiple_of(2) {
            "\"exports\": { \".\": \"./src/index.ts\" }"
        } else {
            "\"main\": \"src/index.ts\""
        };
        write(
            &dir.join("package.json"),
            &format!(
                "{{ \"name\": \"{name}\", \"version\": \"1.0.0\", \"private\": true, \"type\": \"module\", {fields}, \"dependencies\": {{ {} }} }}",
                listed.join(", ")
            ),
        );
        write(
            &dir.join("tsconfig.json"),
            "{ \"extends\": \"../../tsconfig.base.json\", \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"src/*\"] } } }",
        );
        let first = w * per_workspace;
        let mut entry = String::new();
        if app {
            write(
                &dir.join("index.html"),
                &format!(
                    "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"UTF-8\" />\n    <title>{name}</title>\n  </head>\n  <body>\n    <div id=\"root\"></div>\n    <script type=\"module\" src=\"/src/main.tsx\"></script>\n  </body>\n</html>\n"
                ),
            );
            for d in &deps {
                let _ = writeln!(
                    entry,
                    "import {{ value0 as pkg{d} }} from '@bench/pkg-{d}';\nconsole.log(pkg{d});"
                );
            }
        } else {
            let _ = writeln!(entry, "export {{ value0 }} from './features/f{first}';");
        }
        for f in first..first + per_workspace {
            let local = f - first;
            let (written, feature_lines) = write_feature(
                &dir.join(format!("src/features/f{f}")),
                f,
                per_feature,
                |m| match (m.is_multiple_of(5), local) {
                    (false, _) => None,
                    // A library the workspace depends on (none for `pkg-0`).
                    (true, 0) => deps
                        .get((m / 5) % deps.len().max(1))
                        .map(|d| format!("@bench/pkg-{d}")),
                    (true, _) => Some(format!("@/features/f{}", first + (local * 7 + m) % local)),
                },
            );
            count += written;
            lines += feature_lines;
            use_feature(&mut entry, f, per_feature, !app);
        }
        let entry_file = if app { "src/main.tsx" } else { "src/index.ts" };
        write(&dir.join(entry_file), &entry);
        count += 1;
    }
    (count, lines)
}

fn measure_analyze(root: &Path, dump: Option<&Path>, cache: bool) {
    let start = Instant::now();
    let cpu_start = cpu_ms();
    let options = AnalyzeOptions {
        cache,
        ..AnalyzeOptions::default()
    };
    let analysis = analyze_full(&project::ProjectFacts::read(root), &options).expect("analysis");
    let stats = analysis.graph.cache.stats();
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
        count(r, model::FindingKind::UnusedExports),
        count(r, model::FindingKind::UnusedFiles),
        count(r, model::FindingKind::Cycles),
        count(r, model::FindingKind::LazyCandidates),
        count(r, model::FindingKind::DuplicatePackages),
        r.diagnostics.len()
    );
    if cache {
        println!(
            "cache: facts {} hits / {} parsed, minified {} hits / {} minified",
            stats.facts_hits, stats.facts_misses, stats.minified_hits, stats.minified_misses
        );
    }
}

/// Times the gathering stages alone (cold process): the project walk, and
/// `gather` (walk + entries + read/parse/resolve of the reachable files).
fn measure_stages(root: &Path) {
    let start = Instant::now();
    let files = perfscope_source::walk::project_files(root, &mut Vec::new());
    let walk = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let graph = perfscope_source::gather(
        &project::ProjectFacts::read(root),
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
    let files: Vec<PathBuf> = perfscope_source::walk::project_files(root, &mut Vec::new());
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
                perfscope_source::parse::source_type_for(path),
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
    if run_child(&args) {
        return;
    }
    let plan = Plan::from_args(&args);
    // Two folders: neither layout may see the other's files.
    let temp = tempfile::tempdir().expect("tempdir");
    let root = option(&args, "--keep").map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    let monorepo_temp = tempfile::tempdir().expect("tempdir");
    let monorepo_root = option(&args, "--keep-monorepo")
        .map_or_else(|| monorepo_temp.path().to_path_buf(), PathBuf::from);
    generate_layouts(&plan, &root, &monorepo_root);
    let children = Children {
        exe: std::env::current_exe().expect("exe"),
    };
    let (rows, monorepo_rows) = measure_rounds(&plan, &children, &root, &monorepo_root);
    if plan.single {
        children.run("--measure-stages", &root, "");
    }
    if plan.monorepo {
        children.run("--measure-stages", &monorepo_root, MONOREPO);
    }
    for (i, round) in rows.iter().enumerate() {
        println!("{}", round_line(i, round));
    }
    for (i, round) in monorepo_rows.iter().enumerate() {
        println!("{}", monorepo_round_line(i, round, rows.get(i)));
    }
}

/// Runs the child mode `args` ask for (`--measure-analyze`,
/// `--measure-stages`, `--measure-bare`), if any; whether one ran.
fn run_child(args: &[String]) -> bool {
    if let Some(pos) = args.iter().position(|a| a == "--measure-analyze") {
        let dump = args
            .iter()
            .position(|a| a == "--dump")
            .and_then(|p| args.get(p + 1))
            .map(PathBuf::from);
        let cache = args.iter().any(|a| a == "--cache");
        measure_analyze(Path::new(&args[pos + 1]), dump.as_deref(), cache);
        return true;
    }
    if let Some(pos) = args.iter().position(|a| a == "--measure-stages") {
        measure_stages(Path::new(&args[pos + 1]));
        return true;
    }
    if let Some(pos) = args.iter().position(|a| a == "--measure-bare") {
        measure_bare(Path::new(&args[pos + 1]));
        return true;
    }
    false
}

/// What the parent run does: how many modules, how many rounds, which layouts.
struct Plan {
    modules: usize,
    rounds: usize,
    single: bool,
    monorepo: bool,
}

impl Plan {
    /// The plan of `--modules`, `--rounds` and `--layout` (or
    /// `PERFSCOPE_BENCH_LAYOUT`); an unknown layout panics.
    fn from_args(args: &[String]) -> Self {
        let modules = option(args, "--modules")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000usize);
        let rounds = option(args, "--rounds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(3usize);
        let layout = option(args, "--layout")
            .map(str::to_string)
            .or_else(|| std::env::var("PERFSCOPE_BENCH_LAYOUT").ok())
            .unwrap_or_else(|| "both".to_string());
        let (single, monorepo) = match layout.as_str() {
            "both" => (true, true),
            "single" => (true, false),
            "monorepo" => (false, true),
            other => panic!("unknown layout `{other}`: single, monorepo or both"),
        };
        Self {
            modules,
            rounds,
            single,
            monorepo,
        }
    }
}

/// Generates the planned layouts at `root` and `monorepo_root`.
fn generate_layouts(plan: &Plan, root: &Path, monorepo_root: &Path) {
    if plan.single {
        let start = Instant::now();
        let (count, lines) = generate(root, plan.modules);
        println!(
            "generated {count} modules, {lines} lines in {:.1} s at {}",
            start.elapsed().as_secs_f64(),
            root.display()
        );
    }
    if plan.monorepo {
        let start = Instant::now();
        let (count, lines) = generate_monorepo(monorepo_root, plan.modules);
        println!(
            "{MONOREPO}generated {count} modules, {lines} lines in {WORKSPACES} workspaces ({APPS} apps) in {:.1} s at {}",
            start.elapsed().as_secs_f64(),
            monorepo_root.display()
        );
    }
}

/// The child processes: this executable in one of its measuring modes.
struct Children {
    exe: PathBuf,
}

impl Children {
    /// One child on the project at `dir`; its line is printed after `label`
    /// (with a note when a `rustc` shared the cores) and returned.
    fn run(&self, mode: &str, dir: &Path, label: &str) -> String {
        let busy = other_rustc();
        let output = std::process::Command::new(&self.exe)
            .arg(mode)
            .arg(dir)
            .output()
            .expect("child");
        assert!(output.status.success(), "{label}{mode} failed");
        let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let busy = busy.max(other_rustc());
        if busy > 0 {
            println!("{label}{text} [{busy} rustc running: shared cores]");
        } else {
            println!("{label}{text}");
        }
        text
    }

    /// One round on the project at `dir`: the bare parse, then `analyze`.
    fn measure(&self, dir: &Path, label: &str) -> Round {
        let bare = self.run("--measure-bare", dir, label);
        let analyze = self.run("--measure-analyze", dir, label);
        Round::of(&bare, &analyze)
    }
}

/// The planned rounds of each layout: both layouts in each round, so that a
/// change of the machine's load falls on both.
fn measure_rounds(
    plan: &Plan,
    children: &Children,
    root: &Path,
    monorepo_root: &Path,
) -> (Vec<Round>, Vec<Round>) {
    let mut rows = Vec::new();
    let mut monorepo_rows = Vec::new();
    for _ in 0..plan.rounds {
        if plan.single {
            rows.push(children.measure(root, ""));
        }
        if plan.monorepo {
            monorepo_rows.push(children.measure(monorepo_root, MONOREPO));
        }
    }
    (rows, monorepo_rows)
}

/// The summary line of the single project's round `i` (from 0).
fn round_line(i: usize, round: &Round) -> String {
    let Round {
        bare, wall, graph, ..
    } = round;
    format!(
        "round {}: analyze wall {wall:.0} ms, graph stage {graph:.0} ms = {:.2}x the bare parse ({bare:.0} ms)",
        i + 1,
        graph / bare
    )
}

/// The summary line of the monorepo's round `i` (from 0), against the
/// single project's round when there is one.
fn monorepo_round_line(i: usize, round: &Round, single: Option<&Round>) -> String {
    let against = single.map_or_else(String::new, |s| {
        format!(
            "; {:.2}x the single project's analyze wall ({:.0} ms, {:.0} modules; at most 1.5x required)",
            round.wall / s.wall,
            s.wall,
            s.modules
        )
    });
    format!(
        "{MONOREPO}round {}: analyze wall {:.0} ms ({:.0} modules), graph stage {:.0} ms = {:.2}x the bare parse ({:.0} ms){against}",
        i + 1,
        round.wall,
        round.modules,
        round.graph,
        round.graph / round.bare,
        round.bare
    )
}

/// The value given after the option `name` in `args`, if any.
fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|p| args.get(p + 1))
        .map(String::as_str)
}

/// What one round measured of one layout, read from its children's lines.
struct Round {
    /// Wall time of the bare read+parse, in ms.
    bare: f64,
    /// Wall time of `analyze`, in ms.
    wall: f64,
    /// Its graph stage, in ms.
    graph: f64,
    /// How many modules its report lists.
    modules: f64,
}

impl Round {
    /// The round whose `--measure-bare` and `--measure-analyze` children
    /// printed `bare` and `analyze`.
    fn of(bare: &str, analyze: &str) -> Self {
        Self {
            bare: number_after(bare, "wall "),
            wall: number_after(analyze, "wall "),
            graph: number_after(analyze, "(graph "),
            // `peak RSS 512 MB, 10342 modules`: the first ` MB, `.
            modules: number_after(analyze, " MB, "),
        }
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

/// How many findings of `kind` the report has.
fn count(r: &model::analyze::AnalyzeReport, kind: model::FindingKind) -> usize {
    r.findings.iter().filter(|f| f.kind == kind).count()
}
