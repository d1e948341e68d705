#!/usr/bin/env bash
# perfscope vitals vs Lighthouse, on the same pages with matched settings.
#
# For each page of fixtures/vitals/site (PAGES) it makes N runs of each tool,
# interleaved: run i is one `perfscope vitals` invocation and one Lighthouse
# invocation back to back (odd runs perfscope first, even runs Lighthouse
# first, so neither always gets the quieter moment). Every invocation starts
# its own Chromium with a fresh profile and makes one page load; wall time is
# the whole invocation, browser start included.
#
# It prints Markdown tables (for docs/benchmarks.md) answering three goals:
#   - FCP, LCP, TTI and TBT: perfscope's median within 10% of Lighthouse's;
#   - wall time per run: perfscope's median <= 0.25x Lighthouse's;
#   - FCP's coefficient of variation (sample stdev / mean) over N=5 runs <= 10%;
# and writes every raw number to OUT as JSON.
#
#   benches/vitals_vs_lighthouse.sh                      # N=5, four pages
#   N=3 PAGES="index.html lcp.html" benches/vitals_vs_lighthouse.sh
#   PERFSCOPE=target/debug/perfscope OUT=/tmp/vl.json benches/vitals_vs_lighthouse.sh
#
# Matched settings (both: desktop form factor, 1350x940 at DPR 1, no network
# or CPU throttling, metrics observed in the real load, not simulated):
#   perfscope vitals URL --runs 1 --profile desktop --throttling devtools --no-sandbox --format json
#   lighthouse URL --preset=desktop --throttling-method=devtools --only-categories=performance \
#     --output=json --output-path=FILE --quiet --chrome-flags="$FLAGS"
# perfscope's desktop+devtools applies no throttling, as Lighthouse's desktop
# preset with `--throttling-method=devtools` (its desktopDense4G values put 0 in
# the DevTools fields; the 40 ms / 10 Mbit/s are only inputs of its simulation).
#
# Environment:
#   N            runs per tool and page (default 5)
#   PAGES        pages under fixtures/vitals/site (default below)
#   PERFSCOPE    perfscope binary (default target/release/perfscope, built when missing)
#   PS_ARGS      perfscope arguments after the URL (`--format json` is always added)
#   LH_ARGS      Lighthouse arguments after the URL (the output arguments are always added)
#   LH_VERSION   Lighthouse installed with npm into the temp folder (default 12.8.2)
#   LIGHTHOUSE   an existing Lighthouse CLI to use instead of installing one
#   CHROME_PATH  Chromium for both tools (default /usr/bin/chromium)
#   OUT          raw numbers as JSON (default target/vitals_vs_lighthouse.json)
#   WARMUP       discarded warm-up runs of each tool on the first page (default 1)
#   RUN_TIMEOUT  seconds before one invocation is stopped and counted failed (default 240)
# PS_ARGS and LH_ARGS are split on spaces (no quoting).
#
# A run whose tool fails (exit code other than 0 — or, for perfscope, other than
# 0 and 1, 1 being a failed budget with a full report —, no JSON, a Lighthouse
# runtimeError, a timeout) is reported on stderr and recorded with null
# metrics; the benchmark goes on and leaves it out of the medians.
set -euo pipefail

CALLER_DIR=$PWD
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SITE="$ROOT/fixtures/vitals/site"

N=${N:-5}
PAGES=${PAGES:-index.html lcp.html longtasks.html settle/late-stall.html}
PERFSCOPE=${PERFSCOPE:-$ROOT/target/release/perfscope}
PS_ARGS=${PS_ARGS:---runs 1 --profile desktop --throttling devtools --no-sandbox}
LH_ARGS=${LH_ARGS:---preset=desktop --throttling-method=devtools --only-categories=performance}
LH_VERSION=${LH_VERSION:-12.8.2}
LIGHTHOUSE=${LIGHTHOUSE:-}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=${OUT:-$ROOT/target/vitals_vs_lighthouse.json}
WARMUP=${WARMUP:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-240}
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"

