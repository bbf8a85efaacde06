package org.kbatch.proxy.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.client.KbatchClient;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.kbatch.proxy.client.Zips.unzip;

/**
 * The guide's example program, run against the real server (under a JupyterHub-style prefix) on the demo cluster
 * with a stub hub: the job and its code ConfigMap exist in the user's namespace, the listing shows the job, and the
 * log arrives line by line, starting while the pod still runs.
 */
@ServerTest
class SubmitAndFollowExampleTest {

    private static final String PREFIX = "/services/kbatch";
    private static final DemoCluster CLUSTER = DemoCluster.start(Duration.ofSeconds(5), 6);
    private static final StubHub HUB = StubHub.start().user("alice-token", "alice");

    private final URI uri;

    SubmitAndFollowExampleTest(URI uri) {
        this.uri = uri;
    }

    @SetUpServer
    static void setUp(WebServerConfig.Builder builder) {
        ProxyConfig config = TestServers.config(Map.of("JUPYTERHUB_API_URL", HUB.apiUrl(), "KBATCH_PREFIX", PREFIX));
        Main.setUp(builder, config, Main.Components.create(config, KubernetesClients.forUrl(CLUSTER.masterUrl())));
    }

    @AfterAll
    static void stop() {
        HUB.stop();
        CLUSTER.close();
    }

    /** The pod a log line {@code line N of <pod>} comes from, as the cluster has it now. */
    private static Pod podOf(String logLine) {
        String podName = logLine.substring(logLine.indexOf(" of ") + 4);
        return CLUSTER.client().pods().inNamespace("kbatch-alice").withName(podName).get();
    }

    @Test
    void theExampleSubmitsListsAndFollows(@TempDir Path code) throws Exception {
        Files.writeString(code.resolve("main.py"), "print('hi')\n");
        Files.createDirectories(code.resolve("pkg"));
        Files.writeString(code.resolve("pkg/util.py"), "X = 1\n");

        List<String> printed = new ArrayList<>();
        List<String> podPhaseAtLogLine = new ArrayList<>();
        String name;
        try (KbatchClient kbatch = KbatchClient.connect("http://localhost:" + uri.getPort() + PREFIX + "/", "alice-token")) {
            name = SubmitAndFollowExample.run(kbatch, code, line -> {
                printed.add(line);
                if (line.startsWith("line ")) {   // a log line: is the pod still running?
                    podPhaseAtLogLine.add(podOf(line).getStatus().getPhase());
                }
            });
        }

        assertThat(name, startsWith("hello-"));
        assertThat(printed.getFirst(), is("Hello, alice"));
        assertThat(printed, hasItem("job " + name));

        // The job and its code, in the user's namespace.
        Job job = CLUSTER.client().batch().v1().jobs().inNamespace("kbatch-alice").withName(name).get();
        assertThat(job, notNullValue());
        String configMapName = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("code-source-volume")).map(Volume::getConfigMap)
                .findFirst().orElseThrow().getName();
        assertThat(configMapName, startsWith("hello-"));
        ConfigMap configMap = CLUSTER.client().configMaps().inNamespace("kbatch-alice").withName(configMapName).get();
        assertThat(unzip(Base64.getDecoder().decode(configMap.getBinaryData().get("code"))),
                is(Map.of("main.py", "print('hi')\n", "pkg/", "", "pkg/util.py", "X = 1\n")));

        // The log: exactly the pod's lines, one by one, the first while the pod was still running.
        Pod pod = CLUSTER.client().pods().inNamespace("kbatch-alice").withLabel("job-name", name).list().getItems().getFirst();
        String podName = pod.getMetadata().getName();
        assertThat(printed.subList(printed.indexOf("job " + name) + 1, printed.size()),
                is(IntStream.rangeClosed(1, 6).mapToObj(i -> "line " + i + " of " + podName).toList()));
        assertThat(podPhaseAtLogLine.getFirst(), is("Running"));
        assertThat(podOf("line 6 of " + podName).getStatus().getPhase(), is("Succeeded"));
    }
}
