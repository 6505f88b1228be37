//! End-to-end test support for this workspace: a real Apache Kafka broker
//! (KRaft, from the jars Maven fetches) and real Kafka clients, started and
//! stopped by the tests. Not published; see `interop/README.md`.

pub mod broker;
pub mod clients;
