package kafkawire.broker;

import java.io.IOException;
import java.io.InputStream;

/**
 * Runs a Kafka broker ({@code kafka.Kafka}) that dies with the process that
 * started it: a daemon thread reads standard input until end of file and then
 * halts the JVM. The test harness ({@code interop/src/broker.rs}) keeps the
 * write end of the pipe; when the test process exits for any reason (even an
 * abort, which runs no destructors), the kernel closes it and the broker
 * goes with it.
 *
 * <p>Usage: {@code java -cp ... kafkawire.broker.BrokerMain server.properties}
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // Nothing is sent; any input is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the parent is gone too.
            }
            Runtime.getRuntime().halt(0);
        }, "kafkawire-stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
