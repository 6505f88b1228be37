package kafkawire.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Real Kafka Java clients for the end-to-end tests (driven by
 * {@code interop/src/clients.rs}).
 *
 * <pre>
 *   java kafkawire.clients.Clients MODE BOOTSTRAP TOPIC N [GROUP_PROTOCOL]
 * </pre>
 *
 * Modes:
 * <ul>
 *   <li>{@code pc}: creates TOPIC (3 partitions) if missing, produces N
 *       records with the codecs lz4, zstd, gzip, snappy and none in turn
 *       (one producer per codec, idempotent, acks=all), then consumes them
 *       back from the beginning in a fresh group with GROUP_PROTOCOL
 *       ({@code classic} or {@code consumer}, KIP-848) and commits.</li>
 *   <li>{@code txn}: a transactional producer commits N records (with
 *       sendOffsetsToTransaction), aborts N more, commits one more
 *       transaction of N; a read_committed consumer must see exactly the
 *       2N committed records.</li>
 *   <li>{@code admin}: the Admin client's operations on TOPIC (create,
 *       describe, configs, partitions, offsets, groups, delete).</li>
 * </ul>
 *
 * Prints one line to standard output:
 * {@code produced=P consumed=C matched=true|false detail=...} and exits 0;
 * on an error prints the exception to standard error and exits 1. A
 * watchdog exits with 3 after {@link #DEADLINE_MS}, so that a broken proxy
 * fails the test instead of hanging it.
 */
public final class Clients {
    /** The whole run's limit. */
    static final long DEADLINE_MS = 100_000;
    /** How long a consumer polls without progress before giving up. */
    static final long CONSUME_MS = 40_000;

    private Clients() {}

    /** One produced record as it should come back. */
    record Expected(byte[] key, byte[] value, long timestamp, List<Header> headers) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Clients pc|txn|admin BOOTSTRAP TOPIC N [classic|consumer]");
            System.exit(2);
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(DEADLINE_MS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("Clients: deadline of " + DEADLINE_MS + " ms exceeded");
            Runtime.getRuntime().halt(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        String mode = args[0];
        String bootstrap = args[1];
        String topic = args[2];
        int n = Integer.parseInt(args[3]);
        String protocol = args.length > 4 ? args[4] : "classic";
        String result;
        try {
            switch (mode) {
                case "pc" -> result = produceConsume(bootstrap, topic, n, protocol);
                case "txn" -> result = transactional(bootstrap, topic, n, protocol);
                case "admin" -> result = admin(bootstrap, topic);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        System.out.println(result);
        System.out.flush();
        // Client threads may linger on a broken connection: do not wait for them.
        Runtime.getRuntime().halt(0);
    }

    // ---------------------------------------------------------------- records

    /** Record i: distinct, deterministic; some values empty, some null, some binary. */
    static ProducerRecord<byte[], byte[]> record(String topic, int round, int i) {
        byte[] key = ("k" + round + "-" + i).getBytes(StandardCharsets.UTF_8);
        byte[] value;
        switch (i % 5) {
            case 1 -> value = new byte[0];
            case 2 -> {
                value = new byte[64 + i % 200];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) (j * 31 + i);
                }
            }
            case 3 -> value = i % 10 == 3 ? null : ("v" + round + "-" + i).repeat(20).getBytes(StandardCharsets.UTF_8);
            default -> value = ("value " + round + "-" + i).getBytes(StandardCharsets.UTF_8);
        }
        List<Header> headers = new ArrayList<>();
        if (i % 2 == 0) {
            headers.add(new RecordHeader("h", ("h" + i).getBytes(StandardCharsets.UTF_8)));
        }
        if (i % 3 == 0) {
            headers.add(new RecordHeader("bin", new byte[] {0, (byte) 0xff, (byte) i}));
            headers.add(new RecordHeader("null", null));
        }
        long timestamp = 1_700_000_000_000L + round * 1_000_000L + i;
        return new ProducerRecord<>(topic, null, timestamp, key, value, headers);
    }

    static Expected expected(ProducerRecord<byte[], byte[]> r) {
        List<Header> hs = new ArrayList<>();
        r.headers().forEach(hs::add);
        return new Expected(r.key(), r.value(), r.timestamp(), hs);
    }

    static boolean same(Expected e, ConsumerRecord<byte[], byte[]> r) {
        if (!Arrays.equals(e.key, r.key()) || !Arrays.equals(e.value, r.value()) || e.timestamp != r.timestamp()) {
            return false;
        }
        Header[] got = r.headers().toArray();
        if (got.length != e.headers.size()) {
            return false;
        }
        for (int i = 0; i < got.length; i++) {
            Header want = e.headers.get(i);
            if (!want.key().equals(got[i].key()) || !Arrays.equals(want.value(), got[i].value())) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- configs

    static Properties common(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("request.timeout.ms", "15000");
        p.put("default.api.timeout.ms", "30000");
        p.put("socket.connection.setup.timeout.ms", "5000");
        p.put("socket.connection.setup.timeout.max.ms", "10000");
        p.put("reconnect.backoff.max.ms", "1000");
        p.put("metadata.max.age.ms", "10000");
        return p;
    }

    static Properties producerProps(String bootstrap, String codec) {
        Properties p = common(bootstrap);
        p.remove("default.api.timeout.ms");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "40000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        return p;
    }

    static Properties consumerProps(String bootstrap, String group, String protocol, boolean readCommitted) {
        Properties p = common(bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.put("group.protocol", protocol);
        if (protocol.equals("classic")) {
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        }
        return p;
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(common(bootstrap))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    // ---------------------------------------------------------------- modes

    static String produceConsume(String bootstrap, String topic, int n, String protocol) throws Exception {
        createTopic(bootstrap, topic, 3);
        Map<TopicPartition, TreeMap<Long, Expected>> sent = new HashMap<>();
        String[] codecs = {"lz4", "zstd", "gzip", "snappy", "none"};
        int chunk = Math.max(1, (n + codecs.length - 1) / codecs.length);
        int i = 0;
        List<String> used = new ArrayList<>();
        for (String codec : codecs) {
            if (i >= n) {
                break;
            }
            used.add(codec);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, codec))) {
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                List<Future<RecordMetadata>> futures = new ArrayList<>();
                for (int end = Math.min(n, i + chunk); i < end; i++) {
                    ProducerRecord<byte[], byte[]> r = record(topic, 0, i);
                    records.add(r);
                    futures.add(producer.send(r));
                }
                producer.flush();
                for (int j = 0; j < records.size(); j++) {
                    RecordMetadata m = futures.get(j).get(60, TimeUnit.SECONDS);
                    sent.computeIfAbsent(new TopicPartition(m.topic(), m.partition()), k -> new TreeMap<>())
                        .put(m.offset(), expected(records.get(j)));
                }
            }
        }
        String group = topic + "-" + protocol + "-" + System.nanoTime();
        String check = consumeAndCheck(bootstrap, topic, group, protocol, false, sent);
        return "produced=" + n + " " + check + " codecs=" + String.join(",", used) + " protocol=" + protocol;
    }

    static String transactional(String bootstrap, String topic, int n, String protocol) throws Exception {
        createTopic(bootstrap, topic, 3);
        Map<TopicPartition, TreeMap<Long, Expected>> sent = new HashMap<>();
        Properties p = producerProps(bootstrap, "zstd");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-txn-" + System.nanoTime());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
        String offsetsGroup = topic + "-txn-offsets-" + System.nanoTime();
        int aborted = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            for (int round = 0; round < 3; round++) {
                boolean commit = round != 1;
                producer.beginTransaction();
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                List<Future<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ProducerRecord<byte[], byte[]> r = record(topic, round, i);
                    records.add(r);
                    futures.add(producer.send(r));
                }
                producer.flush();
                List<RecordMetadata> metas = new ArrayList<>();
                for (Future<RecordMetadata> f : futures) {
                    metas.add(f.get(60, TimeUnit.SECONDS));
                }
                if (round == 0) {
                    // AddOffsetsToTxn and TxnOffsetCommit through the proxy.
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    offsets.put(new TopicPartition(topic, 0), new OffsetAndMetadata(0L, "txn"));
                    producer.sendOffsetsToTransaction(offsets,
                        new org.apache.kafka.clients.consumer.ConsumerGroupMetadata(offsetsGroup));
                }
                if (commit) {
                    producer.commitTransaction();
                    for (int j = 0; j < records.size(); j++) {
                        RecordMetadata m = metas.get(j);
                        sent.computeIfAbsent(new TopicPartition(m.topic(), m.partition()), k -> new TreeMap<>())
                            .put(m.offset(), expected(records.get(j)));
                    }
                } else {
                    producer.abortTransaction();
                    aborted += records.size();
                }
            }
        }
        String group = topic + "-rc-" + System.nanoTime();
        String check = consumeAndCheck(bootstrap, topic, group, protocol, true, sent);
        return "produced=" + (2 * n) + " " + check + " aborted=" + aborted + " protocol=" + protocol;
    }

    /**
     * Consumes TOPIC from the beginning until every partition's position
     * reaches its end offset (the last stable offset for read_committed),
     * and compares each record with the one produced at its offset.
     */
    static String consumeAndCheck(String bootstrap, String topic, String group, String protocol,
                                  boolean readCommitted, Map<TopicPartition, TreeMap<Long, Expected>> sent) {
        int want = sent.values().stream().mapToInt(Map::size).sum();
        int consumed = 0;
        int mismatched = 0;
        int unexpected = 0;
        String firstProblem = "";
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(consumerProps(bootstrap, group, protocol, readCommitted))) {
            consumer.subscribe(List.of(topic));
            long lastProgress = System.currentTimeMillis();
            Map<TopicPartition, Long> ends = null;
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    consumed++;
                    lastProgress = System.currentTimeMillis();
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Expected e = sent.getOrDefault(tp, new TreeMap<>()).get(r.offset());
                    if (!seen.add(tp + "@" + r.offset())) {
                        unexpected++;
                        if (firstProblem.isEmpty()) {
                            firstProblem = "duplicate " + tp + "@" + r.offset();
                        }
                    } else if (e == null) {
                        unexpected++;
                        if (firstProblem.isEmpty()) {
                            firstProblem = "unexpected record at " + tp + "@" + r.offset();
                        }
                    } else if (!same(e, r)) {
                        mismatched++;
                        if (firstProblem.isEmpty()) {
                            firstProblem = "record differs at " + tp + "@" + r.offset();
                        }
                    }
                }
                if (consumed >= want) {
                    Set<TopicPartition> assigned = consumer.assignment();
                    if (!assigned.isEmpty()) {
                        if (ends == null) {
                            ends = consumer.endOffsets(assigned);
                        }
                        boolean done = true;
                        for (TopicPartition tp : assigned) {
                            if (consumer.position(tp) < ends.getOrDefault(tp, 0L)) {
                                done = false;
                            }
                        }
                        if (done && assigned.size() >= sent.size()) {
                            break;
                        }
                    }
                }
                if (System.currentTimeMillis() - lastProgress > CONSUME_MS) {
                    if (firstProblem.isEmpty()) {
                        firstProblem = "no progress for " + CONSUME_MS + " ms (assignment "
                            + consumer.assignment() + ")";
                    }
                    break;
                }
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        boolean matched = consumed == want && mismatched == 0 && unexpected == 0;
        return "consumed=" + consumed + " matched=" + matched + " partitions=" + sent.size()
            + " group=" + group + (firstProblem.isEmpty() ? "" : " problem=" + firstProblem.replace(' ', '_'));
    }

    static String admin(String bootstrap, String topic) throws Exception {
        List<String> ops = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Admin admin = Admin.create(common(bootstrap))) {
            long t = 30;
            TimeUnit s = TimeUnit.SECONDS;

            DescribeClusterResult cluster = admin.describeCluster();
            int brokers = cluster.nodes().get(t, s).size();
            String clusterId = cluster.clusterId().get(t, s);
            check(problems, brokers >= 1 && clusterId != null, "describeCluster");
            ops.add("describeCluster");

            admin.describeFeatures().featureMetadata().get(t, s);
            ops.add("describeFeatures");

            NewTopic nt = new NewTopic(topic, 2, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "retention.ms", "3600000"));
            admin.createTopics(List.of(nt)).all().get(t, s);
            ops.add("createTopics");

            waitFor(() -> admin.listTopics().names().get(t, s).contains(topic));
            ops.add("listTopics");

            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(t, s).get(topic);
            check(problems, d.partitions().size() == 2, "describeTopics partitions " + d.partitions().size());
            ops.add("describeTopics");

            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(res, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET))))
                .all().get(t, s);
            ops.add("incrementalAlterConfigs");
            waitFor(() -> {
                Config c = admin.describeConfigs(List.of(res)).all().get(t, s).get(res);
                return "7200000".equals(c.get("retention.ms").value());
            });
            ops.add("describeConfigs(topic)");

            String brokerId = String.valueOf(cluster.nodes().get(t, s).iterator().next().id());
            ConfigResource br = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Config bc = admin.describeConfigs(List.of(br)).all().get(t, s).get(br);
            check(problems, bc.entries().size() > 10, "describeConfigs(broker) entries " + bc.entries().size());
            ops.add("describeConfigs(broker)");

            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get(t, s);
            waitFor(() -> admin.describeTopics(List.of(topic)).allTopicNames().get(t, s)
                .get(topic).partitions().size() == 3);
            ops.add("createPartitions");

            // Some records, a committed group, offsets.
            Map<TopicPartition, TreeMap<Long, Expected>> sent = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
                for (int i = 0; i < 30; i++) {
                    ProducerRecord<byte[], byte[]> r = record(topic, 0, i);
                    RecordMetadata m = producer.send(r).get(t, s);
                    sent.computeIfAbsent(new TopicPartition(m.topic(), m.partition()), k -> new TreeMap<>())
                        .put(m.offset(), expected(r));
                }
            }
            String group = topic + "-admin-" + System.nanoTime();
            String check = consumeAndCheck(bootstrap, topic, group, "classic", false, sent);
            check(problems, check.contains("matched=true"), "consume: " + check);
            ops.add("produce+consume");

            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long total = 0;
            for (var e : admin.listOffsets(specs).all().get(t, s).entrySet()) {
                total += e.getValue().offset();
            }
            check(problems, total == 30, "listOffsets total " + total);
            ops.add("listOffsets");
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            earliest.put(new TopicPartition(topic, 0), OffsetSpec.earliest());
            earliest.put(new TopicPartition(topic, 1), OffsetSpec.maxTimestamp());
            admin.listOffsets(earliest).all().get(t, s);
            ops.add("listOffsets(earliest,maxTimestamp)");

            Collection<?> groups = listGroups(admin, t, s);
            check(problems, groups.toString().contains(group), "listGroups lacks " + group);
            ops.add("listGroups");

            ConsumerGroupDescription gd = admin.describeConsumerGroups(List.of(group)).all().get(t, s).get(group);
            check(problems, gd != null && gd.groupId().equals(group), "describeConsumerGroups");
            ops.add("describeConsumerGroups");

            Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(t, s);
            long committedTotal = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            check(problems, committedTotal == 30, "listConsumerGroupOffsets total " + committedTotal);
            ops.add("listConsumerGroupOffsets");

            TopicPartition tp0 = new TopicPartition(topic, 0);
            long end0 = admin.listOffsets(Map.of(tp0, OffsetSpec.latest())).all().get(t, s).get(tp0).offset();
            admin.deleteRecords(Map.of(tp0, RecordsToDelete.beforeOffset(end0))).all().get(t, s);
            long start0 = admin.listOffsets(Map.of(tp0, OffsetSpec.earliest())).all().get(t, s).get(tp0).offset();
            check(problems, start0 == end0, "deleteRecords: log start " + start0 + " != " + end0);
            ops.add("deleteRecords");

            admin.describeLogDirs(List.of(Integer.parseInt(brokerId))).allDescriptions().get(t, s);
            ops.add("describeLogDirs");

            admin.deleteConsumerGroups(List.of(group)).all().get(t, s);
            ops.add("deleteConsumerGroups");

            admin.deleteTopics(List.of(topic)).all().get(t, s);
            waitFor(() -> !admin.listTopics().names().get(t, s).contains(topic));
            ops.add("deleteTopics");
        }
        return "produced=" + ops.size() + " consumed=" + ops.size() + " matched=" + problems.isEmpty()
            + " ops=" + String.join(",", ops)
            + (problems.isEmpty() ? "" : " problem=" + String.join(";", problems).replace(' ', '_'));
    }

    /** listGroups (4.x) or listConsumerGroups (3.x), whichever the release has. */
    static Collection<?> listGroups(Admin admin, long t, TimeUnit s) throws Exception {
        Object result;
        try {
            result = Admin.class.getMethod("listGroups").invoke(admin);
        } catch (NoSuchMethodException e) {
            result = Admin.class.getMethod("listConsumerGroups").invoke(admin);
        }
        Object future = result.getClass().getMethod("all").invoke(result);
        return (Collection<?>) ((org.apache.kafka.common.KafkaFuture<?>) future).get(t, s);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Metadata propagates asynchronously: retry for up to 20 s. */
    static void waitFor(Condition c) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (!c.holds()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("condition not reached in 20 s");
            }
            Thread.sleep(100);
        }
    }

    static void check(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }
}
