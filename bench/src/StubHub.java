import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** Answers {@code GET /hub/api/user} like JupyterHub: 200 with the user model for a bench token, else 403. */
final class StubHub implements AutoCloseable {
    /** The bench's tokens and the users the hub answers for them. */
    static final String HUB_TOKEN = "bench-token";
    static final String LIST_TOKEN = "bench-1k-token";
    static final String SUBMIT_TOKEN = "bench-submit-token";
    static final String USER = "bench";
    static final String LIST_USER = "bench-1k";
    static final String SUBMIT_USER = "bench-submit";

    final HttpServer server;
    final AtomicInteger lookups = new AtomicInteger();
    final Map<String, String> users = Map.of(HUB_TOKEN, USER, LIST_TOKEN, LIST_USER, SUBMIT_TOKEN, SUBMIT_USER);

    private StubHub(HttpServer server) {
        this.server = server;
    }

    static StubHub start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        StubHub hub = new StubHub(server);
        server.createContext("/hub/api/user", hub::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return hub;
    }

    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hub/api";
    }

    private void handle(HttpExchange exchange) throws IOException {
        lookups.incrementAndGet();
        try (exchange) {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            String user = header != null && header.startsWith("token ") ? users.get(header.substring(6)) : null;
            int status = user == null ? 403 : 200;
            String body = user == null ? "{\"status\": 403, \"message\": \"Forbidden\"}"
                    : "{\"name\": \"" + user + "\", \"groups\": [], \"scopes\": [\"access:services!service=kbatch\"],"
                    + " \"kind\": \"user\"}";
            byte[] bytes = Http.bytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
