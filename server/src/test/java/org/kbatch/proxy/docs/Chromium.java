package org.kbatch.proxy.docs;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Headless Chromium (Debian's {@code chromium} package) driven over the DevTools protocol with the JDK's own HTTP
 * client and WebSocket: no WebDriver, no extra dependency. One browser, one page.
 */
final class Chromium implements AutoCloseable {

    static final String APT_PACKAGE = "chromium";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private Chromium(Process process, Path log, WebSocket socket) {
        this.process = process;
        this.log = log;
        this.socket = socket;
    }

    /** The browser binary, or a failure that says how to install it (CI installs it in {@code .ci/run}). */
    static Path executable() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
            }
        }
        candidates.add(Path.of("/usr/bin/chromium"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "Chromium is not installed: this browser test needs Debian's '" + APT_PACKAGE + "' package "
                        + "(apt-get install -y " + APT_PACKAGE + "; .ci/run installs it in CI)"));
    }

    /** Starts headless Chromium on a fresh profile in {@code dir} and attaches to its first page. */
    static Chromium launch(Path dir, int width, int height) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Path log = dir.resolve("chromium.log");
        ProcessBuilder pb = new ProcessBuilder(executable().toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank");
        // Its singleton socket and scratch files go to TMPDIR: keep them inside dir, which the test removes.
        pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process process = pb.start();
        try {
            // Chromium writes the port it chose (and the browser's path) into the profile once it listens.
            Path activePort = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("Chromium did not start its DevTools endpoint: " + tail(log));
                }
                Thread.sleep(100);
                lines = Files.exists(activePort) ? Files.readAllLines(activePort) : List.of();
            }
            String devtools = "http://127.0.0.1:" + lines.get(0).strip();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(devtools + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            String pageSocket = null;
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asString())) {
                    pageSocket = target.path("webSocketDebuggerUrl").asString();
                    break;
                }
            }
            if (pageSocket == null) {
                throw new AssertionError("Chromium has no page to drive: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(pageSocket), listener).get(30, TimeUnit.SECONDS);
            Chromium chromium = new Chromium(process, log, socket);
            listener.chromium = chromium;
            return chromium;
        } catch (Exception | AssertionError e) {
            stop(process);
            throw e;
        }
    }

    /** Sends one DevTools command and returns its result (a protocol error is a test failure). */
    JsonNode send(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode response;
        try {
            response = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("Chromium did not answer " + method + " within " + COMMAND_TIMEOUT, e);
        } finally {
            pending.remove(id);
        }
        if (response.has("error")) {
            throw new AssertionError("Chromium refused " + method + ": " + response.get("error"));
        }
        return response.path("result");
    }

    /** Evaluates JavaScript in the page and returns its (JSON) value; a thrown exception is a test failure. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = send("Runtime.evaluate", Map.of(
                "expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("JavaScript failed: " + result.path("exceptionDetails").path("exception")
                    .path("description").asString(result.path("exceptionDetails").toString()) + "\n in: " + expression);
        }
        return result.path("result").path("value");
    }

    /** Polls a JavaScript expression until it is truthy and returns its value; fails naming what was awaited. */
    JsonNode waitFor(String what, String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode value = evaluate(expression);
            boolean truthy = !(value.isMissingNode() || value.isNull()
                    || (value.isBoolean() && !value.booleanValue())
                    || (value.isString() && value.asString().isEmpty()));
            if (truthy) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** A PNG of the whole page (beyond the window), written to {@code file}. */
    void screenshot(Path file) throws Exception {
        screenshot(file, 0, Double.MAX_VALUE);
    }

    /** A PNG of the page's full width from {@code top} to {@code bottom} (CSS pixels of the document). */
    void screenshot(Path file, double top, double bottom) throws Exception {
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        double y = Math.max(0, top);
        double height = Math.min(bottom, size.path("height").asDouble()) - y;
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", y, "width", size.path("width").asDouble(), "height", height, "scale", 1)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asString()));
    }

    /** Every DevTools event received so far (after the matching domain was enabled). */
    Stream<JsonNode> events(String method) {
        return events.stream().filter(e -> method.equals(e.path("method").asString()));
    }

    String log() {
        return tail(log);
    }

    @Override
    public void close() {
        try {
            // Politely first: Browser.close lets Chromium shut down its helpers and clean up after itself.
            socket.sendText("{\"id\": 0, \"method\": \"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // stopped below
        }
        socket.abort();
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Its helpers (renderer, GPU, zygote) end with it; wait for them, and end any that linger.
        for (ProcessHandle child : children) {
            child.destroy();
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void received(String text) {
        JsonNode message = JSON.readTree(text);
        if (message.has("id")) {
            Optional.ofNullable(pending.get(message.get("id").asInt())).ifPresent(f -> f.complete(message));
        } else {
            events.add(message);
        }
    }

    /** Reassembles messages that arrive in parts (screenshots are large). */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile Chromium chromium;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                Chromium target = chromium;
                if (target != null) {
                    target.received(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
