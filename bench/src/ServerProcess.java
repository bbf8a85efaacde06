import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server subprocess: how the server (and the demo) is started, its command line and environment, in this one
 * place; also the AppCDS training run that makes the archive it starts with, and the kubeconfig it is given.
 */
final class ServerProcess {
    static final List<ServerProcess> SERVERS = new CopyOnWriteArrayList<>();

    /** Added to the server's JVM options in demo mode (BENCH_DEMO_JAVA_OPTS; see {@link #start}). */
    static final String DEMO_JAVA_OPTS = Settings.env("BENCH_DEMO_JAVA_OPTS", "-XX:MaxRAMPercentage=75");

    /** JVM options given as one string, as separate arguments. */
    static List<String> options(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(opt -> !opt.isEmpty()).toList();
    }

    /**
     * Where the training run writes the AppCDS archive of a jar (bench/out): an archive only serves the class path it
     * was dumped for, so the production jar and the demo jar each get one.
     */
    static Path archive(Path jar) {
        return Bench.S.out().resolve(jar.getFileName().toString().replaceAll("\\.jar$", "") + ".jsa");
    }

    /**
     * The AppCDS archive, made as the image makes it: {@code docker/cds-training.sh} (the script the Dockerfile runs)
     * with this JDK, the server jar and the server's JVM options.
     */
    static void trainCds(Path jar) throws Exception {
        Path archive = archive(jar);
        List<String> command = new ArrayList<>(List.of("bash", Bench.ROOT.resolve("docker/cds-training.sh").toString(),
                archive.toString()));
        command.addAll(options(Bench.S.serverJavaOpts()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        pb.environment().put("JAR", jar.toString());
        pb.environment().put("DEMO_JAR", Bench.S.demoJar().toString());
        pb.environment().put("CDS_PORT", Integer.toString(freePort()));
        Path log = Bench.S.out().resolve("cds-training-" + jar.getFileName() + ".log");
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
        Bench.log("AppCDS archive from a training run (docker/cds-training.sh): %s, %d MiB, in %.1f s",
                Bench.ROOT.relativize(archive), Files.size(archive) >> 20, (System.nanoTime() - t0) / 1e9);
    }

    final String label;
    final Process process;
    final long pid;
    final int port;
    final Path log;
    double readyMillis;
    /** CPU (user + system, all threads) the server had used when it was ready: less sensitive to other load. */
    double readyCpuMillis;

    private ServerProcess(String label, Process process, int port, Path log) {
        this.label = label;
        this.process = process;
        this.pid = process.pid();
        this.port = port;
        this.log = log;
    }

    /** Starts the server; {@code cds}: as the image does, with the AppCDS archive of the training run. */
    static ServerProcess start(String label, StubHub hub, boolean demo, Path kubeconfig, boolean cds) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options(Bench.S.serverJavaOpts()));
        if (demo) {
            // The embedded Kubernetes API shares the JVM in demo mode and needs a heap of its own (with the
            // chart's 115 MiB the API itself fails 1000-job lists under load); the proxy alone is measured on
            // the kubeconfig server, with the chart's options unchanged.
            command.addAll(options(DEMO_JAVA_OPTS));
        }
        Path jar = demo ? Bench.S.demoJar() : Bench.S.jar();
        if (cds) {
            command.add("-XX:SharedArchiveFile=" + archive(jar));
        }
        if (!Bench.S.jfr().isEmpty()) {
            command.add("-XX:StartFlightRecording=filename=" + Bench.S.out().resolve(label + ".jfr")
                    + ",settings=" + Bench.S.jfr() + ",dumponexit=true");
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
        Path log = Bench.S.out().resolve("server-" + label + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        ServerProcess s = new ServerProcess(label, pb.start(), port, log);
        SERVERS.add(s);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!s.process.isAlive()) {
                throw new IllegalStateException("the server exited with " + s.process.exitValue() + "; see " + log);
            }
            try (HttpConnection c = new HttpConnection(port)) {
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
        s.readyCpuMillis = ProcessUsage.cpuNanos(s.pid) / 1e6;
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

    static void stopServers() {
        for (ServerProcess s : SERVERS) {
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
        Path file = Bench.S.out().resolve(name + ".kubeconfig");
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
}
