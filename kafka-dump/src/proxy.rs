//! `kafka-dump proxy`: a live Kafka proxy that prints every frame it
//! forwards.
//!
//! Each client connection gets its own connection to the broker. Frames are
//! forwarded as they came (the bytes on the wire, not a re-encoding), except
//! responses that carry broker addresses (Metadata, FindCoordinator,
//! DescribeCluster, and the `NodeEndpoints` of Produce, Fetch, ShareFetch and
//! ShareAcknowledge), whose addresses are rewritten to listeners of the
//! proxy, so that clients keep talking through it. Every broker address seen
//! gets its own listener (the one given by `--upstream` is the main
//! listener), so a cluster of several brokers stays reachable.
//!
//! Buffering is bounded: a direction reads its next frame only once the
//! previous one was written to the other side, so a peer that stops reading
//! stops the proxy reading from the other peer (one frame, at most the
//! maximum frame size, per direction and connection). The printed lines go
//! through a bounded queue to one writer thread, so a slow terminal slows
//! the proxy instead of filling its memory.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use kafkawire::any::AnyResponse;
use kafkawire::frame::{
    DEFAULT_MAX_FRAME_SIZE, FrameCodec, InFlight, RequestFrame, ResponseFrame,
    decode_response_header, peek_correlation_id,
};
use kafkawire::negotiate::decode_api_versions_response;
use kafkawire::{ApiKey, ByteString};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;

use crate::capture::Timestamp;
use crate::dump::{self, Event, Options, Origin};

/// How the proxy runs.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// Where clients connect.
    pub listen: SocketAddr,
    /// The broker (or bootstrap server) behind the proxy, `host:port`.
    pub upstream: String,
    /// The host clients are told to reach the proxy at in rewritten
    /// responses; the listen address's IP when `None` (127.0.0.1 when that
    /// is unspecified).
    pub advertise: Option<String>,
    /// Re-encode every decoded frame and report those whose bytes differ
    /// from the wire's.
    pub verify: bool,
    /// What to print and how.
    pub dump: Options,
    /// The largest frame accepted in either direction.
    pub max_frame_size: usize,
    /// How long to wait for the broker to accept a connection.
    pub connect_timeout: Duration,
}

