package org.kbatch.proxy.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.kbatch.client.ApiClient;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;

/** Helpers shared by the server tests: configuration from a map, and a generated client pointed at the server. */
public final class TestServers {
    private TestServers() {
    }

    /** A configuration as the environment would give it, on a free port. */
    public static ProxyConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("KBATCH_PORT", "0");
        all.putIfAbsent("KBATCH_HOST", "127.0.0.1");
        return ProxyConfig.from(Config.just(ConfigSources.create(all)));
    }

    /** A generated client whose base URL is the server's URL plus the prefix. */
    public static ApiClient client(URI server, String prefix) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(server.toString().replaceAll("/$", "") + prefix);
        return client;
    }

    /**
     * Sets up the real server with production parts: tokens checked by {@code hub}, Kubernetes at {@code kubernetesUrl},
     * and any further environment.
     */
    public static void setUp(io.helidon.webserver.WebServerConfig.Builder builder, StubHub hub, String kubernetesUrl,
                             Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("JUPYTERHUB_API_URL", hub.apiUrl());
        ProxyConfig config = config(all);
        Main.setUp(builder, config, Main.Components.create(config, KubernetesClients.forUrl(kubernetesUrl)));
    }

    /** Production parts for a server whose tests never reach Kubernetes (nothing listens at that URL). */
    public static Main.Components parts(ProxyConfig config) {
        return Main.Components.create(config, KubernetesClients.forUrl("http://127.0.0.1:9/"));
    }

    /** A loopback port that was free a moment ago (for a server a test starts, or one that must refuse connections). */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Map<String, String> token(String token) {
        return Map.of("Authorization", "token " + token);
    }
}
