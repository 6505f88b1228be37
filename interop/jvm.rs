//! The Rust side of the Java oracle (`interop/java`): builds it for a Kafka
//! release with Maven and javac, starts one JVM, and exchanges batches with
//! it over standard input and output (the protocol is described in
//! `interop/java/src/main/java/kafkawire/oracle/Oracle.java`).
//!
//! Test targets include this file with `#[path]`; it is not part of any
//! published crate. A test that needs the oracle and cannot start it fails
//! with the reason (Maven, javac or java missing, a download refused).

// Each test target that includes this file uses part of it.
#![allow(dead_code)]

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The release whose generated classes check today's versions.
pub(crate) const CURRENT: &str = "4.4.0";
/// The last release that defines the versions and APIs Kafka 4.0 removed.
pub(crate) const LEGACY: &str = "3.9.2";

/// One request to the oracle.
pub(crate) struct Item {
    /// The operation letter (see `Oracle.java`).
    pub(crate) op: u8,
    /// The schema name (or the operation's own argument).
    pub(crate) name: String,
    /// The version.
    pub(crate) version: i16,
    /// The bytes the operation reads.
    pub(crate) payload: Vec<u8>,
}

/// The oracle's answer to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Done: the operation's blobs.
    Ok(Vec<Vec<u8>>),
    /// Kafka's code threw: the exception's class and message.
    Refused(String),
}

/// A running oracle JVM for one Kafka release.
pub(crate) struct Jvm {
    release: String,
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
}

fn workspace_root() -> PathBuf {
    // Every crate of the workspace sits one level below the root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Cargo's target directory, where the oracle is built and reports go.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| {
        format!(
            "{what}: cannot run {:?}: {e} (is it installed?)",
            cmd.get_program()
        )
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Builds the oracle for `release` once per process: Maven resolves the
/// class path (downloading the jars on first use), javac compiles the oracle.
/// Returns the class path to run it with.
fn build(release: &str) -> Result<String, String> {
    /// Per release: the class path, or why the build failed.
    type Built = Vec<(String, Result<String, String>)>;
    static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
    let built = BUILT.get_or_init(|| Mutex::new(Vec::new()));
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = built.iter().find(|(v, _)| v == release) {
        return r.clone();
    }
    let result = (|| {
        let root = workspace_root();
        let project = root.join("interop/java");
        let dir = target_dir().join("interop-java").join(release);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cp_file = dir.join("classpath.txt");
        run(
            Command::new("mvn")
                .args(["-q", "-B", "-f"])
                .arg(project.join("pom.xml"))
                .arg(format!("-Dkafka.version={release}"))
                .arg("dependency:build-classpath")
                .arg(format!("-Dmdep.outputFile={}", cp_file.display())),
            &format!("Maven (resolving kafka-clients {release})"),
        )?;
        let classpath = std::fs::read_to_string(&cp_file)
            .map_err(|e| format!("{}: {e}", cp_file.display()))?
            .trim()
            .to_string();
        let classes = dir.join("classes");
        let sources: Vec<PathBuf> =
            std::fs::read_dir(project.join("src/main/java/kafkawire/oracle"))
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "java"))
                .collect();
        run(
            Command::new("javac")
                .arg("-nowarn")
                .arg("-d")
                .arg(&classes)
                .arg("-cp")
                .arg(&classpath)
                .args(&sources),
            &format!("javac (the oracle against kafka-clients {release})"),
        )?;
        Ok(format!("{}:{classpath}", classes.display()))
    })();
    built.push((release.to_string(), result.clone()));
    result
}

/// Prints a test's report and keeps it in `target/interop-java/NAME.txt`,
/// where `.ci/run` shows it (cargo hides what passing tests print).
pub(crate) fn report(name: &str, text: &str) {
    println!("{text}");
    let dir = target_dir().join("interop-java");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join(format!("{name}.txt")), text));
    if let Err(e) = written {
        eprintln!("{}: {e}", dir.display());
    }
}

impl Jvm {
    /// Builds (once per process) and starts the oracle on `release`'s
    /// kafka-clients.
    pub(crate) fn start(release: &str) -> Result<Jvm, String> {
        let classpath = build(release)?;
        let mut child = Command::new("java")
            .args(["-Xss8m", "-XX:+UseSerialGC", "-cp"])
            .arg(classpath)
            .arg("kafkawire.oracle.Oracle")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start java: {e} (is a JDK installed?)"))?;
        let input = BufWriter::with_capacity(1 << 16, child.stdin.take().expect("stdin"));
        let output = BufReader::with_capacity(1 << 16, child.stdout.take().expect("stdout"));
        Ok(Jvm {
            release: release.to_string(),
            child,
            input,
            output,
        })
    }

    /// The Kafka release this JVM runs.
    pub(crate) fn release(&self) -> &str {
        &self.release
    }

    /// Sends a batch and reads one answer per item.
    pub(crate) fn batch(&mut self, items: &[Item]) -> Vec<Answer> {
        self.try_batch(items).unwrap_or_else(|e| {
            panic!(
                "the Java oracle (kafka-clients {}) failed: {e}",
                self.release
            )
        })
    }

    fn try_batch(&mut self, items: &[Item]) -> std::io::Result<Vec<Answer>> {
        let w = &mut self.input;
        w.write_all(
            &u32::try_from(items.len())
                .expect("batch size")
                .to_be_bytes(),
        )?;
        for item in items {
            w.write_all(&[item.op])?;
            w.write_all(&u16::try_from(item.name.len()).expect("name").to_be_bytes())?;
            w.write_all(item.name.as_bytes())?;
            w.write_all(&item.version.to_be_bytes())?;
            w.write_all(
                &i32::try_from(item.payload.len())
                    .expect("payload")
                    .to_be_bytes(),
            )?;
            w.write_all(&item.payload)?;
        }
        w.flush()?;
        let r = &mut self.output;
        let mut answers = Vec::with_capacity(items.len());
        for _ in items {
            let mut head = [0u8; 2];
            r.read_exact(&mut head)?;
            let mut blobs = Vec::with_capacity(usize::from(head[1]));
            for _ in 0..head[1] {
                let mut len = [0u8; 4];
                r.read_exact(&mut len)?;
                let mut b = vec![0u8; u32::from_be_bytes(len) as usize];
                r.read_exact(&mut b)?;
                blobs.push(b);
            }
            answers.push(if head[0] == 0 {
                Answer::Ok(blobs)
            } else {
                Answer::Refused(String::from_utf8_lossy(&blobs.concat()).into_owned())
            });
        }
        Ok(answers)
    }
}

impl Drop for Jvm {
    fn drop(&mut self) {
        // Closing standard input ends the oracle's loop.
        let _ = self.input.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
