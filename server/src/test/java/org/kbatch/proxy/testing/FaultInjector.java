package org.kbatch.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP hop in front of a Kubernetes API (the fabric8 CRUD mock) that forwards every request, except those a
 * rule says to fail: those get the given status and a Kubernetes {@code Status} body instead, and never reach the
 * API. It records the calls it saw as {@code "METHOD path"}.
 */
public final class FaultInjector implements AutoCloseable {

    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "transfer-encoding",
            "upgrade", "expect");

    private final HttpServer server;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile BiPredicate<String, String> failWhen = (method, path) -> false;
    private volatile int failStatus = 500;
    private volatile String failMessage;
    private volatile BiPredicate<String, String> slowWhen = (method, path) -> false;
    private volatile long slowMillis;

    private FaultInjector(String target) throws IOException {
        this.target = target.replaceAll("/$", "");
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a hop in front of the API server at {@code targetUrl}. */
    public static FaultInjector inFrontOf(String targetUrl) {
        try {
            return new FaultInjector(targetUrl);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** From now on, requests matching {@code (method, path)} fail with {@code status}. */
    public void fail(int status, BiPredicate<String, String> when) {
        fail(status, null, when);
    }

    /** As {@link #fail(int, BiPredicate)}, answering with this {@code Status.message} (e.g. a quota refusal). */
    public void fail(int status, String message, BiPredicate<String, String> when) {
        this.failStatus = status;
        this.failMessage = message;
        this.failWhen = when;
    }

    /** From now on, requests matching {@code (method, path)} are held this long before they are forwarded. */
    public void slow(java.time.Duration delay, BiPredicate<String, String> when) {
        this.slowMillis = delay.toMillis();
        this.slowWhen = when;
    }

    public void heal() {
        this.failWhen = (method, path) -> false;
        this.slowWhen = (method, path) -> false;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            calls.add(method + " " + path);
            if (slowWhen.test(method, path)) {
                Thread.sleep(slowMillis);
            }
            if (failWhen.test(method, path)) {
                String message = failMessage != null ? failMessage
                        : "injected failure " + failStatus + " on " + method + " " + path;
                String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                        + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(message)
                        + ",\"reason\":\"InternalError\",\"code\":" + failStatus + "}";
                send(exchange, failStatus, "application/json", body.getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(method, requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            send(exchange, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
