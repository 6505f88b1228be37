//! `cargo xtask test` on machines that lack what the tests need: every
//! program it looks for is a stand-in script in a directory that is the
//! whole `PATH`, and `CARGO` is a script that records how it was called.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes an executable shell script `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A machine with every peer but those in `absent`, and `id`, `sudo` and
/// `apt-get` as given (`None`: not there at all).
fn machine(name: &str, absent: &[&str], id: &str, sudo_ok: bool, apt_get: Option<&str>) -> Temp {
    let t = Temp::new(name);
    let bin = t.0.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for program in ["java", "javac", "mvn", "kcat", "tshark", "python3"] {
        if !absent.contains(&program) {
            script(&bin, program, "exit 0");
        }
    }
    script(&bin, "id", &format!("echo {id}"));
    script(
        &bin,
        "sudo",
        if sudo_ok { "shift; \"$@\"" } else { "exit 1" },
    );
    if let Some(body) = apt_get {
        script(&bin, "apt-get", body);
    }
    script(
        &t.0,
        "cargo",
        &format!("echo \"$@\" > {}/cargo-args", t.0.display()),
    );
    t
}

fn xtask(t: &Temp, args: &[&str]) -> (Output, Option<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("test")
        .args(args)
        .env_clear()
        .env("PATH", t.0.join("bin"))
        .env("CARGO", t.0.join("cargo"))
        .output()
        .unwrap();
    let cargo = fs::read_to_string(t.0.join("cargo-args")).ok();
    (out, cargo)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn everything_present_runs_the_workspace_tests_with_the_arguments_after_dashes() {
    let t = machine("present", &[], "1000", false, None);
    let (out, cargo) = xtask(&t, &["--", "-p", "kafkawire-records"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        cargo.as_deref(),
        Some("test --workspace --locked -p kafkawire-records\n")
    );
}

#[test]
fn a_missing_peer_without_root_stops_before_any_test_naming_the_command() {
    let t = machine(
        "no-root",
        &["kcat", "tshark"],
        "1000",
        false,
        Some("exit 0"),
    );
    let (out, cargo) = xtask(&t, &[]);
    assert!(!out.status.success());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains("kcat is missing (librdkafka as a real client)"),
        "{stdout}"
    );
    assert!(stdout.contains("tshark is missing"), "{stdout}");
    assert!(
        stderr.contains(
            "not root and no password-less sudo: run `sudo apt-get install -y kcat tshark`"
        ),
        "{stderr}"
    );
    assert_eq!(cargo, None, "cargo test ran");
}

#[test]
fn no_apt_get_names_the_packages() {
    let t = machine("no-apt", &["python3"], "0", false, None);
    let (out, cargo) = xtask(&t, &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no apt-get here: install python3-venv with this system's package manager"),
        "{stderr}"
    );
    assert_eq!(cargo, None);
}

#[test]
fn as_root_it_installs_what_is_missing_then_tests() {
    // apt-get "installs" kcat by writing it next to itself.
    let t = machine(
        "root",
        &["kcat"],
        "0",
        false,
        Some(
            "[ \"$1\" = install ] && printf '#!/bin/sh\\nexit 0\\n' > \"${0%/*}/kcat\" && /bin/chmod +x \"${0%/*}/kcat\"; exit 0",
        ),
    );
    let (out, cargo) = xtask(&t, &[]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("xtask test: installing kcat"));
    assert_eq!(cargo.as_deref(), Some("test --workspace --locked\n"));
}

#[test]
fn a_failed_install_says_what_to_run() {
    let t = machine(
        "apt-fails",
        &["mvn"],
        "1000",
        true,
        Some("[ \"$1\" = --version ] && exit 0; exit 100"),
    );
    let (out, cargo) = xtask(&t, &[]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("apt-get failed: run `sudo apt-get install -y maven`"),
        "{stderr}"
    );
    assert_eq!(cargo, None);
}
