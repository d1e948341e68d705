#!/usr/bin/env node
// perfscope's npm entry point: runs the prebuilt binary of this machine.
//
// The binary ships inside one package per target (`@perfscope/linux-x64-gnu`,
// ...), listed in this package's `optionalDependencies`; npm installs only the
// one whose `os`, `cpu` and `libc` match. Nothing is downloaded at install time.
//
// Environment:
//   PERFSCOPE_BINARY               path of a perfscope binary to run instead
//                                  (a local `cargo build`, an unsupported platform).
//   PERFSCOPE_PLATFORM_FOR_TESTS   `<platform>-<arch>[-glibc|-musl]` (for example
//                                  `linux-riscv64-glibc`): pretend to be that
//                                  machine when choosing the package. Used by
//                                  perfscope's own tests; not for normal use.
//
// Exit status: the binary's own; when it dies from a signal the same signal is
// raised here (so a shell sees 128 + n); 2 when no binary can be found or run.
'use strict';

const { spawnSync } = require('child_process');
const os = require('os');

// The targets with a published package, in order of preference for a machine.
const TARGETS = [
  { pkg: 'linux-x64-gnu', platform: 'linux', arch: 'x64', libc: 'glibc' },
  { pkg: 'linux-arm64-gnu', platform: 'linux', arch: 'arm64', libc: 'glibc' },
  // Static musl binary: the fallback on glibc x64 machines too.
  { pkg: 'linux-x64-musl', platform: 'linux', arch: 'x64', libc: 'any' },
  { pkg: 'darwin-x64', platform: 'darwin', arch: 'x64' },
  { pkg: 'darwin-arm64', platform: 'darwin', arch: 'arm64' },
  { pkg: 'win32-x64', platform: 'win32', arch: 'x64' },
];

const FROM_SOURCE = 'build it from source (cargo install --locked --path . in a perfscope checkout, Rust 1.95)';

function fail(message) {
  process.stderr.write(`perfscope: ${message}\n`);
  process.exit(2);
}

// `glibc` or `musl` on Linux (null elsewhere).
function detectLibc() {
  try {
    if (process.report && typeof process.report.getReport === 'function') {
      process.report.excludeNetwork = true; // faster report, no DNS lookups
      const header = process.report.getReport().header;
      return header && header.glibcVersionRuntime ? 'glibc' : 'musl';
    }
  } catch (_) {
    // Fall through: a Node without process.report (very old) is assumed glibc.
  }
  return 'glibc';
}

function currentMachine() {
  const forced = process.env.PERFSCOPE_PLATFORM_FOR_TESTS;
  if (forced) {
    const [platform, arch, libc] = forced.split('-');
    if (!platform || !arch) {
      fail(`PERFSCOPE_PLATFORM_FOR_TESTS must be <platform>-<arch>[-glibc|-musl], not "${forced}"`);
    }
    return { platform, arch, libc: platform === 'linux' ? libc || 'glibc' : null };
  }
  const platform = process.platform;
  return { platform, arch: process.arch, libc: platform === 'linux' ? detectLibc() : null };
}

function describe(machine) {
  const name = `${machine.platform}-${machine.arch}`;
  return machine.libc ? `${name} (${machine.libc})` : name;
}

function candidates(machine) {
  return TARGETS.filter(
    (t) =>
      t.platform === machine.platform &&
      t.arch === machine.arch &&
      (t.libc === undefined || t.libc === 'any' || t.libc === machine.libc),
  );
}

function resolveBinary() {
  const override = process.env.PERFSCOPE_BINARY;
  if (override) return override;

  const machine = currentMachine();
  const matches = candidates(machine);
  if (matches.length === 0) {
    fail(
      `no prebuilt binary for ${describe(machine)}; supported: ` +
        TARGETS.map((t) => t.pkg).join(', ') +
        `; or ${FROM_SOURCE} and set PERFSCOPE_BINARY to its path`,
    );
  }
  const exe = machine.platform === 'win32' ? 'perfscope.exe' : 'perfscope';
  for (const t of matches) {
    try {
      return require.resolve(`@perfscope/${t.pkg}/${exe}`);
    } catch (_) {
      // Not installed: try the next candidate.
    }
  }
  const names = matches.map((t) => `@perfscope/${t.pkg}`).join(' or ');
  fail(
    `the package ${names} for ${describe(machine)} is not installed: npm skipped this ` +
      `optional dependency (installed with --omit=optional / --no-optional, or from a ` +
      `lockfile made on another platform); reinstall perfscope without those, or ` +
      `add it with npm i -D @perfscope/${matches[0].pkg}`,
  );
}

function main() {
  const binary = resolveBinary();
  const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
  if (result.error) {
    fail(`cannot run ${binary}: ${result.error.message}`);
  }
  if (result.signal) {
    // Die from the same signal so the caller sees what happened to the binary.
    process.kill(process.pid, result.signal);
    // Still alive (the signal is ignored or handled here): the shell convention.
    const number = os.constants.signals[result.signal] || 0;
    process.exit(128 + number);
  }
  process.exit(result.status === null ? 2 : result.status);
}

main();
