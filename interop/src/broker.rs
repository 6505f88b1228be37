//! A real Apache Kafka broker for the end-to-end tests.
//!
//! [`Broker::start`] runs one KRaft process (broker and controller, node 1)
//! from the jars Maven resolves for a release (`interop/kafka/pom.xml`), on
//! three free ports of 127.0.0.1: PLAINTEXT (the bootstrap), SASL_PLAINTEXT
//! (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for [`SASL_USERS`]) and the
//! controller's. Its storage is formatted by Kafka's own `StorageTool`, its
//! logs and output go to files in its directory under
//! `target/interop-kafka/<release>/`, and it is ready when it answers
//! ApiVersions and Metadata lists it (checked with this workspace's codec).
//!
//! The JVM runs `kafkawire.broker.BrokerMain`, which halts when its standard
//! input reaches end of file: the [`Broker`] keeps the pipe's write end, so the
//! broker dies with the test process even when that process aborts or the
//! broker lives in a `static` ([`Broker::shared`]), which is never dropped.
//!
//! [`Conn`] is a blocking client connection that checks every response it
//! reads: decoded at its version, re-encoded byte for byte.

use bytes::{Bytes, BytesMut};
use kafkawire::frame::{self, FrameCodec, ResponseFrame};
use kafkawire::messages::{ApiVersionsRequest, MetadataRequest, RequestHeader};
use kafkawire::{ApiKey, Message, Request};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The Kafka release of the main broker.
pub const CURRENT: &str = "4.4.0";
/// The last release with the versions Kafka 4.0 removed.
pub const LEGACY: &str = "3.9.2";
/// The users the SASL listener knows (PLAIN and SCRAM), as (name, password).
pub const SASL_USERS: &[(&str, &str)] = &[("admin", "admin-secret"), ("alice", "alice-secret")];

/// The cluster id every broker is formatted with (a UUID in Kafka's base64).
const CLUSTER_ID: &str = "a2Fma2Etd2lyZS1pbnRlcg";
/// How long a broker may take to answer after it is started.
const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// The client id of this module's requests.
const CLIENT_ID: &str = "kafka-wire-interop";

