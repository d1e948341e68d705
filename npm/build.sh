#!/usr/bin/env bash
# Builds perfscope's npm tarballs with `npm pack`: the main package `perfscope`
# (npm/perfscope: the Node launcher) and one `@perfscope/<target>` package per
# target asked, holding the binary. See npm/README.md.
#
#   npm/build.sh [--target NAME]... [--binary PATH] [--out DIR] [--strip-debug]
#   npm/build.sh --list-targets
#
#   --target NAME    a target of the table below (repeatable; default: this machine's)
#   --binary PATH    pack this already-built binary instead of building one (one --target)
#   --out DIR        where the tarballs go (default: target/npm of the repository)
#   --strip-debug    strip debug info from the packed copy (for a debug build; the
#                    release profile already ships without it)
#   --list-targets   print the targets and whether this machine can build each
#
# Without --binary, it runs `cargo build --release --locked` for this machine's
# target, and `cargo zigbuild --release --locked --target <triple>` for another
# Linux target (needs cargo-zigbuild and zig: `cargo install --locked
# cargo-zigbuild`, `pip install ziglang`, `rustup target add <triple>`). macOS
# and Windows binaries are built on their own runners (.github/workflows/release.yml).
#
# The version is the workspace's (Cargo.toml); npm/perfscope/package.json must
# carry the same version, in `version` and in every optional dependency.
# Prints the path of each tarball on stdout; everything else goes to stderr.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
	echo "npm/build.sh: $*" >&2
	exit 2
}

# name  rust-triple  npm-os  npm-cpu  npm-libc(- for none)  executable
TARGETS='linux-x64-gnu x86_64-unknown-linux-gnu linux x64 glibc perfscope
linux-arm64-gnu aarch64-unknown-linux-gnu linux arm64 glibc perfscope
linux-x64-musl x86_64-unknown-linux-musl linux x64 musl perfscope
darwin-x64 x86_64-apple-darwin darwin x64 - perfscope
darwin-arm64 aarch64-apple-darwin darwin arm64 - perfscope
win32-x64 x86_64-pc-windows-msvc win32 x64 - perfscope.exe'

target_field() { # target_field NAME COLUMN(2..6)
	local line
	line=$(printf '%s\n' "$TARGETS" | awk -v n="$1" '$1 == n')
	[ -n "$line" ] || die "unknown target '$1'; known: $(printf '%s\n' "$TARGETS" | awk '{print $1}' | paste -sd ' ' -)"
	printf '%s\n' "$line" | awk -v c="$2" '{print $c}'
}

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is not installed ($2)"
}

host_triple() { # empty without Rust (then only --binary works)
	if command -v rustc >/dev/null 2>&1; then rustc -vV | awk '/^host: / {print $2}'; fi
}

have_zigbuild() {
	cargo zigbuild --help >/dev/null 2>&1 || return 1
	command -v zig >/dev/null 2>&1 && return 0
	python3 -m ziglang version >/dev/null 2>&1
}

# How this machine builds a target: native, zigbuild, or an explanation why not.
build_method() {
	local triple os host
	triple=$(target_field "$1" 2)
	os=$(target_field "$1" 3)
	host=$(host_triple)
	if [ "$triple" = "$host" ]; then
		echo native
	elif [ "$os" = linux ] && have_zigbuild; then
		echo zigbuild
	elif [ "$os" = linux ]; then
		echo "no: needs cargo-zigbuild and zig (cargo install --locked cargo-zigbuild; pip install ziglang)"
	else
		echo "no: build it on a $([ "$os" = darwin ] && echo macOS || echo Windows) runner (.github/workflows/release.yml)"
	fi
}

