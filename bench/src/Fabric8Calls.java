import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.kbatch.proxy.kube.KubernetesClients;

/**
 * What one Kubernetes call costs the calling JVM: a Secret created and then merge-patched (two of a submission's six
 * calls), through fabric8's typed calls ({@code KubernetesClients}, its settings; how the proxy made them until
 * issue 18), through fabric8's HTTP client with our own JSON (how it makes them now, {@code kube.RawRequests}), and
 * through the JDK's HTTP/2 client straight (built as the bench's direct side is,
 * {@link Http2Client#asFabric8BuildsIt}); one thread, warmed up, rounds in rotating order. The process's CPU per pair
 * is the figure. Needs a cluster (the tool's {@code k8s.env}); in {@code bench/src} for {@code Http2Client}, and never
 * compiled by a run of {@code Bench.java} (the source launcher compiles only the classes a program uses):
 *
 * <pre>
 * ../shared/tools/k8s start /tmp/k8s-calls && . /tmp/k8s-calls/k8s.env
 * java -XX:+UseSerialGC -cp 'server/target/classes:server/target/libs/*' bench/src/Fabric8Calls.java
 * ../shared/tools/k8s stop /tmp/k8s-calls
 * </pre>
 */
public final class Fabric8Calls {
    static final int PAIRS = 1000;
    static final String NS = "calls-bench";
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        for (String name : new String[] {"K8S_CA", "K8S_API_URL", "K8S_TOKEN", "KUBECONFIG"}) {
            if (System.getenv(name) == null) {
                System.err.println("Fabric8Calls: " + name + " is not set: source a cluster's k8s.env first"
                        + " (see this program's comment)");
                System.exit(2);
            }
        }
        KubernetesClient fabric8 = KubernetesClients.fromEnvironment(java.time.Duration.ofSeconds(30));
        try {
            fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                    .create();
        } catch (RuntimeException exists) {
            // A second run.
        }
        Thread.sleep(1000);
        HttpClient jdk = Http2Client.asFabric8BuildsIt(Path.of(System.getenv("K8S_CA")));
        URI api = URI.create(System.getenv("K8S_API_URL"));
        String bearer = "Bearer " + System.getenv("K8S_TOKEN");
        Runnable viaFabric8 = () -> {
            Secret made = fabric8.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                    .withGenerateName("s-").withNamespace(NS).endMetadata().addToStringData("A", "b").build()).create();
            fabric8.secrets().inNamespace(NS).resource(made).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        };
        Pattern name = Pattern.compile("\"name\":\"([^\"]+)\"");
        Runnable viaJdk = () -> {
            try {
                HttpResponse<String> made = jdk.send(HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/" + NS
                                + "/secrets")).header("Authorization", bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                                + "\"metadata\":{\"generateName\":\"s-\",\"namespace\":\"" + NS + "\"},"
                                + "\"stringData\":{\"A\":\"b\"}}")).build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = name.matcher(made.body());
                if (made.statusCode() != 201 || !m.find()) {
                    throw new IllegalStateException("create answered " + made.statusCode());
                }
                jdk.send(HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/" + NS + "/secrets/" + m.group(1)))
                        .header("Authorization", bearer).header("Content-Type", "application/merge-patch+json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var http = fabric8.getHttpClient();
        String base = fabric8.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + NS + "/secrets";
        Runnable viaFabric8Http = () -> {
            try {
                var made = http.sendAsync(http.newHttpRequestBuilder().uri(base).post("application/json",
                        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"generateName\":\"s-\","
                                + "\"namespace\":\"" + NS + "\"},\"stringData\":{\"A\":\"b\"}}").build(), String.class).get();
                Matcher m = name.matcher(made.body());
                if (made.code() != 201 || !m.find()) {
                    throw new IllegalStateException("create answered " + made.code());
                }
                http.sendAsync(http.newHttpRequestBuilder().uri(base + "/" + m.group(1)).method("PATCH",
                        "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}").build(),
                        String.class).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String[] names = {"fabric8 typed", "fabric8 HTTP", "JDK HTTP/2"};
        Runnable[] ways = {viaFabric8, viaFabric8Http, viaJdk};
        for (int w = 0; w < ways.length; w++) {
            round("warm-up " + names[w], ways[w], fabric8);
        }
        double[] sums = new double[ways.length];
        int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {0, 2, 1}};
        for (int[] order : orders) {
            for (int w : order) {
                sums[w] += round(names[w], ways[w], fabric8);
            }
        }
        System.out.printf(Locale.ROOT, "create + merge patch of a Secret, CPU of this JVM per pair: fabric8's typed "
                + "calls %.0f µs, fabric8's HTTP client with our JSON %.0f µs, the JDK's HTTP/2 client %.0f µs "
                + "(%.2f× and %.2f× the JDK's)%n", sums[0] / 4, sums[1] / 4, sums[2] / 4, sums[0] / sums[2],
                sums[1] / sums[2]);
        fabric8.namespaces().withName(NS).delete();
        System.exit(0);
    }

    static double round(String what, Runnable pair, KubernetesClient cleaner) {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < PAIRS; i++) {
            pair.run();
        }
        double micros = (OS.getProcessCpuTime() - cpu0) / 1e3 / PAIRS;
        System.out.printf(Locale.ROOT, "%-16s %7.0f µs CPU, %7.0f µs wall per pair%n", what, micros,
                (System.nanoTime() - t0) / 1e3 / PAIRS);
        cleaner.secrets().inNamespace(NS).delete();
        return micros;
    }
}
