package org.kbatch.proxy.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.proxy.testing.DemoServerProcess;
import org.kbatch.proxy.testing.KbatchCli;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The unmodified kbatch CLI ({@code ../shared/tools/kbatch}) against the server started as the README says
 * ({@code Main --demo}: embedded Kubernetes API, demo token), one command after another like a user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KbatchCliEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path home;
    private static DemoServerProcess server;
    private static String url;
    private static String jobName;
    private static String cronJobName;

    @BeforeAll
    static void startDemoServer() throws Exception {
        server = DemoServerProcess.start(home.resolve("server.log"), Map.of());
        url = server.base() + "/";
        Path code = Files.createDirectories(home.resolve("code"));
        Files.writeString(code.resolve("main.py"), "print('hello from kbatch')\n");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void configureChecksTheToken() throws Exception {
        KbatchCli.Result r = kbatch("configure", "--kbatch-url", url, "--token", "demo-token");
        r.ok();
        assertThat(Files.exists(home.resolve("xdg/kbatch/config.json")), is(true));
    }

    @Test
    @Order(2)
    void submitAJobWithCode() throws Exception {
        KbatchCli.Result r = kbatch("job", "submit", "--name", "e2e", "--image", "busybox:1.36",
                "--command", "[\"sh\", \"-c\", \"python main.py\"]", "--env", "{\"GREETING\": \"hi\"}",
                "--code", home.resolve("code").toString(), "-o", "json");
        r.ok();
        JsonNode job = JSON.readTree(r.stdout());
        jobName = job.path("metadata").path("name").asString();
        assertThat(jobName, startsWith("e2e-"));
        assertThat(job.path("metadata").path("namespace").asString(), is("kbatch-demo"));
        assertThat(job.path("spec").path("template").path("spec").path("init_containers").size(), is(1));
    }

    @Test
    @Order(3)
    void listAndShowIt() throws Exception {
        KbatchCli.Result list = kbatch("job", "list", "-o", "json");
        list.ok();
        assertThat(list.stdout(), containsString(jobName));
        KbatchCli.Result table = kbatch("job", "list");
        table.ok();
        kbatch("job", "show", jobName).ok();
    }

    @Test
    @Order(4)
    void itsPodAppearsAndItsLogsAreServed() throws Exception {
        JsonNode pods = null;
        for (int i = 0; i < 50; i++) {
            KbatchCli.Result r = kbatch("pod", "list", "--job-name", jobName, "-o", "json");
            r.ok();
            pods = JSON.readTree(r.stdout());
            if (pods.path("items").size() > 0) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(pods.path("items").size(), is(1));
        String pod = pods.path("items").get(0).path("metadata").path("name").asString();
        kbatch("pod", "list").ok();

        KbatchCli.Result stream = kbatch("job", "logs", jobName, "--stream");
        stream.ok();
        assertThat(stream.stdout(), containsString("line 1 of " + pod));
        KbatchCli.Result logs = kbatch("job", "logs", jobName);
        logs.ok();
        assertThat(logs.stdout(), containsString("line 1 of " + pod));
        KbatchCli.Result podLogs = kbatch("pod", "logs", pod);
        podLogs.ok();
        assertThat(podLogs.stdout(), containsString("line 1 of " + pod));
        kbatch("pod", "logs", pod, "--stream").ok();
        KbatchCli.Result done = kbatch("job", "list");
        done.ok();
    }

    @Test
    @Order(5)
    void cronJobsSubmitListShowDelete() throws Exception {
        KbatchCli.Result r = kbatch("cronjob", "submit", "--name", "e2e-cron", "--schedule", "*/5 * * * *",
                "--image", "busybox:1.36", "--command", "[\"sh\", \"-c\", \"date\"]",
                "--code", home.resolve("code").toString(), "-o", "name");
        r.ok();
        cronJobName = r.stdout().strip();
        assertThat(cronJobName, startsWith("e2e-cron-"));
        KbatchCli.Result list = kbatch("cronjob", "list");
        list.ok();
        kbatch("cronjob", "show", cronJobName).ok();
        kbatch("cronjob", "delete", cronJobName).ok();
        assertThat(kbatch("cronjob", "list", "-o", "json").stdout().contains(cronJobName), is(false));
    }

    @Test
    @Order(6)
    void deleteTheJobAndUnknownJobsAreClearErrors() throws Exception {
        kbatch("job", "delete", jobName).ok();
        KbatchCli.Result show = kbatch("job", "show", "no-such-job");
        assertThat(show.status(), is(1));
        assertThat(show.stderr(), containsString("kbatch-proxy error 404: jobs.batch \"no-such-job\" not found"));
        KbatchCli.Result logs = kbatch("job", "logs", "no-such-job");
        assertThat(logs.status(), is(1));
        assertThat(logs.stderr(), containsString("No pods found for job no-such-job"));
        KbatchCli.Result badToken = kbatch("job", "list", "--token", "not-a-valid-token");
        assertThat(badToken.status(), is(1));
        assertThat(badToken.stderr(), containsString("kbatch-proxy error 401: Incorrect token"));
    }

    private static KbatchCli.Result kbatch(String... args) throws Exception {
        return new KbatchCli(home).run(args);
    }
}
