//! Compression codecs for Kafka record payloads (work in progress; see issue 4).
