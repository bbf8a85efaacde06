import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Logs: line delay and bulk transfer. */
final class LogCases {

    /** Delays (nanos) between a line being written by the fake API and it arriving here. */
    static final class Delays {
        long[] values = new long[0];
        int n;
        long bytes;

        double p(double q) {
            return Stats.percentile(Arrays.copyOf(values, n), q) / 1e6;
        }

        Delays merge(Delays other) {
            Delays m = new Delays();
            m.values = Arrays.copyOf(values, n + other.n);
            System.arraycopy(other.values, 0, m.values, n, other.n);
            m.n = n + other.n;
            m.bytes = bytes + other.bytes;
            return m;
        }
    }

    static Delays streamDelays(int port, String path, String headers) throws IOException {
        Delays d = new Delays();
        d.values = new long[Bench.S.delayLines()];
        try (HttpConnection c = new HttpConnection(port)) {
            Http.Response r = c.exchange("GET", path, headers, null, (buf, off, len) -> {
                long now = System.nanoTime();
                d.bytes += len;
                String text = new String(buf, off, len, StandardCharsets.ISO_8859_1);
                int at = 0;
                while ((at = text.indexOf(" t=", at)) >= 0) {
                    int end = text.indexOf(' ', at + 3);
                    if (end < 0) {
                        break;
                    }
                    long written = Long.parseLong(text.substring(at + 3, end));
                    if (d.n == d.values.length) {
                        d.values = Arrays.copyOf(d.values, d.n * 2 + 1);
                    }
                    d.values[d.n++] = now - written;
                    at = end;
                }
            });
            if (r.status != 200) {
                throw new IOException("log stream answered " + r.status + ": " + path);
            }
        }
        return d;
    }

    /** A log read whole, as fast as it comes, with the server's RSS sampled meanwhile. */
    record Bulk(String path, long bytes, double seconds, long peakRssKiB, long rssBeforeKiB) {
        double mibPerSecond() {
            return bytes / 1048576.0 / seconds;
        }
    }

    static Bulk bulk(ServerProcess server, int port, String path, String headers) throws IOException {
        long before = server == null ? 0 : ProcessUsage.rssKiB(server.pid);
        Bench.RSS.window();
        AtomicLong bytes = new AtomicLong();
        long t0 = System.nanoTime();
        try (HttpConnection c = new HttpConnection(port)) {
            c.socket.setSoTimeout(120_000);
            Http.Response r = c.exchange("GET", path, headers, null, (buf, off, len) -> bytes.addAndGet(len));
            if (r.status != 200) {
                throw new IOException("log answered " + r.status + ": " + path);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = server == null ? 0 : Bench.RSS.windowPeak();
        Bulk b = new Bulk(path, bytes.get(), seconds, peak, before);
        Bench.log("log %s: %d MiB in %.1f s (%.0f MiB/s), server RSS %d MiB before, peak %d MiB", path,
                b.bytes() >> 20, seconds, b.mibPerSecond(), before >> 10, peak >> 10);
        return b;
    }
}
