import java.nio.file.Path;
import java.util.List;

/** Every knob, from the environment; the defaults keep a run within about 12-13 minutes on 2 cores. */
record Settings(int concurrency, double warmupSeconds, double roundSeconds, int rounds, int starts,
                long logBytes, long logSmallBytes, int logLineBytes, int delayLines, int delayIntervalMillis,
                int listJobs, String serverJavaOpts, String jfr, Path jar, Path demoJar, Path out, String apiUrl,
                String backend, int clusterConcurrency, double clusterWarmupSeconds, int clusterRounds,
                double clusterRoundSeconds, double warmupMaxSeconds, int maxSeconds, String commit, List<String> cases) {

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
                backend(env("BENCH_BACKEND", "auto")),
                intEnv("BENCH_CLUSTER_CONCURRENCY", 16),
                doubleEnv("BENCH_CLUSTER_WARMUP_SECONDS", 15),
                // More and longer rounds on the real cluster: with 4 of 2 s, the submission's throughput spread
                // 51-94% from round to round (the API server, etcd and the node's controllers share the 2 cores).
                intEnv("BENCH_CLUSTER_ROUNDS", 8),
                doubleEnv("BENCH_CLUSTER_ROUND_SECONDS", 4),
                doubleEnv("BENCH_WARMUP_MAX_SECONDS", 45),
                intEnv("BENCH_MAX_SECONDS", 1500),
                env("BENCH_COMMIT", "unknown"),
                List.of(env("BENCH_CASES", String.join(",", CASES)).split("\\s*,\\s*")));
    }

    /** Whether a case is to be run ({@code BENCH_CASES}, a comma-separated subset of {@link #CASES}). */
    boolean on(String name) {
        return cases.contains(name);
    }

    /** The cases, in the order they run. */
    static final List<String> CASES = List.of("first10s", "authorized", "list10", "list1k", "submit", "delay", "bulk",
            "fixedlist", "oneline");

    /** BENCH_BACKEND: {@code auto} (the real cluster where it can start, else the demo), {@code k8s}, {@code demo}. */
    static String backend(String value) {
        if (!List.of("auto", "k8s", "demo").contains(value)) {
            throw new IllegalArgumentException("BENCH_BACKEND must be auto, k8s or demo, not " + value);
        }
        return value;
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
