package org.kbatch.proxy.submit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** Stopping the server lets a request in flight finish (a rolling update must not cut users off mid-call). */
@EnableKubernetesMockClient(crud = true, https = false)
class GracefulShutdownTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void aRequestInFlightCompletesWhileTheServerStops() throws Exception {
        try (StubHub hub = StubHub.start().user("alice-token", "alice");
             FaultInjector kube = FaultInjector.inFrontOf(client.getMasterUrl().toString())) {
            kube.slow(Duration.ofMillis(1500), (m, p) -> m.equals("GET") && p.endsWith("/jobs"));
            ProxyConfig config = TestServers.config(Map.of("JUPYTERHUB_API_URL", hub.apiUrl()));
            WebServer proxy = Main.start(config, Main.Components.create(config, KubernetesClients.forUrl(kube.url())));
            URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/jobs/");

            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(uri).header("Authorization", "token alice-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            proxy.stop();

            HttpResponse<String> res = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(res.statusCode(), is(200));
            assertThat(res.body(), containsString("\"items\":[]"));
            assertThat(proxy.isRunning(), is(false));
        }
    }
}
