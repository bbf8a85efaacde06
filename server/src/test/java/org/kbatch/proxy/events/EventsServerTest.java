package org.kbatch.proxy.events;

import java.net.URI;
import java.util.List;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.EventsApi;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.Container;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** events/?job_name=J through the generated client: the job's and its pods' events, oldest first, nothing else. */
class EventsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").user("bob-token", "bob")
            .build();
    static final KubernetesClient client = PROXY.kubernetes();

    private final JobsApi jobs;
    private final EventsApi events;

    EventsServerTest(URI uri) {
        this.jobs = new JobsApi(TestServers.client(uri, ""));
        this.events = new EventsApi(TestServers.client(uri, ""));
    }


    private static void event(String name, String kind, String object, String reason, String time) {
        client.v1().events().inNamespace("kbatch-alice").resource(new EventBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewInvolvedObject().withKind(kind).withName(object).withNamespace("kbatch-alice")
                .endInvolvedObject().withType("Warning").withReason(reason).withMessage(reason + " happened")
                .withFirstTimestamp(time).withLastTimestamp(time).build()).create();
    }

    @Test
    void whyIsMyJobPending() throws Exception {
        String job = jobs.submitJob(new JobSubmission().job(new Job().apiVersion("batch/v1").kind("Job")
                .metadata(new ObjectMeta().generateName("pending-"))
                .spec(new JobSpec().template(new PodTemplateSpec().spec(new PodSpec().restartPolicy("Never")
                        .containers(List.of(new Container().name("job").image("busybox"))))))),
                TestServers.token("alice-token")).getMetadata().getName();
        client.pods().inNamespace("kbatch-alice").resource(new PodBuilder().withNewMetadata().withName(job + "-x")
                .addToLabels("job-name", job).endMetadata().build()).create();
        event("e3", "Pod", job + "-x", "FailedScheduling", "2026-11-25T12:00:03Z");
        event("e1", "Job", job, "SuccessfulCreate", "2026-11-25T12:00:01Z");
        event("e2", "Pod", job + "-x", "Scheduled", "2026-11-25T12:00:02Z");
        event("other", "Job", "someone-elses-job", "SuccessfulCreate", "2026-11-25T12:00:00Z");
        event("same-name-other-kind", "ConfigMap", job, "Updated", "2026-11-25T12:00:00Z");

        var list = events.listJobEvents(job, TestServers.token("alice-token"));
        assertThat(list.getItems().stream().map(e -> e.getReason()).toList(),
                contains("SuccessfulCreate", "Scheduled", "FailedScheduling"));
        assertThat(list.getItems().getLast().getMessage(), is("FailedScheduling happened"));

        assertThat(assertThrows(ApiException.class,
                () -> events.listJobEvents(job, TestServers.token("bob-token"))).getCode(), is(404));
        assertThat(assertThrows(ApiException.class,
                () -> events.listJobEvents("no-such-job", TestServers.token("alice-token"))).getCode(), is(404));
    }
}
