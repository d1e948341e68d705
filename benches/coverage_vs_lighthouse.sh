#!/usr/bin/env bash
# perfscope's unused JavaScript at load vs Lighthouse 12.8's unused-javascript
# audit, on the same served pages (issue 22: "within 5 percentage points").
#
# The pages, each served by `python3 -m http.server` on 127.0.0.1 (plain
# files, no compression: the unused share does not depend on it):
#   - fixtures/vitals/site/coverage/ (a minified esbuild bundle with its
#     source map: src/format.js used at load, dayjs, and src/chart.js only
#     called after a click);
#   - fixtures/shop-app/dist/ (the example app's Vite build: a React vendor
#     chunk and the app's chunk, with source maps).
#
# For each page it makes N runs of each tool, interleaved (odd runs perfscope
# first, even runs Lighthouse first); every invocation starts its own
# Chromium and loads the page once:
#   perfscope vitals URL --runs 1 --no-sandbox --format json
#     -> .coverage.scripts[]: url, unused_ratio, modules[] (unused share per
#        original module)
#   node benches/coverage_vs_lighthouse.mjs URL OUT
#     -> Lighthouse's Node API, desktop, throttlingMethod provided, only the
#        unused-javascript audit with its thresholds at 0: per script
#        wastedPercent, per source file sourceWastedBytes / sourceBytes
#
# It prints a Markdown table (for docs/benchmarks.md): per page and script the
# median unused share of each tool and their difference in percentage points
# against the 5-point goal, then the same per source file Lighthouse lists; and
# writes every raw number to OUT as JSON.
#
#   benches/coverage_vs_lighthouse.sh              # N=3
#   N=5 OUT=/tmp/cov.json benches/coverage_vs_lighthouse.sh
#
# Environment:
#   N            runs per tool and page (default 3)
#   PERFSCOPE    perfscope binary (default target/debug/perfscope, built with
#                `cargo build --bin perfscope` when missing; an explicit
#                PERFSCOPE is never built)
#   LH_VERSION   Lighthouse installed with npm into the temp folder (default 12.8.2)
#   CHROME_PATH  Chromium for both tools (default /usr/bin/chromium)
#   OUT          raw numbers as JSON (default target/coverage_vs_lighthouse.json)
#   RUN_TIMEOUT  seconds before one invocation is stopped and counted failed (default 180)
set -euo pipefail

CALLER_DIR=$PWD
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-3}
PERFSCOPE_GIVEN=${PERFSCOPE:+yes}
PERFSCOPE=${PERFSCOPE:-$ROOT/target/debug/perfscope}
LH_VERSION=${LH_VERSION:-12.8.2}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=${OUT:-$ROOT/target/coverage_vs_lighthouse.json}
RUN_TIMEOUT=${RUN_TIMEOUT:-180}