/// A running (or stopped) Kafka broker; see the [module docs](self).
#[derive(Debug)]
pub struct Broker {
    release: String,
    dir: PathBuf,
    classpath: String,
    plaintext: SocketAddr,
    sasl: SocketAddr,
    controller: SocketAddr,
    child: Option<Child>,
    /// Dropping it (end of file) halts the broker's JVM.
    stdin: Option<ChildStdin>,
    started_in: Duration,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Cargo's target directory, where brokers run and reports go.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// `target/interop-kafka`: the brokers' directories and the tests' reports.
pub fn interop_dir() -> PathBuf {
    target_dir().join("interop-kafka")
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

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn build_classpath(release: &str) -> Result<String, String> {
    let project = workspace_root().join("interop/kafka");
    let pom = project.join("pom.xml");
    let dir = interop_dir().join(release);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let cp_file = dir.join("classpath.txt");
    // Maven is slow to start even offline: reuse its answer while the POM
    // has not changed and every jar is still there.
    let cached = match (modified(&cp_file), modified(&pom)) {
        (Some(cp), Some(p)) if cp > p => std::fs::read_to_string(&cp_file)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.split(':').all(|j| Path::new(j).exists())),
        _ => None,
    };
    let classpath = match cached {
        Some(cp) => cp,
        None => {
            // Written elsewhere first, so a concurrent reader never sees half a file.
            let tmp = dir.join(format!("classpath.{}.tmp", std::process::id()));
            run(
                Command::new("mvn")
                    .args(["-q", "-B", "-f"])
                    .arg(&pom)
                    .arg(format!("-Dkafka.version={release}"))
                    .arg("dependency:build-classpath")
                    .arg(format!("-Dmdep.outputFile={}", tmp.display())),
                &format!("Maven (resolving kafka_2.13 {release})"),
            )?;
            std::fs::rename(&tmp, &cp_file).map_err(|e| format!("{}: {e}", cp_file.display()))?;
            std::fs::read_to_string(&cp_file)
                .map_err(|e| format!("{}: {e}", cp_file.display()))?
                .trim()
                .to_string()
        }
    };
    let classes = dir.join("classes");
    let src = project.join("src/main/java/kafkawire/broker");
    let sources: Vec<PathBuf> = std::fs::read_dir(&src)
        .map_err(|e| format!("{}: {e}", src.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "java"))
        .collect();
    let stamp = classes.join(".built");
    let fresh = modified(&stamp).is_some_and(|built| {
        sources
            .iter()
            .chain([&cp_file])
            .all(|s| modified(s).is_some_and(|m| m < built))
    });
    if !fresh {
        // Compiled into a private directory, then moved into place.
        let tmp = dir.join(format!("classes.{}.tmp", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        run(
            Command::new("javac")
                .arg("-nowarn")
                .args(["--release", "17", "-d"])
                .arg(&tmp)
                .arg("-cp")
                .arg(&classpath)
                .args(&sources),
            &format!("javac (the broker helpers against Kafka {release})"),
        )?;
        std::fs::write(tmp.join(".built"), b"").map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&classes);
        if std::fs::rename(&tmp, &classes).is_err() {
            // Another process put its (identical) classes there first.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    Ok(format!("{}:{classpath}", classes.display()))
}

/// Removes the directories of brokers whose test process is gone.
fn clean_stale(release_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(release_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("broker-"))
            .and_then(|n| n.split('-').next())
        else {
            continue;
        };
        if pid != std::process::id().to_string() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn free_port() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn tail(path: &Path, lines: usize) -> String {
    let Ok(text) = std::fs::read(path) else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Broker {
    /// The Maven class path (the jars of kafka_2.13 and kafka-tools and the
    /// compiled helper classes) for `release`; built once per process.
    /// `Err` says why Maven or javac failed.
    pub fn classpath(release: &str) -> Result<String, String> {
        type Built = HashMap<String, Result<String, String>>;
        static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
        let mut built = BUILT
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        built
            .entry(release.to_string())
            .or_insert_with(|| build_classpath(release))
            .clone()
    }

    /// Starts a fresh broker of `release` in its own directory and waits until
    /// it answers. `Err` gives the reason and the tail of its log.
    pub fn start(release: &str) -> Result<Broker, String> {
        // The free ports are picked before the JVM binds them: another
        // process may take one in between. Then try again with new ones.
        match Self::start_once(release) {
            Err(e) if e.contains("Address already in use") => Self::start_once(release),
            other => other,
        }
    }

    fn start_once(release: &str) -> Result<Broker, String> {
        let began = Instant::now();
        let classpath = Self::classpath(release)?;
        let release_dir = interop_dir().join(release);
        clean_stale(&release_dir);
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = release_dir.join(format!(
            "broker-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut broker = Broker {
            release: release.to_string(),
            dir,
            classpath,
            plaintext: free_port()?,
            sasl: free_port()?,
            controller: free_port()?,
            child: None,
            stdin: None,
            started_in: Duration::ZERO,
        };
        broker.write_config()?;
        broker.format()?;
        broker.launch()?;
        broker.started_in = began.elapsed();
        Ok(broker)
    }

    /// One broker of `release` per process, started on first use and shared
    /// by every test of the binary. It lives until the process ends (and then
    /// dies with it).
    pub fn shared(release: &str) -> Result<&'static Broker, String> {
        type Slot = OnceLock<Result<&'static Broker, String>>;
        static SHARED: OnceLock<Mutex<HashMap<String, &'static Slot>>> = OnceLock::new();
        let slot: &'static Slot = {
            let mut map = SHARED
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            map.entry(release.to_string())
                .or_insert_with(|| Box::leak(Box::default()))
        };
        slot.get_or_init(|| Broker::start(release).map(|b| &*Box::leak(Box::new(b))))
            .clone()
    }

    /// The Kafka release it runs.
    pub fn release(&self) -> &str {
        &self.release
    }

    /// The PLAINTEXT listener (127.0.0.1).
    pub fn bootstrap(&self) -> SocketAddr {
        self.plaintext
    }

    /// The SASL_PLAINTEXT listener (127.0.0.1): PLAIN, SCRAM-SHA-256 and
    /// SCRAM-SHA-512 for [`SASL_USERS`].
    pub fn sasl_bootstrap(&self) -> SocketAddr {
        self.sasl
    }

    /// Its directory (configuration, data, logs).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How long the last start (or restart) took until it answered,
    /// formatting and, on the first start in a process, Maven included.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// Kills the JVM and waits for it. Idempotent.
    pub fn stop(&mut self) {
        self.stdin = None;
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the broker and starts it again on the same ports and data.
    pub fn restart(&mut self) -> Result<(), String> {
        let began = Instant::now();
        self.stop();
        self.launch()?;
        self.started_in = began.elapsed();
        Ok(())
    }

    /// The last 50 lines of its log (and of its standard output and error,
    /// when there are any), for failure messages.
    pub fn log_tail(&self) -> String {
        let mut out = tail(&self.dir.join("broker.log"), 50);
        let console = tail(&self.dir.join("console.log"), 20);
        if !console.trim().is_empty() {
            out.push_str("\n--- stdout/stderr ---\n");
            out.push_str(&console);
        }
        out
    }

    fn is_4x(&self) -> bool {
        !self.release.starts_with("3.")
    }

    fn write_config(&self) -> Result<(), String> {
        let d = &self.dir;
        let (p, s, c) = (self.plaintext, self.sasl, self.controller);
        let users: String = SASL_USERS
            .iter()
            .map(|(u, pw)| format!(" user_{u}=\"{pw}\""))
            .collect();
        let mut props = format!(
            "process.roles=broker,controller\n\
             node.id=1\n\
             controller.quorum.bootstrap.servers={c}\n\
             listeners=PLAINTEXT://{p},SASL_PLAINTEXT://{s},CONTROLLER://{c}\n\
             advertised.listeners=PLAINTEXT://{p},SASL_PLAINTEXT://{s}\n\
             controller.listener.names=CONTROLLER\n\
             inter.broker.listener.name=PLAINTEXT\n\
             listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT\n\
             log.dirs={data}\n\
             sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512\n\
             listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required{users};\n\
             listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n\
             listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n\
             authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n\
             super.users=User:ANONYMOUS;User:admin\n\
             allow.everyone.if.no.acl.found=true\n\
             offsets.topic.replication.factor=1\n\
             offsets.topic.num.partitions=1\n\
             transaction.state.log.replication.factor=1\n\
             transaction.state.log.min.isr=1\n\
             transaction.state.log.num.partitions=1\n\
             group.initial.rebalance.delay.ms=0\n\
             auto.create.topics.enable=true\n\
             num.partitions=1\n\
             log.segment.bytes=16777216\n",
            data = d.join("data").display(),
        );
        if self.is_4x() {
            props.push_str(
                "group.coordinator.rebalance.protocols=classic,consumer\n\
                 share.coordinator.state.topic.replication.factor=1\n\
                 share.coordinator.state.topic.min.isr=1\n",
            );
        }
        let log = d.join("broker.log");
        let log4j2 = format!(
            "status = warn\n\
             appender.file.type = File\n\
             appender.file.name = file\n\
             appender.file.fileName = {log}\n\
             appender.file.layout.type = PatternLayout\n\
             appender.file.layout.pattern = [%d] %p %m (%c)%n\n\
             rootLogger.level = INFO\n\
             rootLogger.appenderRef.file.ref = file\n",
            log = log.display()
        );
        let log4j1 = format!(
            "log4j.rootLogger=INFO, file\n\
             log4j.appender.file=org.apache.log4j.FileAppender\n\
             log4j.appender.file.File={log}\n\
             log4j.appender.file.layout=org.apache.log4j.PatternLayout\n\
             log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n",
            log = log.display()
        );
        for (name, text) in [
            ("server.properties", props),
            ("log4j2.properties", log4j2),
            ("log4j.properties", log4j1),
        ] {
            std::fs::write(d.join(name), text).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        Ok(())
    }

    fn java(&self) -> Command {
        let mut cmd = Command::new("java");
        cmd.args([
            "-Xms128m",
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
        ])
        .arg(format!(
            "-Dlog4j2.configurationFile={}",
            self.dir.join("log4j2.properties").display()
        ))
        .arg(format!(
            "-Dlog4j.configuration=file:{}",
            self.dir.join("log4j.properties").display()
        ))
        .arg(format!("-Dkafka.logs.dir={}", self.dir.display()))
        .arg("-cp")
        .arg(&self.classpath);
        cmd
    }

    fn format(&self) -> Result<(), String> {
        let mut cmd = self.java();
        cmd.args(["kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c"])
            .arg(self.dir.join("server.properties"))
            .arg("--standalone");
        for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-512"] {
            for (user, password) in SASL_USERS {
                cmd.arg("--add-scram")
                    .arg(format!("{mechanism}=[name={user},password={password}]"));
            }
        }
        run(
            &mut cmd,
            &format!("Kafka {} StorageTool format", self.release),
        )
    }

    fn launch(&mut self) -> Result<(), String> {
        let console = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("console.log"))
            .map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let console2 = console.try_clone().map_err(|e| e.to_string())?;
        let mut child = self
            .java()
            .arg("kafkawire.broker.BrokerMain")
            .arg(self.dir.join("server.properties"))
            .stdin(Stdio::piped())
            .stdout(Stdio::from(console))
            .stderr(Stdio::from(console2))
            .spawn()
            .map_err(|e| format!("cannot start java: {e} (is a JDK installed?)"))?;
        self.stdin = child.stdin.take();
        self.child = Some(child);
        match self.wait_ready() {
            Ok(()) => Ok(()),
            Err(e) => {
                self.stop();
                Err(format!(
                    "Kafka {} broker in {} did not become ready: {e}\n--- log tail ---\n{}",
                    self.release,
                    self.dir.display(),
                    self.log_tail()
                ))
            }
        }
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(child) = &mut self.child {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!("the JVM exited ({status})"));
                }
            }
            let last = match self.probe() {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                return Err(format!("no answer in {READY_TIMEOUT:?}; last: {last}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// One readiness check: ApiVersions answers without error and Metadata
    /// lists broker 1 and a controller.
    fn probe(&self) -> Result<(), String> {
        let mut conn = Conn::connect(self.plaintext)?;
        conn.set_timeout(Some(Duration::from_secs(5)))?;
        // v3+ brokers refuse an empty or odd client software name or version
        // (INVALID_REQUEST, 42).
        let request = ApiVersionsRequest::default()
            .with_client_software_name("kafka-wire".into())
            .with_client_software_version("0.1.0".into());
        let (versions, _) = conn.call(3, &request)?;
        if versions.error_code != 0 {
            return Err(format!("ApiVersions error {}", versions.error_code));
        }
        let (metadata, _) = conn.call(12, &MetadataRequest::default().with_topics(Some(vec![])))?;
        if !metadata.brokers.iter().any(|b| b.node_id == 1) || metadata.controller_id < 0 {
            return Err(format!(
                "Metadata lists brokers {:?}, controller {}",
                metadata
                    .brokers
                    .iter()
                    .map(|b| b.node_id)
                    .collect::<Vec<_>>(),
                metadata.controller_id
            ));
        }
        Ok(())
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
        // The data is of no further use; the logs stay for a post-mortem.
        let _ = std::fs::remove_dir_all(self.dir.join("data"));
    }
}

/// One response as read: the typed body, plus what came with it.
#[derive(Debug, Clone)]
pub struct Received<R> {
    /// The body, decoded at the request's version.
    pub body: R,
    /// The whole frame as received (size prefix not included).
    pub frame: Bytes,
    /// The body's bytes as received (after the header, before any trailing bytes).
    pub body_bytes: Bytes,
    /// The frame decoded as [`ResponseFrame`] (header, [`AnyResponse`](kafkawire::any::AnyResponse), trailing bytes).
    pub decoded: ResponseFrame,
}

/// A blocking client connection to a broker that checks every response:
/// decoded at its version, then re-encoded, header, body and trailing bytes,
/// byte for byte equal to the frame on the wire.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    read: BytesMut,
    next_id: i32,
    client_id: Option<String>,
}

impl Conn {
    /// Connects (with a 10 s timeout on connect, reads and writes).
    pub fn connect(addr: SocketAddr) -> Result<Conn, String> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
            .map_err(|e| format!("connect {addr}: {e}"))?;
        let _ = stream.set_nodelay(true);
        let conn = Conn {
            stream,
            read: BytesMut::with_capacity(1 << 16),
            next_id: 1,
            client_id: Some(CLIENT_ID.to_string()),
        };
        conn.set_timeout(Some(Duration::from_secs(30)))?;
        Ok(conn)
    }

    /// Sets the read and write timeout.
    pub fn set_timeout(&self, timeout: Option<Duration>) -> Result<(), String> {
        self.stream
            .set_read_timeout(timeout)
            .and_then(|()| self.stream.set_write_timeout(timeout))
            .map_err(|e| e.to_string())
    }

    /// Sets the client id of the following requests (`None`: null).
    pub fn set_client_id(&mut self, client_id: Option<&str>) {
        self.client_id = client_id.map(str::to_string);
    }

    /// The correlation id the next request gets.
    pub fn next_correlation_id(&self) -> i32 {
        self.next_id
    }

    /// Sends `request` at `version` and reads its response, checked (see
    /// [`Conn`]). Returns the typed body and the body's bytes as received.
    pub fn call<R: Request>(
        &mut self,
        version: i16,
        request: &R,
    ) -> Result<(R::Response, Bytes), String> {
        self.call_full(version, request)
            .map(|r| (r.body, r.body_bytes))
    }

    /// Like [`call`](Self::call), with everything that was received.
    pub fn call_full<R: Request>(
        &mut self,
        version: i16,
        request: &R,
    ) -> Result<Received<R::Response>, String> {
        let id = self.send(version, request)?;
        let frame = self.read_frame()?;
        check_response::<R::Response>(frame, id, version)
    }

    /// Sends `request` at `version` without reading anything (Produce with
    /// `acks = 0`, or to pipeline); returns its correlation id.
    pub fn send<R: Request>(&mut self, version: i16, request: &R) -> Result<i32, String> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let header = RequestHeader::default()
            .with_request_api_key(R::API_KEY.0)
            .with_request_api_version(version)
            .with_correlation_id(id)
            .with_client_id(self.client_id.clone().map(Into::into));
        let mut buf = BytesMut::new();
        frame::encode_request(&mut buf, &header, request)
            .map_err(|e| format!("encoding {} v{version}: {e}", R::NAME))?;
        self.send_raw(&buf)?;
        Ok(id)
    }

    /// Writes bytes as they are (a whole frame, size prefix included).
    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write: {e}"))
    }

    /// Reads one whole frame (without its size prefix).
    pub fn read_frame(&mut self) -> Result<Bytes, String> {
        let codec = FrameCodec::new();
        loop {
            if let Some(frame) = codec
                .decode_frame(&mut self.read)
                .map_err(|e| format!("frame: {e}"))?
            {
                return Ok(frame);
            }
            let mut chunk = [0u8; 65536];
            let n = self
                .stream
                .read(&mut chunk)
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("the broker closed the connection".into());
            }
            self.read.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Decodes a response `frame` (without its size prefix) answering
/// correlation id `id` at `version` of `R`'s API, both as `R` and as a
/// [`ResponseFrame`], and checks that the re-encoding equals the frame.
pub fn check_response<R: kafkawire::Response>(
    frame: Bytes,
    id: i32,
    version: i16,
) -> Result<Received<R>, String> {
    let what = format!("{} v{version}", R::NAME);
    let decoded = ResponseFrame::decode(frame.clone(), R::API_KEY, version)
        .map_err(|e| format!("decoding {what}: {e}; frame {}", hex(&frame)))?;
    if decoded.header.correlation_id != id {
        return Err(format!(
            "{what}: correlation id {} answers {id}",
            decoded.header.correlation_id
        ));
    }
    let mut again = BytesMut::new();
    decoded
        .encode(&mut again)
        .map_err(|e| format!("re-encoding {what}: {e}"))?;
    if again[4..] != frame[..] {
        let at = again[4..]
            .iter()
            .zip(frame.iter())
            .position(|(a, b)| a != b)
            .unwrap_or(again.len().min(frame.len()));
        return Err(format!(
            "{what}: the re-encoding differs from the wire at byte {at} (wire {} bytes, ours {})\nwire: {}\nours: {}",
            frame.len(),
            again.len() - 4,
            hex(&frame),
            hex(&again[4..])
        ));
    }
    let mut rest = frame.clone();
    let header_version = R::API_KEY
        .response_header_version(version)
        .ok_or_else(|| format!("{what}: unknown version"))?;
    kafkawire::messages::ResponseHeader::decode(&mut rest, header_version)
        .map_err(|e| format!("decoding {what} header: {e}"))?;
    let body_bytes = rest.slice(..rest.len() - decoded.trailing.len());
    let body = R::decode_exact(body_bytes.clone(), version)
        .map_err(|e| format!("decoding {what} body: {e}"))?;
    Ok(Received {
        body,
        frame,
        body_bytes,
        decoded,
    })
}

/// Lower-case hex, for messages.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The API key and version of a request, for tables.
pub fn api_name(api: ApiKey) -> String {
    api.name()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{api:?}"))
}

/// Writes `text` to `target/interop-kafka/NAME` and prints it (cargo hides
/// what passing tests print; the file stays).
pub fn report(name: &str, text: &str) {
    println!("{text}");
    let dir = interop_dir();
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let mut f = File::create(dir.join(name))?;
        f.write_all(text.as_bytes())
    });
    if let Err(e) = written {
        eprintln!("{}: {e}", dir.display());
    }
}
