package org.kbatch.proxy.submit;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;
import org.kbatch.proxy.testing.WireFixtures;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Code over one ConfigMap, through the generated client: a 3 MB zip becomes three ConfigMaps, all owned by the job
 * and named in its projected code volume, in order; one over {@code KBATCH_MAX_CODE_BYTES} is a 413 naming it; and a
 * part that cannot be created leaves nothing behind. (That the init container joins the parts and the job sees every
 * file is checked on the real cluster, {@code JobFeaturesIT}.)
 */
class LargeCodeServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice")
            .env("KBATCH_MAX_CODE_BYTES", Integer.toString(4 * 1024 * 1024))
            .throughFaultInjector().build();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final FaultInjector kube = PROXY.faults();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");

    private final ApiClient api = PROXY.api();
    private final JobsApi jobs = new JobsApi(api);

    @AfterEach
    void healAndClean() {
        PROXY.clearWorkloads();
    }

    private JobSubmission withCode(int zipBytes) throws Exception {
        JobSubmission submission = api.getObjectMapper().readValue(
                WireFixtures.requestBody("05-job-submit-with-code").toString(), JobSubmission.class);
        byte[] zip = new byte[zipBytes];
        new Random(1).nextBytes(zip);
        submission.getCode().setBinaryData(Map.of("code", Base64.getEncoder().encodeToString(zip)));
        return submission;
    }

    @Test
    void codeOverOneConfigMapIsSpreadOverSeveralOwnedByTheJob() throws Exception {
        var job = jobs.submitJob(withCode(3_000_000), ALICE);

        var created = client.batch().v1().jobs().inNamespace("kbatch-alice").withName(job.getMetadata().getName())
                .get();
        List<ConfigMap> parts = MockCluster.configMaps(client);
        assertThat(parts, hasSize(3));
        assertThat(parts.stream().map(p -> Base64.getDecoder().decode(p.getBinaryData().get("code")).length).toList(),
                everyItem(lessThanOrEqualTo(1_000_000)));
        assertThat(parts.stream().map(p -> p.getMetadata().getOwnerReferences().getFirst().getUid()).distinct()
                .toList(), contains(created.getMetadata().getUid()));
        var sources = created.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("code-source-volume")).findFirst().orElseThrow()
                .getProjected().getSources();
        // The volume names the parts in the order of the zip: joined, they are the zip that was sent.
        byte[] joined = sources.stream().map(s -> parts.stream()
                        .filter(p -> p.getMetadata().getName().equals(s.getConfigMap().getName())).findFirst().orElseThrow())
                .map(p -> Base64.getDecoder().decode(p.getBinaryData().get("code")))
                .reduce(new byte[0], LargeCodeServerTest::concat);
        assertThat(Base64.getEncoder().encodeToString(joined), is(withCode(3_000_000).getCode().getBinaryData()
                .get("code")));
    }

    @Test
    void codeOverTheLimitIs413NamingItAndCreatesNothing() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(withCode(4 * 1024 * 1024 + 1), ALICE));
        assertThat(e.getCode(), is(413));
        assertThat(e.getResponseBody(), is("{\"detail\":\"The code archive is 4194305 bytes; at most 4194304 bytes"
                + " are allowed (KBATCH_MAX_CODE_BYTES)\"}"));
        assertThat(MockCluster.configMaps(client), empty());
        assertThat(MockCluster.secrets(client), empty());
    }

    @Test
    void aPartThatFailsLeavesNoPartSecretOrJob() throws Exception {
        // The third ConfigMap POST fails: the first two, the Secret and anything else are rolled back.
        int[] configMapPosts = {0};
        kube.fail(500, (method, path) -> method.equals("POST") && path.endsWith("/configmaps")
                && ++configMapPosts[0] == 3);
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(withCode(3_000_000), ALICE));
        assertThat(e.getCode(), is(500));
        kube.heal();
        assertThat(MockCluster.configMaps(client), empty());
        assertThat(MockCluster.secrets(client), empty());
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
