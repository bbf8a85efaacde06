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

    /**
     * Deletes the jobs, pods, secrets and configmaps of a namespace (creating the namespace if missing), and waits
     * until its jobs are gone. The deletes say {@code propagationPolicy=Background}: by default a batch/v1 Job is
     * deleted with the {@code orphan} finalizer, and the cluster's garbage collector then updates each of the
     * thousands of jobs of a submission segment one by one, an API server and etcd load that went on into the next
     * measured rounds (220-290 ms of their CPU per second "idle") and hit the sides unevenly.
     */
    void cleanNamespace(String ns) {
        try (Http conn = connector.open()) {
            Http.Response r = conn.request("POST", "/api/v1/namespaces", Http.JSON_TYPE,
                    Http.bytes(template("direct-1-namespace.json").replace("${NS}", ns)), false);
            check(r, 201, 409);
            String jobs = "/apis/batch/v1/namespaces/" + ns + "/jobs";
            for (String collection : List.of(jobs, "/api/v1/namespaces/" + ns + "/secrets",
                    "/api/v1/namespaces/" + ns + "/configmaps", "/api/v1/namespaces/" + ns + "/pods")) {
                check(conn.request("DELETE", collection + "?propagationPolicy=Background", "", null, false),
                        200, 404);
            }
            long until = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < until) {
                Http.Response left = conn.get(jobs + "?limit=1", "", true);
                check(left, 200);
                Object items = Json.at(Json.parse(left.text()), "items");
                if (!(items instanceof List<?> list) || list.isEmpty()) {
                    break;
                }
                Thread.sleep(200);
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
                        Http.Response r = create(c, "/apis/batch/v1/namespaces/" + ns + "/jobs",
                                Http.bytes(suspended.replace("${ID}", UUID.randomUUID().toString())));
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

    /** How often a create by {@code generateName} is tried, as the proxy tries it ({@code KubernetesObjects}). */
    static final int GENERATED_NAME_ATTEMPTS = 3;

    /**
     * {@code POST path} of an object named by {@code generateName}, tried again while the API server answers that
     * the name it generated is taken (a 409 AlreadyExists: 5 random characters; Kubernetes before 1.31 leaves the
     * retry to the client), as the proxy does. One of the 1,000 jobs of the big list collided in a run, and ended it.
     */
    static Http.Response create(Http c, String path, byte[] body) throws IOException {
        Http.Response r = null;
        for (int attempt = 0; attempt < GENERATED_NAME_ATTEMPTS; attempt++) {
            r = c.request("POST", path, Http.JSON_TYPE, body, true);
            if (r.status != 409 || !r.text().contains("not able to generate a unique name")) {
                return r;
            }
        }
        return r;
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
