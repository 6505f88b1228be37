//! Runs each example as a user would: the client against a real Kafka
//! broker, the server under kcat (librdkafka) and this crate's own codec,
//! and the inspecting proxy between the client example and the broker.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use kafka_interop::broker::{Broker, CURRENT, Conn};
use kafkawire::messages::{ApiVersionsRequest, MetadataRequest};

/// An example's binary; `cargo test` builds the examples before the tests.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let path = dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: cargo test builds it; cargo build -p kafkawire-examples --examples",
        path.display()
    );
    path
}

fn broker() -> &'static Broker {
    Broker::shared(CURRENT).unwrap_or_else(|e| panic!("cannot start Kafka {CURRENT}: {e}"))
}

/// Runs an example to its end; panics with its output if it fails.
fn run(name: &str, args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(example(name))
        .args(args)
        .output()
        .expect("runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    );
    assert!(
        status.success(),
        "{name} {args:?}: {status}\n{stdout}\n{stderr}"
    );
    stdout
}

/// A long-running example; killed when dropped. Its stdout lines arrive on
/// a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
}

impl Running {
    /// Starts `name` and waits for its `listening on ADDR` line.
    fn start(name: &str, args: &[&str]) -> Self {
        let mut child = Command::new(example(name))
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("{name} printed nothing: {e}"));
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|rest| rest.split([',', ' ']).next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("{name}: unexpected first line {first:?}"));
        Self { child, lines, addr }
    }

    /// Every line printed so far.
    fn printed(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn client_negotiates_lists_produces_and_fetches_on_a_real_broker() {
    let b = broker();
    let addr = b.bootstrap().to_string();
    let out = run("client", &[&addr, "example-client"]);
    for expected in [
        "created example-client",
        "produced 3 records at offset 0",
        "batch at offset 0 (zstd",
        "offset 0 key Some(\"k1\") value Some(\"first\")",
        "offset 2 key Some(\"k3\") value Some(\"third\")",
    ] {
        assert!(out.contains(expected), "no {expected:?} in:\n{out}");
    }
    // Negotiated against what the broker offers, not this crate's maximum.
    assert!(out.contains("Produce: v"), "{out}");

    // Again: the topic now exists and is listed; the batch lands at 3.
    let out = run("client", &[&addr, "example-client"]);
    assert!(out.contains("  example-client (1 partitions)"), "{out}");
    assert!(!out.contains("created"), "{out}");
    assert!(out.contains("produced 3 records at offset 3"), "{out}");
}

#[test]
fn server_answers_kcat_and_this_codec() {
    let server = Running::start("server", &["127.0.0.1:0"]);

    let mut conn = Conn::connect(server.addr).expect("connects");
    let (versions, _) = conn
        .call(3, &ApiVersionsRequest::default())
        .expect("ApiVersions v3");
    let keys: Vec<i16> = versions.api_keys.iter().map(|k| k.api_key).collect();
    assert_eq!((versions.error_code, keys), (0, vec![18, 3]));
    let (metadata, _) = conn
        .call(12, &MetadataRequest::default().with_topics(None))
        .expect("Metadata v12");
    assert_eq!(metadata.brokers[0].port, i32::from(server.addr.port()));
    assert_eq!(
        metadata.topics[0].name.as_ref().map(|n| n.as_str()),
        Some("greetings")
    );

    // librdkafka: ApiVersions (at a version it picks), then Metadata.
    let out = Command::new("kcat")
        .args(["-b", &server.addr.to_string(), "-L", "-m", "10"])
        .output()
        .expect("kcat runs (cargo xtask test installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "kcat: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("topic \"greetings\" with 1 partitions"),
        "{stdout}"
    );
    let printed = server.printed().join("\n");
    assert!(printed.contains("Metadata v"), "{printed}");
}

#[test]
fn inspect_relays_the_client_example_and_reports_its_records() {
    let b = broker();
    let proxy = Running::start("inspect", &["127.0.0.1:0", &b.bootstrap().to_string()]);
    let out = run("client", &[&proxy.addr.to_string(), "example-inspected"]);
    assert!(out.contains("produced 3 records at offset 0"), "{out}");
    assert!(
        out.contains("offset 2 key Some(\"k3\") value Some(\"third\")"),
        "{out}"
    );

    let printed = proxy.printed().join("\n");
    for expected in [
        "-> ApiVersions v",
        "<- Metadata v",
        "-> CreateTopics v",
        ": 3 records",
        "<- Fetch v",
    ] {
        assert!(printed.contains(expected), "no {expected:?} in:\n{printed}");
    }
}
