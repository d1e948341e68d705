//! The npm distribution end to end: `npm/build.sh` packs this build's binary
//! and the launcher, `npm install` installs them offline from the tarballs in an
//! empty project, and `npx perfscope` runs the binary through the launcher
//! (`npm/perfscope/bin/perfscope.js`). Needs Node.js and npm: without them the
//! tests fail (`.ci/run` installs them), they are never skipped.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The npm target package of the machine the tests run on.
fn this_target() -> &'static str {
    if cfg!(all(
        target_os = "linux",
        target_arch = "x86_64",
        target_env = "gnu"
    )) {
        "linux-x64-gnu"
    } else if cfg!(all(
        target_os = "linux",
        target_arch = "aarch64",
        target_env = "gnu"
    )) {
        "linux-arm64-gnu"
    } else if cfg!(all(
        target_os = "linux",
        target_arch = "x86_64",
        target_env = "musl"
    )) {
        "linux-x64-musl"
    } else if cfg!(all(target_os = "macos", target_arch = "x86_64")) {
        "darwin-x64"
    } else if cfg!(all(target_os = "macos", target_arch = "aarch64")) {
        "darwin-arm64"
    } else {
        panic!("this machine is not a target of the npm packages (npm/build.sh --list-targets)")
    }
}

/// `node` or `npm` must exist: a missing one fails the test with a clear message.
fn require(tool: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool} --version` failed: tests/npm_package.rs needs Node.js and npm on PATH \
         (Debian: apt-get install nodejs npm; .ci/run installs them)"
    );
}

/// A command whose npm state (cache, logs, user config) lives in `home`, a
/// temporary folder: nothing is written outside it and a developer's
/// `~/.npmrc` (registry, auth) plays no part.
fn npm_command(program: &str, home: &Path) -> Command {
    let rc = home.join("npmrc");
    if !rc.exists() {
        std::fs::write(&rc, "").unwrap();
    }
    let mut cmd = Command::new(program);
    cmd.env("npm_config_cache", home.join("npm-cache"))
        .env("npm_config_userconfig", &rc)
        .env("npm_config_update_notifier", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_audit", "false")
        .env_remove("PERFSCOPE_BINARY")
        .env_remove("PERFSCOPE_PLATFORM_FOR_TESTS");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is JSON: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn npm_install_from_the_tarballs_runs_the_binary() {
    require("node");
    require("npm");
    let tmp = tempfile::tempdir().unwrap();
    let target = this_target();

    // 1. Pack this build's binary (debug info stripped from the packed copy,
    //    as the release profile ships it) and the launcher.
    let out_dir = tmp.path().join("out");
    let mut build = npm_command("bash", tmp.path());
    build.arg(repo().join("npm/build.sh")).args([
        "--binary",
        env!("CARGO_BIN_EXE_perfscope"),
        "--target",
        target,
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    if cfg!(target_os = "linux") {
        build.arg("--strip-debug");
    }
    let built = run(&mut build);
    assert_exit(&built, 0, "npm/build.sh");
    let main_tgz = out_dir.join(format!("perfscope-{VERSION}.tgz"));
    let target_tgz = out_dir.join(format!("perfscope-{target}-{VERSION}.tgz"));
    let printed: Vec<PathBuf> = text(&built.stdout).lines().map(PathBuf::from).collect();
    assert_eq!(
        printed,
        [target_tgz.clone(), main_tgz.clone()],
        "build.sh prints the tarballs it wrote, one a line"
    );
    assert!(main_tgz.is_file() && target_tgz.is_file());

    // 2. Install both into an empty project, offline. The main package's
    //    optionalDependencies name all six target packages: here the one for
    //    this machine is satisfied by its tarball, given on the same command
    //    line (it lands at node_modules/@perfscope/<target> at the exact
    //    version asked, so npm keeps it for the main package's edge too), and
    //    the five others cannot be fetched offline; npm drops an optional
    //    dependency it cannot fetch instead of failing, so no `--omit=optional`
    //    is needed (it would also drop ours). A user's `npm i -D perfscope`
    //    fetches all six manifests from the registry and installs only the one
    //    whose `os`/`cpu`/`libc` match: the same tree, one binary package.
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        r#"{"name":"t","version":"1.0.0","private":true}"#,
    )
    .unwrap();
    let installed = run(npm_command("npm", tmp.path())
        .current_dir(&project)
        .args(["install", "--offline", "--no-audit", "--no-fund"])
        .arg(&main_tgz)
        .arg(&target_tgz));
    assert_exit(&installed, 0, "npm install --offline of the two tarballs");
    let scoped: Vec<String> = std::fs::read_dir(project.join("node_modules/@perfscope"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(scoped, [target], "exactly one binary package is installed");
    let binary = project.join(format!("node_modules/@perfscope/{target}/perfscope"));
    let mode = std::fs::metadata(&binary).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{} is executable", binary.display());
    let lock = read_json(&project.join("package-lock.json"));
    assert_eq!(
        lock["packages"]["node_modules/perfscope"]["optionalDependencies"]
            [format!("@perfscope/{target}")],
        VERSION
    );

    // 3. `npx perfscope` runs the binary through the launcher.
    let npx = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = npm_command("npx", tmp.path());
        cmd.current_dir(&project)
            .args(["--no-install", "perfscope"])
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    let version = npx(&["--version"], &[]);
    assert_exit(&version, 0, "npx perfscope --version");
    assert_eq!(text(&version.stdout).trim(), format!("perfscope {VERSION}"));

    // A real Vite build (the fixture shop's), copied so that nothing is
    // written beside the fixture.
    copy_dir(
        &repo().join("fixtures/shop-app/dist"),
        &project.join("dist"),
    );
    let bundle = npx(&["bundle", "dist", "--no-cache"], &[]);
    assert_exit(&bundle, 0, "npx perfscope bundle dist");
    let table = text(&bundle.stdout);
    assert!(
        table.contains("assets/vendor-b1eJZLhn.js") && table.contains("assets/Help-DeHpYyQ0.js"),
        "the bundle table names the chunks: {table}"
    );

    // The binary's exit status comes through npx and the launcher.
    let missing = npx(&["bundle", "no-such-dist"], &[]);
    assert_exit(&missing, 2, "npx perfscope bundle no-such-dist");
    assert!(text(&missing.stderr).contains("no-such-dist"));

    // 4. The launcher's platform choice (PERFSCOPE_PLATFORM_FOR_TESTS pretends
    //    to be another machine).
    let riscv = npx(
        &["--version"],
        &[("PERFSCOPE_PLATFORM_FOR_TESTS", "linux-riscv64-glibc")],
    );
    assert_exit(&riscv, 2, "launcher on linux-riscv64");
    let message = text(&riscv.stderr);
    assert_eq!(message.lines().count(), 1, "one line: {message}");
    assert!(
        message.starts_with("perfscope: no prebuilt binary for linux-riscv64 (glibc); supported: linux-x64-gnu, linux-arm64-gnu, linux-x64-musl, darwin-x64, darwin-arm64, win32-x64; "),
        "{message}"
    );
    assert!(message.contains("cargo install"), "{message}");

    let other = if target == "darwin-arm64" {
        "darwin-x64"
    } else {
        "darwin-arm64"
    };
    let not_installed = npx(&["--version"], &[("PERFSCOPE_PLATFORM_FOR_TESTS", other)]);
    assert_exit(&not_installed, 2, "launcher for a platform not installed");
    let message = text(&not_installed.stderr);
    assert!(
        message.contains(&format!("@perfscope/{other}")) && message.contains("not installed"),
        "{message}"
    );

    // PERFSCOPE_BINARY wins over the platform choice.
    let overridden = npx(
        &["--version"],
        &[
            ("PERFSCOPE_PLATFORM_FOR_TESTS", "linux-riscv64-glibc"),
            ("PERFSCOPE_BINARY", env!("CARGO_BIN_EXE_perfscope")),
        ],
    );
    assert_exit(&overridden, 0, "PERFSCOPE_BINARY");
    assert_eq!(
        text(&overridden.stdout).trim(),
        format!("perfscope {VERSION}")
    );
}

/// The launcher forwards arguments verbatim, the exit status, and death by a
/// signal (raised again on itself, as a shell would see it).
#[test]
fn launcher_forwards_arguments_status_and_signals() {
    require("node");
    let tmp = tempfile::tempdir().unwrap();
    let script = |name: &str, body: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let launcher = repo().join("npm/perfscope/bin/perfscope.js");
    let launch = |binary: &Path, args: &[&str]| {
        run(Command::new("node")
            .arg(&launcher)
            .args(args)
            .env("PERFSCOPE_BINARY", binary)
            .env_remove("PERFSCOPE_PLATFORM_FOR_TESTS"))
    };

    let echo = script(
        "echo.sh",
        r#"for a in "$@"; do printf '<%s>\n' "$a"; done; exit 3"#,
    );
    let out = launch(&echo, &["check", "a b", "--format=json", "é"]);
    assert_exit(&out, 3, "the binary's exit status");
    assert_eq!(text(&out.stdout), "<check>\n<a b>\n<--format=json>\n<é>\n");

    let killed = script("term.sh", "kill -TERM $$");
    let out = launch(&killed, &[]);
    assert_eq!(
        out.status.signal(),
        Some(15),
        "the launcher dies from the binary's SIGTERM: {:?}",
        out.status
    );

    let out = launch(&tmp.path().join("missing"), &["--version"]);
    assert_exit(&out, 2, "a PERFSCOPE_BINARY that does not exist");
    assert!(
        text(&out.stderr).starts_with("perfscope: cannot run ")
            && text(&out.stderr).contains("missing"),
        "{}",
        text(&out.stderr)
    );
}

/// The main package, the launcher, build.sh and Cargo.toml agree on the
/// version, the licence and the six targets.
#[test]
fn main_package_matches_the_workspace_and_the_targets() {
    let pkg = read_json(&repo().join("npm/perfscope/package.json"));
    assert_eq!(pkg["name"], "perfscope");
    assert_eq!(pkg["version"], VERSION);
    assert_eq!(pkg["license"], env!("CARGO_PKG_LICENSE"));
    assert_eq!(pkg["bin"]["perfscope"], "bin/perfscope.js");
    let targets = [
        "linux-x64-gnu",
        "linux-arm64-gnu",
        "linux-x64-musl",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ];
    let deps = pkg["optionalDependencies"].as_object().unwrap();
    let mut named: Vec<&str> = deps.keys().map(String::as_str).collect();
    named.sort_unstable();
    let mut want: Vec<String> = targets.iter().map(|t| format!("@perfscope/{t}")).collect();
    want.sort_unstable();
    assert_eq!(named, want);
    assert!(deps.values().all(|v| v == VERSION), "{deps:?}");

    let launcher = std::fs::read_to_string(repo().join("npm/perfscope/bin/perfscope.js")).unwrap();
    for t in targets {
        assert!(
            launcher.contains(&format!("pkg: '{t}'")),
            "the launcher knows {t}"
        );
    }

    let list = run(Command::new("bash")
        .arg(repo().join("npm/build.sh"))
        .arg("--list-targets"));
    assert_exit(&list, 0, "npm/build.sh --list-targets");
    let listed: Vec<String> = text(&list.stdout)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(listed, targets);
}

/// build.sh refuses to pack a file that is not a binary for the target.
#[test]
fn build_refuses_a_binary_of_another_format() {
    require("node");
    require("npm");
    let tmp = tempfile::tempdir().unwrap();
    let not_elf = repo().join("npm/perfscope/bin/perfscope.js");
    let out = run(npm_command("bash", tmp.path())
        .arg(repo().join("npm/build.sh"))
        .args([
            "--binary",
            not_elf.to_str().unwrap(),
            "--target",
            "linux-arm64-gnu",
        ])
        .args(["--out", tmp.path().join("out").to_str().unwrap()]));
    assert_exit(&out, 2, "build.sh with a JavaScript file as the binary");
    assert!(
        text(&out.stderr).contains("is not an ELF binary, so not one for linux-arm64-gnu"),
        "{}",
        text(&out.stderr)
    );
    let windows = run(npm_command("bash", tmp.path())
        .arg(repo().join("npm/build.sh"))
        .args([
            "--binary",
            env!("CARGO_BIN_EXE_perfscope"),
            "--target",
            "win32-x64",
        ])
        .args(["--out", tmp.path().join("out").to_str().unwrap()]));
    if cfg!(target_os = "linux") {
        assert_exit(&windows, 2, "build.sh with an ELF binary for Windows");
        assert!(
            text(&windows.stderr).contains("not a Windows executable"),
            "{}",
            text(&windows.stderr)
        );
    }
}
