//! Real Kafka clients through `kafka-dump proxy --verify` to a real broker
//! (Apache Kafka 4.4.0, KRaft, started by `kafka_interop::broker`): every
//! frame of every client decodes and re-encodes byte for byte, and every
//! record consumed equals the one produced. Then the broker restarts under
//! the proxy, and Kafka's perf tools measure what the proxy costs.
//!
//! Each table is kept in `target/interop-kafka/NAME.txt`, where `.ci/run`
//! shows it. A client or broker that cannot start fails the test with the
//! reason.

#[path = "support/proxy.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use kafka_interop::broker::{self, Broker, CURRENT, Conn};
use kafka_interop::clients::{self, GroupProtocol, Outcome};
use kafkawire::messages::{ApiVersionsRequest, MetadataRequest};
use serde_json::Value;
use support::ProxyProcess;

/// One test at a time: the measurements must not share the two cores with
/// the other tests' clients, and a client's frames are told apart by when
/// they were printed.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

fn shared_broker() -> &'static Broker {
    Broker::shared(CURRENT).unwrap_or_else(|e| panic!("cannot start Apache Kafka {CURRENT}: {e}"))
}

/// What the proxy printed for one client.
#[derive(Debug, Default)]
struct Seen {
    frames: usize,
    verified: usize,
    mismatches: Vec<String>,
    undecoded: Vec<String>,
    rewritten: usize,
    apis: BTreeMap<String, usize>,
}

fn tally(lines: &[Value]) -> Seen {
    let mut seen = Seen::default();
    for line in lines {
        seen.frames += 1;
        let what = format!(
            "{} {} v{} (connection {}, correlation id {})",
            line["direction"].as_str().unwrap_or("?"),
            line["api"].as_str().unwrap_or("?"),
            line["apiVersion"],
            line["connection"],
            line["correlationId"]
        );
        if let Some(e) = line["error"].as_str() {
            seen.undecoded.push(format!("{what}: {e}"));
        }
        match line["reencoded"].as_str() {
            Some("identical") => seen.verified += 1,
            Some(how) => seen.mismatches.push(format!("{what}: {how}")),
            None => {}
        }
        if line["rewritten"].is_array() {
            seen.rewritten += 1;
        }
        if line["direction"] == "request" {
            let key = format!(
                "{} v{}",
                line["api"].as_str().unwrap_or("?"),
                line["apiVersion"]
            );
            *seen.apis.entry(key).or_default() += 1;
        }
    }
    seen
}