die() { echo "vitals_vs_lighthouse: $*" >&2; exit 2; }
abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$CALLER_DIR/$1" ;; esac; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer (got '$N')"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be 0 or more (got '$WARMUP')"
[[ $RUN_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "RUN_TIMEOUT must be a positive integer (got '$RUN_TIMEOUT')"
read -r -a PAGE_LIST <<< "$PAGES"
[ "${#PAGE_LIST[@]}" -gt 0 ] || die "PAGES is empty"
for page in "${PAGE_LIST[@]}"; do
  [ -f "$SITE/$page" ] || die "no page $page under $SITE"
done
read -r -a PS_EXTRA <<< "$PS_ARGS"
read -r -a LH_EXTRA <<< "$LH_ARGS"
PERFSCOPE=$(abspath "$PERFSCOPE")
OUT=$(abspath "$OUT")
[ -x "$CHROME_PATH" ] || die "no Chromium at CHROME_PATH=$CHROME_PATH"
command -v python3 >/dev/null || die "python3 is needed"

if [ ! -x "$PERFSCOPE" ]; then
  [ "$PERFSCOPE" = "$ROOT/target/release/perfscope" ] || die "no perfscope at $PERFSCOPE"
  echo "building perfscope (release)..." >&2
  (cd "$ROOT" && cargo build --release -q)
fi

TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/runs" "$TMP/ps-cwd" # perfscope runs in an empty folder: no perfscope.toml applies

if [ -n "$LIGHTHOUSE" ]; then
  LH=$(abspath "$LIGHTHOUSE")
  [ -x "$LH" ] || die "LIGHTHOUSE=$LIGHTHOUSE is not executable"
else
  command -v npm >/dev/null || die "npm is needed to install Lighthouse (or set LIGHTHOUSE)"
  echo "installing lighthouse@$LH_VERSION into $TMP..." >&2
  if ! (cd "$TMP" && npm init -y >/dev/null 2>&1 &&
        npm install --no-audit --no-fund --loglevel=error "lighthouse@$LH_VERSION" >"$TMP/npm.log" 2>&1); then
    tail -n 20 "$TMP/npm.log" >&2 || true
    die "npm install lighthouse@$LH_VERSION failed"
  fi
  LH="$TMP/node_modules/.bin/lighthouse"
  [ -x "$LH" ] || die "lighthouse@$LH_VERSION installed no CLI at $LH"
fi

# The real interpreter (not a pyenv shim) so that $! is the server's pid.
PY=$(python3 -c 'import sys; print(sys.executable)')
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >/dev/null 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
ready=""
for _ in $(seq 50); do
  if "$PY" -c "import urllib.request; urllib.request.urlopen('$BASE/${PAGE_LIST[0]}', timeout=2)" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || die "the static server on $BASE did not answer"

# The helper: `run` times one invocation and extracts its metrics into a JSON
# line of $BENCH_RECORDS; `report` prints the Markdown and writes OUT.
cat > "$TMP/bench.py" <<'PY'
import json, math, os, signal, statistics, subprocess, sys, time

METRICS = [("fcp", "FCP"), ("lcp", "LCP"), ("tti", "TTI"), ("tbt", "TBT")]
PS_FIELDS = {"fcp": "fcp_ms", "lcp": "lcp_ms", "tti": "tti_ms", "tbt": "tbt_ms"}
LH_AUDITS = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint",
             "tti": "interactive", "tbt": "total-blocking-time"}
TOOLS = ("perfscope", "lighthouse")
METRIC_TOLERANCE = 0.10  # |perfscope / Lighthouse - 1|
WALL_GOAL = 0.25         # perfscope / Lighthouse
FCP_CV_GOAL = 0.10       # perfscope's FCP, sample stdev / mean
CV_GOAL_RUNS = 5


def warn(message):
    print(message, file=sys.stderr, flush=True)


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def stop(proc):
    # SIGINT first: Lighthouse's chrome-launcher closes its Chromium on it.
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
    """(exit code or None, wall seconds, failure or None)."""
    with open(log_path, "wb") as log:
        out = open(stdout_path, "wb") if stdout_path else log
        try:
            start = time.perf_counter()
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=log,
                                        cwd=cwd, start_new_session=True)
            except OSError as e:
                return None, 0.0, f"could not start: {e}"
            try:
                code = proc.wait(timeout=timeout)
                return code, time.perf_counter() - start, None
            except subprocess.TimeoutExpired:
                wall = time.perf_counter() - start
                stop(proc)
                return None, wall, f"timed out after {timeout} s"
            except KeyboardInterrupt:
                stop(proc)
                raise
        finally:
            if stdout_path:
                out.close()


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f), None
    except (OSError, ValueError) as e:
        return None, f"no JSON report ({type(e).__name__}: {str(e)[:120]})"


