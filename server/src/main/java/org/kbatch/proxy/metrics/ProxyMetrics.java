package org.kbatch.proxy.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The proxy's own meters, served with Helidon's at {@code /observe/metrics} (Prometheus text format):
 * <ul>
 *   <li>{@code kbatch_requests} — a timer (latency histogram) per route, method and status;</li>
 *   <li>{@code kbatch_kubernetes_calls} — a timer per Kubernetes operation and outcome ({@code ok}, the HTTP status,
 *       or {@code unreachable});</li>
 *   <li>{@code kbatch_hub_lookups} — token lookups at the hub by outcome; {@code kbatch_token_cache} — cache hits and
 *       misses, and {@code kbatch_token_cache_hit_ratio};</li>
 *   <li>{@code kbatch_log_streams_active} — followed logs being streamed now;</li>
 *   <li>{@code kbatch_refusals_total} — submissions the operator's rules refused, by {@code rule}.</li>
 * </ul>
 * One instance is shared; meters are registered in Helidon's global registry once and looked up cheaply after.
 */
public final class ProxyMetrics {

    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final Counter hits;
    private final Counter misses;
    /** Timers by their tag values, so the hot path neither builds nor looks up a meter (the tag sets are bounded). */
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    public ProxyMetrics() {
        this(Metrics.globalRegistry());
    }

    ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.getOrCreate(Gauge.builder("kbatch_log_streams_active", activeStreams, AtomicInteger::get)
                .description("Followed pod logs being streamed to clients now"));
        this.hits = registry.getOrCreate(Counter.builder("kbatch_token_cache").tags(tags("result", "hit"))
                .description("Token checks answered from the 60-second cache"));
        this.misses = registry.getOrCreate(Counter.builder("kbatch_token_cache").tags(tags("result", "miss"))
                .description("Token checks that had to ask the hub"));
        registry.getOrCreate(Gauge.builder("kbatch_token_cache_hit_ratio", this, ProxyMetrics::hitRatio)
                .description("Share of token checks answered from the cache"));
    }

    /** Records one HTTP request. */
    public void request(String route, String method, int status, long nanos) {
        timers.computeIfAbsent(route + ' ' + method + ' ' + status, key -> registry.getOrCreate(
                        Timer.builder("kbatch_requests")
                                .tags(tags("route", route, "method", method, "status", Integer.toString(status)))
                                .buckets(BUCKETS)
                                .description("HTTP requests to the proxy by route, method and status")))
                .record(Duration.ofNanos(nanos));
    }

    /** Runs one Kubernetes call, timing it by operation and outcome. */
    public <T> T kubernetes(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            outcome = e.getCode() > 0 ? Integer.toString(e.getCode()) : "unreachable";
            throw e;
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            String o = outcome;
            timers.computeIfAbsent("k8s " + operation + ' ' + o, key -> registry.getOrCreate(
                            Timer.builder("kbatch_kubernetes_calls")
                                    .tags(tags("operation", operation, "outcome", o))
                                    .buckets(BUCKETS)
                                    .description("Kubernetes API calls by operation and outcome")))
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    public void kubernetes(String operation, Runnable call) {
        kubernetes(operation, () -> {
            call.run();
            return null;
        });
    }

    /** A token check at the hub: {@code user}, {@code unknown} (401/403/404) or {@code unavailable}. */
    public void hubLookup(String outcome) {
        registry.getOrCreate(Counter.builder("kbatch_hub_lookups").tags(tags("outcome", outcome))
                .description("Token lookups at JupyterHub by outcome")).increment();
    }

    /** A submission the operator's rules refused, by the rule ({@code max_active_jobs}, {@code allowed_images}, ...). */
    public void refusal(String rule) {
        registry.getOrCreate(Counter.builder("kbatch_refusals").tags(tags("rule", rule))
                .description("Submissions refused by the operator's rules, by rule")).increment();
    }

    public void tokenCache(boolean hit) {
        if (hit) {
            cacheHits.increment();
            hits.increment();
        } else {
            cacheMisses.increment();
            misses.increment();
        }
    }

    /** Marks a followed log stream as open; close the result when it ends. */
    public AutoCloseable logStream() {
        activeStreams.incrementAndGet();
        return activeStreams::decrementAndGet;
    }

    private double hitRatio() {
        long h = cacheHits.sum();
        long total = h + cacheMisses.sum();
        return total == 0 ? 0 : (double) h / total;
    }

    private static Iterable<Tag> tags(String... keyValues) {
        Tag[] tags = new Tag[keyValues.length / 2];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = Tag.create(keyValues[2 * i], keyValues[2 * i + 1]);
        }
        return java.util.List.of(tags);
    }
}
