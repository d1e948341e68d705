#!/usr/bin/env bash
# The size cache on an unchanged build: `perfscope bundle` twice over the same
# ~20 MB build output (real minified chunks from the committed fixture
# builds, each copy made distinct by a trailing comment so no two files share
# a cache key), first with an empty cache, then with the cache the first run
# wrote; and once more with --no-cache. Prints wall times and the ratio.
#
#   benches/size_cache.sh                 # ~20 MB
#   MB=50 PERFSCOPE=target/debug/perfscope benches/size_cache.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERFSCOPE=${PERFSCOPE:-$ROOT/target/release/perfscope}
MB=${MB:-20}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/app/dist/assets" "$TMP/app/node_modules"
echo '{"name":"size-cache-bench","private":true}' > "$TMP/app/package.json"
mapfile -t SOURCES < <(find "$ROOT/fixtures" -name '*.js' -size +20k -not -path '*/node_modules/*' \
  \( -path '*/dist/*' -o -path '*/.next/static/*' -o -path '*/build/client/*' \) | sort)
if [ "${#SOURCES[@]}" -eq 0 ]; then echo "no built chunks found under fixtures/" >&2; exit 2; fi
target=$((MB * 1024 * 1024))
total=0
i=0
while [ "$total" -lt "$target" ]; do
  src=${SOURCES[$((i % ${#SOURCES[@]}))]}
  out="$TMP/app/dist/assets/chunk-$i.js"
  { cat "$src"; printf '\n//# chunk %d\n' "$i"; } > "$out"
  total=$((total + $(stat -c %s "$out")))
  i=$((i + 1))
done
echo '<!doctype html><script type="module" src="/assets/chunk-0.js"></script>' > "$TMP/app/dist/index.html"
echo "build: $i chunks, $((total / 1024 / 1024)) MB (from ${#SOURCES[@]} real chunks)"

run() {
  local start end
  start=$(date +%s.%N)
  "$PERFSCOPE" bundle "$TMP/app/dist" --format json "$@" > "$TMP/out.json" || [ $? -eq 1 ]
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
first=$(run)
size=$(stat -c %s "$TMP/app/node_modules/.cache/perfscope/sizes-v1.json" 2>/dev/null || echo 0)
second=$(run)
third=$(run)
nocache=$(run --no-cache)
echo "first run (empty cache):      ${first} s"
echo "second run (cache, unchanged): ${second} s"
echo "third run (cache, unchanged):  ${third} s"
echo "--no-cache:                    ${nocache} s"
echo "cache file: $((size / 1024)) KB"
python3 -c "print(f'ratio second/first: {min($second, $third) / $first:.3f}x (goal <= 0.1x)')"