def extract_perfscope(path, code, rec):
    doc, failure = load_json(path)
    if code not in (0, 1):  # 1 is a failed budget gate, with a full report
        return f"exit code {code}" + (", no JSON report" if failure else "")
    if failure:
        return failure
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not runs:
        return "the report has no run"
    run = runs[0]
    rec["metrics"] = {k: number(run.get(field)) for k, field in PS_FIELDS.items()}
    rec["complete"] = run.get("complete")
    rec["settings"] = doc.get("profile")
    rec["diagnostics"] = [d.get("message") for d in doc.get("diagnostics") or [] if isinstance(d, dict)]
    for k, field in PS_FIELDS.items():
        if rec["metrics"][k] is None:
            rec["metric_errors"][k] = f"{field} absent"
    return None


def extract_lighthouse(path, code, rec):
    lhr, failure = load_json(path)
    if failure:
        return failure if code == 0 else f"exit code {code}, {failure}"
    audits = lhr.get("audits") or {}
    metrics = {}
    for k, audit_id in LH_AUDITS.items():
        audit = audits.get(audit_id) or {}
        metrics[k] = number(audit.get("numericValue"))
        if metrics[k] is None:
            rec["metric_errors"][k] = f"{audit_id}: {audit.get('errorMessage') or 'no numericValue'}"
    rec["metrics"] = metrics
    settings = lhr.get("configSettings") or {}
    rec["settings"] = {
        "lighthouseVersion": lhr.get("lighthouseVersion"),
        "hostUserAgent": (lhr.get("environment") or {}).get("hostUserAgent"),
        "formFactor": settings.get("formFactor"),
        "throttlingMethod": settings.get("throttlingMethod"),
        "throttling": settings.get("throttling"),
        "screenEmulation": settings.get("screenEmulation"),
    }
    runtime = lhr.get("runtimeError")
    if runtime:
        return f"runtimeError {runtime.get('code')}: {runtime.get('message')}"
    if code != 0:
        return f"exit code {code}"
    return None


def fmt_ms(v):
    return "–" if v is None else f"{v:,.0f} ms"


def cmd_run(argv):
    sep = argv.index("--")
    tool, page, run, position, out_path = argv[:sep]
    cmd = argv[sep + 1:]
    run = int(run)
    warmup = run == 0
    log_path = out_path + ".log"
    if os.path.exists(out_path):
        os.remove(out_path)
    code, wall, failure = execute(
        cmd,
        out_path if tool == "perfscope" else None,
        log_path,
        os.environ["BENCH_PS_CWD"] if tool == "perfscope" else None,
        int(os.environ["BENCH_RUN_TIMEOUT"]),
    )
    rec = {"tool": tool, "page": page, "run": run, "warmup": warmup, "position": int(position),
           "exit_code": code, "wall_s": wall, "ok": False, "failure": None,
           "metrics": {k: None for k, _ in METRICS}, "metric_errors": {}, "complete": None,
           "settings": None}
    if failure is None:
        extract = extract_perfscope if tool == "perfscope" else extract_lighthouse
        failure = extract(out_path, code, rec)
    n = os.environ["BENCH_N"]
    label = f"[warm-up] {page}" if warmup else f"[{page} run {run}/{n}]"
    if failure:
        rec["failure"] = failure
        rec["metrics"] = {k: None for k, _ in METRICS}  # a failed run counts for nothing
        warn(f"{label} {tool} FAILED after {wall:.2f} s: {failure}")
        try:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                tail = f.read().strip().splitlines()[-8:]
            for line in tail:
                warn(f"    | {line}")
        except OSError:
            pass
    else:
        rec["ok"] = True
        m = rec["metrics"]
        notes = []
        if tool == "perfscope" and code == 1:
            notes.append("exit 1: a budget failed, report used")
        if rec["complete"] is False:
            notes.append("run incomplete")
        notes += [f"{k.upper()} missing ({e})" for k, e in rec["metric_errors"].items()]
        warn(f"{label} {tool} {wall:.2f} s: FCP {fmt_ms(m['fcp'])}, LCP {fmt_ms(m['lcp'])}, "
             f"TTI {fmt_ms(m['tti'])}, TBT {fmt_ms(m['tbt'])}"
             + (f" ({'; '.join(notes)})" if notes else ""))
    with open(os.environ["BENCH_RECORDS"], "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\n")


