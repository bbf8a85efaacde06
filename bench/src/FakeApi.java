import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Just enough of the Kubernetes API for the proxy's log routes: every pod exists and carries the job-name labels
 * of the job it is asked for (pod name = job name); its log is chosen by its name:
 * {@code delay-N-MS} writes N lines, one every MS milliseconds, each stamped {@code t=<System.nanoTime()>} when
 * written; {@code bulk-BYTES} writes BYTES bytes of {@code BENCH_LOG_LINE_BYTES}-byte lines as fast as they
 * are read. The job list of a namespace is the one the demo cluster gave for it (fixed bytes), paged like a real
 * API server pages: {@code limit} items per answer, {@code metadata.continue} (the next item's index) on every
 * page but the last; the pages are made once and then answered from memory.
 */
final class FakeApi implements AutoCloseable {
    final HttpServer server;
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** The job list the fake API answers per namespace (captured from the demo cluster). */
    final Map<String, PagedList> jobLists = new ConcurrentHashMap<>();

    void putJobList(String ns, byte[] list) {
        jobLists.put(ns, PagedList.of(list));
    }

    int pages(String ns, int limit) {
        int n = jobLists.get(ns).items().size();
        return Math.max(1, (n + limit - 1) / limit);
    }

    private FakeApi(HttpServer server) {
        this.server = server;
    }

    static FakeApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        FakeApi api = new FakeApi(server);
        server.createContext("/", api::handle);
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            String[] p = path.split("/");
            // /api/v1/namespaces/NS/pods[/NAME[/log]]
            if (path.startsWith("/api/v1/namespaces/") && p.length >= 6 && p[5].equals("pods")) {
                String ns = p[4];
                if (p.length == 6) {
                    String selector = query.getOrDefault("labelSelector", "");
                    String job = selector.substring(selector.indexOf('=') + 1);
                    send(ex, 200, "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},"
                            + "\"items\":[" + pod(ns, job) + "]}");
                } else if (p.length == 7) {
                    send(ex, 200, pod(ns, p[6]));
                } else if (p.length == 8 && p[7].equals("log")) {
                    log(ex, p[6]);
                } else {
                    notFound(ex);
                }
            } else if (path.startsWith("/apis/batch/v1/namespaces/") && path.endsWith("/jobs") && p.length == 7
                    && jobLists.containsKey(p[5])) {
                byte[] jobList;
                try {
                    jobList = jobLists.get(p[5]).page(Integer.parseInt(query.getOrDefault("limit", "0")),
                            Integer.parseInt(query.getOrDefault("continue", "0")));
                } catch (IllegalArgumentException e) {
                    send(ex, 400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"message\":\"bad limit or continue\",\"reason\":\"BadRequest\",\"code\":400}");
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, jobList.length);
                ex.getResponseBody().write(jobList);
            } else if (path.equals("/version")) {
                send(ex, 200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0-bench\"}");
            } else {
                notFound(ex);
            }
        }
    }

    private static String pod(String ns, String name) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%1$s\",\"namespace\":\"%2$s\","
                + "\"uid\":\"00000000-0000-0000-0000-00000000bench\",\"resourceVersion\":\"1\","
                + "\"labels\":{\"batch.kubernetes.io/job-name\":\"%1$s\",\"job-name\":\"%1$s\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"job\",\"image\":\"busybox\"}]},"
                + "\"status\":{\"phase\":\"Running\"}}").formatted(name, ns);
    }

    private void log(HttpExchange ex, String pod) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            if (pod.startsWith("delay-")) {
                String[] parts = pod.split("-");
                int lines = Integer.parseInt(parts[1]);
                long interval = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(parts[2]));
                long start = System.nanoTime() + interval;
                String pad = "x".repeat(60);
                for (int i = 1; i <= lines; i++) {
                    long due = start + (i - 1) * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(Http.bytes("seq=" + i + " t=" + System.nanoTime() + " " + pad + "\n"));
                    out.flush();
                }
            } else if (pod.startsWith("bulk-") || pod.startsWith("oneline-")) {
                // bulk-BYTES: lines of BENCH_LOG_LINE_BYTES; oneline-BYTES: one line of BYTES (no line break
                // until the end), as a big JSON document or a binary dump would write.
                boolean oneLine = pod.startsWith("oneline-");
                long total = Long.parseLong(pod.substring(pod.indexOf('-') + 1));
                int lineBytes = oneLine ? 64 * 1024 : Bench.S.logLineBytes();
                int lines = Math.max(1, (256 * 1024) / lineBytes);
                byte[] block = new byte[lines * lineBytes];
                for (int l = 0; l < lines; l++) {
                    byte[] line = Http.bytes(String.format("%-" + (lineBytes - 1) + "s" + (oneLine ? " " : "\n"),
                            "bulk log line " + l + " of a block; the rest is padding ....."));
                    System.arraycopy(line, 0, block, l * lineBytes, lineBytes);
                }
                long sent = 0;
                while (sent < total) {
                    int n = (int) Math.min(block.length, total - sent);
                    if (oneLine && sent + n == total) {
                        block[n - 1] = '\n';
                    }
                    out.write(block, 0, n);
                    sent += n;
                }
            }
        } catch (IOException e) {
            // The reader went away.
        }
    }

    private static void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"not found: "
                + ex.getRequestURI().getRawPath() + "\",\"reason\":\"NotFound\",\"code\":404}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = Http.bytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            }
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
