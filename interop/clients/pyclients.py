#!/usr/bin/env python3
"""Real Python Kafka clients for the end-to-end tests (driven by
interop/src/clients.rs).

    python pyclients.py kafka-python|confluent-kafka BOOTSTRAP TOPIC N [classic|consumer]

Creates TOPIC (3 partitions) if missing, produces N records (distinct keys;
text, empty, null and binary values; headers; explicit timestamps) with
compression (kafka-python: gzip; confluent-kafka: zstd then lz4), consumes
them back from the beginning in a fresh group and compares each record with
the one produced at its (partition, offset). The group protocol (classic or
KIP-848 consumer) applies to confluent-kafka; kafka-python only speaks
classic.

Prints one line to standard output:
    produced=P consumed=C matched=true|false detail...
and exits 0; on an error prints it to standard error and exits 1. Every
client call has a timeout, and a watchdog ends the process after DEADLINE
seconds so that a broken proxy fails the test instead of hanging it.
"""

import os
import sys
import threading
import time
import traceback

DEADLINE = 100
CONSUME_IDLE = 40


def watchdog():
    time.sleep(DEADLINE)
    sys.stderr.write("pyclients: deadline of %d s exceeded\n" % DEADLINE)
    sys.stderr.flush()
    os._exit(3)


def record(i):
    """Record i as (key, value, headers, timestamp_ms); the same scheme as Clients.java."""
    key = ("k-%d" % i).encode()
    m = i % 5
    if m == 1:
        value = b""
    elif m == 2:
        value = bytes(((j * 31 + i) & 0xFF) for j in range(64 + i % 200))
    elif m == 3 and i % 10 == 3:
        value = None
    elif m == 3:
        value = ("v-%d" % i * 20).encode()
    else:
        value = ("value %d" % i).encode()
    headers = []
    if i % 2 == 0:
        headers.append(("h", ("h%d" % i).encode()))
    if i % 3 == 0:
        headers.append(("bin", bytes([0, 0xFF, i & 0xFF])))
    return key, value, headers, 1_700_000_000_000 + i


def compare(sent, got):
    """sent: {(partition, offset): record}; got: [(partition, offset, record)]."""
    problems = []
    seen = set()
    for p, o, r in got:
        if (p, o) in seen:
            problems.append("duplicate %d@%d" % (p, o))
        elif (p, o) not in sent:
            problems.append("unexpected %d@%d" % (p, o))
        elif sent[(p, o)] != r:
            problems.append("differs %d@%d: %r != %r" % (p, o, r, sent[(p, o)]))
        seen.add((p, o))
    matched = not problems and len(got) == len(sent)
    return matched, problems


def result(produced, consumed, matched, problems, extra):
    line = "produced=%d consumed=%d matched=%s %s" % (
        produced, consumed, "true" if matched else "false", extra)
    if problems:
        line += " problem=" + problems[0].replace(" ", "_")[:200]
    print(line, flush=True)


def run_kafka_python(bootstrap, topic, n, _protocol):
    import kafka
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000,
                             client_id="pyclients-admin")
    try:
        admin.create_topics([NewTopic(name=topic, num_partitions=3, replication_factor=1)],
                            timeout_ms=15000)
    except TopicAlreadyExistsError:
        pass
    admin.close()

    producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type="gzip", acks="all",
                             linger_ms=5, request_timeout_ms=15000, max_block_ms=30000,
                             client_id="pyclients-producer")
    sent = {}
    futures = []
    for i in range(n):
        key, value, headers, ts = record(i)
        futures.append((producer.send(topic, key=key, value=value, headers=headers,
                                      timestamp_ms=ts), (key, value, headers, ts)))
    producer.flush(timeout=40)
    for f, r in futures:
        m = f.get(timeout=40)
        sent[(m.partition, m.offset)] = r
    producer.close(timeout=10)

    group = "%s-kafka-python-%d" % (topic, time.time_ns())
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             request_timeout_ms=31000, session_timeout_ms=10000,
                             heartbeat_interval_ms=1000, client_id="pyclients-consumer")
    got = []
    last = time.monotonic()
    while len(got) < len(sent) and time.monotonic() - last < CONSUME_IDLE:
        for _tp, records in consumer.poll(timeout_ms=500).items():
            for r in records:
                last = time.monotonic()
                headers = [(k, v) for k, v in (r.headers or [])]
                got.append((r.partition, r.offset, (r.key, r.value, headers, r.timestamp)))
    consumer.commit()
    consumer.close()
    matched, problems = compare(sent, got)
    result(n, len(got), matched, problems,
           "client=kafka-python-%s codec=gzip group=%s" % (kafka.__version__, group))