impl ProxyOptions {
    /// Listening on `listen`, forwarding to `upstream`, printing JSON.
    pub fn new(listen: SocketAddr, upstream: impl Into<String>) -> Self {
        ProxyOptions {
            listen,
            upstream: upstream.into(),
            advertise: None,
            verify: false,
            dump: Options::default(),
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// What the proxy has seen so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Client connections accepted.
    pub connections: usize,
    /// Frames forwarded that decoded.
    pub frames: usize,
    /// Frames forwarded that did not decode (printed with an `error`).
    pub undecoded: usize,
    /// Frames re-encoded byte for byte (`--verify`).
    pub verified: usize,
    /// Frames whose re-encoding differs from the wire (`--verify`).
    pub mismatches: usize,
    /// Responses whose broker addresses were rewritten.
    pub rewritten: usize,
}

#[derive(Debug, Default)]
struct Counters {
    connections: AtomicUsize,
    frames: AtomicUsize,
    undecoded: AtomicUsize,
    verified: AtomicUsize,
    mismatches: AtomicUsize,
    rewritten: AtomicUsize,
}

/// Frames waiting for the writer thread.
const OUTPUT_QUEUE: usize = 256;

#[derive(Debug)]
struct Shared {
    options: ProxyOptions,
    advertise: String,
    /// Broker address (`host:port` as the broker advertises it) -> the
    /// proxy's listener for it.
    routes: Mutex<HashMap<String, SocketAddr>>,
    counters: Counters,
    output: mpsc::Sender<Event>,
    /// Lines queued or written but not yet flushed.
    unwritten: Arc<AtomicUsize>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running proxy: its main listener is bound; [`run`](Self::run) serves.
#[derive(Debug)]
pub struct Proxy {
    shared: Arc<Shared>,
    listener: TcpListener,
    writer: std::thread::JoinHandle<io::Result<()>>,
}

impl Proxy {
    /// Binds the main listener and starts the thread that writes the
    /// printed frames to `out`. Must be called within a tokio runtime.
    pub async fn bind(options: ProxyOptions, out: impl Write + Send + 'static) -> io::Result<Self> {
        let listener = TcpListener::bind(options.listen).await?;
        let local = listener.local_addr()?;
        let advertise = options.advertise.clone().unwrap_or_else(|| {
            if local.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                local.ip().to_string()
            }
        });
        let (tx, mut rx) = mpsc::channel::<Event>(OUTPUT_QUEUE);
        let dump_options = options.dump.clone();
        let unwritten = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&unwritten);
        let writer = std::thread::Builder::new()
            .name("kafka-dump-output".into())
            .spawn(move || {
                let mut out = io::BufWriter::new(out);
                // Rendering (records expanded, JSON written) happens here,
                // beside the forwarding, not in its way.
                while let Some(event) = rx.blocking_recv() {
                    dump::render(event, &dump_options, &mut out)?;
                    let mut n = 1;
                    // Flush when nothing else is waiting: lines appear as
                    // frames pass, without a write per line under load.
                    while let Ok(event) = rx.try_recv() {
                        dump::render(event, &dump_options, &mut out)?;
                        n += 1;
                    }
                    out.flush()?;
                    written.fetch_sub(n, Ordering::Release);
                }
                out.flush()
            })?;
        let mut routes = HashMap::new();
        routes.insert(options.upstream.clone(), local);
        Ok(Proxy {
            shared: Arc::new(Shared {
                options,
                advertise,
                routes: Mutex::new(routes),
                counters: Counters::default(),
                output: tx,
                unwritten,
            }),
            listener,
            writer,
        })
    }

    /// The main listener's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// What the proxy has seen so far.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Serves until `shutdown` completes, then lets the printed lines
    /// already queued be written (for up to two seconds) and returns what
    /// was seen. Connections still open are left to the runtime's end.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> io::Result<Stats> {
        let Proxy {
            shared,
            listener,
            writer,
        } = self;
        let upstream = shared.options.upstream.clone();
        let serving = tokio::spawn(serve(Arc::clone(&shared), listener, upstream));
        shutdown.await;
        serving.abort();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while shared.unwritten.load(Ordering::Acquire) > 0
            && !writer.is_finished()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if writer.is_finished() {
            // It only ends early when writing failed.
            return match writer.join() {
                Ok(Err(e)) => Err(e),
                _ => Err(io::Error::other("the output thread ended")),
            };
        }
        Ok(shared.stats())
    }
}

impl Shared {
    fn stats(&self) -> Stats {
        let c = &self.counters;
        Stats {
            connections: c.connections.load(Ordering::Relaxed),
            frames: c.frames.load(Ordering::Relaxed),
            undecoded: c.undecoded.load(Ordering::Relaxed),
            verified: c.verified.load(Ordering::Relaxed),
            mismatches: c.mismatches.load(Ordering::Relaxed),
            rewritten: c.rewritten.load(Ordering::Relaxed),
        }
    }

    /// The proxy's address for the broker at `host:port`, with a listener
    /// opened for it on first sight. `None` for a placeholder (empty host,
    /// negative port: "no coordinator") or when no listener can be opened.
    fn route(self: &Arc<Self>, host: &str, port: i32) -> Option<(String, i32)> {
        self.listener_for(host, port)
            .map(|addr| (self.advertise.clone(), i32::from(addr.port())))
    }

    fn listener_for(self: &Arc<Self>, host: &str, port: i32) -> Option<SocketAddr> {
        if host.is_empty() || port < 0 {
            return None;
        }
        let key = format!("{host}:{port}");
        let mut routes = lock(&self.routes);
        if let Some(addr) = routes.get(&key) {
            return Some(*addr);
        }
        let bound = std::net::TcpListener::bind((self.options.listen.ip(), 0))
            .and_then(|l| {
                l.set_nonblocking(true)?;
                TcpListener::from_std(l)
            })
            .and_then(|l| Ok((l.local_addr()?, l)));
        match bound {
            Ok((addr, listener)) => {
                routes.insert(key.clone(), addr);
                eprintln!("kafka-dump proxy: broker {key} is reachable through {addr}");
                tokio::spawn(serve(Arc::clone(self), listener, key));
                Some(addr)
            }
            Err(e) => {
                eprintln!("kafka-dump proxy: cannot open a listener for broker {key}: {e}");
                None
            }
        }
    }

