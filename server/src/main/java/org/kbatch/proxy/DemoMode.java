package org.kbatch.proxy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.kbatch.proxy.auth.HubUser;
import org.kbatch.proxy.auth.ScopePolicy;
import org.kbatch.proxy.auth.TokenAuthenticator;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * {@code --demo}: the same server and code path, against an embedded Kubernetes API (fabric8's mock server in CRUD
 * mode with a simulated job controller) and a fixed demo user instead of a hub. Only ever enabled by the flag.
 */
final class DemoMode {

    static final String USER = "demo";
    static final String TOKEN = "demo-token";

    private DemoMode() {
    }

    static Main.Components start(ProxyConfig config) {
        DemoCluster cluster = DemoCluster.start();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        System.out.println("Embedded Kubernetes API: " + cluster.masterUrl());
        if (config.hubApiUrl() != null) {
            // With a hub configured, its tokens are checked as in production; only the cluster is embedded.
            return Main.Components.create(config, KubernetesClients.forUrl(cluster.masterUrl()));
        }
        HubUser demoUser = new HubUser(USER, List.of(), Set.copyOf(config.accessScopes()));
        ProxyMetrics metrics = new ProxyMetrics();
        TokenAuthenticator authenticator = new TokenAuthenticator(
                token -> TOKEN.equals(token) ? Optional.of(demoUser) : Optional.empty(),
                new ScopePolicy(config.accessScopes()), metrics);
        return Main.Components.create(config, authenticator, KubernetesClients.forUrl(cluster.masterUrl()), metrics);
    }

    static void printWelcome(String url, ProxyConfig config) {
        if (config.hubApiUrl() != null) {
            System.out.println("Demo mode with the hub at " + config.hubApiUrl() + ": use a hub user's token.");
            return;
        }
        System.out.println("""

                Demo mode: an embedded Kubernetes API, no cluster and no hub.
                  user:  %s
                  token: %s
                Try the kbatch CLI against it:
                  kbatch configure --kbatch-url %s --token %s
                  kbatch job submit --name hello --image busybox --command '["echo", "hi"]'
                  kbatch job list
                """.formatted(USER, TOKEN, url, TOKEN));
    }
}
