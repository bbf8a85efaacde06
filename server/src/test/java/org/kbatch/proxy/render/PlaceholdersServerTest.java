package org.kbatch.proxy.render;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.client.model.Job;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The home-directory recipe through the Java client: jobs in the hub's namespace ({@code KBATCH_JOB_NAMESPACE}), the
 * admin template mounting {@code claim-{escaped_username}}, extra env and profiles with placeholders; and in that
 * shared namespace, a user cannot name another user's PVC (or Secret, or ConfigMap) themselves.
 */
class PlaceholdersServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("alice-token", "Alice.Smith", List.of("physics"), List.of("access:services!service=kbatch"))
            .user("bob-token", "bob")
            .env("KBATCH_JOB_NAMESPACE", "jhub")
            .env("KBATCH_CREATE_USER_NAMESPACE", "false")
            .env("KBATCH_JOB_TEMPLATE_FILE", "src/test/resources/homes/job_template.yaml")
            .env("KBATCH_PROFILE_FILE", "src/test/resources/homes/profiles.yaml")
            .env("KBATCH_JOB_EXTRA_ENV", """
                    {"HOME_OWNER": "{username}", "TEAM": "{group}", "SLUG": "{safe_username}",
                     "DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE": "{JUPYTER_IMAGE_SPEC}"}""")
            .build();
    static final KubernetesClient client = PROXY.kubernetes();

    private final URI uri;

    PlaceholdersServerTest(URI uri) {
        this.uri = uri;
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("jhub").endMetadata().build()).createOr(n -> n.update());
    }

    @AfterEach
    void clean() {
        PROXY.clearWorkloads();
    }

    @Test
    void theTemplateMountsTheCallersOwnHome() throws Exception {
        String name;
        try (KbatchClient alice = KbatchClient.connect(uri.toString(), "alice-token")) {
            name = alice.submit(KbatchClient.newJob("report").image("busybox:1.36").command("cat", "notes.txt")
                    .build()).getMetadata().getName();
        }
        var job = client.batch().v1().jobs().inNamespace("jhub").withName(name).get();
        var pod = job.getSpec().getTemplate().getSpec();
        // KubeSpawner's escape of Alice.Smith: -41lice-2e-53mith.
        assertThat(pod.getVolumes().stream().filter(v -> v.getName().equals("home")).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName(), is("claim--41lice-2e-53mith"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels(),
                hasEntry("hub.jupyter.org/username", "-41lice-2e-53mith"));
        // The template's container "job" is merged into the CLI's container "job": one container, with the mount.
        assertThat(pod.getContainers().size(), is(1));
        assertThat(pod.getContainers().getFirst().getVolumeMounts().getFirst().getMountPath(), is("/home/jovyan"));
        assertThat(pod.getContainers().getFirst().getWorkingDir(), is("/home/jovyan"));
    }

    @Test
    void extraEnvValuesGetTheCallersValues() throws Exception {
        String name;
        try (KbatchClient alice = KbatchClient.connect(uri.toString(), "alice-token")) {
            name = alice.submit(KbatchClient.newJob("env").image("busybox:1.36").command("env").build())
                    .getMetadata().getName();
        }
        var job = client.batch().v1().jobs().inNamespace("jhub").withName(name).get();
        List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        // The values are moved into the job's Secret; read them there as the pod would.
        var secret = client.secrets().inNamespace("jhub").list().getItems().getFirst();
        Map<String, String> values = new java.util.HashMap<>();
        for (EnvVar e : env) {
            String value = e.getValue();
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                String encoded = secret.getData().get(e.getValueFrom().getSecretKeyRef().getKey());
                value = encoded == null ? secret.getStringData().get(e.getValueFrom().getSecretKeyRef().getKey())
                        : new String(java.util.Base64.getDecoder().decode(encoded));
            }
            values.put(e.getName(), value);
        }
        assertThat(values, hasEntry("HOME_OWNER", "Alice.Smith"));
        assertThat(values, hasEntry("TEAM", "physics"));
        assertThat(values, hasEntry("SLUG", "alice-smith---" + values.get("SLUG").substring(14)));
        assertThat(values, hasEntry("DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE", "{JUPYTER_IMAGE_SPEC}"));
    }

    @Test
    void profilesAreServedWithTheCallersValues() throws Exception {
        var alice = new ServiceApi(TestServers.client(uri, "")).getProfiles(TestServers.token("alice-token"));
        assertThat(alice.get("small").getAdditionalProperty("home"), is("claim--41lice-2e-53mith in jhub"));
        var bob = new ServiceApi(TestServers.client(uri, "")).getProfiles(TestServers.token("bob-token"));
        assertThat(bob.get("small").getAdditionalProperty("home"), is("claim-bob in jhub"));
        // Without a token (as the CLI asks) or with a bad one: as written.
        var anonymous = new ServiceApi(TestServers.client(uri, "")).getProfiles();
        assertThat(anonymous.get("small").getAdditionalProperty("home"), is("claim-{escaped_username} in {namespace}"));
        var wrong = new ServiceApi(TestServers.client(uri, "")).getProfiles(TestServers.token("nobody"));
        assertThat(wrong.get("small").getAdditionalProperty("home"), is("claim-{escaped_username} in {namespace}"));
    }

    @Test
    void aProfileTheCliCopiedIntoTheJobGetsTheCallersValues() throws Exception {
        // What the CLI submits for a profile fetched without a token: its placeholders as written.
        Job fromProfile = KbatchClient.fromJson("""
                {"metadata": {"name": "pooled"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                  "tolerations": [{"key": "team", "operator": "Equal", "value": "{group}", "effect": "NoSchedule"}],
                  "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
                    [{"matchExpressions": [{"key": "pool", "operator": "In", "values": ["{group}-nodes"]}]}]}}},
                  "containers": [{"name": "job", "image": "busybox:1.36", "command": ["echo", "{group}"]}]}}}}""",
                Job.class);
        String name;
        try (KbatchClient alice = KbatchClient.connect(uri.toString(), "alice-token")) {
            name = alice.submit(fromProfile).getMetadata().getName();
        }
        var pod = client.batch().v1().jobs().inNamespace("jhub").withName(name).get().getSpec().getTemplate().getSpec();
        assertThat(pod.getTolerations().getFirst().getValue(), is("physics"));
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().getFirst().getMatchExpressions().getFirst().getValues(),
                is(List.of("physics-nodes")));
        // What the user wrote themselves is theirs: their command keeps its braces.
        assertThat(pod.getContainers().getFirst().getCommand(), is(List.of("echo", "{group}")));
    }

    @Test
    void inTheSharedNamespaceAUserCannotMountAnotherUsersHome() throws Exception {
        Job stealing = KbatchClient.fromJson("""
                {"metadata": {"name": "steal"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                  "volumes": [{"name": "loot", "persistentVolumeClaim": {"claimName": "claim--41lice-2e-53mith"}}],
                  "containers": [{"name": "job", "image": "busybox:1.36", "command": ["cat", "/loot/notes.txt"],
                    "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "x", "key": "JUPYTERHUB_API_TOKEN"}}}],
                    "volumeMounts": [{"name": "loot", "mountPath": "/loot"}]}]}}}}""", Job.class);
        try (KbatchClient bob = KbatchClient.connect(uri.toString(), "bob-token")) {
            KbatchException e = assertThrows(KbatchException.class, () -> bob.submit(stealing));
            assertThat(e.status(), is(422));
            assertThat(e.detail(), is("job.spec.template.spec.volumes[0].persistent_volume_claim,"
                    + " job.spec.template.spec.containers[0].env[0].value_from: this namespace is shared with other"
                    + " users, so a job may not name Secrets, ConfigMaps or PersistentVolumeClaims in it; pass values"
                    + " as env and files as code (the admin template can mount what every job needs)"));
        }
        assertThat(client.batch().v1().jobs().inNamespace("jhub").list().getItems().size(), is(0));
        assertThat(client.secrets().inNamespace("jhub").list().getItems().size(), is(0));
    }
}