#[test]
fn real_clients_through_the_proxy_with_verify() {
    let _alone = one_at_a_time();
    let broker = shared_broker();
    let proxy = ProxyProcess::start(broker.bootstrap(), &[]);
    let at = proxy.addr;
    type Run = Box<dyn Fn() -> Result<Outcome, String>>;
    let runs: Vec<(&str, Run)> = vec![
        (
            "Java producer + consumer (classic group)",
            Box::new(move || {
                clients::java_producer_consumer(
                    at,
                    "via-proxy-classic",
                    GroupProtocol::Classic,
                    500,
                )
            }),
        ),
        (
            "Java producer + consumer (KIP-848 group)",
            Box::new(move || {
                clients::java_producer_consumer(at, "via-proxy-848", GroupProtocol::Consumer, 500)
            }),
        ),
        (
            "Java admin client",
            Box::new(move || clients::java_admin(at, "via-proxy-admin")),
        ),
        (
            "Java transactional producer + read_committed consumer",
            Box::new(move || clients::java_transactional(at, "via-proxy-txn", 100)),
        ),
        (
            "kcat (librdkafka)",
            Box::new(move || clients::kcat(at, "via-proxy-kcat", 300)),
        ),
        (
            "kafka-python",
            Box::new(move || clients::kafka_python(at, "via-proxy-kafka-python", 300)),
        ),
        (
            "confluent-kafka-python (KIP-848 group)",
            Box::new(move || {
                clients::confluent_kafka(at, "via-proxy-confluent", 300, GroupProtocol::Consumer)
            }),
        ),
    ];
    let mut table = format!(
        "Real clients through `kafka-dump proxy --verify` to Apache Kafka {CURRENT}\n\n\
         | client | records produced / consumed | frames seen | re-encoded byte for byte | differ | undecoded | rewritten | time |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    let mut apis: BTreeMap<String, usize> = BTreeMap::new();
    for (name, run) in &runs {
        let outcome = run().and_then(Outcome::ok);
        // The client has closed its connections: what it sent is printed.
        let seen = tally(&proxy.drain(Duration::from_millis(1500)));
        for (api, n) in &seen.apis {
            *apis.entry(api.clone()).or_default() += n;
        }
        let (records, time) = match &outcome {
            Ok(o) => (
                format!("{} / {}", o.produced, o.consumed),
                format!("{:.1} s", o.elapsed.as_secs_f64()),
            ),
            Err(_) => ("failed".to_string(), "-".to_string()),
        };
        table.push_str(&format!(
            "| {name} | {records} | {} | {} | {} | {} | {} | {time} |\n",
            seen.frames,
            seen.verified,
            seen.mismatches.len(),
            seen.undecoded.len(),
            seen.rewritten
        ));
        if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
        if seen.frames == 0 {
            failures.push(format!("{name}: the proxy printed no frame"));
        }
        if seen.verified != seen.frames {
            failures.push(format!(
                "{name}: {} of {} frames re-encoded byte for byte; differ: {:?}; undecoded: {:?}",
                seen.verified, seen.frames, seen.mismatches, seen.undecoded
            ));
        }
    }
    table.push_str("\nRequests seen (API and version: count, all clients):\n");
    for (api, n) in &apis {
        table.push_str(&format!("  {api}: {n}\n"));
    }
    broker::report("proxy-clients.txt", &table);
    let (code, stderr) = proxy.stop();
    assert!(
        failures.is_empty(),
        "{}\n{table}\nproxy: {stderr}",
        failures.join("\n")
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn the_proxy_survives_a_broker_restart() {
    let _alone = one_at_a_time();
    let mut broker = Broker::start(CURRENT)
        .unwrap_or_else(|e| panic!("cannot start Apache Kafka {CURRENT}: {e}"));
    let proxy = ProxyProcess::start(broker.bootstrap(), &[]);
    // v3 and later need the client's software name and version.
    let hello = ApiVersionsRequest::default()
        .with_client_software_name("kafka-wire-tests".into())
        .with_client_software_version("0.1.0".into());
    let mut before = Conn::connect(proxy.addr).unwrap();
    let (r, _) = before.call(4, &hello).unwrap();
    assert_eq!(r.error_code, 0);

    broker.stop();
    // The client's connection ends cleanly; new ones are closed at once.
    assert!(before.call(12, &MetadataRequest::default()).is_err());
    let mut during = Conn::connect(proxy.addr).unwrap();
    assert!(during.call(4, &hello).is_err());

    broker
        .restart()
        .unwrap_or_else(|e| panic!("Apache Kafka {CURRENT} did not come back: {e}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let (metadata, _) = loop {
        let attempt =
            Conn::connect(proxy.addr).and_then(|mut c| c.call(12, &MetadataRequest::default()));
        match attempt {
            Ok(m) => break m,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("no answer through the proxy after the restart: {e}"),
        }
    };
    assert_eq!(metadata.brokers.len(), 1);
    assert_eq!(metadata.brokers[0].port, i32::from(proxy.addr.port()));
    let (code, stderr) = proxy.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("cannot reach the broker"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Kafka's perf tools straight to the broker, then through the proxy (with
/// `--verify` and JSON output to a file, records expanded: the proxy doing
/// all it can), in one run on the same machine.
#[test]
fn what_the_proxy_costs() {
    let _alone = one_at_a_time();
    let broker = shared_broker();
    const RECORDS: u64 = 200_000;
    const SIZE: usize = 512;
    let direct_p = clients::producer_perf(broker.bootstrap(), "perf-direct", RECORDS, SIZE)
        .unwrap_or_else(|e| panic!("ProducerPerformance (direct): {e}"));
    let direct_c = clients::consumer_perf(broker.bootstrap(), "perf-direct", RECORDS)
        .unwrap_or_else(|e| panic!("ConsumerPerformance (direct): {e}"));

    let through = |format: &str, topic: &str| {
        let out = broker::target_dir().join(format!("interop-kafka/proxy-perf-output.{format}"));
        let args: &[&str] = if format == "text" { &["--text"] } else { &[] };
        let proxy = support::ProxyProcess::start_to_file(broker.bootstrap(), &out, args);
        let p = clients::producer_perf(proxy.addr, topic, RECORDS, SIZE)
            .unwrap_or_else(|e| panic!("ProducerPerformance (through the proxy, {format}): {e}"));
        let c = clients::consumer_perf(proxy.addr, topic, RECORDS)
            .unwrap_or_else(|e| panic!("ConsumerPerformance (through the proxy, {format}): {e}"));
        let (cpu, hwm) = support::cost(proxy.child.id()).expect("/proc of the proxy");
        let printed = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        // Hundreds of MiB of JSON: only its size is kept.
        let _ = std::fs::remove_file(&out);
        let (code, stderr) = proxy.stop();
        assert_eq!(code, Some(0), "{stderr}");
        assert!(printed > 0, "the proxy printed nothing");
        assert_eq!(p.records, RECORDS);
        assert_eq!(c.records, RECORDS);
        (p, c, cpu, hwm, printed)
    };
    let (via_p, via_c, cpu, hwm, printed) = through("jsonl", "perf-proxy-json");
    let (text_p, text_c, text_cpu, text_hwm, text_printed) = through("text", "perf-proxy-text");

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    let row =
        |what: &str, unit: &dyn Fn(&clients::PerfResult) -> f64, p: [&clients::PerfResult; 3]| {
            format!(
                "| {what} | {:.1} | {:.1} ({:.2}) | {:.1} ({:.2}) |\n",
                unit(p[0]),
                unit(p[1]),
                ratio(unit(p[1]), unit(p[0])),
                unit(p[2]),
                ratio(unit(p[2]), unit(p[0])),
            )
        };
    let producers = [&direct_p, &via_p, &text_p];
    let consumers = [&direct_c, &via_c, &text_c];
    let mut table = format!(
        "What `kafka-dump proxy --verify` costs: Kafka's perf tools, {RECORDS} records of {SIZE} bytes, \
         one producer then one consumer,\nstraight to Apache Kafka {CURRENT} and through the proxy printing \
         JSON (records expanded) or one text line per frame to a file; one run, same machine\n\n\
         | | direct | proxy, JSON (ratio) | proxy, text (ratio) |\n|---|---|---|---|\n"
    );
    table += &row("producer records/s", &|p| p.records_per_sec, producers);
    table += &row("producer MB/s", &|p| p.mb_per_sec, producers);
    table += &row(
        "producer latency avg (ms)",
        &|p| p.avg_latency_ms.unwrap_or(f64::NAN),
        producers,
    );
    table += &row(
        "producer latency max (ms)",
        &|p| p.max_latency_ms.unwrap_or(f64::NAN),
        producers,
    );
    table += &row("consumer records/s", &|p| p.records_per_sec, consumers);
    table += &row("consumer MB/s", &|p| p.mb_per_sec, consumers);
    table += &format!(
        "| proxy CPU (s, both runs) | - | {cpu:.1} | {text_cpu:.1} |\n\
         | proxy peak RSS (MiB) | - | {:.1} | {:.1} |\n\
         | printed (MiB) | - | {:.1} | {:.1} |\n",
        hwm as f64 / 1024.0,
        text_hwm as f64 / 1024.0,
        printed as f64 / f64::from(1 << 20),
        text_printed as f64 / f64::from(1 << 20),
    );
    broker::report("proxy-cost.txt", &table);
    assert_eq!(direct_p.records, RECORDS);
    assert_eq!(direct_c.records, RECORDS);
}
