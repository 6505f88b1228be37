//! `kafka-dump`: prints every Kafka frame of a capture or a file of frames.
//! See `kafka-dump --help`.

use std::io::{self, Read, Write};
use std::net::ToSocketAddrs;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use kafka_dump::dump::{Dumper, Format, Options};
use kafka_dump::hex;
use kafka_dump::proxy::{Proxy, ProxyOptions};
use kafkawire::ApiKey;
use kafkawire::frame::DEFAULT_MAX_FRAME_SIZE;

const HELP: &str = "\
kafka-dump: prints every Kafka frame of a capture or a file of frames

Usage: kafka-dump [OPTIONS] FILE        (FILE `-` is standard input)
       kafka-dump proxy --listen ADDR --upstream HOST:PORT [OPTIONS]

Input:
  (no flag)                 a pcap or pcapng capture (tcpdump, tshark, dumpcap,
                            Wireshark), recognised by its magic number; TCP
                            streams are reassembled, the side that sent the SYN
                            is the client, responses are matched to requests by
                            correlation id
  --requests                FILE is size-prefixed request frames, back to back
  --responses API:VERSION   FILE is size-prefixed response frames, all answering
                            VERSION of API (a name such as Fetch, or a key: 1:11)
  --hex                     FILE is a hex dump of any of the above: `xxd`,
                            `xxd -p`, `hexdump -C`, or plain hex digits with any
                            whitespace between them
  --port PORT               only connections from or to PORT (repeatable)

Input is read as a stream (hex dumps too): each frame is printed as soon as it
is complete, and memory holds what is in flight, not the capture, so
`tcpdump -i lo -w - -U port 9092 | kafka-dump -` works live (output is
flushed per frame to a pipe or terminal; Ctrl-C ends it). After a gap in a
TCP stream (lost or cut packets) the stream goes on at the next frame
boundary; the gap is reported (missingBytes, skippedBytes). A summary line
goes to standard error at the end.

Output (one per frame, in the order the frames completed):
  --json                    one JSON object per line (the default): connection,
                            client, server, packet (as Wireshark numbers them),
                            time (when it was captured, RFC 3339 UTC),
                            direction, api, apiKey, apiVersion, correlationId,
                            clientId (requests), size, headerTaggedFields (when
                            the header has any), body; or offset instead of
                            connection..time for a file of frames; `error`
                            instead of body when a frame cannot be decoded
  --pretty                  the same, indented
  --text                    one line per frame:
                            #CONN request  NAME vN correlation_id=N client_id=\"..\" (SIZE bytes, packet P, TIME)
  --no-records              leave `records` fields as base64 instead of expanding
                            them into batches and records
  -h, --help                this text

Bodies: as kafkawire's `serde` feature writes them (Kafka's JSON field
names such as topicData, bytes as base64, UUIDs in Kafka's text form), with
object keys in alphabetical order. Bytes after a body are ignored, as Kafka's
reader does, and counted in trailingBytes. An ApiVersions response the broker
wrote at another version (a refusal) is read as Kafka's client reads it
(bodyReadAs).

