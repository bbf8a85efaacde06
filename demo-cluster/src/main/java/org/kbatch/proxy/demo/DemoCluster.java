package org.kbatch.proxy.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * An in-process Kubernetes API for the server's {@code --demo} mode and for integration tests, reached over real
 * HTTP on {@code 127.0.0.1}. Objects are kept by fabric8's CRUD mock storage (create, get, list, label selectors,
 * patch, delete), with what a real API server adds on create (generated names, defaults, validation of names and
 * labels, a 404 for a create in a namespace that does not exist, Kubernetes {@code Status} errors); the
 * {@code default} namespace exists from the start. A simulated job controller runs every Job as one pod that writes
 * {@code line N of <pod>} log lines and then succeeds (or fails, when its command mentions {@code kubesim-fail});
 * pod logs are served, also followed as they are written. A garbage collector deletes objects whose owner Job or
 * CronJob is gone, and finished Jobs are deleted after {@code ttlSecondsAfterFinished}.
 *
 * <pre>{@code
 * try (DemoCluster cluster = DemoCluster.start()) {
 *     KubernetesClient client = cluster.client();   // or point any client at cluster.masterUrl()
 * }
 * }</pre>
 *
 * Not simulated: watches (answered 405), CronJob schedules, retries of failed pods, namespace deletion cascades,
 * authentication (every request is allowed).
 */
public final class DemoCluster implements AutoCloseable {

    /** How long a demo pod runs by default. */
    public static final Duration DEFAULT_RUN_TIME = Duration.ofSeconds(4);
    /** How many log lines a demo pod writes by default (spread evenly over its run). */
    public static final int DEFAULT_LOG_LINES = 5;

    private final ApiStore store;
    private final FrontServer front;
    private final PodLogs logs;
    private final JobController controller;
    private final KubernetesClient controllerClient;
    private final KubernetesClient client;
    private final ClosingJdkHttpClientFactory httpClients;
    private final AtomicBoolean closed;

    private DemoCluster(ApiStore store, FrontServer front, PodLogs logs, JobController controller,
                        KubernetesClient controllerClient, KubernetesClient client,
                        ClosingJdkHttpClientFactory httpClients, AtomicBoolean closed) {
        this.store = store;
        this.front = front;
        this.logs = logs;
        this.controller = controller;
        this.controllerClient = controllerClient;
        this.client = client;
        this.httpClients = httpClients;
        this.closed = closed;
    }

    /** A cluster whose pods run about {@value #DEFAULT_LOG_LINES} log lines over {@link #DEFAULT_RUN_TIME}. */
    public static DemoCluster start() {
        return start(DEFAULT_RUN_TIME, DEFAULT_LOG_LINES);
    }

    /**
     * A cluster whose pods run for {@code runTime} and write {@code logLines} lines, line {@code N} at
     * {@code N * runTime / (logLines + 1)} after the pod starts.
     */
    public static DemoCluster start(Duration runTime, int logLines) {
        if (runTime == null || !runTime.isPositive()) {
            throw new IllegalArgumentException("runTime must be positive: " + runTime);
        }
        if (logLines < 0) {
            throw new IllegalArgumentException("logLines must not be negative: " + logLines);
        }
        AtomicBoolean closed = new AtomicBoolean();
        Clock clock = Clock.systemUTC();
        ConcurrentMap<String, SimulatedPod> pods = new ConcurrentHashMap<>();
        ApiStore store = new ApiStore();
        store.handle("POST", "/api/v1/namespaces", null, Map.of(),
                "{\"metadata\":{\"name\":\"default\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PodLogs logs = new PodLogs(store, pods, clock, closed::get);
        FrontServer front;
        try {
            front = FrontServer.start(store, logs);
        } catch (IOException e) {
            store.shutdown();
            throw new UncheckedIOException("could not start the demo cluster's API", e);
        }
        ClosingJdkHttpClientFactory httpClients = new ClosingJdkHttpClientFactory();
        KubernetesClient controllerClient = null;
        KubernetesClient client = null;
        try {
            controllerClient = newClient(httpClients, front.url(), 0);
            client = newClient(httpClients, front.url(), null);
            JobController controller = new JobController(controllerClient, pods, clock, runTime, logLines);
            DemoCluster cluster = new DemoCluster(store, front, logs, controller, controllerClient, client, httpClients,
                    closed);
            controller.start();
            return cluster;
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            if (controllerClient != null) {
                controllerClient.close();
            }
            httpClients.shutdownAll();
            stopQuietly(front);
            store.shutdown();
            throw e;
        }
    }

    /** The API's base URL, {@code http://127.0.0.1:PORT/}: what a Kubernetes client is pointed at. */
    public String masterUrl() {
        return front.url();
    }

    /** A fabric8 client (JDK HTTP) for {@link #masterUrl()}, default namespace {@code default}; closed by {@link #close()}. */
    public KubernetesClient client() {
        return client;
    }

    /** Stops the controller, ends followed logs, closes the clients and the listener. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        try {
            controller.stop();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        controllerClient.close();
        client.close();
        httpClients.shutdownAll();
        try {
            front.stop();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        store.shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Followed pod logs being streamed right now (for tests). */
    public int activeLogFollowers() {
        return logs.followers();
    }

    /** Whether every thread the cluster started has ended (for tests). */
    boolean isTerminated() {
        return closed.get() && controller.isTerminated() && front.isTerminated();
    }

    private static KubernetesClient newClient(ClosingJdkHttpClientFactory httpClients, String masterUrl, Integer retries) {
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withNamespace("default");
        if (retries != null) {
            config.withRequestRetryBackoffLimit(retries);
        }
        return new KubernetesClientBuilder()
                .withHttpClientFactory(httpClients)
                .withConfig(config.build())
                .build();
    }

    private static void stopQuietly(FrontServer front) {
        try {
            front.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