workspace_field() { # workspace_field KEY: a string value of [workspace.package]
	awk -v key="$1" '
		/^\[/ { in_section = ($0 == "[workspace.package]") }
		in_section && $1 == key && $2 == "=" { gsub(/"/, "", $3); print $3; exit }
	' "$repo/Cargo.toml"
}

targets=()
binary=
out=
strip_debug=false
while [ $# -gt 0 ]; do
	case "$1" in
	--target) [ $# -ge 2 ] || die "--target needs a value"; targets+=("$2"); shift 2 ;;
	--target=*) targets+=("${1#*=}"); shift ;;
	--binary) [ $# -ge 2 ] || die "--binary needs a value"; binary=$2; shift 2 ;;
	--binary=*) binary=${1#*=}; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift 2 ;;
	--out=*) out=${1#*=}; shift ;;
	--strip-debug) strip_debug=true; shift ;;
	--list-targets)
		printf '%-16s %-28s %s\n' target triple "buildable here"
		printf '%s\n' "$TARGETS" | while read -r name triple _; do
			printf '%-16s %-28s %s\n' "$name" "$triple" "$(build_method "$name")"
		done
		exit 0
		;;
	-h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see npm/build.sh --help)" ;;
	esac
done

need node "Node.js 18 or newer"
need npm "npm comes with Node.js"

version=$(workspace_field version)
license=$(workspace_field license)
[ -n "$version" ] || die "no version in [workspace.package] of $repo/Cargo.toml"
[ -n "$license" ] || die "no license in [workspace.package] of $repo/Cargo.toml"

if [ ${#targets[@]} -eq 0 ]; then
	host=$(host_triple)
	name=$(printf '%s\n' "$TARGETS" | awk -v t="$host" '$2 == t {print $1}')
	[ -n "$name" ] || die "this machine (${host:-no rustc found}) is not a target of the npm packages; pass --target"
	targets=("$name")
fi
for t in "${targets[@]}"; do target_field "$t" 1 >/dev/null; done
if [ -n "$binary" ] && [ ${#targets[@]} -ne 1 ]; then
	die "--binary packs one binary: give exactly one --target with it"
fi
if [ -n "$binary" ] && [ ! -f "$binary" ]; then
	die "--binary $binary: no such file"
fi

out=${out:-$repo/target/npm}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The main package must list every target at exactly this version.
main_dir=$repo/npm/perfscope
known_targets=$(printf '%s\n' "$TARGETS" | awk '{print $1}' | paste -sd ' ' -)
node - "$main_dir/package.json" "$version" "$license" "$known_targets" <<'EOF' || exit 2
const [file, version, license, known] = process.argv.slice(2);
const pkg = JSON.parse(require('fs').readFileSync(file, 'utf8'));
const problems = [];
if (pkg.version !== version) problems.push(`"version" is ${pkg.version}, Cargo.toml says ${version}`);
if (pkg.license !== license) problems.push(`"license" is ${pkg.license}, Cargo.toml says ${license}`);
const deps = pkg.optionalDependencies || {};
const want = known.split(' ').map((t) => `@perfscope/${t}`);
for (const name of want) {
  if (!(name in deps)) problems.push(`optionalDependencies lacks ${name}`);
  else if (deps[name] !== version) problems.push(`optionalDependencies["${name}"] is ${deps[name]}, not ${version}`);
}
for (const name of Object.keys(deps)) {
  if (!want.includes(name)) problems.push(`optionalDependencies has ${name}, which is no target of npm/build.sh`);
}
if (problems.length) {
  console.error(`npm/build.sh: ${file} does not match Cargo.toml:\n  ${problems.join('\n  ')}`);
  process.exit(2);
}
EOF

# The first bytes of a binary must be those of the target's format and CPU, so a
# binary of another machine is never packed under the wrong name.
check_binary_format() { # check_binary_format PATH TARGET
	local os cpu magic machine
	os=$(target_field "$2" 3)
	cpu=$(target_field "$2" 4)
	magic=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
	case "$os" in
	linux)
		[ "$magic" = 7f454c46 ] || die "$1 is not an ELF binary, so not one for $2"
		machine=$(od -An -tx1 -j18 -N2 "$1" | tr -d ' \n')
		case "$cpu:$machine" in
		x64:3e00 | arm64:b700) ;;
		*) die "$1 is an ELF binary for another CPU (e_machine $machine), not $cpu ($2)" ;;
		esac
		;;
	darwin)
		case "$magic" in
		cafebabe) ;; # universal binary: holds several CPUs
		cffaedfe)
			machine=$(od -An -tx1 -j4 -N4 "$1" | tr -d ' \n')
			case "$cpu:$machine" in
			x64:07000001 | arm64:0c000001) ;;
			*) die "$1 is a Mach-O binary for another CPU (cputype $machine), not $cpu ($2)" ;;
			esac
			;;
		*) die "$1 is not a 64-bit Mach-O binary, so not one for $2" ;;
		esac
		;;
	win32) [ "${magic:0:4}" = 4d5a ] || die "$1 is not a Windows executable, so not one for $2" ;;
	esac
}

