import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table of a run, as markdown (printed, and written to bench/out/last-run.md). */
final class Report {
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
    LogCases.Delays delayProxy, delayDirect;
    LogCases.Bulk bulkSmall, bulkFollow, bulkWhole, bulkDirect, oneLine;
    String oneLineFailure;
    long oneLineBytes;
    int hubLookups;
    /** Phase 1's backend: "real cluster", "demo mode" or "API at URL", and why not the real cluster, if so. */
    String backendMode = "demo mode";
    String backendNote;
    int backendConcurrency;
    /** {@code GET /jobs/} (10 jobs) through the proxy in the first 10 s after a start (real cluster). */
    Stats firstSeconds;
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
        md.append("- commit: ").append(Bench.S.commit()).append('\n');
        md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append("; server JVM options: `").append(Bench.S.serverJavaOpts())
                .append("`").append(Bench.S.jfr().isEmpty() ? "" : " + JFR (" + Bench.S.jfr() + ")")
                .append(Settings.env("BENCH_SERVER_JAVA_OPTS", "").isEmpty()
                        ? " — the Helm chart's (" + chartJvmNote() + ")"
                        : " — from BENCH_SERVER_JAVA_OPTS, **not** the Helm chart's (" + chartJvmNote() + ")")
                .append("; the cases run on a server started as the image starts it (`-XX:SharedArchiveFile`, the AppCDS archive of a training run with `docker/cds-training.sh`)\n");
        md.append("- backend of the first cases (through the startup and RSS rows): ").append(switch (backendMode) {
            case "real cluster" -> "a real cluster, `../shared/tools/k8s` (Kubernetes v1.26: kube-apiserver over TLS and HTTP/2, etcd, a node); the server gets its kubeconfig (admin token), the direct side the JDK's HTTP/2 client set up as fabric8 sets up the proxy's (`bench/src/Http2Client.java`), with the same token; \"API server + etcd CPU\" is theirs per op";
            case "demo mode" -> "the demo jar (`demo/target/kbatch-proxy-demo.jar`, embedded Kubernetes API in the server's JVM, which gets `" + ServerProcess.DEMO_JAVA_OPTS + "` on top for the API's own heap)" + (backendNote == null ? "" : "; " + backendNote);
            default -> backendMode;
        }).append("; logs and the fixed-list cases: the fake API in the bench, via KUBECONFIG\n");
        java.util.DoubleSummaryStatistics extra = List.copyOf(Bench.warmupExtraSeconds).stream()
                .mapToDouble(Double::doubleValue).summaryStatistics();
        md.append(String.format(Locale.ROOT, "- load: %d connections (%d on the fake API), closed loop; warm-up %.0f s per side (%.0f s on the real cluster), and the server's side on until its JIT was done (compiler threads under 5%% of a core over %.0f s, at most %.0f s more; it took %s), then %d rounds of %.0f s per side (%d of %.0f s on the real cluster) in the order A B, B A, A B, ...; server CPU per op is net of the idle server's CPU; total run %.0f s%n",
                backendConcurrency, Bench.S.concurrency(), Bench.S.warmupSeconds(), Bench.S.clusterWarmupSeconds(),
                LoadGenerator.COMPILE_WINDOW_SECONDS, Bench.S.warmupMaxSeconds(), extra.getCount() == 0 ? "no case" : String.format(Locale.ROOT,
                        "%.0f-%.0f s more", extra.getMin(), extra.getMax()),
                Bench.S.rounds(), Bench.S.roundSeconds(), Bench.S.clusterRounds(),
                Bench.S.clusterRoundSeconds(), totalSeconds));
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
        if (firstSeconds != null) {
            Pair warm = pair("GET /jobs/ (" + Bench.SMALL_LIST + " jobs)");
            md.append("| GET /jobs/ (10 jobs) in the first 10 s after a start (as the image starts it) | ")
                    .append(cell(firstSeconds)).append(" | the same, warmed up (the proxy side of the 10-job list): ")
                    .append(warm == null ? "—" : cell(warm.proxy())).append(" | ")
                    .append(warm == null ? "—" : String.format(Locale.ROOT, "throughput %.2f×, p50 %.2f×",
                            firstSeconds.rate() / warm.proxy().rate(), firstSeconds.p(0.5) / warm.proxy().p(0.5)))
                    .append(" |\n");
        }
        if (delayProxy != null) {
            md.append(String.format(Locale.ROOT,
                    "| streamed log: line written → line received (%d lines/s) | p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d lines) | the fake API's log straight: p50 %.2f ms, p99 %.2f ms (%d lines) | p50 +%.2f ms, p99 +%.2f ms |%n",
                    1000 / Math.max(1, Bench.S.delayIntervalMillis()), delayProxy.p(0.5), delayProxy.p(0.99),
                    delayProxy.p(1.0), delayProxy.n, delayDirect.p(0.5), delayDirect.p(0.99), delayDirect.n,
                    delayProxy.p(0.5) - delayDirect.p(0.5), delayProxy.p(0.99) - delayDirect.p(0.99)));
        }
        if (bulkFollow != null) {
            md.append(String.format(Locale.ROOT,
                    "| streamed log (`?stream=true`), %s in %d-byte lines | %.0f MiB/s; server RSS %d MiB before, peak %d MiB (%s log: peak %d MiB) | the fake API's log straight: %.0f MiB/s | throughput %.2f× |%n",
                    size(Bench.S.logBytes()), Bench.S.logLineBytes(), bulkFollow.mibPerSecond(), bulkFollow.rssBeforeKiB() >> 10,
                    bulkFollow.peakRssKiB() >> 10, size(Bench.S.logSmallBytes()), bulkSmall.peakRssKiB() >> 10,
                    bulkDirect.mibPerSecond(), bulkFollow.mibPerSecond() / bulkDirect.mibPerSecond()));
            md.append(String.format(Locale.ROOT,
                    "| whole log (no stream), %s | %.0f MiB/s; server RSS %d MiB before, peak %d MiB | the fake API's log straight: %.0f MiB/s | throughput %.2f× |%n",
                    size(Bench.S.logBytes()), bulkWhole.mibPerSecond(), bulkWhole.rssBeforeKiB() >> 10,
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
                "| startup to a ready `/observe/health` (process start → first 2xx), as the image starts it (AppCDS archive) | %s: %s, CPU used by then %s; kubeconfig (fake API): %s, CPU %s | plain `java -jar` (no archive), same JVM options, starts alternating with the archive's: %s: %s, CPU %s; kubeconfig: %s, CPU %s | ready time %.2f× (%s), %.2f× (kubeconfig); CPU %.2f×, %.2f× |%n",
                backendMode, startups(startupDemo), startups(startupCpuDemo), startups(startupKubeconfig),
                startups(startupCpuKubeconfig), backendMode, startups(startupDemoPlain), startups(startupCpuDemoPlain),
                startups(startupKubeconfigPlain), startups(startupCpuKubeconfigPlain),
                median(startupDemo) / median(startupDemoPlain), backendMode,
                median(startupKubeconfig) / median(startupKubeconfigPlain),
                median(startupCpuDemo) / median(startupCpuDemoPlain),
                median(startupCpuKubeconfig) / median(startupCpuKubeconfigPlain)));
        md.append(String.format(Locale.ROOT,
                "| server RSS (VmRSS; VmHWM = peak) | %s: idle %d MiB, under load peak %d MiB (VmHWM %d MiB); kubeconfig (fake API): idle %d MiB, under load peak %d MiB (VmHWM %d MiB) | — | — |%n",
                backendMode, idleRssDemo >> 10, peakRssDemo >> 10, hwmDemo >> 10, idleRssKubeconfig >> 10,
                peakRssKubeconfig >> 10, hwmKubeconfig >> 10));
        md.append('\n');
        if (listBytesDirect > 0) md.append(String.format(Locale.ROOT, "A list of %d jobs is %d bytes from the API server and %d bytes from the proxy (%.2f×). "
                        + "The hub was asked %d times in the whole run (tokens are cached).%n",
                Bench.S.listJobs(), listBytesDirect, listBytesProxy, (double) listBytesProxy / Math.max(1, listBytesDirect),
                hubLookups));
        md.append("\nRound-to-round spread of throughput ((max − min) / mean) and the load generator's CPU per op:\n\n");
        for (Pair p : pairs) {
            md.append(String.format(Locale.ROOT, "- %s: proxy %.0f%%, baseline %.0f%%; generator %.0f / %.0f µs CPU per op; errors %d / %d%n",
                    p.name(), 100 * p.proxy().spread(), 100 * p.direct().spread(), p.proxy().benchCpuMicrosPerOp(),
                    p.direct().benchCpuMicrosPerOp(), p.proxy().errors, p.direct().errors));
        }
        md.append("\n### Targets\n\n| target | measured | met? |\n|---|---|---|\n");
        Pair list10 = pair("GET /jobs/ (" + Bench.SMALL_LIST + " jobs)");
        Pair list1k = pair("GET /jobs/ (" + Bench.S.listJobs() + " jobs)");
        Pair submit = pair("POST /jobs/");
        Pair authorized = pair("GET /authorized");
        if (list10 != null) target(md, "list through the proxy ≥ 0.8× direct throughput (10 jobs)",
                list10.proxy().rate() / list10.direct().rate(), ">=", 0.8, "%.2f×");
        if (list1k != null) target(md, "list through the proxy ≤ 1.2× direct p50 (" + Bench.S.listJobs() + " jobs)",
                list1k.proxy().p(0.5) / list1k.direct().p(0.5), "<=", 1.2, "%.2f×");
        if (submit != null) target(md, "submission throughput ≥ 0.8× the direct calls",
                submit.proxy().rate() / submit.direct().rate(), ">=", 0.8, "%.2f×");
        if (firstSeconds != null && list10 != null) target(md,
                "first 10 s after a start ≥ 0.5× the warm throughput (10-job list)",
                firstSeconds.rate() / list10.proxy().rate(), ">=", 0.5, "%.2f×");
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
                    Bench.S.logLineBytes(), bulkSmall.peakRssKiB() >> 10, size(Bench.S.logSmallBytes()), bulkFollow.peakRssKiB() >> 10,
                    size(Bench.S.logBytes()), growth, bulkWhole.peakRssKiB() >> 10, lines,
                    met ? "met" : Math.abs(growth) <= 32 ? "met for line-structured logs, **missed** for long lines" : "**missed**"));
        }
        double readyDemo = median(startupDemo);
        double readyKube = median(startupKubeconfig);
        md.append(String.format(Locale.ROOT, "| ready in ≤ 1.5 s (as the image starts it, with the AppCDS archive) | median %.0f ms (%s), %.0f ms (kubeconfig); plain `java -jar`: %.0f ms, %.0f ms | %s |%n",
                readyDemo, backendMode, readyKube, median(startupDemoPlain), median(startupKubeconfigPlain), readyDemo <= 1500 && readyKube <= 1500 ? "met"
                        : readyKube <= 1500 ? "met with the fake API's kubeconfig, **missed** (" + backendMode + ")" : "**missed**"));
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
        for (LogCases.Bulk b : java.util.Arrays.asList(bulkSmall, bulkFollow, bulkWhole)) {
            if (b == null) continue;
            ((b.peakRssKiB() >> 10) > 256 ? over : under).add("log " + b.path() + " " + (b.peakRssKiB() >> 10));
        }
        String peaks = String.join(", ", under)
                + (over.isEmpty() ? "" : (under.isEmpty() ? "" : "; ") + "**over**: " + String.join(", ", over))
                + (demoPeaks.isEmpty() ? "" : " (not judged: demo mode, with the embedded API in the same JVM: "
                        + demoPeaks + ")");
        String verdict = over.isEmpty() && under.isEmpty() ? "not measured (no case ran)"
                : over.isEmpty() ? "met"
                : "**missed** under " + over.stream().map(o -> o.replaceAll(" \\d+$", ""))
                        .collect(java.util.stream.Collectors.joining("; "));
        md.append(String.format(Locale.ROOT, "| RSS under load ≤ 256 MiB with the chart's JVM options (the server "
                + "alone: on the real cluster or the fake API) | peak MiB: %s | %s |%n", peaks, verdict));
        return md.toString();
    }

    private static void target(StringBuilder md, String what, double value, String op, double limit, String fmt) {
        boolean met = op.equals(">=") ? value >= limit : value <= limit;
        md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, fmt, value)).append(" | ")
                .append(met ? "met" : "**missed**").append(" |\n");
    }

    private static String cell(Stats s) {
        return String.format(Locale.ROOT, "%.0f ops/s, p50 %.2f ms, p99 %.2f ms, server CPU %.0f µs/op%s%s",
                s.rate(), s.p(0.5), s.p(0.99), s.serverCpuMicrosPerOp(),
                Double.isNaN(s.backendCpuMicrosPerOp()) ? ""
                        : String.format(Locale.ROOT, ", API server + etcd CPU %.0f µs/op", s.backendCpuMicrosPerOp()),
                s.errors == 0 ? "" : ", **" + s.errors + " errors**");
    }

    static String chartJvmNote() {
        try {
            ChartJvm chart = ChartJvm.read(Bench.ROOT);
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
