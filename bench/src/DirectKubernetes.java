import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Direct Kubernetes calls: the test data on the backend, made without the proxy. */
final class DirectKubernetes {
    final Http.Connector connector;

    /** {@code connector}: a new connection per call (the API server may have closed an idle one), or a shared client. */
    DirectKubernetes(Http.Connector connector) {
        this.connector = connector;
    }

    /** Deletes the jobs, pods, secrets and configmaps of a namespace (creating the namespace if missing). */
    void cleanNamespace(String ns) {
        try (Http conn = connector.open()) {
            Http.Response r = conn.request("POST", "/api/v1/namespaces", Http.JSON_TYPE,
                    Http.bytes(template("direct-1-namespace.json").replace("${NS}", ns)), false);
            check(r, 201, 409);
            for (String collection : List.of("/apis/batch/v1/namespaces/" + ns + "/jobs",
                    "/api/v1/namespaces/" + ns + "/secrets", "/api/v1/namespaces/" + ns + "/configmaps",
                    "/api/v1/namespaces/" + ns + "/pods")) {
                check(conn.request("DELETE", collection, "", null, false), 200, 404);
            }
            Thread.sleep(300);
        } catch (IOException e) {
            throw new IllegalStateException("cleaning " + ns + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code n} finished (suspended, so the demo controller leaves them alone) jobs, as a list shows them. */
    void createJobs(String ns, String user, int n) throws Exception {
        String job = template("direct-4-job.json").replace("${NS}", ns).replace("${USER}", user)
                .replace("${SECRET}", "bench-env").replace("${CONFIGMAP}", "bench-code");
        String suspended = SubmitCase.suspend(job, "\"backoffLimit\": 0,", "\"backoffLimit\": 0, \"suspend\": true,");
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String status = """
                {"status": {"startTime": "%s", "completionTime": "%s", "succeeded": 1, "ready": 0,
                 "uncountedTerminatedPods": {}, "conditions": [{"type": "Complete", "status": "True",
                 "lastProbeTime": "%s", "lastTransitionTime": "%s"}]}}""".formatted(now, now, now, now);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                try (Http c = connector.open()) {
                    while (next.getAndIncrement() < n) {
                        Http.Response r = c.request("POST", "/apis/batch/v1/namespaces/" + ns + "/jobs",
                                Http.JSON_TYPE, Http.bytes(suspended.replace("${ID}",
                                        UUID.randomUUID().toString())), true);
                        check(r, 201);
                        String name = (String) Json.at(Json.parse(r.text()), "metadata", "name");
                        check(c.request("PATCH", "/apis/batch/v1/namespaces/" + ns + "/jobs/" + name + "/status",
                                Http.MERGE_PATCH_TYPE, Http.bytes(status), false), 200);
                    }
                }
                return null;
            }));
        }
        for (var f : done) {
            f.get();
        }
        pool.shutdown();
    }

    static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    static String template(String name) throws IOException {
        String t = TEMPLATES.get(name);
        if (t == null) {
            t = Files.readString(Bench.ROOT.resolve("bench/fixtures").resolve(name));
            TEMPLATES.put(name, t);
        }
        return t;
    }

    static void check(Http.Response r, int... expected) throws IOException {
        for (int e : expected) {
            if (r.status == e) {
                return;
            }
        }
        throw new IOException("unexpected status " + r.status + " (wanted " + Arrays.toString(expected) + "): "
                + (r.body == null ? "" : r.text().substring(0, Math.min(300, r.text().length()))));
    }
}