build_binary() { # build_binary TARGET: prints the path of the built binary
	local triple exe method
	triple=$(target_field "$1" 2)
	exe=$(target_field "$1" 6)
	method=$(build_method "$1")
	need cargo "install Rust with rustup"
	case "$method" in
	native)
		echo "== cargo build --release --locked ($triple)" >&2
		(cd "$repo" && cargo build --release --locked >&2)
		echo "${CARGO_TARGET_DIR:-$repo/target}/release/$exe"
		;;
	zigbuild)
		rustup target list --installed 2>/dev/null | grep -qx "$triple" ||
			die "the Rust standard library for $triple is missing: rustup target add $triple"
		echo "== cargo zigbuild --release --locked --target $triple" >&2
		(cd "$repo" && cargo zigbuild --release --locked --target "$triple" >&2)
		echo "${CARGO_TARGET_DIR:-$repo/target}/$triple/release/$exe"
		;;
	*) die "cannot build $1 on this machine: ${method#no: }" ;;
	esac
}

stage=$(mktemp -d "${TMPDIR:-/tmp}/perfscope-npm.XXXXXX")
trap 'rm -rf "$stage"' EXIT

pack() { # pack DIR EXPECTED_TARBALL_NAME
	(cd "$stage" && npm pack "$1" --pack-destination "$out" --loglevel=warn >/dev/null) ||
		die "npm pack $1 failed"
	[ -f "$out/$2" ] || die "npm pack did not write $out/$2"
	echo "packed $out/$2 ($(wc -c <"$out/$2" | tr -d ' ') bytes)" >&2
	echo "$out/$2"
}

for t in "${targets[@]}"; do
	triple=$(target_field "$t" 2)
	exe=$(target_field "$t" 6)
	bin=${binary:-}
	[ -n "$bin" ] || bin=$(build_binary "$t")
	[ -f "$bin" ] || die "the build did not produce $bin"
	check_binary_format "$bin" "$t"
	if [ "$triple" = "$(host_triple)" ]; then
		got=$("$bin" --version 2>/dev/null) || die "$bin --version failed"
		[ "$got" = "perfscope $version" ] ||
			die "$bin prints '$got', not 'perfscope $version' (a stale build?)"
	fi

	dir=$stage/$t
	mkdir -p "$dir"
	if $strip_debug; then
		need strip "binutils"
		strip --strip-debug -o "$dir/$exe" "$bin" || die "strip --strip-debug $bin failed"
	else
		cp "$bin" "$dir/$exe"
	fi
	chmod 0755 "$dir/$exe"

	node - "$repo/npm/platform-template/package.json" "$dir/package.json" \
		"$t" "$version" "$license" "$triple" "$(target_field "$t" 3)" "$(target_field "$t" 4)" \
		"$(target_field "$t" 5)" "$exe" <<'EOF' || exit 2
const fs = require('fs');
const [template, dest, target, version, license, triple, os, cpu, libc, binary] = process.argv.slice(2);
const values = { target, version, license, triple, os, cpu, libc, binary };
const fill = (v) =>
  typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_, k) => values[k])
  : Array.isArray(v) ? v.map(fill)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]))
  : v;
const pkg = fill(JSON.parse(fs.readFileSync(template, 'utf8')));
if (libc === '-') delete pkg.libc;
fs.writeFileSync(dest, JSON.stringify(pkg, null, 2) + '\n');
EOF
	sed -e "s/{{target}}/$t/g" -e "s/{{triple}}/$triple/g" \
		"$repo/npm/platform-template/README.md" >"$dir/README.md"

	pack "$dir" "perfscope-$t-$version.tgz"
done

cp -R "$main_dir" "$stage/perfscope"
pack "$stage/perfscope" "perfscope-$version.tgz"