die() { echo "coverage_vs_lighthouse: $*" >&2; exit 2; }
abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$CALLER_DIR/$1" ;; esac; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer (got '$N')"
[[ $RUN_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "RUN_TIMEOUT must be a positive integer (got '$RUN_TIMEOUT')"
PERFSCOPE=$(abspath "$PERFSCOPE")
OUT=$(abspath "$OUT")
[ -x "$CHROME_PATH" ] || die "no Chromium at CHROME_PATH=$CHROME_PATH"
command -v python3 >/dev/null || die "python3 is needed"
command -v node >/dev/null || die "node is needed for Lighthouse"
command -v npm >/dev/null || die "npm is needed to install Lighthouse"
if [ -z "$PERFSCOPE_GIVEN" ] && [ ! -x "$PERFSCOPE" ]; then
  echo "building perfscope (debug)..." >&2
  (cd "$ROOT" && cargo build --bin perfscope -q)
fi
[ -x "$PERFSCOPE" ] || die "no perfscope at $PERFSCOPE"

# name, folder served, path loaded
PAGES=(
  "coverage fixture|$ROOT/fixtures/vitals/site|/coverage/"
  "shop-app build|$ROOT/fixtures/shop-app/dist|/"
)

TMP=$(mktemp -d)
SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/runs" "$TMP/ps-cwd" "$TMP/lh" # perfscope runs in an empty folder: no perfscope.toml applies

echo "installing lighthouse@$LH_VERSION into $TMP/lh..." >&2
if ! (cd "$TMP/lh" && npm init -y >/dev/null 2>&1 &&
      npm install --no-audit --no-fund --loglevel=error "lighthouse@$LH_VERSION" >"$TMP/npm.log" 2>&1); then
  tail -n 20 "$TMP/npm.log" >&2 || true
  die "npm install lighthouse@$LH_VERSION failed"
fi
cp "$ROOT/benches/coverage_vs_lighthouse.mjs" "$TMP/lh/coverage.mjs"
LH_INSTALLED=$(cd "$TMP/lh" && node -p "require('lighthouse/package.json').version")

# The real interpreter (not a pyenv shim), so that its PID is the server's.
PY=$(python3 -c 'import sys; print(sys.executable)')
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cat > "$TMP/bench.py" <<'PY'
import json, math, os, signal, statistics, subprocess, sys, time

GOAL_PP = 5.0  # |perfscope - Lighthouse| of the median unused shares, percentage points


def stop(proc):
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def execute(cmd, stdout_path, log_path, cwd, timeout):
    with open(log_path, "wb") as log:
        out = open(stdout_path, "wb") if stdout_path else log
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=log,
                                    cwd=cwd, start_new_session=True)
            try:
                code = proc.wait(timeout=timeout)
                return code, time.perf_counter() - start, None
            except subprocess.TimeoutExpired:
                stop(proc)
                return None, time.perf_counter() - start, f"timed out after {timeout} s"
        finally:
            if stdout_path:
                out.close()


def tail_of(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip().splitlines()[-5:]
    except OSError:
        return []


def same_source(lighthouse_name, perfscope_name):
    """Lighthouse names a source by its resolved URL less the sources' common
    prefix (`…src/chart.js`); perfscope by its normalised path
    (`coverage-app/src/chart.js`): the same file when one ends with the other."""
    short = lighthouse_name.lstrip("…")
    return perfscope_name.endswith(short) or short.endswith(perfscope_name)


def points(value):
    """A difference in percentage points, without a negative zero."""
    return round(value, 2) + 0.0


def perfscope_scripts(doc):
    out = {}
    for s in (doc.get("coverage") or {}).get("scripts") or []:
        modules = {}
        for m in s.get("modules") or []:
            if m["total_bytes"] > 0 and m["name"] != "(unmapped)":
                modules[m["name"]] = 100.0 * m["unused_bytes"] / m["total_bytes"]
        out[s["url"]] = {"unused_pct": 100.0 * s["unused_ratio"], "total": s["total_bytes"],
                         "unused": s["unused_bytes"], "modules": modules}
    return out


def lighthouse_scripts(doc):
    out = {}
    for item in doc.get("items") or []:
        modules = {}
        for s in item.get("sources") or []:
            if s.get("sourceBytes") and s["source"] != "(unmapped)":
                modules[s["source"].lstrip("…")] = 100.0 * s["sourceWastedBytes"] / s["sourceBytes"]
        out[item["url"]] = {"unused_pct": item["wastedPercent"], "modules": modules}
    return out


def cmd_run(argv):
    sep = argv.index("--")
    tool, page, run, out_path = argv[:sep]
    cmd = argv[sep + 1:]
    log_path = out_path + ".log"
    code, wall, failure = execute(cmd, out_path if tool == "perfscope" else None, log_path,
                                  os.environ["BENCH_PS_CWD"] if tool == "perfscope" else None,
                                  int(os.environ["BENCH_RUN_TIMEOUT"]))
    rec = {"tool": tool, "page": page, "run": int(run), "exit_code": code, "wall_s": wall}
    doc = None
    if failure is None:
        try:
            with open(out_path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            failure = f"no JSON ({type(e).__name__})"
    if failure is None and tool == "perfscope" and code not in (0, 1):
        failure = f"exit code {code}"
    if failure is None and tool == "lighthouse" and (code != 0 or doc.get("error") or doc.get("runtime_error")):
        failure = f"exit code {code}: {(doc.get('error') or doc.get('runtime_error') or '')[:200]}"
    if failure is None:
        rec["scripts"] = perfscope_scripts(doc) if tool == "perfscope" else lighthouse_scripts(doc)
        if tool == "lighthouse":
            rec["lighthouse_version"] = doc.get("lighthouse_version")
            rec["browser_version"] = doc.get("browser_version")
        if not rec["scripts"]:
            failure = "no script measured"
    rec["ok"] = failure is None
    rec["failure"] = failure
    label = f"[{page} run {run}]"
    if failure:
        print(f"{label} {tool} failed: {failure}", file=sys.stderr)
        for line in tail_of(log_path):
            print(f"    | {line}", file=sys.stderr)
    else:
        shares = ", ".join(f"{u.rsplit('/', 1)[-1]} {s['unused_pct']:.2f}%" for u, s in rec["scripts"].items())
        print(f"{label} {tool} {wall:.1f} s: {shares}", file=sys.stderr)
    with open(os.environ["BENCH_RECORDS"], "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\n")


def cmd_report(argv):
    out_path = argv[0]
    env = os.environ
    with open(env["BENCH_RECORDS"], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    rows, module_rows, worst = [], [], None
    pages = []
    for r in records:
        if r["page"] not in pages:
            pages.append(r["page"])
    summary = {}
    for page in pages:
        ok = {tool: [r for r in records if r["page"] == page and r["tool"] == tool and r["ok"]]
              for tool in ("perfscope", "lighthouse")}
        urls = sorted({u for r in ok["lighthouse"] for u in r["scripts"]} |
                      {u for r in ok["perfscope"] for u in r["scripts"]})
        for url in urls:
            ps = [r["scripts"][url]["unused_pct"] for r in ok["perfscope"] if url in r["scripts"]]
            lh = [r["scripts"][url]["unused_pct"] for r in ok["lighthouse"] if url in r["scripts"]]
            if not ps or not lh:
                continue
            pm, lm = statistics.median(ps), statistics.median(lh)
            diff = points(pm - lm)
            worst = diff if worst is None or abs(diff) > abs(worst) else worst
            path = url.split("://", 1)[-1].split("/", 1)[-1]
            rows.append(f"| {page} | `/{path}` | {pm:.2f}% ({min(ps):.2f}–{max(ps):.2f}) | "
                        f"{lm:.2f}% ({min(lh):.2f}–{max(lh):.2f}) | {diff:+.2f} |")
            summary[f"{page} /{path}"] = {"perfscope_pct": ps, "lighthouse_pct": lh, "difference_pp": diff}
            names = sorted({m for r in ok["lighthouse"] if url in r["scripts"] for m in r["scripts"][url]["modules"]})
            for name in names:
                pmod = [share for r in ok["perfscope"] if url in r["scripts"]
                        for module, share in r["scripts"][url]["modules"].items() if same_source(name, module)]
                lmod = [r["scripts"][url]["modules"][name] for r in ok["lighthouse"]
                        if url in r["scripts"] and name in r["scripts"][url]["modules"]]
                if pmod and lmod:
                    d = points(statistics.median(pmod) - statistics.median(lmod))
                    module_rows.append(f"| `/{path}` | `{name}` | {statistics.median(pmod):.2f}% | "
                                       f"{statistics.median(lmod):.2f}% | {d:+.2f} |")
    runs = int(env["BENCH_N"])
    lh_version = next((r.get("lighthouse_version") for r in records if r.get("lighthouse_version")), env["BENCH_LH_VERSION"])
    browser = next((r.get("browser_version") for r in records if r.get("browser_version")), env["BENCH_CHROME_PATH"])
    walls = {tool: [r["wall_s"] for r in records if r["tool"] == tool and r["ok"]] for tool in ("perfscope", "lighthouse")}
    md = [
        f"`N={runs} benches/coverage_vs_lighthouse.sh` on {time.strftime('%Y-%m-%d')}: {env['BENCH_PS_VERSION']} "
        f"(debug build), Lighthouse {lh_version} (Node {env['BENCH_NODE_VERSION']}), {browser}; "
        f"{os.cpu_count()} cores. {runs} runs per tool and page, interleaved; every run starts its own Chromium.",
        "",
        "| page | script | perfscope unused (median, min–max) | Lighthouse unused (median, min–max) | difference (points) |",
        "| --- | --- | ---: | ---: | ---: |",
        *rows,
        "",
        "| script | source file | perfscope unused | Lighthouse unused | difference (points) |",
        "| --- | --- | ---: | ---: | ---: |",
        *module_rows,
        "",
    ]
    met = None if worst is None else abs(worst) <= GOAL_PP
    md.append(f"- Goal, every script's median unused share within {GOAL_PP:.0f} percentage points of Lighthouse's: "
              + ("**no data**" if met is None else ("**met**" if met else "**not met**"))
              + ("" if worst is None else f" (largest difference {worst:+.2f} points)") + ".")
    if walls["perfscope"] and walls["lighthouse"]:
        md.append(f"- Wall time per run (median, browser start included): perfscope "
                  f"{statistics.median(walls['perfscope']):.1f} s (all Web Vitals, 5.25 s quiet window), "
                  f"Lighthouse {statistics.median(walls['lighthouse']):.1f} s (one audit).")
    for r in records:
        if not r["ok"]:
            md.append(f"- {r['tool']} on {r['page']}, run {r['run']}, failed: {r['failure']}")
    print("\n".join(md))
    doc = {"settings": {"n": runs, "goal_pp": GOAL_PP, "perfscope_version": env["BENCH_PS_VERSION"],
                        "lighthouse_version": lh_version, "browser": browser,
                        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
           "summary": summary, "largest_difference_pp": worst, "goal_met": met, "runs": records}
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    {"run": cmd_run, "report": cmd_report}[sys.argv[1]](sys.argv[2:])
PY

export BENCH_RECORDS="$TMP/records.jsonl" BENCH_PS_CWD="$TMP/ps-cwd" BENCH_RUN_TIMEOUT="$RUN_TIMEOUT"
export BENCH_N="$N" BENCH_LH_VERSION="$LH_INSTALLED" BENCH_CHROME_PATH="$CHROME_PATH"
BENCH_PS_VERSION=$("$PERFSCOPE" --version 2>/dev/null || echo perfscope)
BENCH_NODE_VERSION=$(node --version 2>/dev/null || echo unknown)
export BENCH_PS_VERSION BENCH_NODE_VERSION
: > "$BENCH_RECORDS"

for page in "${PAGES[@]}"; do
  IFS='|' read -r name dir path <<<"$page"
  [ -f "$dir${path%/}/index.html" ] || [ -f "$dir$path" ] || die "no page at $dir$path"
  port=$(free_port)
  "$PY" -m http.server --bind 127.0.0.1 "$port" --directory "$dir" >"$TMP/serve-$port.log" 2>&1 &
  SERVER_PIDS+=($!)
  url="http://127.0.0.1:$port$path"
  for _ in $(seq 100); do
    "$PY" -c "import urllib.request; urllib.request.urlopen('$url', timeout=2)" 2>/dev/null && break
    sleep 0.1
  done
  for i in $(seq "$N"); do
    order=(perfscope lighthouse)
    [ $((i % 2)) -eq 0 ] && order=(lighthouse perfscope)
    for tool in "${order[@]}"; do
      out="$TMP/runs/$port-$i-$tool.json"
      if [ "$tool" = perfscope ]; then
        "$PY" "$TMP/bench.py" run perfscope "$name" "$i" "$out" -- \
          "$PERFSCOPE" vitals "$url" --runs 1 --no-sandbox --format json
      else
        (cd "$TMP/lh" && "$PY" "$TMP/bench.py" run lighthouse "$name" "$i" "$out" -- \
          node "$TMP/lh/coverage.mjs" "$url" "$out")
      fi || echo "[$name run $i] $tool: the benchmark helper itself failed" >&2
    done
  done
done

"$PY" "$TMP/bench.py" report "$OUT"
echo "raw numbers: $OUT" >&2
