#!/usr/bin/env bash
# Times N cold loads of one simple fixture page with `perfscope vitals` and
# with Lighthouse (installed from the npm registry into a temporary folder),
# each invocation starting its own Chromium, and prints the median, min, max
# and coefficient of variation of both wall times and of the FCP each reports.
#
#   benches/vitals_vs_lighthouse.sh            # N=5
#   N=10 PERFSCOPE=target/debug/perfscope benches/vitals_vs_lighthouse.sh
#
# Both tools get the same page from the same local server and the same
# Chromium (CHROME_PATH, default /usr/bin/chromium). perfscope runs with its
# desktop profile (DevTools-applied throttling); Lighthouse with
# `--preset=desktop` (its default: simulated throttling) — override with LH_ARGS.
set -euo pipefail

N=${N:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERFSCOPE=${PERFSCOPE:-$ROOT/target/release/perfscope}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
LH_VERSION=${LH_VERSION:-12.8.2}
LH_ARGS=${LH_ARGS:---preset=desktop}
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"

if [ ! -x "$PERFSCOPE" ]; then
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

echo "installing lighthouse@$LH_VERSION into $TMP..." >&2
(cd "$TMP" && npm init -y >/dev/null 2>&1 && npm install --silent --no-audit --no-fund "lighthouse@$LH_VERSION" >/dev/null 2>&1)
LH="$TMP/node_modules/.bin/lighthouse"

# The real interpreter (not a pyenv shim) so that $! is the server's pid.
PY=$(python3 -c 'import sys; print(sys.executable)')
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT/fixtures/vitals/site" >/dev/null 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT/index.html"
for _ in $(seq 50); do
  if "$PY" -c "import urllib.request; urllib.request.urlopen('$URL')" 2>/dev/null; then break; fi
  sleep 0.1
done

now() { "$PY" -c 'import time; print(time.time())'; }

: > "$TMP/perfscope.txt"
: > "$TMP/lighthouse.txt"
for i in $(seq "$N"); do
  start=$(now)
  # exit 1 (a failed budget) is not an error here
  "$PERFSCOPE" vitals "$URL" --runs 1 --profile desktop --format json > "$TMP/p$i.json" || [ $? -eq 1 ]
  end=$(now)
  fcp=$("$PY" -c "import json; print(json.load(open('$TMP/p$i.json'))['runs'][0]['fcp_ms'])")
  echo "$start $end $fcp" >> "$TMP/perfscope.txt"

  start=$(now)
  "$LH" "$URL" $LH_ARGS --only-categories=performance --output=json --output-path="$TMP/l$i.json" \
    --quiet --chrome-flags="$FLAGS" >/dev/null 2>&1
  end=$(now)
  fcp=$("$PY" -c "import json; print(json.load(open('$TMP/l$i.json'))['audits']['first-contentful-paint']['numericValue'])")
  echo "$start $end $fcp" >> "$TMP/lighthouse.txt"
  echo "run $i/$N done" >&2
done

"$PY" - "$TMP/perfscope.txt" "$TMP/lighthouse.txt" "$N" <<'PY'
import statistics, sys

def load(path):
    rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
    return [r[1] - r[0] for r in rows], [r[2] for r in rows]

def describe(values, unit, scale=1.0):
    v = [x * scale for x in values]
    mean = statistics.fmean(v)
    cv = statistics.pstdev(v) / mean if mean else 0.0
    return f"median {statistics.median(v):.2f} {unit}, min {min(v):.2f}, max {max(v):.2f}, cv {cv * 100:.1f}%"

p_time, p_fcp = load(sys.argv[1])
l_time, l_fcp = load(sys.argv[2])
print(f"runs: {sys.argv[3]} each, one page load per invocation, browser start included")
print(f"perfscope vitals  wall: {describe(p_time, 's')}")
print(f"lighthouse        wall: {describe(l_time, 's')}")
print(f"perfscope vitals  FCP:  {describe(p_fcp, 'ms')}")
print(f"lighthouse        FCP:  {describe(l_fcp, 'ms')}")
print(f"ratio (lighthouse / perfscope, medians): {statistics.median(l_time) / statistics.median(p_time):.1f}x")
PY
