package org.kbatch.proxy;

import java.time.Duration;
import java.util.List;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.HubClient;
import org.kbatch.proxy.auth.ScopePolicy;
import org.kbatch.proxy.auth.TokenAuthenticator;
import org.kbatch.proxy.config.ConfigException;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.errors.ErrorResponses;
import org.kbatch.proxy.service.ServiceEndpoints;

/**
 * Starts kbatch-proxy: reads the configuration, builds the shared clients once, and wires the routes by hand.
 * {@code --demo} runs it against an embedded Kubernetes API and hub (no cluster needed).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        ProxyConfig config;
        try {
            config = ProxyConfig.from(Config.create()).requireHub();
        } catch (ConfigException e) {
            System.err.println("kbatch-proxy: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        WebServer server = start(config, Components.create(config));
        System.out.println("kbatch-proxy listening on http://" + config.host() + ":" + server.port() + config.prefix() + "/");
    }

    /** Starts the server with the given configuration and parts. */
    public static WebServer start(ProxyConfig config, Components parts) {
        WebServerConfig.Builder server = WebServer.builder();
        setUp(server, config, parts);
        return server.build().start();
    }

    /** The whole server set-up: listener, features and routing. Tests start exactly this. */
    public static void setUp(WebServerConfig.Builder server, ProxyConfig config, Components parts) {
        server.host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxPayloadBytes())
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .addFeature(ObserveFeature.just(HealthObserver.create()))
                .addFeature(OpenApiFeature.builder()
                        .webContext(config.prefix() + "/openapi")
                        .permitAll(true)
                        .build())
                .routing(routing -> routing(routing, config, parts));
    }

    /** Every route of the service, under the prefix; {@code GET /} answers outside it too. */
    public static void routing(HttpRouting.Builder routing, ProxyConfig config, Components parts) {
        ServiceEndpoints service = new ServiceEndpoints(config.profiles());
        String prefix = config.prefix();
        ErrorResponses.register(routing);
        routing.addFilter(new AuthFilter(parts.authenticator(), prefix));
        if (!prefix.isEmpty()) {
            routing.get("/", service::root);
        }
        routing.register(prefix.isEmpty() ? "/" : prefix, service);
    }

    /** The long-lived parts, built once: the hub client and token cache. */
    public record Components(TokenAuthenticator authenticator) {
        public static Components create(ProxyConfig config) {
            HubClient hub = new HubClient(config.hubApiUrl(), Duration.ofSeconds(10));
            return new Components(new TokenAuthenticator(hub::lookup, new ScopePolicy(config.accessScopes())));
        }
    }

    static List<String> args(String[] args) {
        return List.of(args);
    }
}