    /// Counts and queues an event for printing.
    async fn emit(&self, event: Event) {
        let c = &self.counters;
        if event.error.is_some() {
            c.undecoded.fetch_add(1, Ordering::Relaxed);
        } else {
            c.frames.fetch_add(1, Ordering::Relaxed);
        }
        self.unwritten.fetch_add(1, Ordering::Release);
        // Only fails when the writer thread is gone (its output failed).
        if self.output.send(event).await.is_err() {
            self.unwritten.fetch_sub(1, Ordering::Release);
        }
    }

    /// Counts a `--verify` verdict and reports a mismatch on stderr.
    fn verdict(&self, event: &mut Event, verdict: Option<Result<(), String>>) {
        match verdict {
            Some(Ok(())) => {
                self.counters.verified.fetch_add(1, Ordering::Relaxed);
                event.reencoded = Some("identical".into());
            }
            Some(Err(how)) => {
                self.counters.mismatches.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "kafka-dump proxy: connection {} {} {} v{} correlation id {}: re-encoding {how}",
                    event.origin.connection.unwrap_or(0),
                    event.direction,
                    event.api.unwrap_or("?"),
                    event.api_version.unwrap_or(-1),
                    event.correlation_id.unwrap_or(-1),
                );
                event.reencoded = Some(how);
            }
            None => {}
        }
    }
}