Records (Produce, Fetch, ShareFetch): each `records` field becomes
{\"sizeInBytes\", \"batches\": [batch header fields, compression, crcValid,
\"records\": [offset, timestamp, key, value, headers]]}, legacy message sets
(magic 0 and 1) included. Keys, values and headers are JSON strings when they
are printable UTF-8, else {\"base64\": \"...\"}. A batch that cannot be
decompressed carries an \"error\"; a blob ending in a cut batch has
\"partialBatch\". These do not change the exit status.

Proxy (`kafka-dump proxy`): a live Kafka proxy. Clients connect to --listen;
each connection is forwarded to --upstream, and every frame is printed as it
passes, in the output format above (with client, server and time). Frames go
through as they came; broker addresses in Metadata, FindCoordinator,
DescribeCluster and the node endpoints of Produce, Fetch, ShareFetch and
ShareAcknowledge responses are rewritten to listeners of the proxy (one per
broker), so clients stay on it. Plaintext only (no TLS).
  --listen ADDR             where clients connect (such as 127.0.0.1:19092)
  --upstream HOST:PORT      the broker to forward to
  --advertise HOST          the host written into rewritten responses
                            (default: the --listen IP, 127.0.0.1 for 0.0.0.0)
  --verify                  re-encode every decoded frame; a frame whose bytes
                            differ from the wire's gets \"reencoded\" saying
                            where, and a line on standard error
  --max-frame-size BYTES    the largest frame either side may send
                            (default 104857600, Kafka's socket.request.max.bytes)
  --json, --pretty, --text, --no-records   as above
It runs until interrupted (Ctrl-C or SIGTERM), then prints a summary line on
standard error and exits 0, or 1 when --verify found a frame that differs.

Examples:
  kafka-dump capture.pcapng                          every frame, JSON Lines
  kafka-dump --text --port 9092 capture.pcap         one line a frame, port 9092 only
  kafka-dump --requests frames.bin                   a file of request frames
  kafka-dump --responses Fetch:11 responses.bin      responses to Fetch v11
  xxd -p frame.bin | kafka-dump --hex --requests -   a hex dump on standard input
  kafka-dump proxy --listen 127.0.0.1:19092 --upstream 127.0.0.1:9092 --verify
                                                     clients use 127.0.0.1:19092

Exit status: 0 when every frame decoded; 1 when something was reported as
undecodable, incomplete or malformed (the rest is still printed); 2 for a
usage or I/O error.
";

#[derive(Debug)]
enum Input {
    Capture,
    Requests,
    Responses(ApiKey, i16),
}

#[derive(Debug)]
struct Args {
    input: Input,
    hex: bool,
    options: Options,
    path: String,
}

fn parse_api(spec: &str) -> Result<(ApiKey, i16), String> {
    let (api, version) = spec
        .rsplit_once(':')
        .ok_or_else(|| format!("--responses {spec}: expected API:VERSION, such as Fetch:11"))?;
    let version: i16 = version
        .parse()
        .map_err(|_| format!("--responses {spec}: {version:?} is not a version"))?;
    let key = match api.parse::<i16>() {
        Ok(k) => ApiKey(k),
        Err(_) => ApiKey::all()
            .find(|k| k.name().is_some_and(|n| n.eq_ignore_ascii_case(api)))
            .ok_or_else(|| format!("--responses {spec}: no API is named {api:?}"))?,
    };
    Ok((key, version))
}

fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut input = Input::Capture;
    let mut hex = false;
    let mut options = Options::default();
    let mut path = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--requests" => input = Input::Requests,
            "--responses" => {
                let spec = it.next().ok_or("--responses needs API:VERSION")?;
                let (k, v) = parse_api(spec)?;
                input = Input::Responses(k, v);
            }
            "--hex" => hex = true,
            "--port" => {
                let p = it.next().ok_or("--port needs a port number")?;
                options
                    .ports
                    .push(p.parse().map_err(|_| format!("--port {p}: not a port"))?);
            }
            "--json" => options.format = Format::Json,
            "--pretty" => options.format = Format::JsonPretty,
            "--text" => options.format = Format::Text,
            "--no-records" => options.expand_records = false,
            flag if flag.starts_with('-') && flag != "-" => {
                return Err(format!("unknown option {flag}"));
            }
            file => {
                if path.replace(file.to_owned()).is_some() {
                    return Err("one FILE only".into());
                }
            }
        }
    }
    let path = path.ok_or("no FILE given")?;
    Ok(Some(Args {
        input,
        hex,
        options,
        path,
    }))
}

