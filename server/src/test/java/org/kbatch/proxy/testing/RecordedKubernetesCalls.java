package org.kbatch.proxy.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.kube.KubernetesPermissions;
import org.kbatch.proxy.kube.KubernetesPermissions.Rule;

/**
 * Every Kubernetes call the proxy makes in the server tests, checked against the RBAC the chart grants. Registered for
 * every test class (JUnit's extension auto-detection, {@code junit-platform.properties}): after a class that runs a
 * fabric8 mock API server (a static field of its own, or a {@link ProxyServer}'s), the requests it received from the proxy (user agent {@value KubernetesClients#USER_AGENT};
 * a test's own set-up calls are not the proxy's) are each mapped to the RBAC verb, resource and subresource the API
 * server's authorizer would check, and the class fails if one of them is not within
 * {@link KubernetesPermissions#required(boolean, boolean, boolean, boolean)} with every feature on. The chart grants
 * exactly those rules ({@code HelmChartTest}), so a call the chart does not allow fails here, before a real cluster
 * answers 403. {@link #seen()} keeps what was checked, for the test that wants each rule to be used.
 */
public final class RecordedKubernetesCalls implements AfterAllCallback {

    /** One authorization check: {@code verb} on {@code resource} ({@code pods/log} for a subresource) of {@code group}. */
    public record Call(String verb, String group, String resource) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
        }
    }

    private static final Set<Call> SEEN = ConcurrentHashMap.newKeySet();

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> refused = new ArrayList<>();
        for (KubernetesMockServer server : mockServers(context.getRequiredTestClass())) {
            for (RecordedRequest request = server.takeRequest(0, TimeUnit.MILLISECONDS); request != null;
                 request = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
                String agent = request.getHeader("User-Agent");
                if (agent == null || !agent.startsWith(KubernetesClients.USER_AGENT)) {
                    continue;
                }
                Call call = authorization(request.getMethod(), request.getPath());
                SEEN.add(call);
                if (!allowed(call, KubernetesPermissions.required(true, true, true, true))) {
                    refused.add(call + " (" + request.getMethod() + " " + request.getPath() + ")");
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new AssertionError("The proxy made Kubernetes calls that the chart's RBAC does not grant"
                    + " (KubernetesPermissions): " + refused);
        }
    }

    /** The calls checked so far in this test run. */
    public static Set<Call> seen() {
        return Set.copyOf(SEEN);
    }

    /** Whether some rule grants the call. */
    public static boolean allowed(Call call, List<Rule> rules) {
        return rules.stream().anyMatch(r -> r.apiGroup().equals(call.group()) && r.resource().equals(call.resource())
                && r.verbs().contains(call.verb()));
    }

    /**
     * What the API server authorizes for a request: {@code /api/v1/...} (core group) or {@code /apis/GROUP/VERSION/...},
     * optionally {@code namespaces/NS/}, then {@code RESOURCE[/NAME[/SUBRESOURCE]]}. A GET of a collection is
     * {@code list} ({@code watch} with {@code watch=true}), of an object {@code get}; a DELETE of a collection is
     * {@code deletecollection}.
     */
    public static Call authorization(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        List<String> parts = new ArrayList<>(List.of(uri.getPath().replaceFirst("^/", "").split("/")));
        String group;
        if (parts.getFirst().equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.getFirst().equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            throw new IllegalArgumentException("not a Kubernetes API path: " + pathAndQuery);
        }
        if (parts.size() >= 3 && parts.getFirst().equals("namespaces")) {
            parts = parts.subList(2, parts.size()); // namespaces/NS/RESOURCE...
        }
        String resource = parts.getFirst() + (parts.size() >= 3 ? "/" + parts.get(2) : "");
        boolean named = parts.size() >= 2;
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET" -> named ? "get" : (query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : "list");
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("no RBAC verb for " + method);
        };
        return new Call(verb, group, resource);
    }

    private static List<KubernetesMockServer> mockServers(Class<?> testClass) throws IllegalAccessException {
        List<KubernetesMockServer> servers = new ArrayList<>();
        for (Class<?> c = testClass; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == KubernetesMockServer.class) {
                    field.setAccessible(true);
                    if (field.get(null) instanceof KubernetesMockServer server && !servers.contains(server)) {
                        servers.add(server);
                    }
                } else if (Modifier.isStatic(field.getModifiers()) && field.getType() == ProxyServer.class) {
                    field.setAccessible(true);
                    if (field.get(null) instanceof ProxyServer proxy && proxy.hasMock()
                            && !servers.contains(proxy.mock())) {
                        servers.add(proxy.mock());
                    }
                }
            }
        }
        return servers;
    }
}
