package org.kbatch.proxy.demo;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.logging.common.LogConfig;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.auth.HubUser;
import org.kbatch.proxy.auth.ScopePolicy;
import org.kbatch.proxy.auth.TokenAuthenticator;
import org.kbatch.proxy.config.ConfigException;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * The demo ({@code java -jar demo/target/kbatch-proxy-demo.jar}): the production server and code path, against an
 * embedded Kubernetes API ({@link DemoCluster}: fabric8's mock server in CRUD mode with a simulated job controller)
 * and a fixed demo user instead of a hub. With {@code JUPYTERHUB_API_URL} set, the hub's tokens are checked as in
 * production and only the cluster is embedded. It lives in its own jar so that the production one carries no mock
 * server.
 */
public final class DemoMain {

    static final String USER = "demo";
    static final String TOKEN = "demo-token";

    private DemoMain() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        ProxyConfig config = Main.configuration();
        Main.Components parts;
        DemoCluster cluster = DemoCluster.start();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        System.out.println("Embedded Kubernetes API: " + cluster.masterUrl());
        try {
            parts = parts(config, cluster);
        } catch (ConfigException e) {
            Main.exitOnBadConfiguration(e);
            return;
        }
        printWelcome(Main.serve(config, parts), config);
    }

    private static Main.Components parts(ProxyConfig config, DemoCluster cluster) {
        if (config.hubApiUrl() != null) {
            return Main.Components.create(config, KubernetesClients.forUrl(cluster.masterUrl()));
        }
        HubUser demoUser = new HubUser(USER, List.of(), Set.copyOf(config.accessScopes()));
        ProxyMetrics metrics = new ProxyMetrics();
        TokenAuthenticator authenticator = new TokenAuthenticator(
                token -> TOKEN.equals(token) ? Optional.of(demoUser) : Optional.empty(),
                new ScopePolicy(config.accessScopes()), metrics);
        return Main.Components.create(config, authenticator, KubernetesClients.forUrl(cluster.masterUrl()), metrics);
    }

    private static void printWelcome(String url, ProxyConfig config) {
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
