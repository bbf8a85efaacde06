import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real-cluster backend: {@code ../shared/tools/k8s} (Kubernetes v1.26: etcd, kube-apiserver with TLS and
 * HTTP/2, controller-manager, scheduler, a kubelet), started in {@code bench/out/k8s} for the run and stopped after
 * it. The server gets the tool's kubeconfig (the admin token), the direct side an {@link Http2Client} with the same
 * token and CA; the API server's and etcd's CPU are read from their pid files.
 */
final class RealCluster implements AutoCloseable {
    final Path dir;
    final Path tool;
    final Map<String, String> env;
    final Http2Client client;
    /** The cluster of this run, for the watchdog and the shutdown hook (a halted run must not leave it running). */
    static volatile RealCluster current;

    private RealCluster(Path tool, Path dir, Map<String, String> env, Http2Client client) {
        this.tool = tool;
        this.dir = dir;
        this.env = env;
        this.client = client;
    }

    /** The tool, where {@code ../shared} lies beside the repository (KBATCH_SHARED elsewhere). */
    static Path tool() {
        String shared = Settings.env("KBATCH_SHARED", Bench.ROOT.resolve("../shared").toString());
        return Path.of(shared, "tools", "k8s").toAbsolutePath().normalize();
    }

    /** Why the cluster cannot start here (null when it can try): the tool is missing, or this is not root. */
    static String cannotStart() {
        if (!Files.isExecutable(tool())) {
            return "no " + tool();
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the tool runs as root only";
        }
        return null;
    }

    static RealCluster start() throws Exception {
        Path dir = Bench.S.out().resolve("k8s").toAbsolutePath();
        Path log = Bench.S.out().resolve("k8s-start.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(tool().toString(), "start", dir.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("../shared/tools/k8s start failed; see " + log);
        }
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("k8s.env"))) {
            String l = line.replaceFirst("^export\\s+", "");
            int eq = l.indexOf('=');
            if (eq > 0) {
                env.put(l.substring(0, eq), l.substring(eq + 1).replaceAll("^['\"]|['\"]$", ""));
            }
        }
        Http2Client client = new Http2Client(URI.create(env.get("K8S_API_URL")), Path.of(env.get("K8S_CA")),
                env.get("K8S_TOKEN"));
        RealCluster cluster = new RealCluster(tool(), dir, env, client);
        current = cluster;
        Bench.log("real cluster (../shared/tools/k8s) up in %.1f s: %s, the direct side speaks %s",
                (System.nanoTime() - t0) / 1e9, env.get("K8S_API_URL"), client.protocol());
        return cluster;
    }

    Path kubeconfig() {
        return Path.of(env.get("KUBECONFIG"));
    }

    URI apiUrl() {
        return URI.create(env.get("K8S_API_URL"));
    }

    /** The pids of kube-apiserver and etcd (their CPU is the backend's cost of a case), from the tool's pid files. */
    long[] backendPids() {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.walk(dir, 3)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("(kube-apiserver|etcd)\\.pid"))
                    .toList()) {
                pids.add(Long.parseLong(Files.readString(f).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            Bench.log("no pid files of kube-apiserver/etcd in %s (%s): their CPU is not reported", dir, e);
        }
        return pids.stream().mapToLong(Long::longValue).toArray();
    }

    static void stopCurrent() {
        RealCluster c = current;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench: stopping the real cluster: " + e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        current = null;
        client.shutdown();
        Process p = new ProcessBuilder(tool.toString(), "stop", dir.toString()).redirectErrorStream(true)
                .redirectOutput(Bench.S.out().resolve("k8s-stop.log").toFile()).start();
        p.waitFor(60, TimeUnit.SECONDS);
    }
}
