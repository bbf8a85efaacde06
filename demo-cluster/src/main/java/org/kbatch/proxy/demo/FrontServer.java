package org.kbatch.proxy.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP face of the demo cluster, on {@code 127.0.0.1} and a free port: pod logs are answered by
 * {@link PodLogs}, everything else by the {@link ApiStore}. One virtual thread per exchange, so a followed log holds
 * no platform thread.
 */
final class FrontServer {

    private static final System.Logger LOG = System.getLogger(FrontServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiStore store;
    private final PodLogs logs;

    private FrontServer(HttpServer server, ExecutorService executor, ApiStore store, PodLogs logs) {
        this.server = server;
        this.executor = executor;
        this.store = store;
        this.logs = logs;
    }

    static FrontServer start(ApiStore store, PodLogs logs) throws IOException {
        // The JDK server leaves Nagle's algorithm on, which with delayed ACKs costs ~40 ms per small exchange.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("kbatch-demo-api-", 0).factory());
        FrontServer front = new FrontServer(server, executor, store, logs);
        server.setExecutor(executor);
        server.createContext("/", front::handle);
        server.start();
        return front;
    }

    /** {@code http://127.0.0.1:PORT/}. */
    String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/";
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Closes the listener and every connection, then waits for the exchanges still running. */
    void stop() throws InterruptedException {
        server.stop(0);
        executor.shutdown();
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    boolean isTerminated() {
        return executor.isTerminated();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<ApiPath> path = ApiPath.parse(rawPath);
            if (path.isPresent() && path.get().is("", "pods") && "log".equals(path.get().subresource())
                    && path.get().namespace() != null) {
                logs.handle(exchange, path.get(), ApiStore.query(rawQuery));
                return;
            }
            ApiStore.Reply reply = store.handle(exchange.getRequestMethod(), rawPath, rawQuery,
                    exchange.getRequestHeaders(), body);
            send(exchange, reply);
        } catch (IOException e) {
            // The client went away.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "demo cluster: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI() + " failed", e);
            try {
                send(exchange, ApiStore.Reply.json(500, KubeStatus.failure(500, "InternalError",
                        "the demo cluster failed: " + e)));
            } catch (IOException | RuntimeException ignored) {
                // Headers were sent already, or the client went away.
            }
        }
    }

    static void send(HttpExchange exchange, ApiStore.Reply reply) throws IOException {
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        byte[] body = reply.body();
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equals("HEAD") || reply.status() == 204;
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
