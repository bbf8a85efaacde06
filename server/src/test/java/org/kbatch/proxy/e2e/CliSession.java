package org.kbatch.proxy.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.kbatch.proxy.e2e.CompatibilityTable.Row;
import org.kbatch.proxy.testing.KbatchCli;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * One user's session with one CLI version, command after command as a user would type them, each asserting on what
 * the user sees (exit status, output), each recording its outcome in the compatibility table. A command the version
 * lacks is typed too: the CLI itself must refuse it (exit 2), which is what the table's "—" says.
 */
final class CliSession {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The demo cluster's pods write this many lines ({@code DemoCluster.DEFAULT_LOG_LINES}), the last as they end. */
    private static final int LOG_LINES = 5;
    private static final String SCHEDULE = "*/5 * * * *";
    private static final String YES = "yes";
    private static final String DEFAULT = "yes (default)";

    private final CliVersion version;
    private final KbatchCli cli;
    private final String url;
    private final Path code;
    private final CompatibilityTable table;

    private String job;
    private String pod;
    private String cronJob;

    CliSession(CliVersion version, Path home, String url, Path code, CompatibilityTable table) {
        this.version = version;
        this.cli = new KbatchCli(home, version.version);
        this.url = url;
        this.code = code;
        this.table = table;
    }

    /** The session's commands, in the order they run. */
    List<DynamicTest> steps() {
        List<DynamicTest> steps = new ArrayList<>();
        steps.add(step("configure", this::configure, Row.CONFIGURE));
        steps.add(step("profiles", this::profiles, Row.PROFILES));
        steps.add(step("job submit --code --env", this::submit, Row.JOB_SUBMIT));
        steps.add(step("job submit --profile", this::submitWithProfile, Row.JOB_SUBMIT_PROFILE));
        steps.add(step("job list -o json", this::listJobsAsJson, Row.JOB_LIST_JSON));
        steps.add(step("job show", this::showJob, Row.JOB_SHOW));
        if (version.pods) {
            steps.add(step("pod list --job-name -o json", this::listPodsAsJson, Row.POD_LIST_JSON));
        } else {
            steps.add(absent("pod list", List.of("pod", "list"), Row.POD_LIST_JSON, Row.POD_LIST_TABLE,
                    Row.POD_LIST_NAME, Row.POD_LOGS, Row.POD_LOGS_STREAM));
        }
        steps.add(step("job list -o table", this::listJobsAsTable, Row.JOB_LIST_TABLE));
        if (version.pods) {
            steps.add(step("pod list -o table", this::listPodsAsTable, Row.POD_LIST_TABLE));
            steps.add(step("pod list -o name", this::listPodNames, Row.POD_LIST_NAME));
        }
        if (version.jobLogs) {
            steps.add(step("job logs", this::jobLogs, Row.JOB_LOGS));
            if (version.jobLogsStream()) {
                steps.add(step("job logs --stream", this::jobLogsStreamed, Row.JOB_LOGS_STREAM));
            } else {
                steps.add(absent("job logs --stream", List.of("job", "logs", "no-such-job", "--stream"),
                        Row.JOB_LOGS_STREAM));
            }
        } else {
            steps.add(absent("job logs", List.of("job", "logs", "no-such-job"), Row.JOB_LOGS, Row.JOB_LOGS_STREAM));
        }
        if (version.pods) {
            steps.add(step("pod logs", this::podLogs, Row.POD_LOGS));
            steps.add(step("pod logs --stream", this::podLogsStreamed, Row.POD_LOGS_STREAM));
        }
        if (version.cronJobs) {
            steps.add(step("cronjob submit --code", this::submitCronJob, Row.CRONJOB_SUBMIT));
            steps.add(step("cronjob list -o json", this::listCronJobsAsJson, Row.CRONJOB_LIST_JSON));
            steps.add(step("cronjob list -o table", this::listCronJobsAsTable, Row.CRONJOB_LIST_TABLE));
            steps.add(step("cronjob show", this::showCronJob, Row.CRONJOB_SHOW));
            steps.add(step("cronjob delete", this::deleteCronJob, Row.CRONJOB_DELETE));
        } else {
            steps.add(absent("cronjob list", List.of("cronjob", "list"), Row.CRONJOB_SUBMIT, Row.CRONJOB_LIST_JSON,
                    Row.CRONJOB_LIST_TABLE, Row.CRONJOB_SHOW, Row.CRONJOB_DELETE));
        }
        if (version.jobDelete) {
            steps.add(step("job delete", this::deleteJob, Row.JOB_DELETE));
        } else {
            steps.add(absent("job delete", List.of("job", "delete", "no-such-job"), Row.JOB_DELETE));
        }
        steps.add(step("an unknown job, a bad token", this::errors, Row.ERRORS));
        return steps;
    }