def run_confluent_kafka(bootstrap, topic, n, protocol):
    import confluent_kafka
    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    common = {"bootstrap.servers": bootstrap, "socket.timeout.ms": 15000}
    admin = AdminClient(dict(common, **{"client.id": "pyclients-admin"}))
    fs = admin.create_topics([NewTopic(topic, 3, 1)], request_timeout=15)
    for f in fs.values():
        try:
            f.result(timeout=30)
        except KafkaException as e:
            if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise

    sent = {}
    errors = []
    codecs = ["zstd", "lz4"]
    half = (n + 1) // 2
    for c, codec in enumerate(codecs):
        producer = Producer(dict(common, **{
            "client.id": "pyclients-producer",
            "compression.type": codec,
            "enable.idempotence": True,
            "linger.ms": 5,
            "message.timeout.ms": 40000,
        }))
        for i in range(c * half, min(n, (c + 1) * half)):
            key, value, headers, ts = record(i)

            def delivered(err, msg, r=(key, value, headers, ts)):
                if err is not None:
                    errors.append(str(err))
                else:
                    sent[(msg.partition(), msg.offset())] = r

            producer.produce(topic, key=key, value=value, headers=headers or None, timestamp=ts,
                             on_delivery=delivered)
            producer.poll(0)
        left = producer.flush(45)
        if left:
            raise RuntimeError("%d messages not delivered in 45 s" % left)
    if errors:
        raise RuntimeError("delivery failed: %s" % errors[0])

    group = "%s-confluent-%s-%d" % (topic, protocol, time.time_ns())
    conf = dict(common, **{
        "client.id": "pyclients-consumer",
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "group.protocol": protocol,
    })
    if protocol == "classic":
        conf["session.timeout.ms"] = 10000
        conf["heartbeat.interval.ms"] = 1000
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    got = []
    last = time.monotonic()
    while len(got) < len(sent) and time.monotonic() - last < CONSUME_IDLE:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(msg.error())
        last = time.monotonic()
        headers = [(k, v) for k, v in (msg.headers() or [])]
        got.append((msg.partition(), msg.offset(),
                    (msg.key(), msg.value(), headers, msg.timestamp()[1])))
    if got:
        consumer.commit(asynchronous=False)
    consumer.close()
    matched, problems = compare(sent, got)
    result(n, len(got), matched, problems,
           "client=confluent-kafka-%s librdkafka-%s codecs=%s protocol=%s group=%s" % (
               confluent_kafka.version(), confluent_kafka.libversion()[0], ",".join(codecs),
               protocol, group))


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        sys.exit(2)
    threading.Thread(target=watchdog, daemon=True).start()
    lib, bootstrap, topic, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    protocol = sys.argv[5] if len(sys.argv) > 5 else "classic"
    run = {"kafka-python": run_kafka_python, "confluent-kafka": run_confluent_kafka}.get(lib)
    if run is None:
        sys.stderr.write("unknown client %r\n" % lib)
        sys.exit(2)
    try:
        run(bootstrap, topic, n, protocol)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(1)
    sys.stdout.flush()
    # Client threads may linger on a broken connection: do not wait for them.
    os._exit(0)


if __name__ == "__main__":
    main()
