package org.kbatch.proxy.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpExchange;

/**
 * {@code GET /api/v1/namespaces/NS/pods/POD/log}, which the CRUD storage cannot serve. Without {@code follow} the
 * lines written so far; with {@code follow=true} the lines as the pod writes them, each flushed on its own, until the
 * pod ends (or is deleted, or the client goes away, or the cluster closes). {@code tailLines} and {@code container}
 * are honoured; a pod the simulation does not run has an empty log.
 */
final class PodLogs {

    /** How often a follower looks at the cluster's state between lines. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final ApiStore store;
    private final ConcurrentMap<String, SimulatedPod> pods;
    private final Clock clock;
    private final BooleanSupplier closing;
    private final AtomicInteger followers = new AtomicInteger();

    PodLogs(ApiStore store, ConcurrentMap<String, SimulatedPod> pods, Clock clock, BooleanSupplier closing) {
        this.store = store;
        this.pods = pods;
        this.clock = clock;
        this.closing = closing;
    }

    /** How many followed logs are being streamed right now. */
    int followers() {
        return followers.get();
    }

    void handle(HttpExchange exchange, ApiPath path, Map<String, String> query) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            FrontServer.send(exchange, ApiStore.Reply.json(405, KubeStatus.forCode(405)));
            return;
        }
        String podPath = exchange.getRequestURI().getRawPath().replaceAll("/log/*$", "");
        if (!store.exists(podPath)) {
            FrontServer.send(exchange, ApiStore.Reply.json(404, KubeStatus.notFound(
                    new ApiPath("", "v1", path.namespace(), "pods", path.name(), null))));
            return;
        }
        SimulatedPod pod = pods.get(SimulatedPod.key(path.namespace(), path.name()));
        String container = query.get("container");
        if (pod != null && container != null && !container.isEmpty() && !pod.hasContainer(container)) {
            FrontServer.send(exchange, ApiStore.Reply.json(400, KubeStatus.failure(400, "BadRequest",
                    "container " + container + " is not valid for pod " + path.name())));
            return;
        }
        Integer tail = tailLines(query.get("tailLines"));
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        if (pod == null) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        int written = pod.linesAt(clock.instant());
        int from = tail == null ? 0 : Math.max(0, written - tail);
        if (!ApiStore.isTrue(query.get("follow"))) {
            StringBuilder log = new StringBuilder();
            for (int n = from + 1; n <= written; n++) {
                log.append(pod.line(n));
            }
            byte[] body = log.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        follow(exchange, pod, from);
    }

    private void follow(HttpExchange exchange, SimulatedPod pod, int alreadySkipped) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        followers.incrementAndGet();
        try (OutputStream out = exchange.getResponseBody()) {
            int sent = alreadySkipped;
            while (!closing.getAsBoolean()) {
                boolean ended = pod.hasEnded();
                Instant now = clock.instant();
                int available = pod.linesAt(now);
                while (sent < available) {
                    sent++;
                    out.write(pod.line(sent).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (ended) {
                    break;
                }
                Duration untilNextLine = Duration.between(now, pod.lineWrittenAt(sent + 1));
                pod.awaitEnd(untilNextLine.isPositive() && untilNextLine.compareTo(POLL) < 0 ? untilNextLine : POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            followers.decrementAndGet();
        }
    }

    private static Integer tailLines(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
