//! The real clients of `kafka_interop::clients`, straight against a real
//! broker (no proxy): proves the drivers work, so that a failure through the
//! proxy is the proxy's. Each test prints the client's outcome and timing.

use kafka_interop::broker::{Broker, CURRENT, LEGACY};
use kafka_interop::clients::{self, GroupProtocol, Outcome};
use std::net::SocketAddr;

fn broker() -> SocketAddr {
    Broker::shared(CURRENT)
        .unwrap_or_else(|e| panic!("the broker: {e}"))
        .bootstrap()
}

/// A topic name no other test (or earlier run on the same broker) uses.
fn topic(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("direct-{name}-{nanos}")
}

fn check(result: Result<Outcome, String>) {
    let outcome = result
        .and_then(Outcome::ok)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{outcome}");
}

#[test]
fn java_classic() {
    let b = broker();
    check(clients::java_producer_consumer(
        b,
        &topic("java-classic"),
        GroupProtocol::Classic,
        200,
    ));
}

#[test]
fn java_consumer_protocol() {
    let b = broker();
    check(clients::java_producer_consumer(
        b,
        &topic("java-848"),
        GroupProtocol::Consumer,
        200,
    ));
}

#[test]
fn java_transactions() {
    let b = broker();
    check(clients::java_transactional(b, &topic("java-txn"), 50));
}

#[test]
fn java_admin() {
    let b = broker();
    check(clients::java_admin(b, &topic("java-admin")));
}

/// Kafka 3.9's Java clients (older API versions) against today's broker.
#[test]
fn java_legacy_clients() {
    let b = broker();
    for protocol in [GroupProtocol::Classic, GroupProtocol::Consumer] {
        let t = topic(&format!("java-legacy-{}", protocol.name()));
        check(clients::java_clients(LEGACY, "pc", b, &t, 100, protocol));
    }
    check(clients::java_clients(
        LEGACY,
        "txn",
        b,
        &topic("java-legacy-txn"),
        20,
        GroupProtocol::Classic,
    ));
    check(clients::java_clients(
        LEGACY,
        "admin",
        b,
        &topic("java-legacy-admin"),
        0,
        GroupProtocol::Classic,
    ));
}

#[test]
fn kcat() {
    let b = broker();
    check(clients::kcat(b, &topic("kcat"), 100));
}

#[test]
fn kafka_python() {
    let b = broker();
    check(clients::kafka_python(b, &topic("kafka-python"), 100));
}

#[test]
fn confluent_kafka() {
    let b = broker();
    for protocol in [GroupProtocol::Classic, GroupProtocol::Consumer] {
        let t = topic(&format!("confluent-{}", protocol.name()));
        check(clients::confluent_kafka(b, &t, 100, protocol));
    }
}

#[test]
fn perf_tools() {
    let b = broker();
    let t = topic("perf");
    let produced = clients::producer_perf(b, &t, 20_000, 200).unwrap_or_else(|e| panic!("{e}"));
    println!("{produced:?}");
    assert_eq!(produced.records, 20_000);
    let consumed = clients::consumer_perf(b, &t, 20_000).unwrap_or_else(|e| panic!("{e}"));
    println!("{consumed:?}");
    assert!(consumed.records >= 20_000);
}
