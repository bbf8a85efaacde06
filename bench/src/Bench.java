import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kbatch-proxy benchmark: a source-code program of several files (JDK only, no dependencies; run with
 * {@code java bench/src/Bench.java}, which compiles it and the classes of bench/src/ it uses in memory before
 * {@code main} starts, or with {@code bench/run.sh}). This class is its entry point and the order of the run
 * (phase 1 in demo mode, phase 2 on the fake API); the other files hold one concern each (see bench/README.md).
 * It starts, all on 127.0.0.1:
 * <ul>
 *   <li>a stub JupyterHub answering {@code GET /hub/api/user} for the bench tokens;</li>
 *   <li>the server as a subprocess in demo mode (its embedded Kubernetes API is the backend) with
 *       {@code JUPYTERHUB_API_URL} pointing at the stub hub, or with a kubeconfig for {@code BENCH_API_URL}
 *       (e.g. {@code kubectl proxy}) instead of the demo cluster;</li>
 *   <li>later the server again, with a kubeconfig pointing at a tiny fake Kubernetes API inside this program, which
 *       serves pod logs of any size and at known times (the demo cluster cannot) and a fixed job list;</li>
 * </ul>
 * and drives them with a minimal HTTP/1.1 keep-alive client over plain sockets (one connection per worker, fixed
 * concurrency, closed loop), so that as little of the two cores as possible goes to the load generator. Every case
 * is measured through the proxy and straight against the backend for the same work, warm-up first, then measured
 * rounds in the order proxy, backend, backend, proxy (so that a drift in the machine's load hits both sides alike).
 * Everything is bounded and stops by itself (a watchdog ends the run after {@code BENCH_MAX_SECONDS}).
 *
 * <p>Settings (environment): see {@link Settings}.
 */
public final class Bench {
    /** The run's settings and the repository root (set once, at the start of {@link #main}). */
    static Settings S;
    static Path ROOT;
    static final RssSampler RSS = new RssSampler();

    static final int SMALL_LIST = 10;

    /** The warm-up beyond the fixed one that each case took until the server's JIT was done (seconds). */
    static final java.util.List<Double> warmupExtraSeconds =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    public static void main(String[] args) throws Exception {
        // The stub hub and the fake API answer without waiting for delayed ACKs (see Settings).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ROOT = Path.of(System.getProperty("user.dir"));
        if (!Files.isDirectory(ROOT.resolve("bench"))) {
            throw new IllegalStateException("run from the repository root (bench/run.sh does)");
        }
        S = Settings.fromEnvironment(ROOT);
        loadSettings(false);
        Files.createDirectories(S.out());
        for (Path jar : List.of(S.jar(), S.demoJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no jar at " + jar + ": build it (bench/run.sh does)");
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerProcess.stopServers();
            RealCluster.stopCurrent();
        }));
        Thread watchdog = Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(S.maxSeconds() * 1000L);
                System.err.println("bench: time limit of " + S.maxSeconds() + " s reached; stopping");
                ServerProcess.stopServers();
                RealCluster.stopCurrent();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // The run ended in time.
            }
        });
        long t0 = System.nanoTime();
        Report report = new Report();
        try (StubHub hub = StubHub.start(); FakeApi fake = FakeApi.start()) {
            RSS.start();
            log("server JVM options: %s (%s)", S.serverJavaOpts(), Settings.env("BENCH_SERVER_JAVA_OPTS", "").isEmpty()
                    ? "the Helm chart's: " + Report.chartJvmNote() : "BENCH_SERVER_JAVA_OPTS, not the Helm chart's");
            ServerProcess.trainCds(S.jar());
            try (RealCluster cluster = chooseCluster(report)) {
                if (cluster == null && S.apiUrl().isEmpty()) {
                    ServerProcess.trainCds(S.demoJar());
                }
                backendPhase(hub, fake, report, cluster);
            }
            settle();
            loadSettings(false);
            fakeApiPhase(hub, fake, report);
            report.hubLookups = hub.lookups.get();
        } finally {
            ServerProcess.stopServers();
            watchdog.interrupt();
        }
        report.totalSeconds = (System.nanoTime() - t0) / 1e9;
        String md = report.markdown();
        System.out.println();
        System.out.println(md);
        Path file = S.out().resolve("last-run.md");
        Files.writeString(file, md);
        System.out.println("(written to " + ROOT.relativize(file) + "; server logs in " + ROOT.relativize(S.out())
                + ")");
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Phase 1: the server on its backend: a real cluster (../shared/tools/k8s), the demo cluster, or BENCH_API_URL
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The backend of phase 1: BENCH_BACKEND {@code k8s} (must start), {@code demo}, or {@code auto} (the default: the
     * real cluster where it can start, otherwise the demo); BENCH_API_URL, when set, is the backend instead.
     */
    /**
     * The load generator's settings for the phase: BENCH_CONCURRENCY, BENCH_WARMUP_SECONDS, BENCH_ROUNDS and
     * BENCH_ROUND_SECONDS, or on the real cluster their BENCH_CLUSTER_* counterparts. Every route's code, the
     * submission's above all (fabric8's builders and serializers), takes the JIT longer to compile on 2 cores shared
     * with an API server and etcd than the demo's 3 s.
     */
    static void loadSettings(boolean realCluster) {
        LoadGenerator.concurrency = realCluster ? S.clusterConcurrency() : S.concurrency();
        LoadGenerator.warmupSeconds = realCluster ? S.clusterWarmupSeconds() : S.warmupSeconds();
        LoadGenerator.rounds = realCluster ? S.clusterRounds() : S.rounds();
        LoadGenerator.roundSeconds = realCluster ? S.clusterRoundSeconds() : S.roundSeconds();
    }

    /**
     * Waits (at most 30 s) until the machine is quiet, under 15% busy over a second: the real cluster's stop (its
     * processes exiting, containerd and the mounts cleaned up) went on while the next phase's starts were timed,
     * and made them 50-60% slower (1622 instead of ~1050 ms).
     */
    static void settle() throws InterruptedException {
        long t0 = System.nanoTime();
        double busy = 1;
        while (System.nanoTime() - t0 < 30_000_000_000L) {
            long[] a = ProcessUsage.machineTicks();
            Thread.sleep(1000);
            long[] b = ProcessUsage.machineTicks();
            busy = b[1] == a[1] ? 0 : (double) (b[0] - a[0]) / (b[1] - a[1]);
            if (busy < 0.15) {
                break;
            }
        }
        log("machine quiet after %.1f s (%.0f%% busy over the last second)", (System.nanoTime() - t0) / 1e9,
                busy * 100);
    }

    static RealCluster chooseCluster(Report report) throws Exception {
        String backend = S.backend();
        if (!S.apiUrl().isEmpty() || backend.equals("demo")) {
            return null;
        }
        String why = RealCluster.cannotStart();
        if (why == null) {
            try {
                return RealCluster.start();
            } catch (RuntimeException e) {
                why = e.getMessage();
                if (backend.equals("k8s")) {
                    throw e;
                }
            }
        } else if (backend.equals("k8s")) {
            throw new IllegalStateException("BENCH_BACKEND=k8s, but the real cluster cannot start: " + why);
        }
        report.backendNote = "the real cluster could not start (" + why + ")";
        log("backend: demo mode; %s", report.backendNote);
        return null;
    }

    static void backendPhase(StubHub hub, FakeApi fake, Report report, RealCluster cluster) throws Exception {
        boolean demo = cluster == null && S.apiUrl().isEmpty();
        String mode = cluster != null ? "k8s" : demo ? "demo" : "api";
        report.backendMode = cluster != null ? "real cluster" : demo ? "demo mode" : "API at " + S.apiUrl();
        LoadGenerator.demoServer = demo;
        loadSettings(cluster != null);
        report.backendConcurrency = LoadGenerator.concurrency;
        Path kubeconfig = cluster != null ? cluster.kubeconfig()
                : demo ? null : ServerProcess.writeKubeconfig(S.apiUrl(), "bench-api");
        String ns = "kbatch-" + StubHub.USER;
        if (cluster != null) {
            // The small list exists before the server starts: the first seconds after a start are a case.
            DirectKubernetes direct = new DirectKubernetes(() -> cluster.client);
            direct.cleanNamespace(ns);
            direct.createJobs(ns, StubHub.USER, SMALL_LIST);
        }
        ServerProcess server = StartupCase.startAlternating(mode, hub, demo, kubeconfig, report.startupDemo,
                report.startupCpuDemo, report.startupDemoPlain, report.startupCpuDemoPlain);
        Target t;
        if (cluster != null) {
            t = new Target(server, () -> cluster.client, new DirectKubernetes(() -> cluster.client),
                    cluster.backendPids());
            if (S.on("first10s")) {
                // Straight after the start (the server has answered only its health check): the JIT is cold.
                try (LoadGenerator.Side cold = t.proxySide("first 10 s", ListCases.proxyList(StubHub.HUB_TOKEN))) {
                    report.firstSeconds = LoadGenerator.runFor(cold, 10);
                }
                log("GET /jobs/ (10 jobs) in the first 10 s after the start: %.0f ops/s, p50 %.2f ms, errors %d",
                        report.firstSeconds.rate(), report.firstSeconds.p(0.5), report.firstSeconds.errors);
            }
        } else {
            int apiPort = URI.create(demo ? server.apiUrl() : S.apiUrl()).getPort();
            Http.Connector plain = () -> new HttpConnection(apiPort);
            t = new Target(server, plain, new DirectKubernetes(plain), new long[0]);
            t.direct().cleanNamespace(ns);
            t.direct().createJobs(ns, StubHub.USER, SMALL_LIST);
        }
        // The fake API of phase 2 answers with exactly these lists.
        try (Http c = t.connector().open()) {
            fake.putJobList(ns, c.get("/apis/batch/v1/namespaces/" + ns + "/jobs", "", true).body);
        }
        Thread.sleep(1500);
        report.idleRssDemo = ProcessUsage.rssKiB(server.pid);
        RSS.watch(server.pid);
        log("backend Kubernetes API: %s", cluster != null ? cluster.apiUrl() : demo ? server.apiUrl() : S.apiUrl());
        warmUp(t);
        if (S.on("authorized")) {
            report.add(AuthorizedCase.authorized(t));
        }
        if (S.on("list10") || S.on("first10s")) {
            report.add(ListCases.list(t, StubHub.HUB_TOKEN, ns, SMALL_LIST + " jobs"));
        }
        if (S.on("list1k") || S.on("fixedlist")) {
            String bigNs = "kbatch-" + StubHub.LIST_USER;
            t.direct().cleanNamespace(bigNs);
            long created = System.nanoTime();
            t.direct().createJobs(bigNs, StubHub.LIST_USER, S.listJobs());
            log("created %d jobs in %s in %.1f s", S.listJobs(), bigNs, (System.nanoTime() - created) / 1e9);
            byte[] whole;
            try (Http c = t.connector().open()) {
                whole = c.get("/apis/batch/v1/namespaces/" + bigNs + "/jobs", "", true).body;
            }
            fake.putJobList(bigNs, whole);
            // For bench/Pipeline.java.
            Files.write(S.out().resolve("joblist-" + S.listJobs() + ".json"), whole);
            try (HttpConnection c = new HttpConnection(server.port)) {
                report.listBytesDirect = whole.length;
                report.listBytesProxy = c.get("/jobs/", HttpConnection.auth(StubHub.LIST_TOKEN), true).body.length;
            }
            log("a list of %d jobs: %d bytes from the API server, %d bytes from the proxy", S.listJobs(),
                    report.listBytesDirect, report.listBytesProxy);
            if (S.on("list1k")) {
                report.add(ListCases.list(t, StubHub.LIST_TOKEN, bigNs, S.listJobs() + " jobs"));
            }
            // The demo cluster's controller lists every object 5 times a second: leave it nothing to list.
            t.direct().cleanNamespace(bigNs);
        }
        if (S.on("submit")) {
            report.add(SubmitCase.submit(t));
        }
        report.peakRssDemo = RSS.stop();
        report.hwmDemo = ProcessUsage.hwmKiB(server.pid);
        server.stop();
    }

    /** Requests to every route measured later, so that the JIT has compiled them before the first case. */
    static void warmUp(Target t) throws Exception {
        String ns = "kbatch-" + StubHub.USER;
        AtomicInteger next = new AtomicInteger();
        try (LoadGenerator.Side proxy = new LoadGenerator.Side("warm-up", t.server().port, t.server().pid,
                c -> switch (next.getAndIncrement() % 3) {
            case 0 -> c.get("/authorized", HttpConnection.auth(StubHub.HUB_TOKEN)).status == 200;
            case 1 -> c.get("/", "").status == 200;
            default -> c.get("/jobs/", HttpConnection.auth(StubHub.HUB_TOKEN)).status == 200;
        }); LoadGenerator.Side direct = t.directSide("warm-up",
                c -> c.get("/apis/batch/v1/namespaces/" + ns + "/jobs", "").status == 200)) {
            LoadGenerator.runFor(proxy, 2 * LoadGenerator.warmupSeconds);
            LoadGenerator.runFor(direct, LoadGenerator.warmupSeconds);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Phase 2: the server on a kubeconfig for the fake API in this program (logs; the proxy's own cost)
    // ------------------------------------------------------------------------------------------------------------

    static void fakeApiPhase(StubHub hub, FakeApi fake, Report report) throws Exception {
        LoadGenerator.demoServer = false;
        Path kubeconfig = ServerProcess.writeKubeconfig("http://127.0.0.1:" + fake.port(), "bench-fake");
        ServerProcess server = StartupCase.startAlternating("kubeconfig", hub, false, kubeconfig,
                report.startupKubeconfig, report.startupCpuKubeconfig, report.startupKubeconfigPlain,
                report.startupCpuKubeconfigPlain);
        Thread.sleep(1500);
        report.idleRssKubeconfig = ProcessUsage.rssKiB(server.pid);
        RSS.watch(server.pid);
        String ns = "kbatch-" + StubHub.USER;
        String podPath = "/api/v1/namespaces/" + ns + "/pods/";
        if (S.on("delay")) {
            // A line every BENCH_DELAY_INTERVAL_MS, stamped with the time it is written; proxy, direct, proxy.
            String pod = "delay-" + S.delayLines() + "-" + S.delayIntervalMillis();
            LogCases.Delays viaProxy = LogCases.streamDelays(server.port, "/jobs/logs/" + pod + "/?stream=true",
                    HttpConnection.auth(StubHub.HUB_TOKEN));
            report.delayDirect = LogCases.streamDelays(fake.port(), podPath + pod + "/log?follow=true", "");
            LogCases.Delays viaProxy2 = LogCases.streamDelays(server.port, "/jobs/logs/" + pod + "/?stream=true",
                    HttpConnection.auth(StubHub.HUB_TOKEN));
            report.delayProxy = viaProxy.merge(viaProxy2);
            log("line delay through the proxy: p50 %.2f ms, p99 %.2f ms (%d lines); direct p50 %.2f ms, p99 %.2f ms",
                    report.delayProxy.p(0.50), report.delayProxy.p(0.99), report.delayProxy.n,
                    report.delayDirect.p(0.50), report.delayDirect.p(0.99));
        }
        if (S.on("bulk")) {
            // Followed (small, then big) and whole, with the server's RSS sampled meanwhile.
            report.bulkSmall = LogCases.bulk(server, server.port,
                    "/jobs/logs/bulk-" + S.logSmallBytes() + "/?stream=true", HttpConnection.auth(StubHub.HUB_TOKEN));
            report.bulkFollow = LogCases.bulk(server, server.port, "/jobs/logs/bulk-" + S.logBytes() + "/?stream=true",
                    HttpConnection.auth(StubHub.HUB_TOKEN));
            report.bulkWhole = LogCases.bulk(server, server.port, "/jobs/logs/bulk-" + S.logBytes() + "/",
                    HttpConnection.auth(StubHub.HUB_TOKEN));
            report.bulkDirect = LogCases.bulk(null, fake.port(), podPath + "bulk-" + S.logBytes() + "/log?follow=true",
                    "");
        }
        if (S.on("fixedlist")) {
            // The proxy's own cost of a list: the backend answers with fixed bytes from memory.
            for (String user : List.of(StubHub.USER, StubHub.LIST_USER)) {
                String listNs = "kbatch-" + user;
                if (!fake.jobLists.containsKey(listNs)) {
                    continue;
                }
                // The proxy reads the fake API's pages (limit/continue) and answers every item once.
                try (HttpConnection c = new HttpConnection(server.port)) {
                    Http.Response r = c.get("/jobs/", HttpConnection.auth(
                            user.equals(StubHub.USER) ? StubHub.HUB_TOKEN : StubHub.LIST_TOKEN), true);
                    int items = ((List<?>) Json.at(Json.parse(r.text()), "items")).size();
                    int expected = fake.jobLists.get(listNs).items().size();
                    if (r.status != 200 || items != expected) {
                        throw new IllegalStateException("the proxy answered " + r.status + " with " + items
                                + " jobs for a list of " + expected + " in " + fake.pages(listNs, ListCases.PAGE_SIZE)
                                + " pages");
                    }
                    log("the proxy read %d jobs from the fake API in %d page(s) of %d", items,
                            fake.pages(listNs, ListCases.PAGE_SIZE), ListCases.PAGE_SIZE);
                }
                String token = user.equals(StubHub.USER) ? StubHub.HUB_TOKEN : StubHub.LIST_TOKEN;
                String path = "/apis/batch/v1/namespaces/" + listNs + "/jobs";
                int jobs = user.equals(StubHub.USER) ? SMALL_LIST : S.listJobs();
                report.add(LoadGenerator.compare("GET /jobs/ (" + jobs + " jobs), backend = fake API (fixed bytes, "
                                + fake.pages(listNs, ListCases.PAGE_SIZE) + " page"
                                + (fake.pages(listNs, ListCases.PAGE_SIZE) == 1 ? "" : "s") + " of "
                                + ListCases.PAGE_SIZE + ")",
                        ListCases.pagedListName(path) + " (fake API)",
                        new LoadGenerator.Side("proxy", server.port, server.pid,
                                c -> c.get("/jobs/", HttpConnection.auth(token)).status == 200),
                        new LoadGenerator.Side("direct", fake.port(), server.pid, c -> ListCases.pagedList(c, path)),
                        null));
            }
        }
        report.peakRssKubeconfig = RSS.stop();
        report.hwmKubeconfig = ProcessUsage.hwmKiB(server.pid);
        if (S.on("oneline")) {
            // On a fresh server: a heap grown by the cases before would hide the growth (and keep it committed).
            server.stop();
            server = ServerProcess.start("kubeconfig-oneline", hub, false, kubeconfig, true);
            Thread.sleep(1500);
            RSS.watch(server.pid);
            // A log without newlines: how much of it does the server hold at once?
            long bytes = Settings.longEnv("BENCH_ONELINE_BYTES", 64L << 20);
            try {
                report.oneLineBytes = bytes;
                report.oneLine = LogCases.bulk(server, server.port, "/jobs/logs/oneline-" + bytes + "/?stream=true",
                        HttpConnection.auth(StubHub.HUB_TOKEN));
            } catch (IOException e) {
                report.oneLineFailure = Report.size(bytes) + ": " + e.getMessage();
                log("log of one %d MiB line: %s; server alive: %s", bytes >> 20, e, server.process.isAlive());
            }
            if (!server.process.isAlive()) {
                throw new IllegalStateException("the server died streaming a log of one long line; see " + server.log);
            }
        }
        RSS.stop();
        server.stop();
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n",
                DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()),
                String.format(Locale.ROOT, format, args));
    }
}
