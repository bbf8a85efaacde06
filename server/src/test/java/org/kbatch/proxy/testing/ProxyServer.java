package org.kbatch.proxy.testing;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.kbatch.client.ApiClient;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.kube.KubernetesClients;

/**
 * The set-up the server tests share, as one JUnit extension: the real server ({@link Main#start}, production parts),
 * a {@link StubHub} that checks its tokens, and a Kubernetes API behind it: fabric8's mock server in CRUD mode, a
 * {@link DemoCluster} (pods that run and log), or none. Optionally a {@link FaultInjector} sits in between.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").build();
 * static final KubernetesClient client = PROXY.kubernetes();
 * }</pre>
 *
 * The hub and the Kubernetes API start when the extension is built (so that a test's static fields can hold them);
 * the server starts before the class's first test and everything stops after its last. A test's constructor may take
 * the server's {@link URI}, as with Helidon's {@code @ServerTest}.
 */
public final class ProxyServer implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final StubHub hub;
    private final KubernetesMockServer mock;
    private final KubernetesClient mockClient;
    private final DemoCluster demo;
    private final FaultInjector faults;
    private final ProxyConfig config;
    private final Duration kubernetesTimeout;
    private WebServer server;

    private ProxyServer(Builder b) {
        this.hub = b.hub;
        this.mock = b.mock;
        this.mockClient = b.mock == null ? null : b.mock.createClient();
        this.demo = b.demo;
        String kubernetesUrl = b.mock != null ? mockClient.getMasterUrl().toString()
                : b.demo != null ? b.demo.masterUrl() : "http://127.0.0.1:9/";
        this.faults = b.faults ? FaultInjector.inFrontOf(kubernetesUrl) : null;
        Map<String, String> env = new HashMap<>(b.env);
        env.put("JUPYTERHUB_API_URL", hub.apiUrl());
        this.config = TestServers.config(env);
        this.kubernetesTimeout = b.kubernetesTimeout;
    }

    /** A fresh fabric8 mock API server in CRUD mode (expectations can be added too: {@link #mock()}). */
    public static Builder onMockCluster() {
        // As fabric8's @EnableKubernetesMockClient(crud = true) does: the expectations (one map, shared with the
        // dispatcher) answer first, the CRUD store answers the rest.
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        KubernetesMockServer mock = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
        mock.init();
        return new Builder(mock, null);
    }

    /** The demo cluster (its pods run and write logs); closed after the class. */
    public static Builder on(DemoCluster cluster) {
        return new Builder(null, cluster);
    }

    /** No Kubernetes API: for tests that never get past authentication (nothing listens at its URL). */
    public static Builder withoutKubernetes() {
        return new Builder(null, null);
    }

    /** The server's URL. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** A generated client for the server (no token: pass headers per call). */
    public ApiClient api() {
        return TestServers.client(uri(), config.prefix());
    }

    public StubHub hub() {
        return hub;
    }

    public ProxyConfig config() {
        return config;
    }

    public boolean hasMock() {
        return mock != null;
    }

    /** The mock API server, for expectations and for what it received. */
    public KubernetesMockServer mock() {
        if (mock == null) {
            throw new IllegalStateException("this ProxyServer has no mock cluster");
        }
        return mock;
    }

    /** An admin client of the Kubernetes API the server talks to (straight, not through the fault injector). */
    public KubernetesClient kubernetes() {
        if (mockClient != null) {
            return mockClient;
        }
        if (demo != null) {
            return demo.client();
        }
        throw new IllegalStateException("this ProxyServer has no Kubernetes API");
    }

    /** The fault injector between the server and Kubernetes. */
    /**
     * Leaves the Kubernetes API as a test found it: the faults healed (with {@link Builder#throughFaultInjector()}) and
     * every CronJob, Job, pod, Secret and ConfigMap deleted, whatever the test left behind. For {@code @AfterEach}.
     */
    public void clearWorkloads() {
        if (faults != null) {
            faults.heal();
        }
        KubernetesClient client = kubernetes();
        client.batch().v1().cronjobs().inAnyNamespace().delete();
        client.batch().v1().jobs().inAnyNamespace().delete();
        client.pods().inAnyNamespace().delete();
        client.secrets().inAnyNamespace().delete();
        client.configMaps().inAnyNamespace().delete();
    }

    public FaultInjector faults() {
        if (faults == null) {
            throw new IllegalStateException("this ProxyServer was built without throughFaultInjector()");
        }
        return faults;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String kubernetesUrl = faults != null ? faults.url()
                : mockClient != null ? mockClient.getMasterUrl().toString()
                : demo != null ? demo.masterUrl() : "http://127.0.0.1:9/";
        server = Main.start(config, Main.Components.create(config, kubernetesTimeout == null
                ? KubernetesClients.forUrl(kubernetesUrl)
                : KubernetesClients.forUrl(kubernetesUrl, kubernetesTimeout)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // The recorded requests of the mock stay readable after destroy() (RecordedKubernetesCalls reads them later).
        List<AutoCloseable> parts = new java.util.ArrayList<>();
        if (server != null) {
            parts.add(server::stop);
        }
        parts.add(hub::stop);
        if (faults != null) {
            parts.add(faults);
        }
        if (mockClient != null) {
            parts.add(mockClient);
            parts.add(mock::destroy);
        }
        if (demo != null) {
            parts.add(demo);
        }
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the test server's parts", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == URI.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return uri();
    }

    /** What the test sets up: hub users, the server's environment, and how it reaches Kubernetes. */
    public static final class Builder {
        private final StubHub hub = StubHub.start();
        private final KubernetesMockServer mock;
        private final DemoCluster demo;
        private final Map<String, String> env = new HashMap<>();
        private boolean faults;
        private Duration kubernetesTimeout;

        private Builder(KubernetesMockServer mock, DemoCluster demo) {
            this.mock = mock;
            this.demo = demo;
        }

        /** A hub user with the service's default access scope. */
        public Builder user(String token, String name) {
            hub.user(token, name);
            return this;
        }

        public Builder user(String token, String name, List<String> groups, List<String> scopes) {
            hub.user(token, name, groups, scopes);
            return this;
        }

        /** One variable of the server's environment (JUPYTERHUB_API_URL is the stub hub's). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** Puts a {@link FaultInjector} between the server and Kubernetes ({@link ProxyServer#faults()}). */
        public Builder throughFaultInjector() {
            faults = true;
            return this;
        }

        /** The server's Kubernetes client gives up after this (KBATCH_KUBERNETES_TIMEOUT_SECONDS does the rest). */
        public Builder kubernetesTimeout(Duration timeout) {
            kubernetesTimeout = timeout;
            return this;
        }

        public ProxyServer build() {
            return new ProxyServer(this);
        }
    }
}
