// Interop with the Java libraries the Kafka Java client uses for compression
// (snappy-java, lz4-java, zstd-jni, java.util.zip), from Debian's packages.
//
//   java -cp /usr/share/java/snappy-java.jar:/usr/share/java/lz4-java.jar:/usr/share/java/zstd-jni.jar \
//        Interop.java write DATA_DIR     # writes java-* fixtures of DATA_DIR/payload.jsonl
//   java -cp ... Interop.java read DIR PAYLOAD   # reads ours-* files written by kafkawire-compress
//
// The LZ4 writer below produces the layout Kafka's Lz4BlockOutputStream
// produces (LZ4 frame, FLG 0x60, BD 0x40, 64 KiB independent blocks, stored
// blocks when compression does not help, no checksums), written here from the
// LZ4 frame specification with lz4-java's block compressors.
import java.io.*;
import java.nio.file.*;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

public class Interop {
    static void le32(ByteArrayOutputStream out, int v) {
        out.write(v); out.write(v >>> 8); out.write(v >>> 16); out.write(v >>> 24);
    }

    // legacyHc: KAFKA-3160, checksum over magic + descriptor.
    static byte[] kafkaLz4(byte[] in, LZ4Compressor c, boolean legacyHc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = {0x04, 0x22, 0x4d, 0x18, 0x60, 0x40};
        out.write(header, 0, 6);
        int from = legacyHc ? 0 : 4;
        int hc = XXHashFactory.safeInstance().hash32().hash(header, from, 6 - from, 0);
        out.write((hc >> 8) & 0xff);
        byte[] buf = new byte[c.maxCompressedLength(65536)];
        for (int off = 0; off < in.length; off += 65536) {
            int len = Math.min(65536, in.length - off);
            int n = c.compress(in, off, len, buf, 0, buf.length);
            if (n >= len) {
                le32(out, len | 0x80000000);
                out.write(in, off, len);
            } else {
                le32(out, n);
                out.write(buf, 0, n);
            }
        }
        le32(out, 0);
        return out.toByteArray();
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) { return in.readAllBytes(); }
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("write")) {
            Path dir = Paths.get(args[1]);
            byte[] payload = Files.readAllBytes(dir.resolve("payload.jsonl"));

            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (OutputStream s = new SnappyOutputStream(b)) { s.write(payload); }
            Files.write(dir.resolve("java-snappy-SnappyOutputStream.bin"), b.toByteArray());

            b = new ByteArrayOutputStream();
            try (OutputStream s = new ZstdOutputStream(b, 3)) { s.write(payload); }
            Files.write(dir.resolve("java-zstd-jni-ZstdOutputStream.zst"), b.toByteArray());

            b = new ByteArrayOutputStream();
            try (OutputStream s = new GZIPOutputStream(b)) { s.write(payload); }
            Files.write(dir.resolve("java-gzip-GZIPOutputStream.gz"), b.toByteArray());

            LZ4Factory f = LZ4Factory.fastestJavaInstance();
            Files.write(dir.resolve("java-lz4-kafka-layout-fast.lz4"), kafkaLz4(payload, f.fastCompressor(), false));
            Files.write(dir.resolve("java-lz4-kafka-layout-hc17.lz4"), kafkaLz4(payload, f.highCompressor(17), false));
            Files.write(dir.resolve("java-lz4-kafka-layout-magic0.lz4"), kafkaLz4(payload, f.fastCompressor(), true));
            System.out.println("wrote java-* fixtures");
        } else {
            Path dir = Paths.get(args[1]);
            byte[] payload = Files.readAllBytes(Paths.get(args[2]));
            String[][] cases = {
                {"ours-gzip.bin", "gzip"}, {"ours-snappy.bin", "snappy"},
                {"ours-lz4.bin", "lz4"}, {"ours-lz4-9.bin", "lz4"}, {"ours-lz4-17.bin", "lz4"},
                {"ours-lz4-magic0.bin", "lz4-magic0"}, {"ours-zstd.bin", "zstd"},
            };
            boolean ok = true;
            for (String[] c : cases) {
                byte[] data = Files.readAllBytes(dir.resolve(c[0]));
                byte[] got;
                switch (c[1]) {
                    case "gzip": got = readAll(new GZIPInputStream(new ByteArrayInputStream(data))); break;
                    case "snappy": got = readAll(new SnappyInputStream(new ByteArrayInputStream(data))); break;
                    case "zstd": got = readAll(new ZstdInputStream(new ByteArrayInputStream(data))); break;
                    case "lz4": got = readAll(new LZ4FrameInputStream(new ByteArrayInputStream(data))); break;
                    default: {
                        // Check the legacy checksum, then repair it for the standard reader.
                        int legacy = (XXHashFactory.safeInstance().hash32().hash(data, 0, 6, 0) >> 8) & 0xff;
                        if ((data[6] & 0xff) != legacy) { System.out.println(c[0] + ": not the KAFKA-3160 checksum"); ok = false; continue; }
                        byte[] fixed = data.clone();
                        fixed[6] = (byte) ((XXHashFactory.safeInstance().hash32().hash(data, 4, 2, 0) >> 8) & 0xff);
                        got = readAll(new LZ4FrameInputStream(new ByteArrayInputStream(fixed)));
                    }
                }
                boolean same = Arrays.equals(got, payload);
                ok &= same;
                System.out.println(c[0] + ": " + (same ? "read back identical" : "DIFFERENT") + " (" + data.length + " -> " + got.length + ")");
            }
            if (!ok) System.exit(1);
        }
    }
}
