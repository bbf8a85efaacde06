package org.kbatch.proxy.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobReport;
import org.kbatch.proxy.testing.KbatchCli;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 17 on the real cluster, through the chart's pod: the home-directory recipe (jobs in the hub's namespace, the
 * admin template mounting {@code claim-{escaped_username}}, a PV and PVC per user) and the operator's rules as the
 * released CLI prints their refusals.
 */
final class HomesAndRulesScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** The admin template of the recipe: the user's PVC at /home/jovyan in the CLI's container {@code job}. */
    static final Map<String, Object> HOME_TEMPLATE = Map.of("spec", Map.of("backoffLimit", 0, "template", Map.of(
            "spec", Map.of(
                    "volumes", List.of(Map.of("name", "home",
                            "persistentVolumeClaim", Map.of("claimName", "claim-{escaped_username}"))),
                    "containers", List.of(Map.of("name", "job",
                            "volumeMounts", List.of(Map.of("name", "home", "mountPath", "/home/jovyan"))))))));

    private final KubernetesClient admin;
    private final String namespace;
    private final String url;
    private final Path work;
    private final List<String> transcript = new ArrayList<>();

    HomesAndRulesScenario(KubernetesClient admin, String namespace, String url, Path work) {
        this.admin = admin;
        this.namespace = namespace;
        this.url = url;
        this.work = work;
    }

    /**
     * A hostPath PV and its claim {@code claim-<user>}, bound to each other as the PV controller binds them (the test
     * cluster runs no PV binder): the claim names the volume and is marked bind-completed, the volume's claimRef names
     * the claim's uid, and both statuses say Bound, which is what the scheduler and the kubelet check.
     */
    void createHome(String user) {
        String claim = "claim-" + user;
        String volume = "home-" + user;
        var pvc = admin.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claim).addToAnnotations("pv.kubernetes.io/bind-completed", "yes")
                .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("manual")
                .withVolumeName(volume).withNewResources().withRequests(Map.of("storage", new Quantity("10Mi")))
                .endResources().endSpec().build()).create();
        var pv = admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(volume)
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("10Mi")))
                .withAccessModes("ReadWriteOnce").withStorageClassName("manual")
                .withNewHostPath().withPath("/tmp/kbatch-it-homes/" + namespace + "/" + user)
                .withType("DirectoryOrCreate").endHostPath()
                .withNewClaimRef().withApiVersion("v1").withKind("PersistentVolumeClaim").withNamespace(namespace)
                .withName(claim).withUid(pvc.getMetadata().getUid()).endClaimRef()
                .endSpec().build()).create();
        pvc.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                .withAccessModes("ReadWriteOnce").withCapacity(Map.of("storage", new Quantity("10Mi"))).build());
        admin.persistentVolumeClaims().inNamespace(namespace).resource(pvc).updateStatus();
        pv.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder().withPhase("Bound").build());
        admin.persistentVolumes().resource(pv).updateStatus();
    }

    /** Waits for the job and fails with its status report unless it succeeded. */
    private static void succeeded(KbatchClient api, String job) throws Exception {
        JobReport report = api.awaitCompletion(job, TIMEOUT);
        assertThat(api.apiClient().getObjectMapper().writeValueAsString(report), report.getPhase(),
                is(JobReport.PhaseEnum.SUCCEEDED));
    }

    List<String> homes(String aliceToken, String bobToken) throws Exception {
        createHome("alice");
        createHome("bob");
        KbatchCli alice = cli("homes-alice", aliceToken);
        KbatchCli bob = cli("homes-bob", bobToken);
        try (KbatchClient aliceApi = KbatchClient.connect(url, aliceToken);
             KbatchClient bobApi = KbatchClient.connect(url, bobToken)) {
            String write = submit(alice, "write", "echo only-alice > /home/jovyan/notes.txt");
            succeeded(aliceApi, write);
            String read = submit(alice, "read", "cat /home/jovyan/notes.txt");
            succeeded(aliceApi, read);
            String hers = alice.run("job", "logs", read).ok().stdout();
            assertThat(hers, containsString("only-alice"));
            record("alice's job writes /home/jovyan/notes.txt, her next job reads it", hers.strip());

            String look = submit(bob, "look", "ls -a /home/jovyan; cat /home/jovyan/notes.txt || echo no-notes");
            succeeded(bobApi, look);
            String his = bob.run("job", "logs", look).ok().stdout();
            assertThat(his, containsString("no-notes"));
            assertThat(his, not(containsString("only-alice")));
            record("bob's job sees his own (empty) home", his.strip().replace("\n", " | "));

            Job steal = KbatchClient.fromJson("""
                    {"metadata": {"name": "steal"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                      "volumes": [{"name": "loot", "persistentVolumeClaim": {"claimName": "claim-alice"}}],
                      "containers": [{"name": "job", "image": "busybox:1.36", "command": ["cat", "/loot/notes.txt"],
                        "volumeMounts": [{"name": "loot", "mountPath": "/loot"}]}]}}}}""", Job.class);
            KbatchException refused = assertThrows(KbatchException.class, () -> bobApi.submit(steal));
            assertThat(refused.status(), is(422));
            record("bob names claim-alice himself", refused.status() + " " + refused.detail());
            for (String job : List.of(write, read)) {
                aliceApi.deleteJob(job);
            }
            bobApi.deleteJob(look);
        }
        return transcript;
    }

    /** Each of the operator's refusals as the released CLI prints it (the chart sets the rules). */
    List<String> refusals(String aliceToken) throws Exception {
        KbatchCli alice = cli("rules-alice", aliceToken);
        record("kbatch job submit --image python:3 (allowed_images: busybox:*)",
                refusedLine(alice.run("job", "submit", "--name", "py", "--image", "python:3", "--command",
                        "[\"true\"]"), "422"));
        record("kbatch job submit --profile huge (max_container_resources memory 1Gi)",
                refusedLine(alice.run("job", "submit", "--name", "huge", "--profile", "huge", "--command",
                        "[\"true\"]"), "422"));
        List<String> running = new ArrayList<>();
        running.add(submit(alice, "sleep1", "sleep 600"));
        running.add(submit(alice, "sleep2", "sleep 600"));
        record("kbatch job submit, a third unfinished job (max_active_jobs 2)",
                refusedLine(alice.run("job", "submit", "--name", "sleep3", "--image", "busybox:1.36", "--command",
                        "[\"sleep\", \"600\"]"), "429"));
        var deadline = admin.batch().v1().jobs().inNamespace(namespace).withName(running.getFirst()).get().getSpec()
                .getActiveDeadlineSeconds();
        assertThat(deadline, is(600L));
        record("the CLI cannot ask for a deadline; its jobs get the default", "activeDeadlineSeconds " + deadline);
        alice.run("cronjob", "submit", "--name", "nightly", "--image", "busybox:1.36", "--command", "[\"true\"]",
                "--schedule", "0 3 * * *").ok();
        record("kbatch cronjob submit, a second cronjob (max_cronjobs 1)",
                refusedLine(alice.run("cronjob", "submit", "--name", "weekly", "--image", "busybox:1.36",
                        "--command", "[\"true\"]", "--schedule", "0 3 * * 0"), "429"));
        try (KbatchClient api = KbatchClient.connect(url, aliceToken)) {
            Job tooLong = KbatchClient.fromJson("""
                    {"metadata": {"name": "long"}, "spec": {"activeDeadlineSeconds": 7200, "template": {"spec": {
                      "restartPolicy": "Never", "containers": [{"name": "job", "image": "busybox:1.36"}]}}}}""",
                    Job.class);
            KbatchException e = assertThrows(KbatchException.class, () -> api.submit(tooLong));
            assertThat(e.status(), is(422));
            record("Java client, activeDeadlineSeconds 7200 (max_active_deadline_seconds 3600)",
                    e.status() + " " + e.detail());
            for (String job : running) {
                api.deleteJob(job);
            }
            for (var cron : api.cronjobs().listCronJobs(null).getItems()) {
                api.cronjobs().deleteCronJob(cron.getMetadata().getName());
            }
        }
        return transcript;
    }

    private KbatchCli cli(String dir, String token) throws Exception {
        KbatchCli cli = new KbatchCli(Files.createDirectories(work.resolve(dir)));
        cli.run("configure", "--kbatch-url", url, "--token", token).ok();
        return cli;
    }

    private static String submit(KbatchCli cli, String name, String script) throws Exception {
        return JSON.readTree(cli.run("job", "submit", "--name", name, "--image", "busybox:1.36", "--command",
                JSON.writeValueAsString(List.of("sh", "-c", script)), "-o", "json").ok().stdout())
                .at("/metadata/name").asString();
    }

    /** The CLI failed (exit 1) and said the status; answers what it printed, its last line. */
    private static String refusedLine(KbatchCli.Result result, String status) {
        assertThat(result.output(), result.status(), is(1));
        String printed = (result.stderr() + result.stdout()).strip();
        assertThat(printed, containsString(status));
        String[] lines = printed.split("\n");
        return lines[lines.length - 1];
    }

    private void record(String step, String what) {
        transcript.add("  ok  " + step + ": " + what);
    }
}
