package org.kbatch.proxy.kube;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * The connection to the API server is opened at start and used every interval, so that the JDK's client never finds
 * it idle for its 30 s (the real effect, one connection through pauses instead of a handshake per request after
 * each, is measured on a real cluster by {@code bench/run.sh}: see bench/RESULTS.md).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ConnectionKeepAliveTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void opensTheConnectionAtOnceThenUsesItEveryIntervalUntilClosed() throws Exception {
        drain();
        int before = server.getRequestCount();
        long t0 = System.nanoTime();
        try (ConnectionKeepAlive keepAlive = ConnectionKeepAlive.start(new RawRequests(client), Duration.ofMillis(200))) {
            RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
            assertThat(first, notNullValue());
            assertThat(first.getMethod() + " " + first.getPath(), is("GET /version"));
            // At once, not after the first interval.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), lessThan(2000L));
            Thread.sleep(1100);
        }
        int beats = server.getRequestCount() - before;
        assertThat(beats, greaterThanOrEqualTo(4));
        // Closed: no more beats.
        Thread.sleep(300);
        drain();
        Thread.sleep(600);
        assertThat(server.takeRequest(10, TimeUnit.MILLISECONDS), nullValue());
    }

    /** Forgets the requests recorded so far. */
    private static void drain() throws InterruptedException {
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // Recorded before: not this test's.
        }
    }

    @Test
    void anAnswerThatIsAnErrorDoesNotStopTheBeat() throws Exception {
        server.expect().get().withPath("/version").andReturn(503, "{}").times(2);
        int before = server.getRequestCount();
        try (ConnectionKeepAlive keepAlive = ConnectionKeepAlive.start(new RawRequests(client), Duration.ofMillis(100))) {
            Thread.sleep(800);
        }
        assertThat(server.getRequestCount() - before, greaterThanOrEqualTo(4));
    }
}
