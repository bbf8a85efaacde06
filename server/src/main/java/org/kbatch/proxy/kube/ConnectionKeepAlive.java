package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The proxy's connection to the API server: opened at start and kept open while no request uses it, by a
 * {@code GET /version} (which every account may read) at once and then every {@link #INTERVAL}.
 * <ul>
 *   <li>At start: the JDK's HTTP client opens a connection for each request that finds none open, so the first burst
 *       of requests (16 at once in the bench) paid one TLS handshake each and then threw all but one of those HTTP/2
 *       connections away.</li>
 *   <li>Afterwards: the same client closes an HTTP/2 connection that was idle for 30 s
 *       ({@code jdk.httpclient.keepalive.timeout}), so the same burst of handshakes came after every such pause (32
 *       connections at once in the bench), and a lone request after a pause paid one. A JupyterHub's users pause
 *       that long all the time. The beat also finds a connection that something in between dropped before a user's
 *       request does (what client-go's HTTP/2 health check is for; the JDK's client sends no pings).</li>
 * </ul>
 * A beat that fails is of no consequence (the next request reports the API server's trouble) and is not logged.
 */
public final class ConnectionKeepAlive implements AutoCloseable {

    /** Well inside the JDK's 30 s idle timeout, and three tiny requests a minute. */
    public static final Duration INTERVAL = Duration.ofSeconds(20);

    private static final ApiPath VERSION = ApiPath.of("version");

    private final Thread beat;

    private ConnectionKeepAlive(Thread beat) {
        this.beat = beat;
    }

    /** Opens the connection now and keeps it open every {@code interval}, until {@link #close}. */
    public static ConnectionKeepAlive start(RawRequests raw, Duration interval) {
        return new ConnectionKeepAlive(Thread.ofVirtual().name("kbatch-api-keepalive").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                beat(raw);
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
    }

    private static void beat(RawRequests raw) {
        try (InputStream version = raw.get(VERSION, true, "keep-alive")) {
            version.readAllBytes();
        } catch (KubernetesClientException | IOException e) {
            // Only the open connection is wanted; a failure is the next request's to report.
        }
    }

    /** Stops the beat. */
    @Override
    public void close() {
        beat.interrupt();
    }
}
