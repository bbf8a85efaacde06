package org.kbatch.proxy.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo started as the README says ({@link org.kbatch.proxy.demo.DemoMain}, the main class of
 * {@code kbatch-proxy-demo.jar}) in its own process on a free port, with only the given environment of ours; ready
 * once {@code GET <prefix>/} answers 200.
 */
public final class DemoServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private DemoServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it, writing its output to {@code log}, and waits (at most a minute) until it answers. */
    public static DemoServerProcess start(Path log, Map<String, String> env) throws Exception {
        int port = TestServers.freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.kbatch.proxy.demo.DemoMain");
        pb.environment().keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_"));
        pb.environment().putAll(env);
        pb.environment().put("KBATCH_PORT", Integer.toString(port));
        pb.environment().put("KBATCH_HOST", "127.0.0.1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        DemoServerProcess server = new DemoServerProcess(pb.start(), port, log);
        server.awaitReady(env.getOrDefault("KBATCH_PREFIX", "") + "/");
        return server;
    }

    /** {@code http://127.0.0.1:PORT} (no prefix, no trailing slash). */
    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(String path) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("demo server did not start: " + log());
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