    // --- the commands -------------------------------------------------------------------------------------------

    private String configure() throws Exception {
        KbatchCli.Result r = kbatch("configure", "--kbatch-url", url, "--token", "demo-token").ok();
        assertThat(r.stdout(), containsString("Wrote config to"));
        JsonNode config = JSON.readTree(Files.readString(cli.home().resolve("xdg/kbatch/config.json")));
        assertThat(config.path("kbatch_url").asString(), is(url));
        assertThat(config.path("token").asString(), is("demo-token"));
        return YES;
    }

    private String profiles() throws Exception {
        JsonNode profiles = json(kbatch("profiles").ok());
        assertThat(profiles.path("small").path("image").asString(), is("busybox:1.36"));
        assertThat(profiles.path("gpu").path("resources").path("limits").path("nvidia.com/gpu").asString(), is("1"));
        return YES;
    }

    private String submit() throws Exception {
        List<String> args = new ArrayList<>(List.of("job", "submit", "--name", "e2e", "--image", "busybox:1.36",
                "--command", "[\"sh\", \"-c\", \"python main.py\"]", "--env", "{\"GREETING\": \"hi\"}",
                "--code", code.toString()));
        if (!version.submitOutputOption) {
            JsonNode created = json(kbatch(args).ok());
            job = created.path("metadata").path("name").asString();
            assertThat(job, matchesPattern("e2e-[a-z0-9]{5}"));
            assertThat(created.path("metadata").path("namespace").asString(), is("kbatch-demo"));
            return "yes (prints the job; no `-o`)";
        }
        args.addAll(List.of("-o", "name"));
        job = kbatch(args).ok().stdout().strip();
        assertThat(job, matchesPattern("e2e-[a-z0-9]{5}"));
        return YES;
    }

    private String submitWithProfile() throws Exception {
        List<String> args = new ArrayList<>(List.of("job", "submit", "--name", "e2e-small", "--image", "busybox:1.36",
                "--command", "[\"true\"]", "-p", "small"));
        if (version.submitOutputOption) {
            args.addAll(List.of("-o", "json"));
        }
        KbatchCli.Result r = kbatch(args);
        if (!version.submitWithProfileWorks()) {
            assertThat(r.status(), is(1));
            assertThat(r.stderr(), containsString("AttributeError: 'str' object has no attribute 'get'"));
            return "no: the CLI crashes before it sends the job (`AttributeError`), whatever the server";
        }
        JsonNode resources = json(r.ok()).path("spec").path("template").path("spec").path("containers").get(0)
                .path("resources");
        assertThat(resources.path("limits").path("cpu").asString(), is("1"));
        assertThat(resources.path("limits").path("memory").asString(), is("1Gi"));
        assertThat(resources.path("requests").path("memory").asString(), is("512Mi"));
        return YES;
    }

    private String listJobsAsJson() throws Exception {
        KbatchCli.Result r = list(CliVersion.Lists.JSON, "job", "list");
        JsonNode mine = item(json(r), requireJob());
        assertThat(mine.path("metadata").path("namespace").asString(), is("kbatch-demo"));
        assertThat(mine.path("spec").path("template").path("spec").path("containers").get(0).path("image").asString(),
                is("busybox:1.36"));
        return cell(CliVersion.Lists.JSON);
    }

    private String showJob() throws Exception {
        JsonNode shown = json(kbatch("job", "show", requireJob()).ok());
        assertThat(shown.path("metadata").path("name").asString(), is(job));
        JsonNode pod = shown.path("spec").path("template").path("spec");
        assertThat("the code's init container", pod.path("init_containers").size(), is(1));
        JsonNode greeting = null;
        for (JsonNode env : pod.path("containers").get(0).path("env")) {
            if (env.path("name").asString().equals("GREETING")) {
                greeting = env;
            }
        }
        assertThat("GREETING in " + pod, greeting, notNullValue());
        assertThat("an env value moves into a Secret", greeting.path("value_from").path("secret_key_ref").isObject(),
                is(true));
        return YES;
    }

