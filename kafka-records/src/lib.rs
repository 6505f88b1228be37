//! Kafka record formats (work in progress; see issue 3).
