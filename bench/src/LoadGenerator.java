import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Load: closed loop, fixed concurrency, warm-up, rounds A B B A. */
final class LoadGenerator {

    interface Op {
        boolean run(Http c) throws IOException;
    }

    /**
     * One side of a comparison: what a worker does once, on its connection ({@code connector}: a plain HTTP/1.1
     * connection to {@code port} per worker, or one multiplexing client that all workers share).
     */
    static final class Side implements Closeable {
        final String name;
        final Http.Connector connector;
        final long serverPid;
        final Op op;
        final Http[] conns;
        /** Processes whose CPU is the backend's work (kube-apiserver and etcd on a real cluster), or none. */
        long[] backendPids = new long[0];

        Side(String name, int port, long serverPid, Op op) {
            this(name, () -> new HttpConnection(port), serverPid, op);
        }

        Side(String name, Http.Connector connector, long serverPid, Op op) {
            this.name = name;
            this.connector = connector;
            this.serverPid = serverPid;
            this.op = op;
            this.conns = new Http[concurrency];
        }

        Side backend(long[] pids) {
            this.backendPids = pids;
            return this;
        }

        @Override
        public void close() {
            for (Http c : conns) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** Connections (workers) per side in the current phase: BENCH_CONCURRENCY, BENCH_CLUSTER_CONCURRENCY. */
    static volatile int concurrency;

    /** Warm-up per side of a case in the current phase: BENCH_WARMUP_SECONDS, BENCH_CLUSTER_WARMUP_SECONDS. */
    static volatile double warmupSeconds;

    /** Measured rounds per case, and their length, in the current phase: BENCH_ROUNDS and BENCH_ROUND_SECONDS, or
     *  BENCH_CLUSTER_ROUNDS and BENCH_CLUSTER_ROUND_SECONDS. */
    static volatile int rounds;
    static volatile double roundSeconds;

    /** Whether the server being measured is the demo-mode one (its RSS includes the embedded Kubernetes API). */
    static volatile boolean demoServer;

    static Pair compare(String name, String baseline, Side a, Side b, Runnable between) throws Exception {
        Bench.log("case %s", name);
        Bench.RSS.window();
        try (a; b) {
            runFor(a, warmupSeconds);
            untilCompiled(a);
            if (between != null) between.run();
            runFor(b, warmupSeconds);
            if (between != null) between.run();
            // What the server burns with nothing to do (the demo cluster's controller polls), taken out of CPU/op:
            // the lower of one idle second before and one after the rounds (before, the JIT may still be busy).
            long[] backendIdle = new long[1];
            long idleBefore = idleCpuNanosPerSecond(a.serverPid, a.backendPids, backendIdle);
            Stats sa = new Stats();
            Stats sb = new Stats();
            for (int r = 0; r < rounds; r++) {
                Side first = r % 2 == 0 ? a : b;
                Side second = r % 2 == 0 ? b : a;
                Stats s1 = runFor(first, roundSeconds);
                if (between != null) between.run();
                Stats s2 = runFor(second, roundSeconds);
                if (between != null) between.run();
                (first == a ? sa : sb).add(s1);
                (second == a ? sa : sb).add(s2);
            }
            long[] backendIdleAfter = new long[1];
            long idleCpu = Math.min(idleBefore, idleCpuNanosPerSecond(a.serverPid, a.backendPids, backendIdleAfter));
            sa.idleCpuNanosPerSecond = sb.idleCpuNanosPerSecond = idleCpu;
            // The cluster's controllers keep the API server busy a little with nothing to do: taken out alike.
            sa.backendIdleNanosPerSecond = sb.backendIdleNanosPerSecond = Math.min(backendIdle[0], backendIdleAfter[0]);
            Bench.log("  (idle server: %.0f ms CPU/s%s, taken out of the CPU per op)", idleCpu / 1e6,
                    a.backendPids.length == 0 ? "" : String.format(java.util.Locale.ROOT,
                            "; idle API server + etcd: %.0f ms CPU/s", sa.backendIdleNanosPerSecond / 1e6));
            Bench.log("  %-8s %8.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  server CPU %7.0f us/op  errors %d%s", a.name,
                    sa.rate(), sa.p(0.5), sa.p(0.99), sa.serverCpuMicrosPerOp(), sa.errors,
                    sa.firstError == null ? "" : " (" + sa.firstError + ")");
            Bench.log("  %-8s %8.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  server CPU %7.0f us/op  errors %d%s", b.name,
                    sb.rate(), sb.p(0.5), sb.p(0.99), sb.serverCpuMicrosPerOp(), sb.errors,
                    sb.firstError == null ? "" : " (" + sb.firstError + ")");
            for (Stats st : List.of(sa, sb)) {
                if (!st.threadCpuNanos.isEmpty()) {
                    Bench.log("  server CPU by thread (%s), µs/op: %s", st == sa ? a.name : b.name,
                            st.threadCpuNanos.entrySet().stream().filter(e -> e.getValue() > 0)
                                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(8)
                                    .map(e -> e.getKey() + " " + Math.round(e.getValue() / 1e3 / Math.max(1, st.ops)))
                                    .collect(java.util.stream.Collectors.joining(", ")));
                }
            }
            long peak = Bench.RSS.windowPeak();
            Bench.log("  server RSS peak during the case: %d MiB", peak >> 10);
            return new Pair(name, baseline, sa, sb, peak, demoServer);
        }
    }

    /** The window over which the server's compiler threads are judged done (under 5% of a core). */
    static final double COMPILE_WINDOW_SECONDS = 2;

    /**
     * More warm-up of the server's side until its JIT is done: until the compiler threads use under 5% of one core
     * over a window of 2 s, or BENCH_WARMUP_MAX_SECONDS have passed. A fixed warm-up left the submission case with
     * the compiler threads taking 40% of the server's CPU in the measured rounds: a heavyweight request at 60-130 a
     * second takes longer to warm up than a list at 500.
     */
    static void untilCompiled(Side side) throws Exception {
        long t0 = System.nanoTime();
        double max = Bench.S.warmupMaxSeconds();
        double window = COMPILE_WINDOW_SECONDS;
        boolean done = false;
        while (!done && (System.nanoTime() - t0) / 1e9 + window <= max) {
            long c0 = ProcessUsage.compilerCpuNanos(side.serverPid);
            Stats s = runFor(side, window);
            done = ProcessUsage.compilerCpuNanos(side.serverPid) - c0 < 0.05 * s.nanos;
        }
        double extra = (System.nanoTime() - t0) / 1e9;
        Bench.warmupExtraSeconds.add(extra);
        Bench.log("  warm-up: %.0f s more until the JIT was done (compiler threads under 5%% of a core over %.0f s)%s",
                extra, window, done ? "" : " — not done within BENCH_WARMUP_MAX_SECONDS");
    }

    /** The server's CPU use over one idle second; the backend's ({@code backendPids}) into {@code backend[0]}. */
    static long idleCpuNanosPerSecond(long pid, long[] backendPids, long[] backend) throws InterruptedException {
        long c0 = ProcessUsage.cpuNanos(pid);
        long b0 = backendCpu(backendPids);
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        backend[0] = (long) ((backendCpu(backendPids) - b0) / seconds);
        return (long) ((ProcessUsage.cpuNanos(pid) - c0) / seconds);
    }

    private static long backendCpu(Side side) {
        return backendCpu(side.backendPids);
    }

    private static long backendCpu(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += ProcessUsage.cpuNanos(pid);
        }
        return sum;
    }

    static Stats runFor(Side side, double seconds) throws InterruptedException {
        int n = side.conns.length;
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
                        Http c = side.conns[worker];
                        if (c == null) {
                            c = side.conns[worker] = side.connector.open();
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
        boolean byThread = Settings.env("BENCH_THREADS", "0").equals("1");
        Map<String, Long> threads0 = byThread ? ProcessUsage.threadCpu(side.serverPid) : Map.of();
        long cpu0 = ProcessUsage.cpuNanos(side.serverPid);
        long backend0 = backendCpu(side);
        long bench0 = ProcessUsage.benchCpuNanos();
        long start = System.nanoTime();
        deadline.set(start + (long) (seconds * 1e9));
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        Stats s = new Stats();
        s.nanos = elapsed;
        s.serverCpuNanos = ProcessUsage.cpuNanos(side.serverPid) - cpu0;
        s.backendCpuNanos = side.backendPids.length == 0 ? -1 : backendCpu(side) - backend0;
        s.benchCpuNanos = ProcessUsage.benchCpuNanos() - bench0;
        if (byThread) {
            Map<String, Long> threads1 = ProcessUsage.threadCpu(side.serverPid);
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

}
