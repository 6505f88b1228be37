package kafkawire.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;

/**
 * Record batches and compression: operations registered with {@link Oracle}.
 *
 * <p>Bytes inside JSON are lowercase hex strings, {@code null} for a null key,
 * value or header value. Codec names are Kafka's ({@code none}, {@code gzip},
 * {@code snappy}, {@code lz4}, {@code zstd}).
 *
 * <ul>
 *   <li>{@code v} (verify): the payload is a records blob (what a Produce
 *       request or a Fetch response carries). {@code MemoryRecords.readableRecords}
 *       reads it; every batch gets {@code ensureValid()} and every record
 *       {@code ensureValid()}. One blob, JSON:
 *       <pre>
 * {"batches": [{"magic", "codec", "baseOffset", "lastOffset", "nextOffset", "count" (null for
 *   magic 0/1), "checksum", "sizeInBytes", "partitionLeaderEpoch", "producerId", "producerEpoch",
 *   "baseSequence", "lastSequence", "transactional", "control", "timestampType" (Kafka's name,
 *   e.g. "CreateTime"), "maxTimestamp", "deleteHorizonMs" (null if none),
 *   "records": [{"offset", "timestamp", "sequence", "key", "value",
 *                "headers": [[key, value], ...],
 *                "marker": {"type", "coordinatorEpoch"} (control batches: what
 *                          EndTransactionMarker.deserialize reads; absent otherwise)}]}]}
 *       </pre>
 *       Header keys are Kafka's {@code String}, written as the hex of its UTF-8.
 *   <li>{@code b} (build): the payload is a JSON spec; one blob, the bytes of
 *       the {@code MemoryRecords} built. Either records, through
 *       {@code MemoryRecords.builder} and {@code appendWithOffset}:
 *       <pre>
 * {"magic", "codec", "level" (optional), "timestampType" ("CreateTime" or "LogAppendTime"),
 *  "logAppendTime" (used with LogAppendTime), "baseOffset", "producerId", "producerEpoch",
 *  "baseSequence", "transactional", "partitionLeaderEpoch",
 *  "records": [{"offset", "timestamp", "key", "value", "headers": [[key, value], ...]}]}
 *       </pre>
 *       or an end transaction marker, through {@code MemoryRecords.withEndTransactionMarker}:
 *       <pre>
 * {"marker": "COMMIT" or "ABORT", "coordinatorEpoch", "offset", "timestamp",
 *  "partitionLeaderEpoch", "producerId", "producerEpoch"}
 *       </pre>
 *   <li>{@code c} (compress): {@code name} is {@code codec} or
 *       {@code codec:level}, the version is the magic the stream is for (it
 *       matters for LZ4: magic 0 keeps the KAFKA-3160 header checksum). The
 *       payload goes through Kafka's {@code Compression.wrapForOutput}; one
 *       blob, the compressed bytes.
 *   <li>{@code d} (decompress): {@code name} is the codec, the version the
 *       magic; the payload is read to its end through Kafka's
 *       {@code Compression.wrapForInput}; one blob, the bytes.
 * </ul>
 *
 * <p>Kafka 4.0 moved the record classes from {@code org.apache.kafka.common.record}
 * to {@code org.apache.kafka.common.record.internal}, with the same methods.
 * The oracle is compiled against both 3.9 and 4.x, so those classes are
 * reached by name: through the small interfaces below ({@link #view}) or
 * {@link #callStatic}. Everything else is imported.
 */
final class Records {
    private Records() {}

    private static final HexFormat HEX = HexFormat.of();

    // ---- Kafka's record classes, whichever package they live in ----------

    private static final String PACKAGE = packageOfRecords();

    private static String packageOfRecords() {
        for (String p : new String[] {"org.apache.kafka.common.record.internal.", "org.apache.kafka.common.record."}) {
            try {
                Class.forName(p + "MemoryRecords");
                return p;
            } catch (ClassNotFoundException e) {
                // try the next one
            }
        }
        throw new IllegalStateException("no MemoryRecords in kafka-clients");
    }

    static Class<?> kafka(String simpleName) throws ClassNotFoundException {
        return Class.forName(PACKAGE + simpleName);
    }