/// The input, `-` for standard input.
fn open_input(path: &str) -> io::Result<Box<dyn Read + Send>> {
    if path == "-" {
        Ok(Box::new(io::stdin()))
    } else {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// Chunks of input read by another thread; an empty chunk is the end (of
/// the input, or an interruption).
type Chunk = io::Result<Vec<u8>>;

/// The input as a reader thread delivers it, so that the main thread can
/// stop on Ctrl-C or SIGTERM while the reader thread is blocked in a read
/// (on a pipe from tcpdump, say).
struct ChannelReader {
    chunks: Receiver<Chunk>,
    current: Vec<u8>,
    at: usize,
    ended: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.current.len() {
            if self.ended {
                return Ok(0);
            }
            match self.chunks.recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => self.ended = true,
                Ok(Ok(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Err(_) => self.ended = true,
            }
        }
        let rest = self.current.get(self.at..).unwrap_or_default();
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

/// Set when Ctrl-C or SIGTERM ended the input.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Reads `input` on a thread of its own, and ends it early on Ctrl-C or
/// SIGTERM (after which the output is finished and the summary printed).
fn threaded_input(mut input: Box<dyn Read + Send>) -> ChannelReader {
    // A few chunks in flight: memory stays bounded when the output is slow.
    let (tx, rx): (SyncSender<Chunk>, _) = sync_channel(4);
    let signal_tx = tx.clone();
    std::thread::spawn(move || {
        loop {
            let mut chunk = vec![0u8; 64 << 10];
            match input.read(&mut chunk) {
                Ok(0) => {
                    let _ = tx.send(Ok(Vec::new()));
                    return;
                }
                Ok(n) => {
                    chunk.truncate(n);
                    if tx.send(Ok(chunk)).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
    });
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return; // Ctrl-C keeps its default: the process ends.
        };
        runtime.block_on(interrupted());
        INTERRUPTED.store(true, Ordering::SeqCst);
        let _ = signal_tx.send(Ok(Vec::new()));
    });
    ChannelReader {
        chunks: rx,
        current: Vec::new(),
        at: 0,
        ended: false,
    }
}

/// Whether standard output goes somewhere that reads it live (a pipe, a
/// socket, a terminal), where each frame should be flushed as it is
/// written; not for a file or /dev/null.
fn stdout_is_live() -> bool {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let meta = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata());
        match meta {
            Ok(m) => m.file_type().is_fifo() || m.file_type().is_socket(),
            Err(_) => true,
        }
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// `kafka-dump proxy ...`'s arguments.
fn parse_proxy_args(args: &[String]) -> Result<Option<ProxyOptions>, String> {
    let mut listen = None;
    let mut upstream = None;
    let mut advertise = None;
    let mut verify = false;
    let mut max_frame_size = DEFAULT_MAX_FRAME_SIZE;
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value()?;
                let addr = v
                    .to_socket_addrs()
                    .map_err(|e| format!("--listen {v}: {e}"))?
                    .next()
                    .ok_or(format!("--listen {v}: no address"))?;
                listen = Some(addr);
            }
            "--upstream" => upstream = Some(value()?.clone()),
            "--advertise" => advertise = Some(value()?.clone()),
            "--verify" => verify = true,
            "--max-frame-size" => {
                let v = value()?;
                max_frame_size = v
                    .parse()
                    .map_err(|_| format!("--max-frame-size {v}: not a number of bytes"))?;
            }
            "--json" => options.format = Format::Json,
            "--pretty" => options.format = Format::JsonPretty,
            "--text" => options.format = Format::Text,
            "--no-records" => options.expand_records = false,
            other => return Err(format!("proxy: unknown argument {other}")),
        }
    }
    let listen = listen.ok_or("proxy needs --listen ADDR")?;
    let upstream = upstream.ok_or("proxy needs --upstream HOST:PORT")?;
    let mut proxy = ProxyOptions::new(listen, upstream);
    proxy.advertise = advertise;
    proxy.verify = verify;
    proxy.max_frame_size = max_frame_size;
    proxy.dump = options;
    Ok(Some(proxy))
}

/// Completes on Ctrl-C or SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn proxy_main(args: &[String]) -> ExitCode {
    let options = match parse_proxy_args(args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kafka-dump: {e}\n(kafka-dump --help for usage)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kafka-dump: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let verify = options.verify;
    let (listen, upstream) = (options.listen, options.upstream.clone());
    let result = runtime.block_on(async move {
        let proxy = Proxy::bind(options, io::stdout()).await?;
        let addr = proxy.local_addr()?;
        eprintln!("kafka-dump proxy: listening on {addr}, forwarding to {upstream}");
        proxy.run(interrupted()).await
    });
    // Connections still open end with the runtime.
    runtime.shutdown_background();
    match result {
        Ok(stats) => {
            eprintln!(
                "kafka-dump proxy: {} connections, {} frames decoded, {} not decoded, {} responses rewritten{}",
                stats.connections,
                stats.frames,
                stats.undecoded,
                stats.rewritten,
                if verify {
                    format!(
                        ", {} re-encoded byte for byte, {} differ",
                        stats.verified, stats.mismatches
                    )
                } else {
                    String::new()
                }
            );
            if stats.mismatches > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("kafka-dump proxy: {listen}: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "proxy") {
        return proxy_main(args.get(1..).unwrap_or_default());
    }
    let args = match parse_args(&args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kafka-dump: {e}\n(kafka-dump --help for usage)");
            return ExitCode::from(2);
        }
    };
    let path = &args.path;
    let input = match open_input(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("kafka-dump: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let input = threaded_input(input);
    // A hex dump is decoded line by line as it comes.
    let input: Box<dyn Read> = if args.hex {
        Box::new(hex::HexReader::new(io::BufReader::new(input)))
    } else {
        Box::new(input)
    };
    let mut options = args.options;
    options.flush_each_frame = stdout_is_live();
    let stdout = io::stdout().lock();
    let mut dumper = Dumper::new(io::BufWriter::new(stdout), options);
    let capture = matches!(args.input, Input::Capture);
    let result = match args.input {
        Input::Capture => dumper
            .dump_capture_from(input)
            .map(|r| r.map_err(|e| e.to_string())),
        Input::Requests => dumper.dump_frames_from(input, None),
        Input::Responses(k, v) => dumper.dump_frames_from(input, Some((k, v))),
    };
    let problems = dumper.problems();
    let summary = dumper.summary();
    let flushed = dumper.into_inner().flush();
    if capture {
        print_summary(&summary);
    }
    match (result, flushed) {
        (Err(e), _) | (Ok(_), Err(e)) => {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS; // `kafka-dump ... | head`
            }
            eprintln!("kafka-dump: writing the output: {e}");
            ExitCode::from(2)
        }
        // Interrupted: the input stopped wherever it was, inside a record
        // as likely as not; what was read is out, and that is a clean end.
        _ if INTERRUPTED.load(Ordering::SeqCst) => ExitCode::SUCCESS,
        (Ok(Err(e)), Ok(())) => {
            eprintln!("kafka-dump: {path}: {e}");
            ExitCode::FAILURE
        }
        (Ok(Ok(())), Ok(())) if problems > 0 => ExitCode::FAILURE,
        (Ok(Ok(())), Ok(())) => ExitCode::SUCCESS,
    }
}

/// The summary line of a capture's dump, on standard error.
fn print_summary(s: &kafka_dump::dump::Summary) {
    let mut line = format!(
        "kafka-dump: {} frames, {} problems, {} connections",
        s.frames, s.problems, s.connections
    );
    if s.gaps > 0 {
        line.push_str(&format!(
            ", {} gaps ({} bytes missing, {} bytes skipped to the next frame)",
            s.gaps, s.missing_bytes, s.skipped_bytes
        ));
    }
    if s.dropped_by_limits > 0 {
        line.push_str(&format!(", {} dropped by limits", s.dropped_by_limits));
    }
    if INTERRUPTED.load(Ordering::SeqCst) {
        line.push_str(" (interrupted)");
    }
    eprintln!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_specs() {
        assert_eq!(parse_api("Fetch:11").unwrap(), (ApiKey::FETCH, 11));
        assert_eq!(
            parse_api("apiversions:0").unwrap(),
            (ApiKey::API_VERSIONS, 0)
        );
        assert_eq!(parse_api("1:4").unwrap(), (ApiKey::FETCH, 4));
        assert!(parse_api("Fetch").is_err());
        assert!(parse_api("Nope:1").unwrap_err().contains("Nope"));
        assert!(parse_api("Fetch:x").is_err());
    }

    #[test]
    fn flags() {
        let a = |s: &[&str]| parse_args(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(a(&["--help"]).unwrap().is_none());
        assert!(a(&[]).unwrap_err().contains("no FILE"));
        assert!(a(&["x", "y"]).unwrap_err().contains("one FILE"));
        assert!(a(&["--bogus", "x"]).unwrap_err().contains("--bogus"));
        let args = a(&[
            "--hex",
            "--responses",
            "Fetch:11",
            "--text",
            "--port",
            "9092",
            "-",
        ])
        .unwrap()
        .unwrap();
        assert!(args.hex);
        assert!(matches!(args.input, Input::Responses(ApiKey::FETCH, 11)));
        assert_eq!(args.options.format, Format::Text);
        assert_eq!(args.options.ports, vec![9092]);
        assert_eq!(args.path, "-");
    }
}
