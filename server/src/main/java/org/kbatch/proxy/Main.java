package org.kbatch.proxy;

import java.time.Duration;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import org.kbatch.proxy.audit.AuditLog;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.HubClient;
import org.kbatch.proxy.auth.ScopePolicy;
import org.kbatch.proxy.auth.TokenAuthenticator;
import org.kbatch.proxy.cleanup.EmptyNamespaces;
import org.kbatch.proxy.config.ConfigException;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.http.BodyLimits;
import org.kbatch.proxy.http.ErrorResponses;
import org.kbatch.proxy.events.EventsEndpoints;
import org.kbatch.proxy.events.JobEvents;
import org.kbatch.proxy.cronjobs.CronJobsEndpoints;
import org.kbatch.proxy.docs.SwaggerUi;
import org.kbatch.proxy.jobs.JobsEndpoints;
import org.kbatch.proxy.kube.ConnectionKeepAlive;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.kube.JobWatch;
import org.kbatch.proxy.kube.KubernetesObjects;
import org.kbatch.proxy.kube.Namespaces;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.PodLogs;
import org.kbatch.proxy.kube.RawRequests;
import org.kbatch.proxy.logging.JsonLogFormatter;
import org.kbatch.proxy.metrics.ProxyMetrics;
import org.kbatch.proxy.http.RequestMetrics;
import org.kbatch.proxy.pods.PodsEndpoints;
import org.kbatch.proxy.policy.PodSecurityPolicy;
import org.kbatch.proxy.render.RenderSettings;
import org.kbatch.proxy.report.JobStatusReader;
import org.kbatch.proxy.service.ServiceEndpoints;
import org.kbatch.proxy.submit.Quotas;
import org.kbatch.proxy.submit.Submitter;
import org.kbatch.proxy.submit.UserLimits;
import org.kbatch.proxy.tenancy.Ownership;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.wire.WireCodec;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Starts kbatch-proxy: reads the configuration, builds the shared clients once, and wires the routes by hand.
 * The demo (an embedded cluster and a fixed user, no hub) is a separate jar, {@code kbatch-proxy-demo.jar}, that
 * starts this same server through {@link #serve}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--demo")) {
            System.err.println("kbatch-proxy: the demo is its own jar now: java -jar demo/target/kbatch-proxy-demo.jar");
            System.exit(2);
        }
        LogConfig.configureRuntime();
        ProxyConfig config = configuration();
        Components parts;
        try {
            config.requireHub();
            KubernetesClient client = KubernetesClients.fromEnvironment(
                    Duration.ofSeconds(config.kubernetesTimeoutSeconds()));
            ConnectionKeepAlive.start(new RawRequests(client), ConnectionKeepAlive.INTERVAL);
            parts = Components.create(config, client);
        } catch (ConfigException e) {
            exitOnBadConfiguration(e);
            return;
        }
        serve(config, parts);
    }

    /**
     * The configuration from the environment (and Helidon's other sources), with the log format it asks for
     * installed; a bad setting stops the process with one line naming the variable.
     */
    public static ProxyConfig configuration() {
        try {
            // Raw values: KBATCH_JOB_EXTRA_ENV may hold "${...}" meant for the job, not for Helidon to resolve.
            ProxyConfig config = ProxyConfig.from(Config.builder().disableValueResolving().build());
            if (config.jsonLogs()) {
                JsonLogFormatter.install();
            }
            return config;
        } catch (ConfigException e) {
            exitOnBadConfiguration(e);
            throw e;
        }
    }

    /** Prints the one line that names the bad setting and exits with status 2. */
    public static void exitOnBadConfiguration(ConfigException e) {
        System.err.println("kbatch-proxy: invalid configuration: " + e.getMessage());
        System.exit(2);
    }

    /**
     * Starts the server and its background work, or exits with status 1 when it cannot listen; returns the URL it
     * serves on.
     */
    public static String serve(ProxyConfig config, Components parts) {
        WebServer server = start(config, parts);
        if (!server.isRunning() || server.port() < 0) {
            // Helidon logs the bind failure and carries on without a listener; a service that cannot listen must stop.
            System.err.println("kbatch-proxy: cannot listen on " + config.host() + ":" + config.port()
                    + " (KBATCH_PORT/KBATCH_HOST): the port is in use or not allowed");
            server.stop();
            System.exit(1);
        }
        if (config.deleteEmptyNamespacesAfter() != null) {
            new EmptyNamespaces(parts.namespaces(), config.deleteEmptyNamespacesAfter(), java.time.Clock.systemUTC())
                    .start(EmptyNamespaces.interval(config.deleteEmptyNamespacesAfter()));
        }
        String url = "http://" + (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":" + server.port()
                + config.prefix() + "/";
        System.out.println("kbatch-proxy listening on " + url);
        return url;
    }

    /** Starts the server with the given configuration and parts. */
    public static WebServer start(ProxyConfig config, Components parts) {
        WebServerConfig.Builder server = WebServer.builder();
        setUp(server, config, parts);
        return server.build().start();
    }

    /** How large requests may be (KBATCH_MAX_REQUEST_BYTES, and KBATCH_MAX_CODE_BYTES for a submission's code). */
    static BodyLimits limits(ProxyConfig config) {
        return new BodyLimits(config.maxPayloadBytes(), config.maxCodeBytes());
    }

    /** The whole server set-up: listener, features and routing. Tests start exactly this. */
    public static void setUp(WebServerConfig.Builder server, ProxyConfig config, Components parts) {
        server.host(config.host())
                .port(config.port())
                .maxPayloadSize(limits(config).maxBodyBytes())
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .directHandlers(handlers -> ErrorResponses.directHandlers(handlers, limits(config)))
                .addFeature(ObserveFeature.just(HealthObserver.create(), MetricsObserver.create()))
                .addFeature(OpenApiFeature.builder()
                        .webContext(config.prefix() + "/openapi")
                        .permitAll(true)
                        .build())
                .routing(routing -> routing(routing, config, parts));
    }

    /** Every route of the service, under the prefix; {@code GET /} answers outside it too. */
    public static void routing(HttpRouting.Builder routing, ProxyConfig config, Components parts) {
        ServiceEndpoints service = new ServiceEndpoints(config.profiles(), parts.tenancy());
        String prefix = config.prefix();
        ErrorResponses.register(routing);
        routing.addFilter(new RequestMetrics(parts.metrics(), prefix));
        routing.addFilter(new AuditLog(prefix));
        routing.addFilter(new AuthFilter(parts.authenticator(), prefix));
        if (!prefix.isEmpty()) {
            routing.get("/", service::root);
        }
        SwaggerUi.register(routing, prefix);
        routing.register(prefix.isEmpty() ? "/" : prefix,
                service,
                new JobsEndpoints(parts.ownership(), parts.pages(), parts.podLogs(), parts.statuses(),
                        parts.submitter(), parts.codec(), limits(config), parts.metrics(), parts.tenancy()),
                new CronJobsEndpoints(parts.ownership(), parts.pages(), parts.objects(), parts.submitter(),
                        parts.codec(), limits(config), parts.tenancy()),
                new PodsEndpoints(parts.ownership(), parts.pages(), parts.podLogs(), parts.codec(), parts.metrics(),
                        parts.tenancy()),
                new EventsEndpoints(parts.jobEvents(), parts.codec(), parts.tenancy()));
    }

    /**
     * The long-lived parts, built once and shared by all requests, wired by hand: the Kubernetes side ({@code kube}:
     * namespaces, single objects, lists, logs, all on one fabric8 client), the ownership rule over it
     * ({@code tenancy.Ownership}), and what the endpoints compose of them.
     */
    public record Components(TokenAuthenticator authenticator, Namespaces namespaces, KubernetesObjects objects,
                             Ownership ownership, Pages pages, PodLogs podLogs, JobEvents jobEvents,
                             JobStatusReader statuses, WireCodec codec, Submitter submitter, ProxyMetrics metrics,
                             Tenancy tenancy) {

        /** Production parts: the hub checks tokens; {@code client} talks to the cluster. */
        public static Components create(ProxyConfig config, KubernetesClient client) {
            HubClient hub = new HubClient(config.hubApiUrl(), Duration.ofSeconds(10));
            ProxyMetrics metrics = new ProxyMetrics();
            return create(config, new TokenAuthenticator(hub::lookup, new ScopePolicy(config.accessScopes()), metrics),
                    client, metrics);
        }

        public static Components create(ProxyConfig config, TokenAuthenticator authenticator, KubernetesClient client,
                                        ProxyMetrics metrics) {
            Namespaces namespaces = new Namespaces(client, metrics);
            RawRequests raw = new RawRequests(client);
            KubernetesObjects objects = new KubernetesObjects(client, raw, metrics);
            Pages pages = new Pages(client, raw, metrics);
            PodLogs podLogs = new PodLogs(client, raw, metrics);
            Ownership ownership = new Ownership(objects);
            RenderSettings settings;
            try {
                settings = new RenderSettings(config.jobTemplate(), config.jobExtraEnv(), config.ttlSecondsAfterFinished(),
                        config.initContainerImage(), RenderSettings.DEFAULT_INIT_IMAGE_PULL_POLICY);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("KBATCH_JOB_TEMPLATE_FILE", e.getMessage());
            }
            JobEvents jobEvents = new JobEvents(ownership, pages);
            return new Components(authenticator, namespaces, objects, ownership, pages, podLogs, jobEvents,
                    new JobStatusReader(ownership, podLogs, jobEvents, new JobWatch(client, metrics)),
                    WireCodec.create(),
                    new Submitter(objects, namespaces, settings,
                            new PodSecurityPolicy(config.podSecurity(), config.allowServiceAccounts()),
                            config.policies(), new UserLimits(pages),
                            new Quotas(objects, config.userResourceQuota(), config.userLimitRange()),
                            Duration.ofSeconds(3 * config.kubernetesTimeoutSeconds())),
                    metrics,
                    new Tenancy(config.jobNamespace(), config.namespaceByGroup(), config.denyWithoutGroup(),
                            config.createUserNamespace()));
        }
    }

}
