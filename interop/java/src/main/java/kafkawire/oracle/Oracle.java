package kafkawire.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

/**
 * Kafka's own Java code as an oracle for the Rust codec.
 *
 * <p>One JVM serves a whole test run. Standard input carries batches; a batch
 * is read whole before any answer is written, so the two pipes never
 * deadlock. All integers are big-endian.
 *
 * <pre>
 * batch    = count:u32 item*
 * item     = op:u8 name:str version:i16 payload:blob
 * answer   = status:u8 (0 ok, 1 refused) n:u8 blob*n   (refused: one blob, the reason)
 * str      = len:u16 UTF-8
 * blob     = len:i32 bytes
 * </pre>
 *
 * <p>Message operations ({@code name} is the schema's name, e.g.
 * {@code MetadataRequest} or {@code ConsumerProtocolSubscription}):
 * <ul>
 *   <li>{@code I}: the versions the class supports: one blob, "lowest highest
 *       stable", stable being the highest version the release's protocol
 *       offers (below highest when the latest version is unstable).
 *   <li>{@code R}: read the payload with the generated class at the version
 *       (refused when the reader throws), write it back; blobs: the number of
 *       payload bytes left unread (decimal), the bytes written, the JSON
 *       converter's text of what was read, and the writer's exception (empty
 *       when it wrote; the bytes are empty when it did not).
 *   <li>{@code F}: every field name of the class and its nested classes, as
 *       the JSON converters spell them; one blob, space-separated.
 *   <li>{@code J}: read the payload as JSON with the generated converter at the
 *       version, write it; one blob, the bytes.
 * </ul>
 * Other operations are registered by {@link Records}.
 */
public final class Oracle {
    /** One operation: its blobs, or an exception (the refusal). */
    interface Op {
        List<byte[]> run(String name, short version, byte[] payload) throws Exception;
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private static final String PACKAGE = "org.apache.kafka.common.message.";

    /** The generated class and converter of one schema. */
    private static final class Generated {
        final Constructor<?> fromReadable;
        final Constructor<?> empty;
        final Method toJson;
        final Method fromJson;

        Generated(Class<?> data) throws ReflectiveOperationException {
            fromReadable = data.getConstructor(Readable.class, short.class);
            empty = data.getConstructor();
            Class<?> converter = Class.forName(data.getName() + "JsonConverter");
            toJson = converter.getMethod("write", data, short.class);
            fromJson = converter.getMethod("read", JsonNode.class, short.class);
        }
    }

    private static final Map<String, Generated> GENERATED = new HashMap<>();

    private static Generated generated(String name) throws ReflectiveOperationException {
        Generated g = GENERATED.get(name);
        if (g == null) {
            Class<?> data;
            try {
                // Requests, responses and headers: the schema name plus "Data".
                data = Class.forName(PACKAGE + name + "Data");
            } catch (ClassNotFoundException e) {
                // Data schemas: the schema name itself.
                data = Class.forName(PACKAGE + name);
            }
            g = new Generated(data);
            GENERATED.put(name, g);
        }
        return g;
    }

    /** Unwraps reflection so the refusal names Kafka's own exception. */
    private static Object call(Constructor<?> c, Object... args) throws Exception {
        try {
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        }
    }

    private static Object call(Method m, Object... args) throws Exception {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        }
    }

    private static Exception rethrow(InvocationTargetException e) throws Exception {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
            throw (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        throw e;
    }

    /** Kafka's writer: size with a serialization cache, then write. */
    static byte[] write(Message message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        message.write(new ByteBufferAccessor(buf), cache, version);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("size() said " + size + " but write left " + buf.remaining());
        }
        return buf.array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final Map<Character, Op> OPS = new HashMap<>();

    static void register(char op, Op run) {
        OPS.put(op, run);
    }

    static {
        register('I', (name, version, payload) -> {
            Message m = (Message) generated(name).empty.newInstance();
            // An API's latest version may be unstable (not yet part of the
            // release's protocol): the highest stable one is the third number.
            short stable = m.highestSupportedVersion();
            String api = name.replaceFirst("(Request|Response)$", "");
            for (ApiMessageType t : ApiMessageType.values()) {
                if (!api.equals(name) && t.name.equals(api)) {
                    stable = t.highestSupportedVersion(false);
                }
            }
            return List.of(utf8(m.lowestSupportedVersion() + " " + m.highestSupportedVersion() + " " + stable));
        });
        register('R', (name, version, payload) -> {
            Generated g = generated(name);
            ByteBuffer in = ByteBuffer.wrap(payload);
            Message m = (Message) call(g.fromReadable, new ByteBufferAccessor(in), version);
            int left = in.remaining();
            // The JSON first: writing hands the records buffers to the writer.
            byte[] json = JSON.writeValueAsBytes((JsonNode) call(g.toJson, m, version));
            // Read, but Kafka's writer may still refuse what was read (unknown
            // tags out of order): that is the fourth blob, not a refusal.
            byte[] bytes = new byte[0];
            String writeError = "";
            try {
                bytes = write(m, version);
            } catch (RuntimeException e) {
                writeError = e.getClass().getName() + ": " + e.getMessage();
            }
            return List.of(utf8(Integer.toString(left)), bytes, json, utf8(writeError));
        });
        register('F', (name, version, payload) -> {
            // Every field name of the generated class and its nested classes,
            // as the JSON converters spell them.
            StringBuilder all = new StringBuilder();
            List<Class<?>> todo = new ArrayList<>(List.of(generated(name).empty.getDeclaringClass()));
            while (!todo.isEmpty()) {
                Class<?> c = todo.remove(todo.size() - 1);
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("_")) {
                        all.append(f.getName()).append(' ');
                    }
                }
                todo.addAll(List.of(c.getDeclaredClasses()));
            }
            return List.of(utf8(all.toString().trim()));
        });
        register('J', (name, version, payload) -> {
            Generated g = generated(name);
            JsonNode json = JSON.readTree(payload);
            Message m = (Message) call(g.fromJson, json, version);
            return List.of(write(m, version));
        });
        Records.register();
    }

    private static String readStr(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    private static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private record Item(char op, String name, short version, byte[] payload) {}

    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
        while (true) {
            int count;
            try {
                count = in.readInt();
            } catch (EOFException e) {
                return;
            }
            List<Item> items = new ArrayList<>(Math.min(count, 4096));
            for (int i = 0; i < count; i++) {
                char op = (char) in.readUnsignedByte();
                String name = readStr(in);
                short version = in.readShort();
                items.add(new Item(op, name, version, readBlob(in)));
            }
            for (Item item : items) {
                List<byte[]> blobs;
                try {
                    Op op = OPS.get(item.op);
                    if (op == null) {
                        throw new IllegalArgumentException("unknown operation " + item.op);
                    }
                    blobs = op.run(item.name, item.version, item.payload);
                    out.writeByte(0);
                } catch (Throwable t) {
                    blobs = List.of(utf8(t.getClass().getName() + ": " + t.getMessage()));
                    out.writeByte(1);
                }
                out.writeByte(blobs.size());
                for (byte[] b : blobs) {
                    writeBlob(out, b);
                }
            }
            out.flush();
        }
    }
}
