import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * kbatch-proxy benchmark: one self-contained program (JDK only, run with {@code java bench/Bench.java}, or
 * {@code bench/run.sh}). It starts, all on 127.0.0.1:
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

    // ------------------------------------------------------------------------------------------------------------
    // Settings
    // ------------------------------------------------------------------------------------------------------------

    /** Every knob, from the environment; the defaults keep a run within about 4 minutes on 2 cores. */
    record Settings(int concurrency, double warmupSeconds, double roundSeconds, int rounds, int starts,
                    long logBytes, long logSmallBytes, int logLineBytes, int delayLines, int delayIntervalMillis,
                    int listJobs, String serverJavaOpts, String jfr, Path jar, Path demoJar, Path out, String apiUrl,
                    int maxSeconds, String commit, List<String> cases) {

        static Settings fromEnvironment(Path root) {
            return new Settings(
                    intEnv("BENCH_CONCURRENCY", 8),
                    doubleEnv("BENCH_WARMUP_SECONDS", 3),
                    doubleEnv("BENCH_ROUND_SECONDS", 2),
                    intEnv("BENCH_ROUNDS", 4),
                    intEnv("BENCH_STARTS", 3),
                    longEnv("BENCH_LOG_BYTES", 1L << 30),
                    longEnv("BENCH_LOG_SMALL_BYTES", 64L << 20),
                    intEnv("BENCH_LOG_LINE_BYTES", 200),
                    intEnv("BENCH_DELAY_LINES", 500),
                    intEnv("BENCH_DELAY_INTERVAL_MS", 10),
                    intEnv("BENCH_LIST_JOBS", 1000),
                    // What the Helm chart's pod gets (read from helm/kbatch-proxy/values.yaml, see ChartJvm), unless
                    // BENCH_SERVER_JAVA_OPTS says otherwise.
                    env("BENCH_SERVER_JAVA_OPTS", ChartJvm.read(root).benchOptions()),
                    env("BENCH_JFR", ""),
                    root.resolve(env("BENCH_JAR", "server/target/kbatch-proxy.jar")),
                    root.resolve(env("BENCH_DEMO_JAR", "demo/target/kbatch-proxy-demo.jar")),
                    root.resolve(env("BENCH_OUT", "bench/out")),
                    env("BENCH_API_URL", ""),
                    intEnv("BENCH_MAX_SECONDS", 480),
                    env("BENCH_COMMIT", "unknown"),
                    List.of(env("BENCH_CASES", String.join(",", CASES)).split("\\s*,\\s*")));
        }

        /** Whether a case is to be run ({@code BENCH_CASES}, a comma-separated subset of {@link #CASES}). */
        boolean on(String name) {
            return cases.contains(name);
        }
    }

    /**
     * The JVM options the Helm chart gives the pod: {@code app.java_tool_options} (JAVA_TOOL_OPTIONS) and the memory
     * limit {@code resources.limits.memory}, which the JVM in the container sees as its RAM and which the bench gives
     * the server as {@code -XX:MaxRAM}. Plus {@code -Dsun.net.httpserver.nodelay=true}, which only concerns
     * com.sun.net.httpserver, in the server the demo cluster's API front: without it every answer of the demo API
     * waits for the client's delayed ACK (~40 ms), which a real API server (Go, TCP_NODELAY) does not do.
     */
    record ChartJvm(String javaToolOptions, String memoryLimit) {

        static ChartJvm read(Path root) {
            Path values = root.resolve("helm/kbatch-proxy/values.yaml");
            try {
                String yaml = Files.readString(values);
                var options = java.util.regex.Pattern.compile("(?m)^\\s+java_tool_options:\\s*\"([^\"]*)\"").matcher(yaml);
                var limit = java.util.regex.Pattern.compile("(?m)^resources:\\s*\\n(?:\\s+.*\\n)*?\\s+limits:\\s*\\n(?:\\s+.*\\n)*?\\s+memory:\\s*\"?(\\w+)")
                        .matcher(yaml);
                if (!options.find() || !limit.find()) {
                    throw new IllegalStateException("no app.java_tool_options or resources.limits.memory in " + values);
                }
                return new ChartJvm(options.group(1).trim(), limit.group(1));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + values + ": " + e, e);
            }
        }

        /** The memory limit as a -XX:MaxRAM value (512Mi: 512m). */
        String maxRam() {
            var m = java.util.regex.Pattern.compile("(\\d+)(Mi|Gi|M|G)").matcher(memoryLimit);
            if (!m.matches()) {
                throw new IllegalStateException("unsupported memory limit " + memoryLimit);
            }
            long mib = Long.parseLong(m.group(1)) * (m.group(2).startsWith("G") ? 1024 : 1);
            if (!m.group(2).endsWith("i")) {
                mib = mib * 1_000_000 / 1_048_576;
            }
            return mib + "m";
        }

        String benchOptions() {
            return "-XX:MaxRAM=" + maxRam() + " " + javaToolOptions + " -Dsun.net.httpserver.nodelay=true";
        }
    }

    /** The cases, in the order they run. */
    static final List<String> CASES = List.of("authorized", "list10", "list1k", "submit", "delay", "bulk", "fixedlist",
            "oneline");

    static final String HUB_TOKEN = "bench-token";
    static final String LIST_TOKEN = "bench-1k-token";
    static final String SUBMIT_TOKEN = "bench-submit-token";
    static final String USER = "bench";
    static final String LIST_USER = "bench-1k";
    static final String SUBMIT_USER = "bench-submit";
    static final int SMALL_LIST = 10;

    static Settings S;
    static Path ROOT;
    static final List<Server> SERVERS = new CopyOnWriteArrayList<>();
    static final RssSampler RSS = new RssSampler();

    public static void main(String[] args) throws Exception {
        // The stub hub and the fake API answer without waiting for delayed ACKs (see Settings).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ROOT = Path.of(System.getProperty("user.dir"));
        if (!Files.isDirectory(ROOT.resolve("bench"))) {
            throw new IllegalStateException("run from the repository root (bench/run.sh does)");
        }
        S = Settings.fromEnvironment(ROOT);
        Files.createDirectories(S.out());
        for (Path jar : List.of(S.jar(), S.demoJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no jar at " + jar + ": build it (bench/run.sh does)");
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::stopServers));
        Thread watchdog = Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(S.maxSeconds() * 1000L);
                System.err.println("bench: time limit of " + S.maxSeconds() + " s reached; stopping");
                stopServers();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // The run ended in time.
            }
        });
        long t0 = System.nanoTime();
        Report report = new Report();
        try (StubHub hub = StubHub.start(); FakeApi fake = FakeApi.start()) {
            RSS.start();
            log("server JVM options: %s (%s)", S.serverJavaOpts(), env("BENCH_SERVER_JAVA_OPTS", "").isEmpty()
                    ? "the Helm chart's: " + Report.chartJvmNote() : "BENCH_SERVER_JAVA_OPTS, not the Helm chart's");
            trainCds(S.jar());
            if (S.apiUrl().isEmpty()) {
                trainCds(S.demoJar());
            }
            demoPhase(hub, fake, report);
            fakeApiPhase(hub, fake, report);
            report.hubLookups = hub.lookups.get();
        } finally {
            stopServers();
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
    // Phase 1: the server in demo mode (or against BENCH_API_URL)
    // ------------------------------------------------------------------------------------------------------------

    static void demoPhase(StubHub hub, FakeApi fake, Report report) throws Exception {
        demoServer = true;
        boolean demo = S.apiUrl().isEmpty();
        String mode = demo ? "demo" : "api";
        Path kubeconfig = demo ? null : writeKubeconfig(S.apiUrl(), "bench-api");
        Server server = startAlternating(mode, hub, demo, kubeconfig, report.startupDemo, report.startupCpuDemo,
                report.startupDemoPlain, report.startupCpuDemoPlain);
        Thread.sleep(1500);
        report.idleRssDemo = rssKiB(server.pid);
        RSS.watch(server.pid);
        String apiUrl = demo ? server.apiUrl() : S.apiUrl();
        log("backend Kubernetes API: %s", apiUrl);
        Target t = new Target(server, URI.create(apiUrl).getPort(), new Direct(URI.create(apiUrl).getPort()));
        t.direct().cleanNamespace("kbatch-" + USER);
        t.direct().createJobs("kbatch-" + USER, USER, SMALL_LIST);
        try (Conn c = new Conn(t.apiPort())) {
            fake.putJobList("kbatch-" + USER, c.get("/apis/batch/v1/namespaces/kbatch-" + USER + "/jobs", "", true).body);
        }
        warmUp(t);
        if (S.on("authorized")) {
            report.add(authorized(t));
        }
        if (S.on("list10")) {
            report.add(list(t, HUB_TOKEN, "kbatch-" + USER, SMALL_LIST + " jobs"));
        }
        if (S.on("list1k") || S.on("fixedlist")) {
            String ns = "kbatch-" + LIST_USER;
            t.direct().cleanNamespace(ns);
            long created = System.nanoTime();
            t.direct().createJobs(ns, LIST_USER, S.listJobs());
            log("created %d jobs in %s in %.1f s", S.listJobs(), ns, (System.nanoTime() - created) / 1e9);
            // The fake API of phase 2 answers with exactly this list.
            try (Conn c = new Conn(t.apiPort())) {
                fake.putJobList(ns, c.get("/apis/batch/v1/namespaces/" + ns + "/jobs", "", true).body);
            }
            Files.write(S.out().resolve("joblist-" + S.listJobs() + ".json"), fake.jobLists.get(ns).whole()); // Pipeline.java
            try (Conn c = new Conn(server.port)) {
                report.listBytesDirect = fake.jobLists.get(ns).whole().length;
                report.listBytesProxy = c.get("/jobs/", auth(LIST_TOKEN), true).body.length;
            }
            log("a list of %d jobs: %d bytes from the API server, %d bytes from the proxy", S.listJobs(),
                    report.listBytesDirect, report.listBytesProxy);
            if (S.on("list1k")) {
                report.add(list(t, LIST_TOKEN, ns, S.listJobs() + " jobs"));
            }
            // The demo cluster's controller lists every object 5 times a second: leave it nothing to list.
            t.direct().cleanNamespace(ns);
        }
        if (S.on("submit")) {
            report.add(submit(t));
        }
        report.peakRssDemo = RSS.stop();
        report.hwmDemo = hwmKiB(server.pid);
        server.stop();
    }

    /**
     * Starts the server {@code BENCH_STARTS} times as the image starts it (with the AppCDS archive) and as many times
     * with a plain {@code java -jar}, alternating (A B B A ...) so that a change of the machine's load hits both alike,
     * and returns the last one, which is always one started as the image does: the server the cases then measure.
     */
    static Server startAlternating(String mode, StubHub hub, boolean demo, Path kubeconfig, List<Double> ready,
                                   List<Double> cpu, List<Double> readyPlain, List<Double> cpuPlain) throws Exception {
        int n = S.starts();
        Server server = null;
        for (int i = 0; i < 2 * n; i++) {
            // ABBA...: the last of 2n starts is B when n is odd, A when it is even; the last must use the archive.
            boolean a = i % 4 == 0 || i % 4 == 3;
            boolean cds = n % 2 == 1 ? !a : a;
            if (server != null) {
                server.stop();
            }
            server = Server.start(mode + (cds ? "-cds-" : "-plain-") + (i / 2 + 1), hub, demo, kubeconfig, cds);
            (cds ? ready : readyPlain).add(server.readyMillis);
            (cds ? cpu : cpuPlain).add(server.readyCpuMillis);
            log("started the server (%s, %s): ready in %.0f ms (%.0f ms CPU)", mode,
                    cds ? "with the AppCDS archive" : "plain java -jar", server.readyMillis, server.readyCpuMillis);
        }
        return server;
    }

    /** Added to the server's JVM options in demo mode (BENCH_DEMO_JAVA_OPTS; see Server.start). */
    static final String DEMO_JAVA_OPTS = env("BENCH_DEMO_JAVA_OPTS", "-XX:MaxRAMPercentage=75");

    /** JVM options given as one string, as separate arguments. */
    static List<String> options(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(opt -> !opt.isEmpty()).toList();
    }

    /**
     * Where the training run writes the AppCDS archive of a jar (bench/out): an archive only serves the class path it
     * was dumped for, so the production jar and the demo jar each get one.
     */
    static Path archive(Path jar) {
        return S.out().resolve(jar.getFileName().toString().replaceAll("\\.jar$", "") + ".jsa");
    }

    /**
     * The AppCDS archive, made as the image makes it: {@code docker/cds-training.sh} (the script the Dockerfile runs)
     * with this JDK, the server jar and the server's JVM options.
     */
    static void trainCds(Path jar) throws Exception {
        Path archive = archive(jar);
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("docker/cds-training.sh").toString(),
                archive.toString()));
        command.addAll(options(S.serverJavaOpts()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        pb.environment().put("JAR", jar.toString());
        pb.environment().put("DEMO_JAR", S.demoJar().toString());
        pb.environment().put("CDS_PORT", Integer.toString(freePort()));
        Path log = S.out().resolve("cds-training-" + jar.getFileName() + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the AppCDS training run took over 120 s; see " + log);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(archive)) {
            throw new IllegalStateException("the AppCDS training run failed (" + p.exitValue() + "); see " + log);
        }
        log("AppCDS archive from a training run (docker/cds-training.sh): %s, %d MiB, in %.1f s",
                ROOT.relativize(archive), Files.size(archive) >> 20, (System.nanoTime() - t0) / 1e9);
    }

    /** The server under test, the port of its backend, and a connection to that backend. */
    record Target(Server server, int apiPort, Direct direct) {
    }

    /** {@code GET /authorized} with a cached token vs {@code GET /} of the same server. */
    static Pair authorized(Target t) throws Exception {
        return compare("GET /authorized (cached token)", "GET / (trivial route, same server)",
                new Side("proxy", t.server().port, t.server().pid,
                        c -> c.get("/authorized", auth(HUB_TOKEN)).status == 200),
                new Side("trivial", t.server().port, t.server().pid, c -> c.get("/", "").status == 200),
                null);
    }

    /** {@code GET /jobs/} vs the same list straight from the API server, page by page as the proxy reads it. */
    static Pair list(Target t, String token, String ns, String what) throws Exception {
        String path = "/apis/batch/v1/namespaces/" + ns + "/jobs";
        return compare("GET /jobs/ (" + what + ")", pagedListName(path),
                new Side("proxy", t.server().port, t.server().pid, c -> c.get("/jobs/", auth(token)).status == 200),
                new Side("direct", t.apiPort(), t.server().pid, c -> pagedList(c, path)),
                null);
    }

    /**
     * The page size the proxy asks the Kubernetes API for ({@code kube.Pages.PAGE_SIZE}); the direct side of
     * the list cases reads the list the same way: {@code ?limit=500}, then {@code &continue=<token>} until the API
     * answers without one (a real API server pages; the demo cluster answers everything in one page).
     */
    static final int PAGE_SIZE = 500;

    static String pagedListName(String path) {
        return "GET " + path + "?limit=" + PAGE_SIZE + ", then each `continue` page (as the proxy reads it)";
    }

    /** Reads a list page by page, as the proxy does; true when every page answered 200. */
    static boolean pagedList(Conn c, String path) throws IOException {
        String token = null;
        int pages = 0;
        do {
            ContinueScanner scanner = new ContinueScanner();
            String page = path + "?limit=" + PAGE_SIZE + (token == null ? ""
                    : "&continue=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
            if (c.exchange("GET", page, "", null, scanner).status != 200 || ++pages > 10_000) {
                return false;
            }
            token = scanner.token();
        } while (token != null && !token.isEmpty());
        return true;
    }

    /**
     * Finds {@code "continue":"<token>"} in a list as it streams by, without keeping the body (the proxy side of a
     * case does not keep it either): the list metadata's continue token, or null.
     */
    static final class ContinueScanner implements Sink {
        private static final byte[] KEY = "\"continue\":\"".getBytes(StandardCharsets.ISO_8859_1);
        private int matched;
        private StringBuilder token;
        private boolean done;

        @Override
        public void accept(byte[] buf, int off, int len) {
            for (int i = off; i < off + len && !done; i++) {
                byte b = buf[i];
                if (token != null) {
                    if (b == '"') {
                        done = true;
                    } else {
                        token.append((char) b);
                    }
                } else if (b == KEY[matched]) {
                    if (++matched == KEY.length) {
                        token = new StringBuilder();
                    }
                } else {
                    matched = b == KEY[0] ? 1 : 0;
                }
            }
        }

        String token() {
            return done ? token.toString() : null;
        }
    }

    /** {@code POST /jobs/} (CLI body with env and code) vs the same Kubernetes calls made directly. */
    static Pair submit(Target t) throws Exception {
        String ns = "kbatch-" + SUBMIT_USER;
        byte[] body = Files.readAllBytes(ROOT.resolve("bench/fixtures/submit-job-with-code.cli.json"));
        DirectSubmission submission = new DirectSubmission(ns, SUBMIT_USER, SUBMIT_TOKEN);
        t.direct().cleanNamespace(ns);
        // Every segment starts from an empty namespace (the demo controller's work grows with what exists).
        return compare("POST /jobs/ (env + code)", "the 6 calls: namespace, secret, configmap, job, 2 merge patches",
                new Side("proxy", t.server().port, t.server().pid, c -> c.request("POST", "/jobs/",
                        auth(SUBMIT_TOKEN) + JSON_TYPE, body, false).status == 200),
                new Side("direct", t.apiPort(), t.server().pid, submission::run),
                () -> t.direct().cleanNamespace(ns));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Phase 2: the server on a kubeconfig for the fake API in this program (logs; the proxy's own cost)
    // ------------------------------------------------------------------------------------------------------------

    static void fakeApiPhase(StubHub hub, FakeApi fake, Report report) throws Exception {
        demoServer = false;
        Path kubeconfig = writeKubeconfig("http://127.0.0.1:" + fake.port(), "bench-fake");
        Server server = startAlternating("kubeconfig", hub, false, kubeconfig, report.startupKubeconfig,
                report.startupCpuKubeconfig, report.startupKubeconfigPlain, report.startupCpuKubeconfigPlain);
        Thread.sleep(1500);
        report.idleRssKubeconfig = rssKiB(server.pid);
        RSS.watch(server.pid);
        String ns = "kbatch-" + USER;
        String podPath = "/api/v1/namespaces/" + ns + "/pods/";
        if (S.on("delay")) {
            // A line every BENCH_DELAY_INTERVAL_MS, stamped with the time it is written; proxy, direct, proxy.
            String pod = "delay-" + S.delayLines() + "-" + S.delayIntervalMillis();
            Delays viaProxy = streamDelays(server.port, "/jobs/logs/" + pod + "/?stream=true", auth(HUB_TOKEN));
            report.delayDirect = streamDelays(fake.port(), podPath + pod + "/log?follow=true", "");
            Delays viaProxy2 = streamDelays(server.port, "/jobs/logs/" + pod + "/?stream=true", auth(HUB_TOKEN));
            report.delayProxy = viaProxy.merge(viaProxy2);
            log("line delay through the proxy: p50 %.2f ms, p99 %.2f ms (%d lines); direct p50 %.2f ms, p99 %.2f ms",
                    report.delayProxy.p(0.50), report.delayProxy.p(0.99), report.delayProxy.n,
                    report.delayDirect.p(0.50), report.delayDirect.p(0.99));
        }
        if (S.on("bulk")) {
            // Followed (small, then big) and whole, with the server's RSS sampled meanwhile.
            report.bulkSmall = bulk(server, server.port, "/jobs/logs/bulk-" + S.logSmallBytes() + "/?stream=true",
                    auth(HUB_TOKEN));
            report.bulkFollow = bulk(server, server.port, "/jobs/logs/bulk-" + S.logBytes() + "/?stream=true",
                    auth(HUB_TOKEN));
            report.bulkWhole = bulk(server, server.port, "/jobs/logs/bulk-" + S.logBytes() + "/", auth(HUB_TOKEN));
            report.bulkDirect = bulk(null, fake.port(), podPath + "bulk-" + S.logBytes() + "/log?follow=true", "");
        }
        if (S.on("fixedlist")) {
            // The proxy's own cost of a list: the backend answers with fixed bytes from memory.
            for (String user : List.of(USER, LIST_USER)) {
                String listNs = "kbatch-" + user;
                if (!fake.jobLists.containsKey(listNs)) {
                    continue;
                }
                // The proxy reads the fake API's pages (limit/continue) and answers every item once.
                try (Conn c = new Conn(server.port)) {
                    Response r = c.get("/jobs/", auth(user.equals(USER) ? HUB_TOKEN : LIST_TOKEN), true);
                    int items = ((List<?>) Json.at(Json.parse(r.text()), "items")).size();
                    int expected = fake.jobLists.get(listNs).items().size();
                    if (r.status != 200 || items != expected) {
                        throw new IllegalStateException("the proxy answered " + r.status + " with " + items
                                + " jobs for a list of " + expected + " in " + fake.pages(listNs, PAGE_SIZE) + " pages");
                    }
                    log("the proxy read %d jobs from the fake API in %d page(s) of %d", items, fake.pages(listNs, PAGE_SIZE),
                            PAGE_SIZE);
                }
                String token = user.equals(USER) ? HUB_TOKEN : LIST_TOKEN;
                String path = "/apis/batch/v1/namespaces/" + listNs + "/jobs";
                int jobs = user.equals(USER) ? SMALL_LIST : S.listJobs();
                report.add(compare("GET /jobs/ (" + jobs + " jobs), backend = fake API (fixed bytes, "
                                + fake.pages(listNs, PAGE_SIZE) + " page" + (fake.pages(listNs, PAGE_SIZE) == 1 ? "" : "s")
                                + " of " + PAGE_SIZE + ")",
                        pagedListName(path) + " (fake API)",
                        new Side("proxy", server.port, server.pid, c -> c.get("/jobs/", auth(token)).status == 200),
                        new Side("direct", fake.port(), server.pid, c -> pagedList(c, path)),
                        null));
            }
        }
        report.peakRssKubeconfig = RSS.stop();
        report.hwmKubeconfig = hwmKiB(server.pid);
        if (S.on("oneline")) {
            // On a fresh server: a heap grown by the cases before would hide the growth (and keep it committed).
            server.stop();
            server = Server.start("kubeconfig-oneline", hub, false, kubeconfig, true);
            Thread.sleep(1500);
            RSS.watch(server.pid);
            // A log without newlines: how much of it does the server hold at once?
            long bytes = longEnv("BENCH_ONELINE_BYTES", 64L << 20);
            try {
                report.oneLineBytes = bytes;
                report.oneLine = bulk(server, server.port, "/jobs/logs/oneline-" + bytes + "/?stream=true", auth(HUB_TOKEN));
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

    static String auth(String token) {
        return "Authorization: token " + token + "\r\n";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Load: closed loop, fixed concurrency, warm-up, rounds A B B A
    // ------------------------------------------------------------------------------------------------------------

    interface Op {
        boolean run(Conn c) throws IOException;
    }

    /** One side of a comparison: what a worker does once, on a connection to {@code port}. */
    static final class Side implements Closeable {
        final String name;
        final int port;
        final long serverPid;
        final Op op;
        final Conn[] conns;

        Side(String name, int port, long serverPid, Op op) {
            this.name = name;
            this.port = port;
            this.serverPid = serverPid;
            this.op = op;
            this.conns = new Conn[S.concurrency()];
        }

        @Override
        public void close() {
            for (Conn c : conns) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** What one side did in its measured rounds. */
    static final class Stats {
        long ops;
        long errors;
        long nanos;
        long serverCpuNanos;
        long idleCpuNanosPerSecond;
        /** Server CPU by thread kind (digits in thread names folded), when BENCH_THREADS=1. */
        final Map<String, Long> threadCpuNanos = new java.util.TreeMap<>();
        long benchCpuNanos;
        long[] latencies = new long[0];
        final List<Double> roundRates = new ArrayList<>();
        String firstError;

        void add(Stats round) {
            ops += round.ops;
            errors += round.errors;
            nanos += round.nanos;
            serverCpuNanos += round.serverCpuNanos;
            round.threadCpuNanos.forEach((k, v) -> threadCpuNanos.merge(k, v, Long::sum));
            benchCpuNanos += round.benchCpuNanos;
            long[] merged = Arrays.copyOf(latencies, latencies.length + round.latencies.length);
            System.arraycopy(round.latencies, 0, merged, latencies.length, round.latencies.length);
            latencies = merged;
            roundRates.add(round.rate());
            if (firstError == null) {
                firstError = round.firstError;
            }
        }

        double rate() {
            return nanos == 0 ? 0 : ops / (nanos / 1e9);
        }

        double p(double q) {
            return percentile(latencies, q) / 1e6;
        }

        double serverCpuMicrosPerOp() {
            double busy = Math.max(0, serverCpuNanos - idleCpuNanosPerSecond * (nanos / 1e9));
            return ops == 0 ? 0 : busy / 1e3 / ops;
        }

        double benchCpuMicrosPerOp() {
            return ops == 0 ? 0 : benchCpuNanos / 1e3 / ops;
        }

        /** Spread of the round rates, (max - min) / mean. */
        double spread() {
            double min = roundRates.stream().mapToDouble(d -> d).min().orElse(0);
            double max = roundRates.stream().mapToDouble(d -> d).max().orElse(0);
            double mean = roundRates.stream().mapToDouble(d -> d).average().orElse(0);
            return mean == 0 ? 0 : (max - min) / mean;
        }
    }

    /** Whether the server being measured is the demo-mode one (its RSS includes the embedded Kubernetes API). */
    static volatile boolean demoServer;

    record Pair(String name, String baseline, Stats proxy, Stats direct, long peakRssKiB, boolean demoServer) {
    }

    static Pair compare(String name, String baseline, Side a, Side b, Runnable between) throws Exception {
        log("case %s", name);
        RSS.window();
        try (a; b) {
            runFor(a, S.warmupSeconds());
            if (between != null) between.run();
            runFor(b, S.warmupSeconds());
            if (between != null) between.run();
            // What the server burns with nothing to do (the demo cluster's controller polls), taken out of CPU/op:
            // the lower of one idle second before and one after the rounds (before, the JIT may still be busy).
            long idleBefore = idleCpuNanosPerSecond(a.serverPid);
            Stats sa = new Stats();
            Stats sb = new Stats();
            for (int r = 0; r < S.rounds(); r++) {
                Side first = r % 2 == 0 ? a : b;
                Side second = r % 2 == 0 ? b : a;
                Stats s1 = runFor(first, S.roundSeconds());
                if (between != null) between.run();
                Stats s2 = runFor(second, S.roundSeconds());
                if (between != null) between.run();
                (first == a ? sa : sb).add(s1);
                (second == a ? sa : sb).add(s2);
            }
            long idleCpu = Math.min(idleBefore, idleCpuNanosPerSecond(a.serverPid));
            sa.idleCpuNanosPerSecond = sb.idleCpuNanosPerSecond = idleCpu;
            log("  (idle server: %.0f ms CPU/s, taken out of the CPU per op)", idleCpu / 1e6);
            log("  %-8s %8.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  server CPU %7.0f us/op  errors %d%s", a.name,
                    sa.rate(), sa.p(0.5), sa.p(0.99), sa.serverCpuMicrosPerOp(), sa.errors,
                    sa.firstError == null ? "" : " (" + sa.firstError + ")");
            log("  %-8s %8.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  server CPU %7.0f us/op  errors %d%s", b.name,
                    sb.rate(), sb.p(0.5), sb.p(0.99), sb.serverCpuMicrosPerOp(), sb.errors,
                    sb.firstError == null ? "" : " (" + sb.firstError + ")");
            for (Stats st : List.of(sa, sb)) {
                if (!st.threadCpuNanos.isEmpty()) {
                    log("  server CPU by thread (%s), µs/op: %s", st == sa ? a.name : b.name,
                            st.threadCpuNanos.entrySet().stream().filter(e -> e.getValue() > 0)
                                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(8)
                                    .map(e -> e.getKey() + " " + Math.round(e.getValue() / 1e3 / Math.max(1, st.ops)))
                                    .collect(java.util.stream.Collectors.joining(", ")));
                }
            }
            long peak = RSS.windowPeak();
            log("  server RSS peak during the case: %d MiB", peak >> 10);
            return new Pair(name, baseline, sa, sb, peak, demoServer);
        }
    }

    /** The server's CPU use over one idle second. */
    static long idleCpuNanosPerSecond(long pid) throws InterruptedException {
        long c0 = cpuNanos(pid);
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        return (long) ((cpuNanos(pid) - c0) / ((System.nanoTime() - t0) / 1e9));
    }

    /** Requests to every route measured later, so that the JIT has compiled them before the first case. */
    static void warmUp(Target t) throws Exception {
        String ns = "kbatch-" + USER;
        AtomicInteger next = new AtomicInteger();
        try (Side proxy = new Side("warm-up", t.server().port, t.server().pid, c -> switch (next.getAndIncrement() % 3) {
            case 0 -> c.get("/authorized", auth(HUB_TOKEN)).status == 200;
            case 1 -> c.get("/", "").status == 200;
            default -> c.get("/jobs/", auth(HUB_TOKEN)).status == 200;
        }); Side direct = new Side("warm-up", t.apiPort(), t.server().pid,
                c -> c.get("/apis/batch/v1/namespaces/" + ns + "/jobs", "").status == 200)) {
            runFor(proxy, 2 * S.warmupSeconds());
            runFor(direct, S.warmupSeconds());
        }
    }

    static Stats runFor(Side side, double seconds) throws InterruptedException {
        int n = S.concurrency();
        long[][] lat = new long[n][];
        int[] counts = new int[n];
        long[] errors = new long[n];
        String[] firstError = new String[n];
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong deadline = new AtomicLong();
        Thread[] threads = new Thread[n];
        for (int w = 0; w < n; w++) {
            int worker = w;
            threads[w] = Thread.ofPlatform().name("bench-worker-" + w).start(() -> {
                long[] mine = new long[4096];
                int count = 0;
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = deadline.get();
                long t0;
                while ((t0 = System.nanoTime()) < end) {
                    boolean ok;
                    String error = null;
                    try {
                        Conn c = side.conns[worker];
                        if (c == null) {
                            c = side.conns[worker] = new Conn(side.port);
                        }
                        ok = side.op.run(c);
                        if (!ok) {
                            error = "unexpected answer";
                        }
                    } catch (IOException | RuntimeException e) {
                        ok = false;
                        error = e.toString();
                        if (side.conns[worker] != null) {
                            side.conns[worker].close();
                            side.conns[worker] = null;
                        }
                    }
                    long t1 = System.nanoTime();
                    if (ok) {
                        if (count == mine.length) {
                            mine = Arrays.copyOf(mine, count * 2);
                        }
                        mine[count++] = t1 - t0;
                    } else {
                        errors[worker]++;
                        if (firstError[worker] == null) {
                            firstError[worker] = error;
                        }
                    }
                }
                lat[worker] = mine;
                counts[worker] = count;
            });
        }
        boolean byThread = env("BENCH_THREADS", "0").equals("1");
        Map<String, Long> threads0 = byThread ? threadCpu(side.serverPid) : Map.of();
        long cpu0 = cpuNanos(side.serverPid);
        long bench0 = benchCpuNanos();
        long start = System.nanoTime();
        deadline.set(start + (long) (seconds * 1e9));
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        Stats s = new Stats();
        s.nanos = elapsed;
        s.serverCpuNanos = cpuNanos(side.serverPid) - cpu0;
        s.benchCpuNanos = benchCpuNanos() - bench0;
        if (byThread) {
            Map<String, Long> threads1 = threadCpu(side.serverPid);
            threads1.forEach((tid, v) -> {
                String[] nameAndTid = tid.split("\t");
                s.threadCpuNanos.merge(nameAndTid[0], v - threads0.getOrDefault(tid, 0L), Long::sum);
            });
        }
        int total = 0;
        for (int w = 0; w < n; w++) {
            total += counts[w];
            s.errors += errors[w];
            if (s.firstError == null) {
                s.firstError = firstError[w];
            }
        }
        s.latencies = new long[total];
        int at = 0;
        for (int w = 0; w < n; w++) {
            System.arraycopy(lat[w], 0, s.latencies, at, counts[w]);
            at += counts[w];
        }
        s.ops = total;
        return s;
    }

    static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Logs: line delay and bulk transfer
    // ------------------------------------------------------------------------------------------------------------

    /** Delays (nanos) between a line being written by the fake API and it arriving here. */
    static final class Delays {
        long[] values = new long[0];
        int n;
        long bytes;

        double p(double q) {
            return percentile(Arrays.copyOf(values, n), q) / 1e6;
        }

        Delays merge(Delays other) {
            Delays m = new Delays();
            m.values = Arrays.copyOf(values, n + other.n);
            System.arraycopy(other.values, 0, m.values, n, other.n);
            m.n = n + other.n;
            m.bytes = bytes + other.bytes;
            return m;
        }
    }

    static Delays streamDelays(int port, String path, String headers) throws IOException {
        Delays d = new Delays();
        d.values = new long[S.delayLines()];
        try (Conn c = new Conn(port)) {
            Response r = c.exchange("GET", path, headers, null, (buf, off, len) -> {
                long now = System.nanoTime();
                d.bytes += len;
                String text = new String(buf, off, len, StandardCharsets.ISO_8859_1);
                int at = 0;
                while ((at = text.indexOf(" t=", at)) >= 0) {
                    int end = text.indexOf(' ', at + 3);
                    if (end < 0) {
                        break;
                    }
                    long written = Long.parseLong(text.substring(at + 3, end));
                    if (d.n == d.values.length) {
                        d.values = Arrays.copyOf(d.values, d.n * 2 + 1);
                    }
                    d.values[d.n++] = now - written;
                    at = end;
                }
            });
            if (r.status != 200) {
                throw new IOException("log stream answered " + r.status + ": " + path);
            }
        }
        return d;
    }

    /** A log read whole, as fast as it comes, with the server's RSS sampled meanwhile. */
    record Bulk(String path, long bytes, double seconds, long peakRssKiB, long rssBeforeKiB) {
        double mibPerSecond() {
            return bytes / 1048576.0 / seconds;
        }
    }

    static Bulk bulk(Server server, int port, String path, String headers) throws IOException {
        long before = server == null ? 0 : rssKiB(server.pid);
        RSS.window();
        AtomicLong bytes = new AtomicLong();
        long t0 = System.nanoTime();
        try (Conn c = new Conn(port)) {
            c.socket.setSoTimeout(120_000);
            Response r = c.exchange("GET", path, headers, null, (buf, off, len) -> bytes.addAndGet(len));
            if (r.status != 200) {
                throw new IOException("log answered " + r.status + ": " + path);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = server == null ? 0 : RSS.windowPeak();
        Bulk b = new Bulk(path, bytes.get(), seconds, peak, before);
        log("log %s: %d MiB in %.1f s (%.0f MiB/s), server RSS %d MiB before, peak %d MiB", path,
                b.bytes() >> 20, seconds, b.mibPerSecond(), before >> 10, peak >> 10);
        return b;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Direct Kubernetes calls
    // ------------------------------------------------------------------------------------------------------------

    static final class Direct {
        final int port;

        Direct(int port) throws IOException {
            this.port = port;
        }

        /** Deletes the jobs, pods, secrets and configmaps of a namespace (creating the namespace if missing). */
        void cleanNamespace(String ns) {
            // A new connection each time: the API server may have closed an idle one.
            try (Conn conn = new Conn(port)) {
                Response r = conn.request("POST", "/api/v1/namespaces", JSON_TYPE,
                        bytes(template("direct-1-namespace.json").replace("${NS}", ns)), false);
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
            String suspended = job.replace("\"backoffLimit\": 0,", "\"backoffLimit\": 0, \"suspend\": true,");
            if (suspended.equals(job)) {
                throw new IllegalStateException("direct-4-job.json has no backoffLimit to anchor suspend on");
            }
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
                    try (Conn c = new Conn(port)) {
                        while (next.getAndIncrement() < n) {
                            Response r = c.request("POST", "/apis/batch/v1/namespaces/" + ns + "/jobs", JSON_TYPE,
                                    bytes(suspended.replace("${ID}", UUID.randomUUID().toString())), true);
                            check(r, 201);
                            String name = (String) Json.at(Json.parse(r.text()), "metadata", "name");
                            check(c.request("PATCH", "/apis/batch/v1/namespaces/" + ns + "/jobs/" + name + "/status",
                                    MERGE_PATCH_TYPE, bytes(status), false), 200);
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
    }

    /**
     * The Kubernetes calls of one submission with env and code, in the proxy's order: the namespace (409 from the
     * second time on, as for the proxy), the Secret, the ConfigMap, the Job, then the owner merge patches of the
     * Secret and the ConfigMap. The bodies are those the reference sent for the same CLI command
     * (fixtures/direct-*.json, from shared/wire/05-job-submit-with-code-k8s-calls.json without the admin template).
     */
    static final class DirectSubmission {
        final String ns;
        final byte[] namespace;
        final String secret;
        final String configMap;
        final String job;

        DirectSubmission(String ns, String user, String token) throws IOException {
            this.ns = ns;
            String b64 = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
            this.namespace = bytes(template("direct-1-namespace.json").replace("${NS}", ns));
            this.secret = template("direct-2-secret.json").replace("${USER}", user).replace("${TOKEN_B64}", b64);
            this.configMap = template("direct-3-configmap.json").replace("${NS}", ns).replace("${USER}", user);
            this.job = template("direct-4-job.json").replace("${NS}", ns).replace("${USER}", user);
        }

        boolean run(Conn c) throws IOException {
            String id = UUID.randomUUID().toString();
            Response r = c.request("POST", "/api/v1/namespaces", JSON_TYPE, namespace, false);
            if (r.status != 201 && r.status != 409) return false;
            r = c.request("POST", "/api/v1/namespaces/" + ns + "/secrets", JSON_TYPE,
                    bytes(secret.replace("${ID}", id)), true);
            if (r.status != 201) return false;
            String secretName = (String) Json.at(Json.parse(r.text()), "metadata", "name");
            r = c.request("POST", "/api/v1/namespaces/" + ns + "/configmaps", JSON_TYPE,
                    bytes(configMap.replace("${ID}", id)), true);
            if (r.status != 201) return false;
            String configMapName = (String) Json.at(Json.parse(r.text()), "metadata", "name");
            r = c.request("POST", "/apis/batch/v1/namespaces/" + ns + "/jobs", JSON_TYPE,
                    bytes(job.replace("${ID}", id).replace("${SECRET}", secretName)
                            .replace("${CONFIGMAP}", configMapName)), true);
            if (r.status != 201) return false;
            Object made = Json.parse(r.text());
            byte[] owner = bytes("""
                    {"metadata":{"ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"%s","uid":"%s"}]}}"""
                    .formatted(Json.at(made, "metadata", "name"), Json.at(made, "metadata", "uid")));
            r = c.request("PATCH", "/api/v1/namespaces/" + ns + "/secrets/" + secretName, MERGE_PATCH_TYPE, owner, false);
            if (r.status != 200) return false;
            r = c.request("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/" + configMapName, MERGE_PATCH_TYPE,
                    owner, false);
            return r.status == 200;
        }
    }

    static final String JSON_TYPE = "Content-Type: application/json\r\n";
    static final String MERGE_PATCH_TYPE = "Content-Type: application/merge-patch+json\r\n";
    static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    static String template(String name) throws IOException {
        String t = TEMPLATES.get(name);
        if (t == null) {
            t = Files.readString(ROOT.resolve("bench/fixtures").resolve(name));
            TEMPLATES.put(name, t);
        }
        return t;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void check(Response r, int... expected) throws IOException {
        for (int e : expected) {
            if (r.status == e) {
                return;
            }
        }
        throw new IOException("unexpected status " + r.status + " (wanted " + Arrays.toString(expected) + "): "
                + (r.body == null ? "" : r.text().substring(0, Math.min(300, r.text().length()))));
    }

    // ------------------------------------------------------------------------------------------------------------
    // The server subprocess
    // ------------------------------------------------------------------------------------------------------------

    static final class Server {
        final String label;
        final Process process;
        final long pid;
        final int port;
        final Path log;
        double readyMillis;
        /** CPU (user + system, all threads) the server had used when it was ready: less sensitive to other load. */
        double readyCpuMillis;

        private Server(String label, Process process, int port, Path log) {
            this.label = label;
            this.process = process;
            this.pid = process.pid();
            this.port = port;
            this.log = log;
        }

        /** Starts the server; {@code cds}: as the image does, with the AppCDS archive of the training run. */
        static Server start(String label, StubHub hub, boolean demo, Path kubeconfig, boolean cds) throws Exception {
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(options(S.serverJavaOpts()));
            if (demo) {
                // The embedded Kubernetes API shares the JVM in demo mode and needs a heap of its own (with the
                // chart's 115 MiB the API itself fails 1000-job lists under load); the proxy alone is measured on
                // the kubeconfig server, with the chart's options unchanged.
                command.addAll(options(DEMO_JAVA_OPTS));
            }
            Path jar = demo ? S.demoJar() : S.jar();
            if (cds) {
                command.add("-XX:SharedArchiveFile=" + archive(jar));
            }
            if (!S.jfr().isEmpty()) {
                command.add("-XX:StartFlightRecording=filename=" + S.out().resolve(label + ".jfr")
                        + ",settings=" + S.jfr() + ",dumponexit=true");
            }
            command.add("-jar");
            command.add(jar.toString());
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_") || k.equals("KUBECONFIG")
                    || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            env.put("KBATCH_HOST", "127.0.0.1");
            env.put("KBATCH_PORT", Integer.toString(port));
            env.put("JUPYTERHUB_API_URL", hub.apiUrl());
            if (kubeconfig != null) env.put("KUBECONFIG", kubeconfig.toString());
            Path log = S.out().resolve("server-" + label + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            long t0 = System.nanoTime();
            Server s = new Server(label, pb.start(), port, log);
            SERVERS.add(s);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                if (!s.process.isAlive()) {
                    throw new IllegalStateException("the server exited with " + s.process.exitValue() + "; see " + log);
                }
                try (Conn c = new Conn(port)) {
                    int status = c.get("/observe/health", "").status;
                    if (status == 200 || status == 204) {
                        break;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the server was not ready within 60 s; see " + log);
                }
                LockSupport.parkNanos(2_000_000);
            }
            s.readyMillis = (System.nanoTime() - t0) / 1e6;
            s.readyCpuMillis = cpuNanos(s.pid) / 1e6;
            return s;
        }

        String apiUrl() throws Exception {
            for (int i = 0; i < 200; i++) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.startsWith("Embedded Kubernetes API: ")) {
                        return line.substring("Embedded Kubernetes API: ".length()).trim();
                    }
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("the server printed no 'Embedded Kubernetes API:' line; see " + log);
        }

        /** SIGTERM (so a JFR recording is written), then SIGKILL after 15 s. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            SERVERS.remove(this);
        }
    }

    static void stopServers() {
        for (Server s : SERVERS) {
            s.process.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Path writeKubeconfig(String url, String name) throws IOException {
        String server = url.replaceAll("/+$", "");
        Path file = S.out().resolve(name + ".kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s
                  user:
                    token: bench
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(name, server));
        return file;
    }

    // ------------------------------------------------------------------------------------------------------------
    // /proc: memory and CPU of the server
    // ------------------------------------------------------------------------------------------------------------

    static long rssKiB(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long hwmKiB(long pid) {
        return statusField(pid, "VmHWM:");
    }

    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone.
        }
        return 0;
    }

    /** utime + stime of a process, in nanoseconds (clock ticks of 10 ms). */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat(5); f[0] is field 3.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU (utime + stime, ns) of every thread of a process, keyed "name with digits as N" TAB tid. */
    static Map<String, Long> threadCpu(long pid) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.put(name + "\t" + task.getFileName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended.
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        return cpu;
    }

    static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Samples the RSS of one process every 20 ms and keeps the highest, over the whole phase ({@link #watch} ..
     * {@link #stop}) and over a window inside it (a case: {@link #window} .. {@link #windowPeak}).
     */
    static final class RssSampler {
        private volatile long pid;
        private final AtomicLong phaseMax = new AtomicLong();
        private final AtomicLong windowMax = new AtomicLong();

        void start() {
            Thread.ofPlatform().daemon().name("bench-rss").start(() -> {
                while (true) {
                    sample();
                    LockSupport.parkNanos(20_000_000);
                }
            });
        }

        private void sample() {
            long p = pid;
            if (p != 0) {
                long rss = rssKiB(p);
                phaseMax.accumulateAndGet(rss, Math::max);
                windowMax.accumulateAndGet(rss, Math::max);
            }
        }

        void watch(long pid) {
            phaseMax.set(rssKiB(pid));
            windowMax.set(rssKiB(pid));
            this.pid = pid;
        }

        void window() {
            long p = pid;
            windowMax.set(p == 0 ? 0 : rssKiB(p));
        }

        /** The highest RSS since {@link #window}, KiB. */
        long windowPeak() {
            sample();
            return windowMax.get();
        }

        /** The highest RSS seen since {@link #watch}, KiB. */
        long phasePeak() {
            sample();
            return phaseMax.get();
        }

        /** Stops watching; the highest RSS seen since {@link #watch}, KiB. */
        long stop() {
            sample();
            pid = 0;
            return phaseMax.get();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // A minimal HTTP/1.1 client: one keep-alive connection, Content-Length and chunked bodies
    // ------------------------------------------------------------------------------------------------------------

    interface Sink {
        void accept(byte[] buf, int off, int len) throws IOException;
    }

    static final class Response {
        int status;
        byte[] body;

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final class Conn implements Closeable {
        final int port;
        final Socket socket;
        final InputStream in;
        /** Read-ahead of {@link #in}: bytes {@code [pos, lim)} are unread (no lock per byte, unlike BufferedInputStream). */
        private final byte[] rbuf = new byte[65536];
        private int pos;
        private int lim;
        final OutputStream out;
        private final byte[] buf = new byte[65536];

        Conn(int port) throws IOException {
            this.port = port;
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                s.setSoTimeout(60_000);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            this.socket = s;
            this.in = s.getInputStream();
            this.out = new BufferedOutputStream(s.getOutputStream(), 65536);
        }

        Response get(String path, String headers) throws IOException {
            return request("GET", path, headers, null, false);
        }

        Response get(String path, String headers, boolean keep) throws IOException {
            return request("GET", path, headers, null, keep);
        }

        Response request(String method, String path, String headers, byte[] body, boolean keep) throws IOException {
            ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
            Response r = exchange(method, path, headers, body, keep ? kept::write : (b, o, l) -> { });
            if (keep) {
                r.body = kept.toByteArray();
            }
            return r;
        }

        /** Sends a request and hands the body to {@code sink} as it arrives (a chunk that fits the buffer whole). */
        Response exchange(String method, String path, String headers, byte[] body, Sink sink) throws IOException {
            if (socket.isClosed()) {
                throw new IOException("connection closed");
            }
            StringBuilder head = new StringBuilder(256);
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                    .append("\r\nAccept: */*\r\n").append(headers);
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            Response r = new Response();
            String statusLine = line();
            if (statusLine == null) {
                close();
                throw new EOFException("connection closed before an answer");
            }
            r.status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            boolean closeAfter = false;
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            boolean noBody = method.equals("HEAD") || r.status == 204 || r.status == 304 || r.status / 100 == 1;
            if (noBody) {
                // nothing
            } else if (chunked) {
                while (true) {
                    String sizeLine = line();
                    if (sizeLine == null) throw new EOFException("chunked body cut short");
                    int semi = sizeLine.indexOf(';');
                    long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                    if (size == 0) {
                        while ((h = line()) != null && !h.isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    copy(size, sink);
                    line();
                }
            } else if (length >= 0) {
                copy(length, sink);
            } else {
                int n;
                while ((n = read(buf, 0, buf.length)) > 0) {
                    sink.accept(buf, 0, n);
                }
                closeAfter = true;
            }
            if (closeAfter) {
                close();
            }
            return r;
        }

        /** Copies {@code n} bytes to the sink; a piece that fits the buffer is handed over whole. */
        private void copy(long n, Sink sink) throws IOException {
            while (n > 0) {
                int want = (int) Math.min(n, buf.length);
                int got = 0;
                while (got < want) {
                    int r = read(buf, got, want - got);
                    if (r < 0) throw new EOFException("body cut short");
                    got += r;
                }
                sink.accept(buf, 0, got);
                n -= got;
            }
        }

        private boolean fill() throws IOException {
            pos = 0;
            lim = Math.max(0, in.read(rbuf));
            return lim > 0;
        }

        private int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return rbuf[pos++] & 0xff;
        }

        private int read(byte[] into, int off, int len) throws IOException {
            if (pos == lim) {
                if (len >= rbuf.length) {
                    return in.read(into, off, len);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(rbuf, pos, into, off, n);
            pos += n;
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = read()) >= 0) {
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                    return sb.toString();
                }
                sb.append((char) b);
            }
            return sb.isEmpty() ? null : sb.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The stub hub
    // ------------------------------------------------------------------------------------------------------------

    /** Answers {@code GET /hub/api/user} like JupyterHub: 200 with the user model for a bench token, else 403. */
    static final class StubHub implements AutoCloseable {
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
                byte[] bytes = bytes(body);
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

    // ------------------------------------------------------------------------------------------------------------
    // The fake Kubernetes API (for logs, and a fixed job list)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Just enough of the Kubernetes API for the proxy's log routes: every pod exists and carries the job-name labels
     * of the job it is asked for (pod name = job name); its log is chosen by its name:
     * {@code delay-N-MS} writes N lines, one every MS milliseconds, each stamped {@code t=<System.nanoTime()>} when
     * written; {@code bulk-BYTES} writes BYTES bytes of {@code BENCH_LOG_LINE_BYTES}-byte lines as fast as they
     * are read. The job list of a namespace is the one the demo cluster gave for it (fixed bytes), paged like a real
     * API server pages: {@code limit} items per answer, {@code metadata.continue} (the next item's index) on every
     * page but the last; the pages are made once and then answered from memory.
     */
    static final class FakeApi implements AutoCloseable {
        final HttpServer server;
        final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        /** The job list the fake API answers per namespace (captured from the demo cluster). */
        final Map<String, PagedList> jobLists = new ConcurrentHashMap<>();

        void putJobList(String ns, byte[] list) {
            jobLists.put(ns, PagedList.of(list));
        }

        int pages(String ns, int limit) {
            int n = jobLists.get(ns).items().size();
            return Math.max(1, (n + limit - 1) / limit);
        }

        private FakeApi(HttpServer server) {
            this.server = server;
        }

        static FakeApi start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            FakeApi api = new FakeApi(server);
            server.createContext("/", api::handle);
            server.setExecutor(api.executor);
            server.start();
            return api;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                Map<String, String> query = query(ex.getRequestURI().getRawQuery());
                String[] p = path.split("/");
                // /api/v1/namespaces/NS/pods[/NAME[/log]]
                if (path.startsWith("/api/v1/namespaces/") && p.length >= 6 && p[5].equals("pods")) {
                    String ns = p[4];
                    if (p.length == 6) {
                        String selector = query.getOrDefault("labelSelector", "");
                        String job = selector.substring(selector.indexOf('=') + 1);
                        send(ex, 200, "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},"
                                + "\"items\":[" + pod(ns, job) + "]}");
                    } else if (p.length == 7) {
                        send(ex, 200, pod(ns, p[6]));
                    } else if (p.length == 8 && p[7].equals("log")) {
                        log(ex, p[6]);
                    } else {
                        notFound(ex);
                    }
                } else if (path.startsWith("/apis/batch/v1/namespaces/") && path.endsWith("/jobs") && p.length == 7
                        && jobLists.containsKey(p[5])) {
                    byte[] jobList;
                    try {
                        jobList = jobLists.get(p[5]).page(Integer.parseInt(query.getOrDefault("limit", "0")),
                                Integer.parseInt(query.getOrDefault("continue", "0")));
                    } catch (IllegalArgumentException e) {
                        send(ex, 400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"message\":\"bad limit or continue\",\"reason\":\"BadRequest\",\"code\":400}");
                        return;
                    }
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, jobList.length);
                    ex.getResponseBody().write(jobList);
                } else if (path.equals("/version")) {
                    send(ex, 200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0-bench\"}");
                } else {
                    notFound(ex);
                }
            }
        }

        private static String pod(String ns, String name) {
            return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%1$s\",\"namespace\":\"%2$s\","
                    + "\"uid\":\"00000000-0000-0000-0000-00000000bench\",\"resourceVersion\":\"1\","
                    + "\"labels\":{\"batch.kubernetes.io/job-name\":\"%1$s\",\"job-name\":\"%1$s\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"job\",\"image\":\"busybox\"}]},"
                    + "\"status\":{\"phase\":\"Running\"}}").formatted(name, ns);
        }

        private void log(HttpExchange ex, String pod) throws IOException {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                if (pod.startsWith("delay-")) {
                    String[] parts = pod.split("-");
                    int lines = Integer.parseInt(parts[1]);
                    long interval = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(parts[2]));
                    long start = System.nanoTime() + interval;
                    String pad = "x".repeat(60);
                    for (int i = 1; i <= lines; i++) {
                        long due = start + (i - 1) * interval;
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(bytes("seq=" + i + " t=" + System.nanoTime() + " " + pad + "\n"));
                        out.flush();
                    }
                } else if (pod.startsWith("bulk-") || pod.startsWith("oneline-")) {
                    // bulk-BYTES: lines of BENCH_LOG_LINE_BYTES; oneline-BYTES: one line of BYTES (no line break
                    // until the end), as a big JSON document or a binary dump would write.
                    boolean oneLine = pod.startsWith("oneline-");
                    long total = Long.parseLong(pod.substring(pod.indexOf('-') + 1));
                    int lineBytes = oneLine ? 64 * 1024 : S.logLineBytes();
                    int lines = Math.max(1, (256 * 1024) / lineBytes);
                    byte[] block = new byte[lines * lineBytes];
                    for (int l = 0; l < lines; l++) {
                        byte[] line = bytes(String.format("%-" + (lineBytes - 1) + "s" + (oneLine ? " " : "\n"),
                                "bulk log line " + l + " of a block; the rest is padding ....."));
                        System.arraycopy(line, 0, block, l * lineBytes, lineBytes);
                    }
                    long sent = 0;
                    while (sent < total) {
                        int n = (int) Math.min(block.length, total - sent);
                        if (oneLine && sent + n == total) {
                            block[n - 1] = '\n';
                        }
                        out.write(block, 0, n);
                        sent += n;
                    }
                }
            } catch (IOException e) {
                // The reader went away.
            }
        }

        private static void notFound(HttpExchange ex) throws IOException {
            send(ex, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"not found: "
                    + ex.getRequestURI().getRawPath() + "\",\"reason\":\"NotFound\",\"code\":404}");
        }

        private static void send(HttpExchange ex, int status, String body) throws IOException {
            byte[] b = bytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> q = new LinkedHashMap<>();
            if (raw != null) {
                for (String kv : raw.split("&")) {
                    int eq = kv.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                    q.put(k, v);
                }
            }
            return q;
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /**
     * A list as an API server answered it (whole), split into its items' bytes so that it can be answered in pages:
     * {@code {"apiVersion", "kind", "metadata": {"resourceVersion", "continue", "remainingItemCount"}, "items"}}.
     */
    record PagedList(byte[] whole, String apiVersion, String kind, String resourceVersion, List<byte[]> items,
                     Map<String, byte[]> pages) {

        static PagedList of(byte[] whole) {
            String text = new String(whole, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
            Object json = Json.parse(new String(whole, StandardCharsets.UTF_8));
            List<byte[]> items = new ArrayList<>();
            int at = itemsArray(text);
            int depth = 0;
            int start = -1;
            boolean inString = false;
            for (int i = at + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inString) {
                    if (c == '\\') i++;
                    else if (c == '"') inString = false;
                    continue;
                }
                if (c == '"') {
                    inString = true;
                    if (start < 0) start = i;
                } else if (c == '{' || c == '[') {
                    if (depth++ == 0 && start < 0) start = i;
                } else if (c == '}' || c == ']') {
                    if (depth-- == 0) {
                        if (start >= 0) items.add(Arrays.copyOfRange(whole, start, i));
                        break;
                    }
                } else if (c == ',' && depth == 0) {
                    items.add(Arrays.copyOfRange(whole, start, i));
                    start = -1;
                } else if (!Character.isWhitespace(c) && start < 0) {
                    start = i;
                }
            }
            int declared = ((List<?>) Json.at(json, "items")).size();
            if (items.size() != declared) {
                throw new IllegalStateException("split a list of " + declared + " items into " + items.size());
            }
            Object rv = Json.at(json, "metadata", "resourceVersion");
            return new PagedList(whole, String.valueOf(Json.at(json, "apiVersion")), String.valueOf(Json.at(json, "kind")),
                    rv == null ? "1" : rv.toString(), List.copyOf(items), new ConcurrentHashMap<>());
        }

        /** The index of the {@code [} of the top-level {@code "items"}. */
        private static int itemsArray(String text) {
            int depth = 0;
            boolean inString = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inString) {
                    if (c == '\\') i++;
                    else if (c == '"') inString = false;
                } else if (c == '"') {
                    if (depth == 1 && text.startsWith("\"items\"", i)) {
                        int colon = text.indexOf(':', i + 7);
                        int bracket = text.indexOf('[', colon);
                        if (colon >= 0 && bracket >= 0 && text.substring(i + 7, bracket).replace(":", "").isBlank()) {
                            return bracket;
                        }
                    }
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            }
            throw new IllegalStateException("no top-level items in the list");
        }

        /** The answer to {@code ?limit=L&continue=C}: items C .. C+L-1; limit 0 (none): all of them from C. */
        byte[] page(int limit, int from) {
            if (limit < 0 || from < 0 || from > items.size()) {
                throw new IllegalArgumentException("limit " + limit + ", continue " + from);
            }
            if (limit == 0 && from == 0) {
                return whole;
            }
            return pages.computeIfAbsent(limit + "/" + from, k -> {
                int to = limit == 0 ? items.size() : Math.min(items.size(), from + limit);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                String meta = "{\"resourceVersion\":\"" + resourceVersion + "\""
                        + (to < items.size() ? ",\"continue\":\"" + to + "\",\"remainingItemCount\":" + (items.size() - to) : "")
                        + "}";
                out.writeBytes(bytes("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":" + meta
                        + ",\"items\":["));
                for (int i = from; i < to; i++) {
                    if (i > from) out.write(',');
                    out.writeBytes(items.get(i));
                }
                out.writeBytes(bytes("]}"));
                return out.toByteArray();
            });
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // A small JSON reader (objects, arrays, strings, numbers, literals)
    // ------------------------------------------------------------------------------------------------------------

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String s) {
            Json j = new Json(s);
            Object v = j.value();
            j.ws();
            if (j.i != s.length()) throw new IllegalArgumentException("trailing text at " + j.i);
            return v;
        }

        static Object at(Object json, String... keys) {
            Object v = json;
            for (String k : keys) {
                if (!(v instanceof Map<?, ?> m)) return null;
                v = m.get(k);
            }
            return v;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                default:
                    if (s.startsWith("true", i)) {
                        i += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", i)) {
                        i += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", i)) {
                        i += 4;
                        return null;
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                    if (start == i) throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                    return Double.parseDouble(s.substring(start, i));
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
            i++;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The report
    // ------------------------------------------------------------------------------------------------------------

    static final class Report {
        final List<Pair> pairs = new ArrayList<>();
        final List<Double> startupDemo = new ArrayList<>();
        final List<Double> startupKubeconfig = new ArrayList<>();
        final List<Double> startupCpuDemo = new ArrayList<>();
        final List<Double> startupCpuKubeconfig = new ArrayList<>();
        /** The same, started with a plain java -jar (no AppCDS archive); the lists above are the image's way. */
        final List<Double> startupDemoPlain = new ArrayList<>();
        final List<Double> startupKubeconfigPlain = new ArrayList<>();
        final List<Double> startupCpuDemoPlain = new ArrayList<>();
        final List<Double> startupCpuKubeconfigPlain = new ArrayList<>();
        long idleRssDemo, peakRssDemo, hwmDemo, idleRssKubeconfig, peakRssKubeconfig, hwmKubeconfig;
        long listBytesDirect, listBytesProxy;
        Delays delayProxy, delayDirect;
        Bulk bulkSmall, bulkFollow, bulkWhole, bulkDirect, oneLine;
        String oneLineFailure;
        long oneLineBytes;
        int hubLookups;
        double totalSeconds;

        void add(Pair p) {
            pairs.add(p);
        }

        Pair pair(String prefix) {
            return pairs.stream().filter(p -> p.name().startsWith(prefix)).findFirst().orElse(null);
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("## Run of ").append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)))
                    .append("\n\n");
            md.append("- machine: ").append(machine()).append('\n');
            md.append("- commit: ").append(S.commit()).append('\n');
            md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                    .append(Runtime.version()).append("; server JVM options: `").append(S.serverJavaOpts())
                    .append("`").append(S.jfr().isEmpty() ? "" : " + JFR (" + S.jfr() + ")")
                    .append(env("BENCH_SERVER_JAVA_OPTS", "").isEmpty()
                            ? " — the Helm chart's (" + chartJvmNote() + ")"
                            : " — from BENCH_SERVER_JAVA_OPTS, **not** the Helm chart's (" + chartJvmNote() + ")")
                    .append("; the cases run on a server started as the image starts it (`-XX:SharedArchiveFile`, the AppCDS archive of a training run with `docker/cds-training.sh`)\n");
            md.append("- backend: ").append(S.apiUrl().isEmpty() ? "the demo jar (`demo/target/kbatch-proxy-demo.jar`, embedded Kubernetes API in the server's JVM, which gets `" + DEMO_JAVA_OPTS + "` on top for the API's own heap)"
                    : S.apiUrl()).append("; logs and the fixed-list case: the fake API in the bench, via KUBECONFIG\n");
            md.append(String.format(Locale.ROOT, "- load: %d connections, closed loop; warm-up %.0f s per side, then %d rounds of %.0f s per side in the order A B, B A, A B, ...; server CPU per op is net of the idle server's CPU; total run %.0f s%n",
                    S.concurrency(), S.warmupSeconds(), S.rounds(), S.roundSeconds(), totalSeconds));
            md.append("\n| case | through the proxy | baseline: the same work | proxy / baseline |\n|---|---|---|---|\n");
            for (Pair p : pairs) {
                md.append("| ").append(p.name()).append(" | ").append(cell(p.proxy()))
                        .append(String.format(Locale.ROOT, "; server RSS peak %d MiB", p.peakRssKiB() >> 10)).append(" | ")
                        .append(p.baseline()).append(": ").append(cell(p.direct())).append(" | ")
                        .append(String.format(Locale.ROOT, "throughput %.2f×, p50 %.2f×, p99 %.2f×, CPU/op %.2f×",
                                p.proxy().rate() / p.direct().rate(), p.proxy().p(0.5) / p.direct().p(0.5),
                                p.proxy().p(0.99) / p.direct().p(0.99),
                                p.proxy().serverCpuMicrosPerOp() / p.direct().serverCpuMicrosPerOp()))
                        .append(" |\n");
            }
            if (delayProxy != null) {
                md.append(String.format(Locale.ROOT,
                        "| streamed log: line written → line received (%d lines/s) | p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d lines) | the fake API's log straight: p50 %.2f ms, p99 %.2f ms (%d lines) | p50 +%.2f ms, p99 +%.2f ms |%n",
                        1000 / Math.max(1, S.delayIntervalMillis()), delayProxy.p(0.5), delayProxy.p(0.99),
                        delayProxy.p(1.0), delayProxy.n, delayDirect.p(0.5), delayDirect.p(0.99), delayDirect.n,
                        delayProxy.p(0.5) - delayDirect.p(0.5), delayProxy.p(0.99) - delayDirect.p(0.99)));
            }
            if (bulkFollow != null) {
                md.append(String.format(Locale.ROOT,
                        "| streamed log (`?stream=true`), %s in %d-byte lines | %.0f MiB/s; server RSS %d MiB before, peak %d MiB (%s log: peak %d MiB) | the fake API's log straight: %.0f MiB/s | throughput %.2f× |%n",
                        size(S.logBytes()), S.logLineBytes(), bulkFollow.mibPerSecond(), bulkFollow.rssBeforeKiB() >> 10,
                        bulkFollow.peakRssKiB() >> 10, size(S.logSmallBytes()), bulkSmall.peakRssKiB() >> 10,
                        bulkDirect.mibPerSecond(), bulkFollow.mibPerSecond() / bulkDirect.mibPerSecond()));
                md.append(String.format(Locale.ROOT,
                        "| whole log (no stream), %s | %.0f MiB/s; server RSS %d MiB before, peak %d MiB | the fake API's log straight: %.0f MiB/s | throughput %.2f× |%n",
                        size(S.logBytes()), bulkWhole.mibPerSecond(), bulkWhole.rssBeforeKiB() >> 10,
                        bulkWhole.peakRssKiB() >> 10, bulkDirect.mibPerSecond(),
                        bulkWhole.mibPerSecond() / bulkDirect.mibPerSecond()));
            }
            if (oneLine != null) {
                md.append(String.format(Locale.ROOT,
                        "| streamed log of one %s line (no line break) | %.0f MiB/s; server RSS %d MiB before, peak %d MiB | — | — |%n",
                        size(oneLineBytes), oneLine.mibPerSecond(), oneLine.rssBeforeKiB() >> 10,
                        oneLine.peakRssKiB() >> 10));
            }
            if (oneLineFailure != null) {
                md.append("| streamed log of one long line (no line break) | **failed**: ").append(oneLineFailure)
                        .append(" (see the server log) | — | — |\n");
            }
            md.append(String.format(Locale.ROOT,
                    "| startup to a ready `/observe/health` (process start → first 2xx), as the image starts it (AppCDS archive) | demo mode: %s, CPU used by then %s; kubeconfig: %s, CPU %s | plain `java -jar` (no archive), same JVM options, starts alternating with the archive's: demo mode: %s, CPU %s; kubeconfig: %s, CPU %s | ready time %.2f× (demo), %.2f× (kubeconfig); CPU %.2f×, %.2f× |%n",
                    startups(startupDemo), startups(startupCpuDemo), startups(startupKubeconfig),
                    startups(startupCpuKubeconfig), startups(startupDemoPlain), startups(startupCpuDemoPlain),
                    startups(startupKubeconfigPlain), startups(startupCpuKubeconfigPlain),
                    median(startupDemo) / median(startupDemoPlain), median(startupKubeconfig) / median(startupKubeconfigPlain),
                    median(startupCpuDemo) / median(startupCpuDemoPlain),
                    median(startupCpuKubeconfig) / median(startupCpuKubeconfigPlain)));
            md.append(String.format(Locale.ROOT,
                    "| server RSS (VmRSS; VmHWM = peak) | demo mode: idle %d MiB, under load peak %d MiB (VmHWM %d MiB); kubeconfig (fake API): idle %d MiB, under load peak %d MiB (VmHWM %d MiB) | — | — |%n",
                    idleRssDemo >> 10, peakRssDemo >> 10, hwmDemo >> 10, idleRssKubeconfig >> 10,
                    peakRssKubeconfig >> 10, hwmKubeconfig >> 10));
            md.append('\n');
            if (listBytesDirect > 0) md.append(String.format(Locale.ROOT, "A list of %d jobs is %d bytes from the API server and %d bytes from the proxy (%.2f×). "
                            + "The hub was asked %d times in the whole run (tokens are cached).%n",
                    S.listJobs(), listBytesDirect, listBytesProxy, (double) listBytesProxy / Math.max(1, listBytesDirect),
                    hubLookups));
            md.append("\nRound-to-round spread of throughput ((max − min) / mean) and the load generator's CPU per op:\n\n");
            for (Pair p : pairs) {
                md.append(String.format(Locale.ROOT, "- %s: proxy %.0f%%, baseline %.0f%%; generator %.0f / %.0f µs CPU per op; errors %d / %d%n",
                        p.name(), 100 * p.proxy().spread(), 100 * p.direct().spread(), p.proxy().benchCpuMicrosPerOp(),
                        p.direct().benchCpuMicrosPerOp(), p.proxy().errors, p.direct().errors));
            }
            md.append("\n### Targets\n\n| target | measured | met? |\n|---|---|---|\n");
            Pair list10 = pair("GET /jobs/ (" + SMALL_LIST + " jobs)");
            Pair list1k = pair("GET /jobs/ (" + S.listJobs() + " jobs)");
            Pair submit = pair("POST /jobs/");
            Pair authorized = pair("GET /authorized");
            if (list10 != null) target(md, "list through the proxy ≥ 0.8× direct throughput (10 jobs)",
                    list10.proxy().rate() / list10.direct().rate(), ">=", 0.8, "%.2f×");
            if (list1k != null) target(md, "list through the proxy ≤ 1.2× direct p50 (" + S.listJobs() + " jobs)",
                    list1k.proxy().p(0.5) / list1k.direct().p(0.5), "<=", 1.2, "%.2f×");
            if (submit != null) target(md, "submission throughput ≥ 0.8× the direct calls",
                    submit.proxy().rate() / submit.direct().rate(), ">=", 0.8, "%.2f×");
            if (authorized != null) target(md, "`/authorized` ≥ 0.7× the trivial route",
                    authorized.proxy().rate() / authorized.direct().rate(), ">=", 0.7, "%.2f×");
            if (delayProxy != null) target(md, "log line delay p99 ≤ 50 ms", delayProxy.p(0.99), "<=", 50, "%.2f ms");
            if (bulkFollow != null) {
                long growth = (bulkFollow.peakRssKiB() - bulkSmall.peakRssKiB()) >> 10;
                boolean met = Math.abs(growth) <= 32;
                String lines = "";
                if (oneLine != null) {
                    long lineGrowth = (oneLine.peakRssKiB() - oneLine.rssBeforeKiB()) >> 10;
                    lines = String.format(Locale.ROOT, "; one %s line: RSS %+d MiB", size(oneLineBytes), lineGrowth);
                    met &= lineGrowth <= 32;
                } else if (oneLineFailure != null) {
                    lines = "; one long line: failed (" + oneLineFailure + ")";
                    met = false;
                }
                md.append(String.format(Locale.ROOT, "| memory while streaming independent of log size | %d-byte lines: peak RSS %d MiB at %s, %d MiB at %s (%+d MiB); whole log: %d MiB%s | %s |%n",
                        S.logLineBytes(), bulkSmall.peakRssKiB() >> 10, size(S.logSmallBytes()), bulkFollow.peakRssKiB() >> 10,
                        size(S.logBytes()), growth, bulkWhole.peakRssKiB() >> 10, lines,
                        met ? "met" : Math.abs(growth) <= 32 ? "met for line-structured logs, **missed** for long lines" : "**missed**"));
            }
            double readyDemo = median(startupDemo);
            double readyKube = median(startupKubeconfig);
            md.append(String.format(Locale.ROOT, "| ready in ≤ 1.5 s (as the image starts it, with the AppCDS archive) | median %.0f ms (demo mode), %.0f ms (kubeconfig); plain `java -jar`: %.0f ms, %.0f ms | %s |%n",
                    readyDemo, readyKube, median(startupDemoPlain), median(startupKubeconfigPlain), readyDemo <= 1500 && readyKube <= 1500 ? "met"
                            : readyKube <= 1500 ? "met with a kubeconfig, **missed** in demo mode" : "**missed**"));
            // Judged on the server without the demo cluster in its JVM (kubeconfig on the fake API).
            List<String> over = new ArrayList<>();
            List<String> under = new ArrayList<>();
            StringBuilder demoPeaks = new StringBuilder();
            for (Pair p : pairs) {
                if (p.demoServer()) {
                    demoPeaks.append(demoPeaks.isEmpty() ? "" : ", ").append(p.name()).append(" ")
                            .append(p.peakRssKiB() >> 10);
                    continue;
                }
                ((p.peakRssKiB() >> 10) > 256 ? over : under).add(p.name() + " " + (p.peakRssKiB() >> 10));
            }
            for (Bulk b : java.util.Arrays.asList(bulkSmall, bulkFollow, bulkWhole)) {
                if (b == null) continue;
                ((b.peakRssKiB() >> 10) > 256 ? over : under).add("log " + b.path() + " " + (b.peakRssKiB() >> 10));
            }
            md.append(String.format(Locale.ROOT, "| RSS under load ≤ 256 MiB (the server alone, kubeconfig on the fake API) | peak MiB: %s%s (demo mode, with the embedded API in the same JVM: %s) | %s |%n",
                    String.join(", ", under), over.isEmpty() ? "" : "; **over**: " + String.join(", ", over), demoPeaks,
                    over.isEmpty() && under.isEmpty() ? "not measured (no case ran)" : over.isEmpty() ? "met" : under.isEmpty() ? "**missed**" : "met under small lists and logs, **missed** under "
                            + over.stream().map(o -> o.replaceAll(" \\d+$", "")).collect(java.util.stream.Collectors.joining("; "))));
            return md.toString();
        }

        private static void target(StringBuilder md, String what, double value, String op, double limit, String fmt) {
            boolean met = op.equals(">=") ? value >= limit : value <= limit;
            md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, fmt, value)).append(" | ")
                    .append(met ? "met" : "**missed**").append(" |\n");
        }

        private static String cell(Stats s) {
            return String.format(Locale.ROOT, "%.0f ops/s, p50 %.2f ms, p99 %.2f ms, server CPU %.0f µs/op%s",
                    s.rate(), s.p(0.5), s.p(0.99), s.serverCpuMicrosPerOp(), s.errors == 0 ? "" : ", **" + s.errors + " errors**");
        }

        static String chartJvmNote() {
            try {
                ChartJvm chart = ChartJvm.read(ROOT);
                return "resources.limits.memory " + chart.memoryLimit() + " as `-XX:MaxRAM=" + chart.maxRam()
                        + "`, app.java_tool_options `" + chart.javaToolOptions() + "`";
            } catch (RuntimeException e) {
                return "values.yaml unreadable: " + e.getMessage();
            }
        }

        private static String startups(List<Double> ms) {
            if (ms.isEmpty()) return "—";
            return String.format(Locale.ROOT, "median %.0f ms (%s)", median(ms),
                    String.join(", ", ms.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList()));
        }

        private static double median(List<Double> values) {
            if (values.isEmpty()) return Double.NaN;
            double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        static String size(long bytes) {
            return bytes >= (1L << 30) && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
        }

        private static String machine() {
            String cpu = "?";
            long memKiB = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        memKiB = Long.parseLong(line.replaceAll("\\D+", ""));
                    }
                }
            } catch (IOException ignored) {
                // not Linux
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB RAM, %s %s; load average at the end %.2f", cpu,
                    Runtime.getRuntime().availableProcessors(), memKiB / 1048576.0, System.getProperty("os.name"),
                    System.getProperty("os.version"), load);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n",
                DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()),
                String.format(Locale.ROOT, format, args));
    }

    static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    static int intEnv(String name, int def) {
        return Integer.parseInt(env(name, Integer.toString(def)));
    }

    static long longEnv(String name, long def) {
        return Long.parseLong(env(name, Long.toString(def)));
    }

    static double doubleEnv(String name, double def) {
        return Double.parseDouble(env(name, Double.toString(def)));
    }
}
