package org.kbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The common job, as the kbatch CLI builds it, in the CLI's JSON dialect. */
class JobBuilderTest {

    private static final ObjectMapper JSON = ApiClient.createDefaultObjectMapper();

    @Test
    void theJobLooksLikeTheClis() throws Exception {
        JsonNode job = JSON.valueToTree(KbatchClient.newJob("hello").image("python:3.12")
                .command("python", "main.py").args("--n", "3").env("GREETING", "hi").env("N", "3")
                .request("memory", "1Gi").limit("nvidia.com/gpu", "1").build());

        assertThat(job, is(JSON.readTree("""
                {"api_version": "batch/v1", "kind": "Job",
                 "metadata": {"generate_name": "hello-"},
                 "spec": {"backoff_limit": 0, "template": {"spec": {
                   "containers": [{"name": "job", "image": "python:3.12", "command": ["python", "main.py"],
                                   "args": ["--n", "3"], "working_dir": "/code",
                                   "env": [{"name": "GREETING", "value": "hi"}, {"name": "N", "value": "3"}],
                                   "resources": {"limits": {"nvidia.com/gpu": "1"}, "requests": {"memory": "1Gi"}}}],
                   "restart_policy": "Never"}}}}
                """)));
    }

    @Test
    void theCronJobRunsTheSameJobOnASchedule() {
        JsonNode cron = JSON.valueToTree(KbatchClient.newJob("nightly").image("busybox").command("date")
                .buildCronJob("0 3 * * *"));
        assertThat(cron.at("/metadata/generate_name").asText(), is("nightly-cron-"));
        assertThat(cron.at("/spec/schedule").asText(), is("0 3 * * *"));
        assertThat(cron.at("/spec/starting_deadline_seconds").asInt(), is(300));
        assertThat(cron.at("/spec/job_template/metadata/generate_name").asText(), is("nightly-cron-"));
        assertThat(cron.at("/spec/job_template/spec/template/spec/containers/0/command/0").asText(), is("date"));
    }

    @Test
    void aJobNeedsANameAndAnImage() {
        assertThrows(IllegalArgumentException.class, () -> KbatchClient.newJob(" "));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KbatchClient.newJob("x").build());
        assertThat(e.getMessage(), is("job x needs an image"));
    }
}
