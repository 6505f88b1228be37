//! `kafka-dump proxy` as a child process, for the proxy tests: started on a
//! free port with `--verify`, its printed lines collected as JSON.

// Each test target that includes this file uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The proxy as a child process; its stdout lines collected as JSON.
pub(crate) struct ProxyProcess {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    lines: mpsc::Receiver<Value>,
    stderr: Arc<Mutex<String>>,
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ProxyProcess {
    pub(crate) fn start(upstream: SocketAddr, extra: &[&str]) -> Self {
        Self::spawn(upstream, extra, None)
    }

    /// Printing to `path` instead, for the measurements.
    pub(crate) fn start_to_file(
        upstream: SocketAddr,
        path: &std::path::Path,
        extra: &[&str],
    ) -> Self {
        let file =
            std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self::spawn(upstream, extra, Some(file))
    }

    fn spawn(upstream: SocketAddr, extra: &[&str], file: Option<std::fs::File>) -> Self {
        let port = free_port();
        let stdout = match file {
            Some(f) => Stdio::from(f),
            None => Stdio::piped(),
        };
        // KAFKA_DUMP_BIN: another build of it (a release build, to measure).
        let bin = std::env::var("KAFKA_DUMP_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_kafka-dump").to_string());
        let mut child = Command::new(bin)
            .args(["proxy", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--upstream", &upstream.to_string(), "--verify"])
            .args(extra)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("kafka-dump runs");
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { return };
                    // --text lines are kept as strings.
                    let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                    if tx.send(value).is_err() {
                        return;
                    }
                }
            });
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while stderr.lock().unwrap().is_empty() || !stderr.lock().unwrap().contains("listening") {
            assert!(
                Instant::now() < deadline,
                "the proxy did not start: {}",
                stderr.lock().unwrap()
            );
            thread::sleep(Duration::from_millis(20));
        }
        ProxyProcess {
            child,
            addr,
            lines,
            stderr,
        }
    }

    /// The next printed frame.
    pub(crate) fn line(&self) -> Value {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no line printed; stderr: {}", self.stderr()))
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGTERM, then the exit status and the summary line.
    pub(crate) fn stop(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let status = self.child.wait().unwrap();
        thread::sleep(Duration::from_millis(100));
        (status.code(), self.stderr())
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stderr: ChildStderr, into: Arc<Mutex<String>>) {
    thread::spawn(move || {
        let mut r = BufReader::new(stderr);
        let mut line = String::new();
        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
}

impl ProxyProcess {
    /// Every line printed within `quiet` of the last one.
    pub(crate) fn drain(&self, quiet: Duration) -> Vec<Value> {
        let mut lines = Vec::new();
        while let Ok(v) = self.lines.recv_timeout(quiet) {
            lines.push(v);
        }
        lines
    }
}

/// CPU seconds (user + system) and peak resident memory (KiB) of `pid`,
/// from `/proc` (Linux).
pub(crate) fn cost(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let hz = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())?;
    Some((ticks / hz, hwm))
}