/// Accepts clients on `listener` and proxies each to `upstream`.
async fn serve(shared: Arc<Shared>, listener: TcpListener, upstream: String) {
    loop {
        match listener.accept().await {
            Ok((client, peer)) => {
                let n = shared.counters.connections.fetch_add(1, Ordering::Relaxed) + 1;
                tokio::spawn(connection(
                    Arc::clone(&shared),
                    n,
                    client,
                    peer,
                    upstream.clone(),
                ));
            }
            Err(e) => {
                // Out of file descriptors and the like: wait, do not spin.
                eprintln!("kafka-dump proxy: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        nanos: since.subsec_nanos(),
        digits: 6,
    }
    .to_string()
}

/// One client connection and its connection to the broker.
async fn connection(
    shared: Arc<Shared>,
    n: usize,
    client: TcpStream,
    peer: SocketAddr,
    upstream: String,
) {
    let connect = TcpStream::connect(upstream.as_str());
    let broker = match tokio::time::timeout(shared.options.connect_timeout, connect).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            eprintln!(
                "kafka-dump proxy: connection {n} from {peer}: cannot reach the broker at {upstream}: {e}; closing it"
            );
            return;
        }
        Err(_) => {
            eprintln!(
                "kafka-dump proxy: connection {n} from {peer}: the broker at {upstream} did not answer in {:?}; closing it",
                shared.options.connect_timeout
            );
            return;
        }
    };
    // Small frames go out at once, as the peers sent them.
    let _ = client.set_nodelay(true);
    let _ = broker.set_nodelay(true);
    let origin = Origin {
        connection: Some(n),
        client: Some(peer.to_string()),
        server: Some(upstream.clone()),
        ..Origin::default()
    };
    let in_flight = Mutex::new(InFlight::new());
    let (client_read, client_write) = client.into_split();
    let (broker_read, broker_write) = broker.into_split();
    let up = requests(&shared, client_read, broker_write, &in_flight, &origin);
    let down = responses(&shared, broker_read, client_write, &in_flight, &origin);
    tokio::pin!(up, down);
    // A client that closes its side first still gets the answers in flight;
    // a broker that closes ends the connection.
    let ended = tokio::select! {
        r = &mut up => match r {
            Ok(()) => down.await.map_err(|e| ("broker", e)),
            Err(e) => Err(("client", e)),
        },
        r = &mut down => r.map_err(|e| ("broker", e)),
    };
    if let Err((side, e)) = ended {
        eprintln!("kafka-dump proxy: connection {n} from {peer}: {side} side: {e}; closed");
    }
}

/// Writes one frame behind its size prefix and flushes.
async fn forward(out: &mut (impl AsyncWrite + Unpin), frame: &[u8]) -> io::Result<()> {
    let size = u32::try_from(frame.len()).map_err(io::Error::other)?;
    out.write_all(&size.to_be_bytes()).await?;
    out.write_all(frame).await?;
    out.flush().await
}

fn reading<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// Client -> broker: every request frame is printed and forwarded as it came.
async fn requests(
    shared: &Arc<Shared>,
    from: tokio::net::tcp::OwnedReadHalf,
    to: tokio::net::tcp::OwnedWriteHalf,
    in_flight: &Mutex<InFlight>,
    origin: &Origin,
) -> io::Result<()> {
    let codec = FrameCodec::with_max_frame_size(shared.options.max_frame_size);
    let mut frames = FramedRead::new(from, codec);
    let mut to = BufWriter::new(to);
    while let Some(frame) = frames.next().await {
        let frame = frame.map_err(reading)?;
        let origin = Origin {
            time: Some(now()),
            ..origin.clone()
        };
        let (mut event, expects) = dump::request_event(frame.clone(), &origin);
        if let Some((id, api, version)) = expects {
            lock(in_flight).insert_id(id, api, version);
        }
        if shared.options.verify && event.error.is_none() {
            shared.verdict(&mut event, Some(verify_request(&frame)));
        }
        // Printed before it is forwarded, so that its response is printed
        // after it.
        shared.emit(event).await;
        forward(&mut to, &frame).await?;
    }
    // The client is done sending: tell the broker, keep reading answers.
    to.shutdown().await
}

/// Broker -> client: every response frame is printed and forwarded, with
/// broker addresses rewritten.
async fn responses(
    shared: &Arc<Shared>,
    from: tokio::net::tcp::OwnedReadHalf,
    to: tokio::net::tcp::OwnedWriteHalf,
    in_flight: &Mutex<InFlight>,
    origin: &Origin,
) -> io::Result<()> {
    let codec = FrameCodec::with_max_frame_size(shared.options.max_frame_size);
    let mut frames = FramedRead::new(from, codec);
    let mut to = BufWriter::new(to);
    while let Some(frame) = frames.next().await {
        let frame = frame.map_err(reading)?;
        let origin = Origin {
            time: Some(now()),
            ..origin.clone()
        };
        let asked = peek_correlation_id(&frame)
            .ok()
            .and_then(|id| lock(in_flight).get(id));
        let route = |host: &str, port: i32| shared.route(host, port);
        let rewritten = asked.and_then(|(api, version)| rewrite(&frame, api, version, &route));
        let mut event = dump::response_event(frame.clone(), &mut lock(in_flight), &origin);
        if shared.options.verify && event.error.is_none() {
            let verdict = asked.map(|(api, version)| verify_response(&frame, api, version));
            shared.verdict(&mut event, verdict);
        }
        match rewritten {
            Some((bytes, changes)) => {
                shared.counters.rewritten.fetch_add(1, Ordering::Relaxed);
                event.rewritten = Some(changes);
                forward(&mut to, &bytes).await?;
            }
            None => forward(&mut to, &frame).await?,
        }
        shared.emit(event).await;
    }
    Ok(())
}

/// Where `ours` differs from `wire`, in words; `Ok` when they are equal.
fn compare(ours: &[u8], wire: &[u8]) -> Result<(), String> {
    if ours == wire {
        return Ok(());
    }
    let at = ours
        .iter()
        .zip(wire)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(wire.len()));
    Err(format!(
        "differs at byte {at} (ours {} bytes, the wire's {})",
        ours.len(),
        wire.len()
    ))
}

/// Bytes of the size prefix.
const SIZE_LEN: usize = 4;

/// Decodes a request frame (without its size prefix), encodes it again and
/// compares.
pub fn verify_request(frame: &Bytes) -> Result<(), String> {
    let decoded = RequestFrame::decode(frame.clone()).map_err(|e| format!("no decode: {e}"))?;
    let mut again = BytesMut::new();
    decoded
        .encode(&mut again)
        .map_err(|e| format!("cannot be encoded: {e}"))?;
    compare(again.get(SIZE_LEN..).unwrap_or_default(), frame)
}