    private String listPodsAsJson() throws Exception {
        JsonNode pods = null;
        for (int i = 0; i < 25; i++) {
            pods = json(list(CliVersion.Lists.JSON, "pod", "list", "--job-name", requireJob()));
            if (pods.path("items").size() > 0) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat("the pods of " + job, pods.path("items").size(), is(1));
        JsonNode first = pods.path("items").get(0);
        pod = first.path("metadata").path("name").asString();
        assertThat(pod, startsWith(job + "-"));
        assertThat(first.path("metadata").path("labels").path("job-name").asString(), is(job));
        return cell(CliVersion.Lists.JSON);
    }

    private String listJobsAsTable() throws Exception {
        String line = rowOf(list(CliVersion.Lists.TABLE, "job", "list").stdout(), requireJob(), "job name");
        // Older CLIs: active/done; 0.5: pending/running/done. A job the CLI cannot place would have crashed it.
        assertThat(line, matchesPattern(".*\\b(active|pending|running|done)\\b.*"));
        return cell(CliVersion.Lists.TABLE);
    }

    private String listPodsAsTable() throws Exception {
        String line = rowOf(list(CliVersion.Lists.TABLE, "pod", "list").stdout(), requirePod(), "pod name");
        assertThat(line, matchesPattern(".*\\b(Pending|Running|Succeeded)\\b.*"));
        return cell(CliVersion.Lists.TABLE);
    }

    private String listPodNames() throws Exception {
        assertThat(kbatch("pod", "list", "--job-name", requireJob(), "-o", "name").ok().stdout().strip(),
                is(requirePod()));
        return YES;
    }

    private String jobLogs() throws Exception {
        String logs = kbatch("job", "logs", requireJob()).ok().stdout();
        assertThat(logs, matchesPattern("(?s).*line 1 of " + Pattern.quote(job) + "-[a-z0-9]{5}\n.*"));
        return YES;
    }

    private String jobLogsStreamed() throws Exception {
        KbatchCli.Result r = kbatch("job", "logs", requireJob(), "--stream").ok();
        assertThat("the whole log, to the pod's end", r.stdout(), containsString("line " + LOG_LINES + " of " + requirePod()));
        return YES;
    }

    private String podLogs() throws Exception {
        assertThat(kbatch("pod", "logs", requirePod()).ok().stdout(), containsString("line 1 of " + pod + "\n"));
        return logsRoute();
    }

    private String podLogsStreamed() throws Exception {
        KbatchCli.Result r = kbatch("pod", "logs", requirePod(), "--stream").ok();
        // The CLI prints an error body here too and exits 0: only the log's content tells success from failure.
        assertThat(r.stdout(), not(containsString("detail")));
        for (int n = 1; n <= LOG_LINES; n++) {
            assertThat(r.stdout(), containsString("line " + n + " of " + pod + "\n"));
        }
        return logsRoute();
    }

    private String logsRoute() {
        return version == CliVersion.V0_5_0A1 ? YES : "yes (sends `jobs/logs/POD/`)";
    }

    private String submitCronJob() throws Exception {
        cronJob = kbatch("cronjob", "submit", "--name", "e2e-cron", "--schedule", SCHEDULE, "--image", "busybox:1.36",
                "--command", "[\"sh\", \"-c\", \"date\"]", "--code", code.toString(), "-o", "name").ok().stdout().strip();
        assertThat(cronJob, matchesPattern("e2e-cron-cron-[a-z0-9]{5}"));
        return YES;
    }

    private String listCronJobsAsJson() throws Exception {
        JsonNode mine = item(json(list(CliVersion.Lists.JSON, "cronjob", "list")), requireCronJob());
        assertThat(mine.path("spec").path("schedule").asString(), is(SCHEDULE));
        return cell(CliVersion.Lists.JSON);
    }

    private String listCronJobsAsTable() throws Exception {
        String line = rowOf(list(CliVersion.Lists.TABLE, "cronjob", "list").stdout(), requireCronJob(), "cronjob name");
        assertThat(line, containsString(SCHEDULE));
        return cell(CliVersion.Lists.TABLE);
    }

    private String showCronJob() throws Exception {
        JsonNode shown = json(kbatch("cronjob", "show", requireCronJob()).ok());
        assertThat(shown.path("spec").path("schedule").asString(), is(SCHEDULE));
        assertThat("the code's init container", shown.path("spec").path("job_template").path("spec").path("template")
                .path("spec").path("init_containers").size(), is(1));
        return YES;
    }

    private String deleteCronJob() throws Exception {
        JsonNode status = json(kbatch("cronjob", "delete", requireCronJob()).ok());
        assertThat(status.path("status").asString(), is("Success"));
        assertThat(status.path("details").path("name").asString(), is(cronJob));
        assertThat(kbatch("cronjob", "list", "-o", "json").ok().stdout(), not(containsString(cronJob)));
        return YES;
    }

    private String deleteJob() throws Exception {
        JsonNode status = json(kbatch("job", "delete", requireJob()).ok());
        assertThat(status.path("status").asString(), is("Success"));
        assertThat(status.path("details").path("name").asString(), is(job));
        return YES;
    }

    private String errors() throws Exception {
        KbatchCli.Result unknown = kbatch("job", "show", "no-such-job");
        KbatchCli.Result badToken = kbatch("job", "list", "--token", "not-a-valid-token");
        assertThat(unknown.status(), is(1));
        assertThat(badToken.status(), is(1));
        return switch (version.errors) {
            case ONE_LINE -> {
                assertThat(unknown.stderr(), containsString("kbatch-proxy error 404: jobs.batch \"no-such-job\" not found"));
                assertThat(badToken.stderr(), containsString("kbatch-proxy error 401: Incorrect token"));
                KbatchCli.Result logs = kbatch("job", "logs", "no-such-job");
                assertThat(logs.status(), is(1));
                assertThat(logs.stderr(), containsString("kbatch-proxy error 404: No pods found for job no-such-job"));
                yield "yes: exit 1, `kbatch-proxy error 404: <detail>`";
            }
            case LOGGED_BODY_AND_TRACEBACK -> {
                assertThat(unknown.output(), containsString("{'detail': 'jobs.batch \"no-such-job\" not found'}"));
                assertThat(unknown.output(), containsString("404 Not Found"));
                assertThat(badToken.output(), containsString("{'detail': 'Incorrect token'}"));
                yield "yes: exit 1, the detail logged, then a traceback";
            }
            case TRACEBACK -> {
                assertThat(unknown.stderr(), containsString("httpx.HTTPStatusError: Client error '404 Not Found'"));
                assertThat(badToken.stderr(), containsString("httpx.HTTPStatusError: Client error '401 Unauthorized'"));
                yield "yes: exit 1, a traceback naming the status (no detail)";
            }
        };
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** A command this version lacks: click refuses it (exit 2, "No such command" or "No such option"). */
    private DynamicTest absent(String name, List<String> args, Row... rows) {
        return step(name + " (not in " + version.version + ")", () -> {
            KbatchCli.Result r = kbatch(args);
            assertThat(r.status(), is(2));
            assertThat(r.stderr(), matchesPattern("(?s).*No such (command|option).*"));
            return CompatibilityTable.ABSENT;
        }, rows);
    }

    private DynamicTest step(String name, ThrowingSupplier<String> check, Row... rows) {
        return dynamicTest(name, () -> {
            String cell;
            try {
                cell = check.get();
            } catch (Throwable t) {
                for (Row row : rows) {
                    table.put(version, row, CompatibilityTable.FAILED);
                }
                throw t;
            }
            for (Row row : rows) {
                table.put(version, row, cell);
            }
        });
    }

    /** A list command in that format: without {@code -o} where it is the version's default, so the default is seen. */
    private KbatchCli.Result list(CliVersion.Lists format, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        if (version.listDefault != format) {
            args.addAll(List.of("-o", format.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return kbatch(args).ok();
    }

    private String cell(CliVersion.Lists format) {
        return version.listDefault == format ? DEFAULT : YES;
    }

    /** The table's line that names {@code name}, once the table has its header. */
    private static String rowOf(String table, String name, String header) {
        assertThat(table, containsString(header));
        for (String line : table.split("\n")) {
            if (line.contains(" " + name + " ")) {
                return line;
            }
        }
        throw new AssertionError(name + " is not in the table:\n" + table);
    }

    /** The whole text matches the regular expression (this Hamcrest predates {@code Matchers.matchesPattern}). */
    private static Matcher<String> matchesPattern(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(String text) {
                return pattern.matcher(text).matches();
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a string matching /" + regex + "/");
            }
        };
    }

    private static JsonNode item(JsonNode list, String name) {
        for (JsonNode item : list.path("items")) {
            if (item.path("metadata").path("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError(name + " is not in the list: " + list);
    }

    private static JsonNode json(KbatchCli.Result r) {
        return JSON.readTree(r.stdout());
    }

    private String requireJob() {
        return require(job, "job");
    }

    private String requirePod() {
        return require(pod, "pod");
    }

    private String requireCronJob() {
        return require(cronJob, "cronjob");
    }

    private static String require(String name, String what) {
        if (name == null) {
            throw new AssertionError("no " + what + " to work with: an earlier step failed");
        }
        return name;
    }

    private KbatchCli.Result kbatch(List<String> args) throws Exception {
        return cli.run(args.toArray(String[]::new));
    }

    private KbatchCli.Result kbatch(String... args) throws Exception {
        return cli.run(args);
    }
}
