import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What one side did in its measured rounds. */
final class Stats {
    long ops;
    long errors;
    long nanos;
    long serverCpuNanos;
    long idleCpuNanosPerSecond;
    /** ServerProcess CPU by thread kind (digits in thread names folded), when BENCH_THREADS=1. */
    final Map<String, Long> threadCpuNanos = new java.util.TreeMap<>();
    long benchCpuNanos;
    /** CPU of the backend's processes (kube-apiserver and etcd), or -1 where they are not ours to read. */
    long backendCpuNanos = -1;
    long backendIdleNanosPerSecond;
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
        backendCpuNanos = round.backendCpuNanos < 0 ? -1 : Math.max(0, backendCpuNanos) + round.backendCpuNanos;
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

    /** The backend's CPU per operation (kube-apiserver and etcd), NaN where not measured. */
    double backendCpuMicrosPerOp() {
        if (backendCpuNanos < 0 || ops == 0) {
            return Double.NaN;
        }
        return Math.max(0, backendCpuNanos - backendIdleNanosPerSecond * (nanos / 1e9)) / 1e3 / ops;
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

    static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