/// Decodes a response frame (without its size prefix) answering `version`
/// of `api`, encodes it again and compares. An ApiVersions refusal is read
/// at the version it was written at, as Kafka's client reads it.
pub fn verify_response(frame: &Bytes, api: ApiKey, version: i16) -> Result<(), String> {
    let decoded = match ResponseFrame::decode(frame.clone(), api, version) {
        Ok(f) if api != ApiKey::API_VERSIONS || f.trailing.is_empty() => f,
        other if api == ApiKey::API_VERSIONS => {
            let mut body = frame.clone();
            let header = decode_response_header(&mut body, api, version)
                .map_err(|e| format!("no decode: {e}"))?;
            match decode_api_versions_response(body, version) {
                Ok((r, read_as)) => {
                    ResponseFrame::new(header, read_as, AnyResponse::ApiVersions(r))
                }
                Err(e) => return Err(format!("no decode: {}", other.err().unwrap_or(e))),
            }
        }
        Ok(f) => f,
        Err(e) => return Err(format!("no decode: {e}")),
    };
    let mut again = BytesMut::new();
    decoded
        .encode(&mut again)
        .map_err(|e| format!("cannot be encoded: {e}"))?;
    compare(again.get(SIZE_LEN..).unwrap_or_default(), frame)
}

/// An advertised address -> the proxy's address for it.
type Route<'a> = &'a dyn Fn(&str, i32) -> Option<(String, i32)>;

/// Points one advertised address at the proxy; records the change.
fn redirect(host: &mut ByteString, port: &mut i32, route: Route<'_>, changes: &mut Vec<String>) {
    let Some((new_host, new_port)) = route(host.as_str(), *port) else {
        return;
    };
    if host.as_str() == new_host && *port == new_port {
        return;
    }
    changes.push(format!(
        "{}:{} -> {new_host}:{new_port}",
        host.as_str(),
        *port
    ));
    *host = ByteString::from(new_host);
    *port = new_port;
}

/// Redirects every broker address in a response body.
fn redirect_all(body: &mut AnyResponse, route: Route<'_>, changes: &mut Vec<String>) {
    // Every list of brokers or endpoints has `host` and `port` fields.
    macro_rules! each {
        ($list:expr) => {
            for entry in &mut $list {
                redirect(&mut entry.host, &mut entry.port, route, changes);
            }
        };
    }
    match body {
        AnyResponse::Metadata(r) => each!(r.brokers),
        AnyResponse::FindCoordinator(r) => {
            redirect(&mut r.host, &mut r.port, route, changes);
            each!(r.coordinators);
        }
        AnyResponse::DescribeCluster(r) => each!(r.brokers),
        AnyResponse::Produce(r) => each!(r.node_endpoints),
        AnyResponse::Fetch(r) => each!(r.node_endpoints),
        AnyResponse::ShareFetch(r) => each!(r.node_endpoints),
        AnyResponse::ShareAcknowledge(r) => each!(r.node_endpoints),
        _ => {}
    }
}

/// The response in `frame` (without its size prefix) with every broker
/// address in it replaced by the proxy's address for that broker, encoded;
/// `None` when it carries no address, cannot be decoded, or nothing changed.
pub(crate) fn rewrite(
    frame: &Bytes,
    api: ApiKey,
    version: i16,
    route: Route<'_>,
) -> Option<(Bytes, Vec<String>)> {
    let carries = [
        ApiKey::METADATA,
        ApiKey::FIND_COORDINATOR,
        ApiKey::DESCRIBE_CLUSTER,
        ApiKey::PRODUCE,
        ApiKey::FETCH,
        ApiKey::SHARE_FETCH,
        ApiKey::SHARE_ACKNOWLEDGE,
    ];
    if !carries.contains(&api) {
        return None;
    }
    let mut decoded = ResponseFrame::decode(frame.clone(), api, version).ok()?;
    let mut changes = Vec::new();
    redirect_all(&mut decoded.body, route, &mut changes);
    if changes.is_empty() {
        return None;
    }
    let mut out = BytesMut::new();
    decoded.encode(&mut out).ok()?;
    Some((out.split_off(SIZE_LEN).freeze(), changes))
}
