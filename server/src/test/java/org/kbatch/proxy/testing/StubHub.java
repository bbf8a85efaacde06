package org.kbatch.proxy.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JupyterHub stand-in on a real HTTP port that answers {@code GET /hub/api/user} the way JupyterHub 3 does:
 * 200 with the user model ({@code kind}, {@code name}, {@code admin}, {@code groups}, {@code scopes}, ...) for a
 * known token sent as {@code Authorization: token X}, 403 {@code {"status": 403, "message": "Forbidden"}} otherwise.
 * It counts the lookups and can be made to fail (5xx) or be stopped (connection refused).
 */
public final class StubHub implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Map<String, Object>> users = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile int failWith;
    private HttpServer server;
    private final int port;

    private StubHub(HttpServer server) {
        this.server = server;
        this.port = server.getAddress().getPort();
    }

    public static StubHub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StubHub hub = new StubHub(server);
            server.createContext("/hub/api/user", hub::user);
            server.start();
            return hub;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code JUPYTERHUB_API_URL} for this hub. */
    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/hub/api";
    }

    /** A user whose token carries the given scopes (JupyterHub lists them expanded, as here). */
    public StubHub user(String token, String name, List<String> groups, List<String> scopes) {
        users.put(token, Map.of(
                "kind", "user",
                "name", name,
                "admin", false,
                "groups", groups,
                "scopes", scopes,
                "server", "/user/" + name + "/",
                "pending", "",
                "created", "2026-11-25T12:00:00.000000Z",
                "last_activity", "2026-11-25T12:00:00.000000Z",
                "session_id", ""));
        return this;
    }

    /** A user with the default access scope of the service named {@code kbatch}. */
    public StubHub user(String token, String name) {
        return user(token, name, List.of(), List.of("access:services!service=kbatch", "read:users:name!user=" + name));
    }

    public int lookups() {
        return lookups.get();
    }

    /** Answers every lookup with this status from now on (0 = behave). */
    public void failWith(int status) {
        this.failWith = status;
    }

    /** Stops listening: lookups are refused from now on. */
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void user(HttpExchange exchange) throws IOException {
        lookups.incrementAndGet();
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/hub/api/user")) {
                send(exchange, 404, Map.of("status", 404, "message", "Not Found"));
                return;
            }
            if (failWith != 0) {
                send(exchange, failWith, Map.of("status", failWith, "message", "Hub failure"));
                return;
            }
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            Map<String, Object> user = null;
            if (header != null && header.startsWith("token ")) {
                user = users.get(header.substring("token ".length()));
            }
            if (user == null) {
                send(exchange, 403, Map.of("status", 403, "message", "Forbidden"));
            } else {
                send(exchange, 200, user);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