    /** A typed view of a Kafka object: each method calls the same-named one of {@code kafkaType}. */
    @SuppressWarnings("unchecked")
    private static <T> T view(Class<T> type, String kafkaType, Object target) throws ClassNotFoundException {
        Class<?> owner = kafka(kafkaType);
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            try {
                return owner.getMethod(m.getName(), m.getParameterTypes()).invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Calls the one public static method of that name and arity. */
    private static Object callStatic(String kafkaType, String name, Object... args) throws Exception {
        Method found = null;
        for (Method m : kafka(kafkaType).getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                if (found != null) {
                    throw new IllegalStateException(kafkaType + "." + name + " is overloaded at arity " + args.length);
                }
                found = m;
            }
        }
        if (found == null) {
            throw new NoSuchMethodException(kafkaType + "." + name + "/" + args.length);
        }
        try {
            return found.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    interface MemoryRecords {
        Iterable<Object> batches();

        ByteBuffer buffer();
    }

    interface RecordBatch extends Iterable<Object> {
        void ensureValid();

        byte magic();

        Object compressionType();

        long baseOffset();

        long lastOffset();

        long nextOffset();

        Integer countOrNull();

        long checksum();

        int sizeInBytes();

        int partitionLeaderEpoch();

        long producerId();

        short producerEpoch();

        int baseSequence();

        int lastSequence();

        boolean isTransactional();

        boolean isControlBatch();

        TimestampType timestampType();

        long maxTimestamp();

        OptionalLong deleteHorizonMs();
    }

    interface Record {
        void ensureValid();

        long offset();

        long timestamp();

        int sequence();

        ByteBuffer key();

        ByteBuffer value();

        Header[] headers();
    }

    interface EndTransactionMarker {
        Object controlType();

        int coordinatorEpoch();
    }

    interface MemoryRecordsBuilder {
        void appendWithOffset(long offset, long timestamp, byte[] key, byte[] value, Header[] headers);

        Object build();
    }

    // ---- operations -------------------------------------------------------

    static void register() {
        Oracle.register('v', (name, version, payload) -> List.of(Oracle.JSON.writeValueAsBytes(describe(payload))));
        Oracle.register('b', (name, version, payload) -> List.of(build(Oracle.JSON.readTree(payload))));
        Oracle.register('c', (name, version, payload) -> List.of(compress(name, (byte) version, payload)));
        Oracle.register('d', (name, version, payload) -> List.of(decompress(name, (byte) version, payload)));
    }

    private static ObjectNode describe(byte[] payload) throws Exception {
        MemoryRecords records = view(MemoryRecords.class, "MemoryRecords",
                callStatic("MemoryRecords", "readableRecords", ByteBuffer.wrap(payload)));
        ObjectNode out = Oracle.JSON.createObjectNode();
        ArrayNode batches = out.putArray("batches");
        for (Object b : records.batches()) {
            RecordBatch batch = view(RecordBatch.class, "RecordBatch", b);
            batch.ensureValid();
            ObjectNode j = batches.addObject();
            j.put("magic", batch.magic());
            j.put("codec", batch.compressionType().toString());
            j.put("baseOffset", batch.baseOffset());
            j.put("lastOffset", batch.lastOffset());
            j.put("nextOffset", batch.nextOffset());
            j.put("count", batch.countOrNull());
            j.put("checksum", batch.checksum());
            j.put("sizeInBytes", batch.sizeInBytes());
            j.put("partitionLeaderEpoch", batch.partitionLeaderEpoch());
            j.put("producerId", batch.producerId());
            j.put("producerEpoch", batch.producerEpoch());
            j.put("baseSequence", batch.baseSequence());
            j.put("lastSequence", batch.lastSequence());
            j.put("transactional", batch.isTransactional());
            j.put("control", batch.isControlBatch());
            j.put("timestampType", batch.timestampType().toString());
            j.put("maxTimestamp", batch.maxTimestamp());
            OptionalLong horizon = batch.deleteHorizonMs();
            j.put("deleteHorizonMs", horizon.isPresent() ? horizon.getAsLong() : null);
            ArrayNode list = j.putArray("records");
            for (Object r : batch) {
                Record record = view(Record.class, "Record", r);
                record.ensureValid();
                ObjectNode rj = list.addObject();
                rj.put("offset", record.offset());
                rj.put("timestamp", record.timestamp());
                rj.put("sequence", record.sequence());
                rj.put("key", hex(record.key()));
                rj.put("value", hex(record.value()));
                ArrayNode headers = rj.putArray("headers");
                for (Header h : record.headers()) {
                    headers.addArray().add(HEX.formatHex(Oracle.utf8(h.key()))).add(h.value() == null ? null : HEX.formatHex(h.value()));
                }
                if (batch.isControlBatch()) {
                    EndTransactionMarker marker = view(EndTransactionMarker.class, "EndTransactionMarker",
                            callStatic("EndTransactionMarker", "deserialize", r));
                    rj.putObject("marker")
                            .put("type", marker.controlType().toString())
                            .put("coordinatorEpoch", marker.coordinatorEpoch());
                }
            }
        }
        return out;
    }

    private static byte[] build(JsonNode spec) throws Exception {
        Object built;
        if (spec.has("marker")) {
            Object type = callStatic("ControlRecordType", "valueOf", spec.get("marker").asText());
            Object marker = kafka("EndTransactionMarker")
                    .getConstructor(kafka("ControlRecordType"), int.class)
                    .newInstance(type, spec.get("coordinatorEpoch").asInt());
            built = callStatic("MemoryRecords", "withEndTransactionMarker",
                    spec.get("offset").asLong(), spec.get("timestamp").asLong(),
                    spec.get("partitionLeaderEpoch").asInt(), spec.get("producerId").asLong(),
                    (short) spec.get("producerEpoch").asInt(), marker);
        } else {
            TimestampType timestampType = TimestampType.forName(spec.get("timestampType").asText());
            Object b = callStatic("MemoryRecords", "builder",
                    ByteBuffer.allocate(1024), (byte) spec.get("magic").asInt(),
                    compression(spec.get("codec").asText(), spec.get("level")), timestampType,
                    spec.get("baseOffset").asLong(), spec.path("logAppendTime").asLong(-1),
                    spec.get("producerId").asLong(), (short) spec.get("producerEpoch").asInt(),
                    spec.get("baseSequence").asInt(), spec.get("transactional").asBoolean(),
                    false, spec.get("partitionLeaderEpoch").asInt());
            MemoryRecordsBuilder builder = view(MemoryRecordsBuilder.class, "MemoryRecordsBuilder", b);
            for (JsonNode r : spec.get("records")) {
                List<Header> headers = new ArrayList<>();
                for (JsonNode h : r.get("headers")) {
                    headers.add(new RecordHeader(ByteBuffer.wrap(unhex(h.get(0))), h.get(1).isNull() ? null : ByteBuffer.wrap(unhex(h.get(1)))));
                }
                builder.appendWithOffset(r.get("offset").asLong(), r.get("timestamp").asLong(),
                        unhex(r.get("key")), unhex(r.get("value")), headers.toArray(new Header[0]));
            }
            built = builder.build();
        }
        ByteBuffer buf = view(MemoryRecords.class, "MemoryRecords", built).buffer();
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }

    /** {@code codec} or {@code codec:level}, through Kafka's builders. */
    private static Compression compression(String codec, JsonNode level) {
        boolean hasLevel = level != null && !level.isNull();
        switch (codec) {
            case "none":
                return Compression.none().build();
            case "snappy":
                return Compression.snappy().build();
            case "gzip":
                return hasLevel ? Compression.gzip().level(level.asInt()).build() : Compression.gzip().build();
            case "lz4":
                return hasLevel ? Compression.lz4().level(level.asInt()).build() : Compression.lz4().build();
            case "zstd":
                return hasLevel ? Compression.zstd().level(level.asInt()).build() : Compression.zstd().build();
            default:
                throw new IllegalArgumentException("unknown codec " + codec);
        }
    }

    private static Compression compression(String nameAndLevel) {
        int colon = nameAndLevel.indexOf(':');
        if (colon < 0) {
            return compression(nameAndLevel, null);
        }
        String level = nameAndLevel.substring(colon + 1);
        return compression(nameAndLevel.substring(0, colon), Oracle.JSON.getNodeFactory().numberNode(Integer.parseInt(level)));
    }

    /**
     * A class of Kafka's `common.utils` package: Kafka 4.4 moved
     * `ByteBufferOutputStream` and `BufferSupplier` to `common.utils.internals`,
     * and the oracle runs against releases on both sides of the move.
     */
    private static Class<?> utilsClass(String name) throws ClassNotFoundException {
        try {
            return Class.forName("org.apache.kafka.common.utils.internals." + name);
        } catch (ClassNotFoundException e) {
            return Class.forName("org.apache.kafka.common.utils." + name);
        }
    }

    /** Calls `method`, throwing what it throws (not wrapped by reflection). */
    private static Object call(Method method, Object target, Object... args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static byte[] compress(String codec, byte magic, byte[] payload) throws Exception {
        Class<?> sinkClass = utilsClass("ByteBufferOutputStream");
        Object sink = sinkClass.getConstructor(int.class).newInstance(Math.max(payload.length / 2, 512));
        Compression compression = compression(codec);
        Method wrap = Compression.class.getMethod("wrapForOutput", sinkClass, byte.class);
        try (OutputStream out = (OutputStream) call(wrap, compression, sink, magic)) {
            out.write(payload);
        }
        ByteBuffer buf = (ByteBuffer) sinkClass.getMethod("buffer").invoke(sink);
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return bytes;
    }

    private static byte[] decompress(String codec, byte magic, byte[] payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4);
        Class<?> supplierClass = utilsClass("BufferSupplier");
        Object noCaching = supplierClass.getField("NO_CACHING").get(null);
        Compression compression = compression(codec);
        Method wrap = Compression.class.getMethod("wrapForInput", ByteBuffer.class, byte.class, supplierClass);
        try (InputStream in = (InputStream) call(wrap, compression, ByteBuffer.wrap(payload), magic, noCaching)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    // ---- bytes as hex -----------------------------------------------------

    private static String hex(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return HEX.formatHex(bytes);
    }

    private static byte[] unhex(JsonNode n) {
        return n == null || n.isNull() ? null : HEX.parseHex(n.asText());
    }
}
