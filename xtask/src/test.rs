//! `cargo xtask test`: the whole test suite on a fresh machine.
//!
//! The tests talk to real peers outside cargo: Kafka's Java code and a real
//! broker (a JDK 17 and Maven; Maven fetches the jars), kcat, tshark, and the
//! Python Kafka clients (a venv the tests make from PyPI). This command checks
//! each program first. What is missing is installed with the system's package
//! manager when this user may (root, or `sudo` without a password, and
//! `apt-get`); otherwise it stops before any test runs, naming the command to
//! run. Then it runs `cargo test --workspace --locked` with any arguments
//! given after `--`.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// A program the tests run, and the Debian package that provides it.
struct Peer {
    /// What to look for on the `PATH`.
    program: &'static str,
    /// How to check it works beyond being there (arguments to `program`),
    /// if that is needed.
    probe: Option<&'static [&'static str]>,
    /// The Debian package.
    package: &'static str,
    /// Which tests need it.
    why: &'static str,
}

const PEERS: &[Peer] = &[
    Peer {
        program: "java",
        probe: None,
        package: "openjdk-17-jdk-headless",
        why: "the Java oracle and the real Kafka broker",
    },
    Peer {
        program: "javac",
        probe: None,
        package: "openjdk-17-jdk-headless",
        why: "the Java oracle and the Java clients",
    },
    Peer {
        program: "mvn",
        probe: None,
        package: "maven",
        why: "fetching Kafka's jars",
    },
    Peer {
        program: "kcat",
        probe: None,
        package: "kcat",
        why: "librdkafka as a real client",
    },
    Peer {
        program: "tshark",
        probe: None,
        package: "tshark",
        why: "Wireshark's Kafka dissector as a second reader of the captures",
    },
    Peer {
        program: "python3",
        probe: Some(&["-c", "import venv, ensurepip"]),
        package: "python3-venv",
        why: "the Python Kafka clients (kafka-python, confluent-kafka, in a venv)",
    },
];

/// Whether `program` runs (and passes its probe).
fn present(peer: &Peer) -> bool {
    let args: &[&str] = peer.probe.unwrap_or(&["--version"]);
    Command::new(peer.program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success() || peer.probe.is_none())
}

/// How to run a command as root: nothing when this is root, `sudo -n` when
/// that works without a password, `None` when neither.
fn as_root() -> Option<Vec<&'static str>> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        return Some(Vec::new());
    }
    let sudo = Command::new("sudo")
        .args(["-n", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    sudo.is_ok_and(|s| s.success()).then(|| vec!["sudo", "-n"])
}

fn run_as(prefix: &[&str], args: &[&str]) -> bool {
    let mut all: Vec<&str> = prefix.to_vec();
    all.extend_from_slice(args);
    let Some((program, rest)) = all.split_first() else {
        return false;
    };
    Command::new(program)
        .args(rest)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs the Debian packages of `missing`; `Err` says what to run by hand.
fn install(missing: &[&Peer]) -> Result<(), String> {
    let mut packages: Vec<&str> = missing.iter().map(|p| p.package).collect();
    packages.dedup();
    let by_hand = format!("sudo apt-get install -y {}", packages.join(" "));
    let has_apt = Command::new("apt-get")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_apt {
        return Err(format!(
            "no apt-get here: install {} with this system's package manager",
            packages.join(", ")
        ));
    }
    let Some(root) = as_root() else {
        return Err(format!(
            "not root and no password-less sudo: run `{by_hand}`"
        ));
    };
    println!("xtask test: installing {}", packages.join(" "));
    let mut install = vec!["apt-get", "install", "-y", "-q"];
    install.extend_from_slice(&packages);
    if !(run_as(&root, &["apt-get", "update", "-q"]) && run_as(&root, &install)) {
        return Err(format!(
            "apt-get failed: run `{by_hand}` and look at its errors"
        ));
    }
    Ok(())
}

/// `cargo xtask test [-- ARGS]`.
pub(crate) fn run(root: &Path, args: &[String]) -> ExitCode {
    let passed = match args.split_first() {
        None => &[][..],
        Some((dashes, rest)) if dashes == "--" => rest,
        Some(_) => {
            eprintln!("usage: cargo xtask test [-- ARGS FOR cargo test]");
            return ExitCode::from(2);
        }
    };
    let missing: Vec<&Peer> = PEERS.iter().filter(|p| !present(p)).collect();
    if !missing.is_empty() {
        for p in &missing {
            println!("xtask test: {} is missing ({})", p.program, p.why);
        }
        if let Err(e) = install(&missing) {
            eprintln!("xtask test: cannot install what the tests need: {e}");
            return ExitCode::FAILURE;
        }
        let still: Vec<&str> = PEERS
            .iter()
            .filter(|p| !present(p))
            .map(|p| p.program)
            .collect();
        if !still.is_empty() {
            eprintln!(
                "xtask test: still missing after installing: {}",
                still.join(", ")
            );
            return ExitCode::FAILURE;
        }
    }
    println!(
        "xtask test: cargo test --workspace --locked {}",
        passed.join(" ")
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    match Command::new(cargo)
        .args(["test", "--workspace", "--locked"])
        .args(passed)
        .current_dir(root)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask test: running cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