def stats(values):
    if not values:
        return {"n": 0, "median": None, "mean": None, "min": None, "max": None, "cv": None}
    mean = statistics.fmean(values)
    cv = statistics.stdev(values) / mean if len(values) >= 2 and mean > 0 else None
    return {"n": len(values), "median": statistics.median(values), "mean": mean,
            "min": min(values), "max": max(values), "cv": cv}


def ratio(a, b):
    """(perfscope / Lighthouse or None, text)."""
    if a is None or b is None:
        return None, "–"
    if b == 0:
        return (1.0, "= (both 0)") if a == 0 else (None, "∞ (Lighthouse 0)")
    return a / b, f"{a / b:.2f}"


def yes_no(flag):
    return "n/a" if flag is None else ("yes" if flag else "no")


def with_count(text, n, runs):
    return text if n == runs or text == "–" else f"{text} ({n}/{runs})"


def cmd_report(argv):
    out_path = argv[0]
    env = os.environ
    runs = int(env["BENCH_N"])
    pages = env["BENCH_PAGES"].split()
    with open(env["BENCH_RECORDS"], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    measured = [r for r in records if not r["warmup"]]

    def first_settings(tool):
        for r in records:
            if r["tool"] == tool and r.get("settings"):
                return r["settings"]
        return None

    ps_settings, lh_settings = first_settings("perfscope"), first_settings("lighthouse")
    page_results = []
    md = []
    for page in pages:
        tools = {}
        for tool in TOOLS:
            rs = [r for r in measured if r["page"] == page and r["tool"] == tool]
            ok = [r for r in rs if r["ok"]]
            tools[tool] = {
                "runs": len(rs),
                "ok_runs": len(ok),
                "failed_runs": [{"run": r["run"], "failure": r["failure"]} for r in rs if not r["ok"]],
                "incomplete_runs": [r["run"] for r in ok if r.get("complete") is False],
                "metric_errors": [{"run": r["run"], "metric": k, "error": e}
                                  for r in ok for k, e in r["metric_errors"].items()],
                "wall_s": stats([r["wall_s"] for r in ok]),
                "metrics": {k: stats([r["metrics"][k] for r in ok if r["metrics"][k] is not None])
                            for k, _ in METRICS},
            }
        ps, lh = tools["perfscope"], tools["lighthouse"]
        comparison = {}
        rows = []
        for k, name in METRICS:
            a, b = ps["metrics"][k], lh["metrics"][k]
            r, r_text = ratio(a["median"], b["median"])
            if a["median"] is None or b["median"] is None:
                within = None
            elif r is None:
                within = False
            else:
                within = abs(r - 1) <= METRIC_TOLERANCE + 1e-9
            comparison[k] = {"perfscope_median_ms": a["median"], "lighthouse_median_ms": b["median"],
                             "ratio": r, "within_10pct": within}
            rows.append(f"| {name} (median) | ±10% | {with_count(fmt_ms(a['median']), a['n'], runs)} "
                        f"| {with_count(fmt_ms(b['median']), b['n'], runs)} | {r_text} | {yes_no(within)} |")
        ps_cv, lh_cv = ps["metrics"]["fcp"]["cv"], lh["metrics"]["fcp"]["cv"]
        cv_met = None if ps_cv is None else ps_cv <= FCP_CV_GOAL + 1e-12
        comparison["fcp_cv"] = {"perfscope": ps_cv, "lighthouse": lh_cv, "goal_met": cv_met}
        pct = lambda v: "–" if v is None else f"{v * 100:.1f}%"
        rows.append(f"| FCP CV | ≤ 10% | {with_count(pct(ps_cv), ps['metrics']['fcp']['n'], runs)} "
                    f"| {with_count(pct(lh_cv), lh['metrics']['fcp']['n'], runs)} | | {yes_no(cv_met)} |")
        wa, wb = ps["wall_s"]["median"], lh["wall_s"]["median"]
        w_ratio = wa / wb if wa is not None and wb else None
        w_met = None if w_ratio is None else w_ratio <= WALL_GOAL + 1e-12
        comparison["wall"] = {"perfscope_median_s": wa, "lighthouse_median_s": wb,
                              "ratio": w_ratio, "goal_met": w_met}
        secs = lambda v: "–" if v is None else f"{v:.2f} s"
        rows.append(f"| wall per run (median) | ≤ 0.25× | {with_count(secs(wa), ps['wall_s']['n'], runs)} "
                    f"| {with_count(secs(wb), lh['wall_s']['n'], runs)} "
                    f"| {'–' if w_ratio is None else f'{w_ratio:.2f}×'} | {yes_no(w_met)} |")
        page_results.append({"page": page, "tools": tools, "comparison": comparison})

        md.append(f"### `{page}`")
        md.append("")
        md.append("| measure | goal | perfscope | Lighthouse | perfscope / Lighthouse | goal met |")
        md.append("| --- | --- | ---: | ---: | ---: | :---: |")
        md.extend(rows)
        notes = []
        for tool, label in (("perfscope", "perfscope"), ("lighthouse", "Lighthouse")):
            t = tools[tool]
            if t["failed_runs"]:
                notes.append(f"{label} failed on run(s) "
                             + ", ".join(f"{f['run']} ({f['failure']})" for f in t["failed_runs"]))
            if t["incomplete_runs"]:
                notes.append(f"{label} run(s) {', '.join(map(str, t['incomplete_runs']))} incomplete")
            if t["metric_errors"]:
                notes.append(f"{label} missing metrics: "
                             + "; ".join(f"run {e['run']} {e['metric'].upper()} ({e['error']})"
                                         for e in t["metric_errors"]))
        if notes:
            md.append("")
            md.extend(f"- {n}" for n in notes)
        md.append("")

    # One line per goal.
    metric_checks = [(p["page"], name, p["comparison"][k]) for p in page_results for k, name in METRICS]
    judged = [c for c in metric_checks if c[2]["within_10pct"] is not None]
    misses = [c for c in judged if not c[2]["within_10pct"]]
    unjudged = [c for c in metric_checks if c[2]["within_10pct"] is None]

    def verdict(judged_n, miss_n, total):
        if judged_n == 0:
            return "**no data**"
        if miss_n == 0 and judged_n == total:
            return "**met**"
        return "**not met**" if miss_n else "**met where measured**"

    def ratio_text(c):
        return "∞" if c["ratio"] is None else f"{c['ratio']:.2f}"

    line1 = (f"- FCP/LCP/TTI/TBT medians within 10% of Lighthouse: "
             f"{verdict(len(judged), len(misses), len(metric_checks))}, "
             f"{len(judged) - len(misses)}/{len(metric_checks)} page-metric pairs")
    if misses:
        line1 += " — off: " + ", ".join(f"`{p}` {m} {ratio_text(c)}" for p, m, c in misses)
    if unjudged:
        line1 += " — no data: " + ", ".join(f"`{p}` {m}" for p, m, _ in unjudged)

    walls = [(p["page"], p["comparison"]["wall"]) for p in page_results]
    w_judged = [w for w in walls if w[1]["goal_met"] is not None]
    w_miss = [w for w in w_judged if not w[1]["goal_met"]]
    sum_ps = sum(w["perfscope_median_s"] for _, w in w_judged)
    sum_lh = sum(w["lighthouse_median_s"] for _, w in w_judged)
    overall_wall = sum_ps / sum_lh if sum_lh else None
    line2 = (f"- Wall time per run ≤ 0.25× Lighthouse: {verdict(len(w_judged), len(w_miss), len(walls))}"
             + "".join(f", `{p}` {w['ratio']:.2f}×" for p, w in w_judged))
    if overall_wall is not None:
        line2 += f"; all pages (sum of medians {sum_ps:.2f} s vs {sum_lh:.2f} s): {overall_wall:.2f}×"

    cvs = [(p["page"], p["comparison"]["fcp_cv"]) for p in page_results]
    c_judged = [c for c in cvs if c[1]["goal_met"] is not None]
    c_miss = [c for c in c_judged if not c[1]["goal_met"]]
    line3 = (f"- perfscope FCP CV over {runs} runs ≤ 10%: {verdict(len(c_judged), len(c_miss), len(cvs))}"
             + "".join(f", `{p}` {c['perfscope'] * 100:.1f}%"
                         + ("" if c["lighthouse"] is None else f" (Lighthouse {c['lighthouse'] * 100:.1f}%)")
                         for p, c in c_judged))
    if runs != CV_GOAL_RUNS:
        line3 += f" — note: the goal is stated for {CV_GOAL_RUNS} runs"

    chromium = (lh_settings or {}).get("hostUserAgent") or env.get("BENCH_CHROME_PATH")
    load_start = env.get("BENCH_LOAD_START", "?")
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    header = [
        "## perfscope vitals vs Lighthouse",
        "",
        f"`N={runs} benches/vitals_vs_lighthouse.sh` on {time.strftime('%Y-%m-%d')}: "
        f"{env['BENCH_PS_VERSION']}, Lighthouse {(lh_settings or {}).get('lighthouseVersion') or env['BENCH_LH_VERSION']} "
        f"(Node {env['BENCH_NODE_VERSION']}), {chromium}; {os.cpu_count()} cores, "
        f"load average {load_start} at the start, {load_end} at the end.",
        f"Each page is served by `python3 -m http.server` on 127.0.0.1; {runs} runs per tool and page, "
        "interleaved (odd runs perfscope first, even runs Lighthouse first), "
        f"{env['BENCH_WARMUP']} discarded warm-up run(s) of each tool first. "
        "Every invocation starts its own Chromium and makes one page load; wall time includes browser start. "
        "Medians over the runs that succeeded; CV = sample standard deviation / mean.",
        "",
        f"- perfscope: `{env['BENCH_PS_CMD']}`",
        f"- Lighthouse: `{env['BENCH_LH_CMD']}`",
    ]
    if ps_settings:
        net = ps_settings.get("network")
        header.append(
            f"- perfscope applied: profile {ps_settings.get('name')} {ps_settings.get('width')}×{ps_settings.get('height')} "
            f"@{ps_settings.get('device_scale_factor')}, throttling {ps_settings.get('throttling') or '?'}, "
            f"CPU {ps_settings.get('cpu_slowdown')}×, network {'none' if not net else net}")
    if lh_settings:
        thr = lh_settings.get("throttling") or {}
        scr = lh_settings.get("screenEmulation") or {}
        header.append(
            f"- Lighthouse applied: formFactor {lh_settings.get('formFactor')} {scr.get('width')}×{scr.get('height')} "
            f"@{scr.get('deviceScaleFactor')}, throttlingMethod {lh_settings.get('throttlingMethod')}, "
            f"CPU {thr.get('cpuSlowdownMultiplier')}×, DevTools network latency {thr.get('requestLatencyMs')} ms / "
            f"down {thr.get('downloadThroughputKbps')} kbit/s / up {thr.get('uploadThroughputKbps')} kbit/s (0 = none)")
    header.append("")

    print("\n".join(header + md + ["### Goals", "", line1, line2, line3]))

    doc = {
        "settings": {
            "n": runs, "pages": pages, "warmup": int(env["BENCH_WARMUP"]),
            "perfscope_command": env["BENCH_PS_CMD"], "lighthouse_command": env["BENCH_LH_CMD"],
            "perfscope_version": env["BENCH_PS_VERSION"], "lighthouse_version_requested": env["BENCH_LH_VERSION"],
            "node_version": env["BENCH_NODE_VERSION"], "chrome_path": env["BENCH_CHROME_PATH"],
            "perfscope_profile": ps_settings, "lighthouse_settings": lh_settings,
            "cpu_count": os.cpu_count(), "load_average_start": load_start, "load_average_end": load_end,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
        "goals": {
            "metrics_within_10pct": {"judged": len(judged), "missed": [[p, m] for p, m, _ in misses],
                                     "no_data": [[p, m] for p, m, _ in unjudged]},
            "wall_ratio_at_most_0_25": {"per_page": {p: w["ratio"] for p, w in walls},
                                        "all_pages": overall_wall},
            "fcp_cv_at_most_10pct": {"per_page": {p: c["perfscope"] for p, c in cvs}},
        },
        "pages": page_results,
        "runs": records,
    }
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    {"run": cmd_run, "report": cmd_report}[sys.argv[1]](sys.argv[2:])
PY

export BENCH_RECORDS="$TMP/records.jsonl"
export BENCH_PS_CWD="$TMP/ps-cwd"
export BENCH_RUN_TIMEOUT="$RUN_TIMEOUT"
export BENCH_N="$N"
export BENCH_PAGES="${PAGE_LIST[*]}"
export BENCH_WARMUP="$WARMUP"
export BENCH_LH_VERSION="$LH_VERSION"
export BENCH_CHROME_PATH="$CHROME_PATH"
export BENCH_PS_CMD="perfscope vitals URL ${PS_EXTRA[*]+${PS_EXTRA[*]}} --format json"
export BENCH_LH_CMD="lighthouse URL ${LH_EXTRA[*]+${LH_EXTRA[*]}} --output=json --output-path=FILE --quiet --chrome-flags=\"$FLAGS\""
BENCH_PS_VERSION=$("$PERFSCOPE" --version 2>/dev/null || echo perfscope)
BENCH_NODE_VERSION=$(node --version 2>/dev/null || echo unknown)
BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
export BENCH_PS_VERSION BENCH_NODE_VERSION BENCH_LOAD_START
: > "$BENCH_RECORDS"

# One invocation of TOOL on PAGE; RUN 0 is a warm-up; POSITION 1 or 2 in the pair.
run_one() {
  local tool=$1 page=$2 run=$3 position=$4
  local url="$BASE/$page" out
  out="$TMP/runs/${page//\//_}-$run-$tool.json"
  if [ "$tool" = perfscope ]; then
    "$PY" "$TMP/bench.py" run "$tool" "$page" "$run" "$position" "$out" -- \
      "$PERFSCOPE" vitals "$url" ${PS_EXTRA[@]+"${PS_EXTRA[@]}"} --format json
  else
    "$PY" "$TMP/bench.py" run "$tool" "$page" "$run" "$position" "$out" -- \
      "$LH" "$url" ${LH_EXTRA[@]+"${LH_EXTRA[@]}"} --output=json --output-path="$out" \
      --quiet --chrome-flags="$FLAGS"
  fi || echo "[$page run $run] $tool: the benchmark helper itself failed" >&2
}

# A pair of runs, perfscope first on odd runs and Lighthouse first on even ones.
run_pair() {
  local page=$1 run=$2
  if [ $((run % 2)) -eq 1 ] || [ "$run" -eq 0 ]; then
    run_one perfscope "$page" "$run" 1
    run_one lighthouse "$page" "$run" 2
  else
    run_one lighthouse "$page" "$run" 1
    run_one perfscope "$page" "$run" 2
  fi
}

for _ in $(seq "$WARMUP"); do
  run_pair "${PAGE_LIST[0]}" 0
done
# Runs outside, pages inside: a slow spell of the machine spreads over all pages.
for i in $(seq "$N"); do
  for page in "${PAGE_LIST[@]}"; do
    run_pair "$page" "$i"
  done
done

"$PY" "$TMP/bench.py" report "$OUT"
echo "raw numbers: $OUT" >&2
