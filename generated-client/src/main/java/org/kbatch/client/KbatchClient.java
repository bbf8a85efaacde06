package org.kbatch.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.kbatch.client.api.CronjobsApi;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.CronJobPatch;
import org.kbatch.client.model.CronJobSubmission;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobReport;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.Pod;
import org.kbatch.client.model.Status;
import org.kbatch.client.model.User;

/**
 * A kbatch client for one user: the generated API classes with the user's token on every call, plus what the
 * generated code cannot do well on its own: code upload, and logs followed line by line as the pod writes them.
 *
 * <pre>{@code
 * try (KbatchClient kbatch = KbatchClient.connect("https://hub.example.org/services/kbatch/", token)) {
 *     Job job = KbatchClient.newJob("hello").image("python:3.12").command("python", "main.py").build();
 *     String name = kbatch.submit(job, Path.of("my-code/")).getMetadata().getName();
 *     kbatch.streamLogs(name, System.out::println);
 * }
 * }</pre>
 *
 * <p>Every call sends {@code Authorization: token <T>}. The convenience methods throw {@link KbatchException}
 * (status and the proxy's {@code detail}); the generated API classes ({@link #jobs()}, ...) throw their
 * {@link ApiException}, which {@link KbatchException#of(ApiException)} turns into one. Thread-safe.</p>
 */
public final class KbatchClient implements AutoCloseable {

    /** Where the kbatch CLI keeps {@code kbatch configure}'s settings, below the config home. */
    private static final String CONFIG_FILE = "kbatch/config.json";
    /** How long {@link #streamLogs} and {@link #followLogs} wait for a job's pod to start. */
    public static final Duration POD_START_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration POD_POLL_INTERVAL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = ApiClient.createDefaultObjectMapper();

    private final String baseUri;
    private final String authorization;
    private final HttpClient http;
    private final ApiClient apiClient;
    private final JobsApi jobs;
    private final CronjobsApi cronjobs;
    private final PodsApi pods;
    private final ServiceApi service;

    private KbatchClient(String kbatchUrl, String token) {
        if (kbatchUrl == null || kbatchUrl.isBlank()) {
            throw new IllegalArgumentException("no kbatch URL: pass it or set KBATCH_URL");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token: pass it or set JUPYTERHUB_API_TOKEN");
        }
        URI uri = URI.create(kbatchUrl.strip());
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + kbatchUrl);
        }
        // The generated paths start with "/": the base must not end with one.
        this.baseUri = uri.toString().replaceAll("/+$", "");
        this.authorization = "token " + token.strip();
        // HTTP/1.1 like the CLI (httpx): a followed log then arrives chunk by chunk, one chunk per line.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpClient shared = http;
        this.apiClient = new ApiClient(HttpClient.newBuilder(), ApiClient.createDefaultObjectMapper(), baseUri) {
            @Override
            public HttpClient getHttpClient() {
                return shared;
            }
        };
        apiClient.setRequestInterceptor(request -> request.setHeader("Authorization", authorization));
        this.jobs = new JobsApi(apiClient);
        this.cronjobs = new CronjobsApi(apiClient);
        this.pods = new PodsApi(apiClient);
        this.service = new ServiceApi(apiClient);
    }

    /**
     * A client for the kbatch service at {@code kbatchUrl}, calling it with a JupyterHub API token. Nothing is sent
     * yet; {@link #whoami()} checks the token.
     *
     * @param kbatchUrl the service's URL, e.g. {@code https://hub.example.org/services/kbatch/} (trailing slash
     *                  optional)
     * @param token     the user's JupyterHub API token (in a notebook: {@code $JUPYTERHUB_API_TOKEN})
     * @return the client; close it to release its connections
     * @throws IllegalArgumentException when the URL or the token is missing or the URL is not absolute
     */
    public static KbatchClient connect(String kbatchUrl, String token) {
        return new KbatchClient(kbatchUrl, token);
    }

    /**
     * A client configured like the kbatch CLI: the URL and token saved by {@code kbatch configure} (in
     * {@code $APPDATA}, {@code $XDG_CONFIG_HOME} or {@code ~/.config}, then {@code kbatch/config.json}) take
     * precedence; what is missing there comes from {@code KBATCH_URL} and {@code JUPYTERHUB_API_TOKEN} (which
     * JupyterHub sets in every user server).
     *
     * @return the client
     * @throws IllegalStateException when neither gives a URL or a token, or the config file cannot be read
     */
    public static KbatchClient fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, with these variables instead of the process environment.
     *
     * @param env environment variables ({@code KBATCH_URL}, {@code JUPYTERHUB_API_TOKEN}, {@code APPDATA},
     *            {@code XDG_CONFIG_HOME}, {@code HOME})
     * @return the client
     * @throws IllegalStateException when neither gives a URL or a token, or the config file cannot be read
     */
    public static KbatchClient fromEnvironment(Map<String, String> env) {
        String url = null;
        String token = null;
        Path config = configFile(env);
        if (config != null && Files.isRegularFile(config)) {
            try {
                JsonNode saved = JSON.readTree(config.toFile());
                url = text(saved, "kbatch_url");
                token = text(saved, "token");
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the kbatch configuration " + config + ": " + e.getMessage(), e);
            }
        }
        if (url == null) {
            url = nonEmpty(env.get("KBATCH_URL"));
        }
        if (token == null) {
            token = nonEmpty(env.get("JUPYTERHUB_API_TOKEN"));
        }
        if (url == null) {
            throw new IllegalStateException("no kbatch URL: set KBATCH_URL or run `kbatch configure`");
        }
        if (token == null) {
            throw new IllegalStateException("no token: set JUPYTERHUB_API_TOKEN or run `kbatch configure`");
        }
        return new KbatchClient(url, token);
    }

    /**
     * A builder for the common job: name, image, command, arguments, environment.
     *
     * @param name the job's name ({@code generate_name} {@code <name>-})
     * @return a builder; {@link JobBuilder#build()} gives the Job
     */
    public static JobBuilder newJob(String name) {
        return new JobBuilder(name);
    }

    /**
     * Reads a Kubernetes object from its JSON into the client's model, e.g. a Job built with fabric8's model
     * classes: {@code KbatchClient.fromJson(Serialization.asJson(fabric8Job), Job.class)}. The proxy accepts both
     * spellings of keys, the CLI's snake_case and Kubernetes' camelCase (which the model keeps as additional
     * properties, sent back as they were).
     *
     * @param json the object's JSON
     * @param type the model class, e.g. {@code Job.class} or {@code CronJob.class}
     * @param <T>  the model type
     * @return the model
     * @throws IllegalArgumentException when the text is not such JSON
     */
    public static <T> T fromJson(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    // The generated API, authenticated

    /**
     * The generated jobs API (list, get, submit, delete, logs), sending this client's token.
     *
     * @return the API; its calls throw {@link ApiException}
     */
    public JobsApi jobs() {
        return jobs;
    }

    /**
     * The generated cronjobs API, sending this client's token.
     *
     * @return the API; its calls throw {@link ApiException}
     */
    public CronjobsApi cronjobs() {
        return cronjobs;
    }

    /**
     * The generated pods API (list, logs), sending this client's token.
     *
     * @return the API; its calls throw {@link ApiException}
     */
    public PodsApi pods() {
        return pods;
    }

    /**
     * The generated service API (who am I, profiles, liveness), sending this client's token.
     *
     * @return the API; its calls throw {@link ApiException}
     */
    public ServiceApi service() {
        return service;
    }

    /**
     * The generated client's configuration (base URI, object mapper, interceptors), for building other API classes.
     *
     * @return the shared configuration; it already carries the token
     */
    public ApiClient apiClient() {
        return apiClient;
    }

    // Conveniences

    /**
     * Checks the token: the user who owns it, if it grants access to kbatch.
     *
     * @return the user ({@code name}, {@code groups})
     * @throws KbatchException 401 for an unknown token, 403 without the service's access scope, 503 when the hub is
     *                         down
     */
    public User whoami() throws KbatchException {
        try {
            return service.getAuthorized();
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Submits a job without code.
     *
     * @param job the job, e.g. from {@link #newJob(String)}
     * @return the created job as the proxy rendered it (its {@code metadata.name} is the generated name)
     * @throws KbatchException e.g. 422 with the offending key path for an invalid job
     */
    public Job submit(Job job) throws KbatchException {
        return submit(job, null);
    }

    /**
     * Submits a job with code, as {@code kbatch job submit --code} does: {@code code} is zipped into a ConfigMap
     * (see {@link CodeArchive}), which the proxy unpacks into {@code /code} before the job's container starts.
     *
     * @param job  the job, e.g. from {@link #newJob(String)}
     * @param code a directory (its contents are uploaded) or a single file; {@code null} for none
     * @return the created job (its {@code metadata.name} is the generated name)
     * @throws KbatchException e.g. 413 when the code is larger than the proxy accepts (1 MiB by default)
     * @throws UncheckedIOException when the code cannot be read
     */
    public Job submit(Job job, Path code) throws KbatchException {
        JobSubmission submission = new JobSubmission().job(job);
        if (code != null) {
            submission.code(CodeArchive.configMap(code, codeName(job.getMetadata(), "job")));
        }
        try {
            return jobs.submitJob(submission);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Submits a cronjob without code.
     *
     * @param cronJob the cronjob, e.g. from {@link JobBuilder#buildCronJob(String)}
     * @return the created cronjob
     * @throws KbatchException e.g. 422 for an invalid cronjob
     */
    public CronJob submit(CronJob cronJob) throws KbatchException {
        return submit(cronJob, null);
    }

    /**
     * Submits a cronjob with code (zipped as for {@link #submit(Job, Path)}; every run gets it in {@code /code}).
     *
     * @param cronJob the cronjob, e.g. from {@link JobBuilder#buildCronJob(String)}
     * @param code    a directory or a single file; {@code null} for none
     * @return the created cronjob
     * @throws KbatchException e.g. 422 for an invalid cronjob
     * @throws UncheckedIOException when the code cannot be read
     */
    public CronJob submit(CronJob cronJob, Path code) throws KbatchException {
        CronJobSubmission submission = new CronJobSubmission().job(cronJob);
        if (code != null) {
            submission.code(CodeArchive.configMap(code, codeName(cronJob.getMetadata(), "cronjob")));
        }
        try {
            return cronjobs.submitCronJob(submission);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * The user's jobs.
     *
     * @return the jobs in the user's namespace (possibly none)
     * @throws KbatchException when the call fails
     */
    public List<Job> listJobs() throws KbatchException {
        try {
            List<Job> items = jobs.listJobs(null).getItems();
            return items == null ? List.of() : items;
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * One of the user's jobs.
     *
     * @param jobName the job's (generated) name
     * @return the job with its status
     * @throws KbatchException 404 when there is no such job
     */
    public Job getJob(String jobName) throws KbatchException {
        try {
            return jobs.getJob(jobName);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Deletes one of the user's jobs, with its pods, code and secret.
     *
     * @param jobName the job's (generated) name
     * @return Kubernetes' answer
     * @throws KbatchException 404 when there is no such job
     */
    public Status deleteJob(String jobName) throws KbatchException {
        try {
            return jobs.deleteJob(jobName);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * The jobs one of the user's cronjobs started (on schedule, or by {@link #trigger}).
     *
     * @param cronJobName the cronjob's name
     * @return its jobs (possibly none)
     * @throws KbatchException 404 when there is no such cronjob
     */
    public List<Job> jobsOf(String cronJobName) throws KbatchException {
        try {
            List<Job> items = jobs.listJobs(cronJobName).getItems();
            return items == null ? List.of() : items;
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * What the job is doing and why: its phase, the most telling cause when it is stuck or failed, its pods and
     * containers, and the latest warning events.
     *
     * @param jobName the job's (generated) name
     * @return the job's report
     * @throws KbatchException 404 when there is no such job
     */
    public JobReport status(String jobName) throws KbatchException {
        try {
            return jobs.getJobReport(jobName);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Waits until the job has succeeded or failed, or {@code timeout} has passed (at most 10 minutes per call;
     * longer waits are made of several calls), and answers its report. The server watches the job, so the answer
     * comes as soon as it finishes. After a timeout the report's phase is {@code Pending} or {@code Running}.
     *
     * @param jobName the job's (generated) name
     * @param timeout how long to wait at most
     * @return the job's report
     * @throws KbatchException 404 when there is no such job
     */
    public JobReport awaitCompletion(String jobName, Duration timeout) throws KbatchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
                int seconds = (int) Math.max(1, Math.min(MAX_WAIT_SECONDS, left));
                JobReport report = jobs.waitForJob(jobName, seconds);
                boolean finished = report.getPhase() == JobReport.PhaseEnum.SUCCEEDED
                        || report.getPhase() == JobReport.PhaseEnum.FAILED;
                if (finished || System.nanoTime() >= deadline) {
                    return report;
                }
            }
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /** The longest wait the server allows per call ({@code timeout_seconds}). */
    static final int MAX_WAIT_SECONDS = 600;

    /**
     * Pauses one of the user's cronjobs ({@code suspend = true}: it starts no new jobs) or resumes it.
     *
     * @return the cronjob as it now is
     * @throws KbatchException 404 when there is no such cronjob
     */
    public CronJob suspend(String cronJobName, boolean suspend) throws KbatchException {
        try {
            return cronjobs.patchCronJob(cronJobName, new CronJobPatch().suspend(suspend));
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Starts a job now from one of the user's cronjobs, as its schedule would.
     *
     * @return the created job
     * @throws KbatchException 404 when there is no such cronjob
     */
    public Job trigger(String cronJobName) throws KbatchException {
        try {
            return cronjobs.triggerCronJob(cronJobName);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * The log of the job so far, at once: its pod's log, or with several pods (retries, parallelism) every pod's,
     * oldest first, each introduced by a line {@code ==> pod NAME <==}.
     *
     * @param jobName the job's (generated) name
     * @return the log text
     * @throws KbatchException 404 ({@code No pods found for job ...}) before the job has a pod
     */
    public String logs(String jobName) throws KbatchException {
        try {
            return jobs.getJobLogs(jobName, false, null, null, null, null, null);
        } catch (ApiException e) {
            throw KbatchException.of(e);
        }
    }

    /**
     * Waits until the job's pod has started (its phase is no longer {@code Pending}): right after a submission the
     * job has no pod yet, and then one whose container is still being created, which has no log to follow.
     *
     * @param jobName the job's (generated) name
     * @param timeout how long to wait at most
     * @return the job's (first) pod, {@code Running} or already finished
     * @throws KbatchException 404 when there is no such job; status 0 with a {@link TimeoutException} as cause
     *                         when the pod has not started in time
     */
    public Pod awaitPod(String jobName, Duration timeout) throws KbatchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Pod> items;
            try {
                items = pods.listPods(jobName).getItems();
                if (items == null || items.isEmpty()) {
                    jobs.getJob(jobName); // 404 for a job that does not exist (any more): no pod is coming
                }
            } catch (ApiException e) {
                throw KbatchException.of(e);
            }
            if (items != null && !items.isEmpty()) {
                Pod first = items.getFirst();
                String phase = first.getStatus() == null ? null : first.getStatus().getPhase();
                if (phase != null && !phase.equals("Pending")) {
                    return first;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new KbatchException(new TimeoutException(
                        "the pod of job " + jobName + " has not started within " + timeout));
            }
            try {
                Thread.sleep(POD_POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KbatchException(e);
            }
        }
    }

    /**
     * Follows the log of the job's pod, handing over each line as it arrives, until the container ends. Waits
     * first (up to {@link #POD_START_TIMEOUT}) for the pod to start, so it can be called right after
     * {@link #submit(Job, Path)}. Blocks the calling thread meanwhile; interrupt it to stop early.
     *
     * @param jobName the job's (generated) name
     * @param onLine  receives each line (without its newline), in order, on the calling thread
     * @throws KbatchException 404 for an unknown job, status 0 when the pod did not start in time or the connection
     *                         failed midway
     */
    public void streamLogs(String jobName, Consumer<String> onLine) throws KbatchException {
        try (Stream<String> lines = followLogs(jobName)) {
            lines.forEach(onLine);
        } catch (UncheckedIOException e) {
            throw new KbatchException(e.getCause());
        }
    }

    /**
     * Follows the log of the job's pod as a lazy stream of lines, read from the network as it is consumed; it ends
     * when the container ends. Waits first (up to {@link #POD_START_TIMEOUT}) for the pod to start. Close it (try-with-resources) to stop early: the connection is closed and the proxy
     * stops following the pod. Reading blocks until the next line arrives.
     *
     * <pre>{@code
     * try (Stream<String> lines = kbatch.followLogs(name)) {
     *     lines.filter(l -> l.contains("ERROR")).findFirst().ifPresent(System.out::println);
     * }
     * }</pre>
     *
     * @param jobName the job's (generated) name
     * @return the lines (without newlines); a connection failure midway surfaces as {@link UncheckedIOException}
     * @throws KbatchException 404 for an unknown job, 401/403 for the token, status 0 when the pod did not start in
     *                         time
     */
    public Stream<String> followLogs(String jobName) throws KbatchException {
        awaitPod(jobName, POD_START_TIMEOUT);
        LogLines lines = openLog(baseUri + "/jobs/logs/" + ApiClient.urlEncode(jobName) + "/?stream=true");
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lines, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(lines::close);
    }

    /** Releases the client's connections; a log still being followed is cut off. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    @Override
    public String toString() {
        return "KbatchClient[" + baseUri + "]";
    }

    private LogLines openLog(String url) throws KbatchException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/plain, application/json")
                .header("Authorization", authorization)
                .GET()
                .build();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofPublisher());
        } catch (IOException e) {
            throw new KbatchException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KbatchException(e);
        }
        if (response.statusCode() / 100 != 2) {
            HttpResponse.BodySubscriber<String> body = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            response.body().subscribe(body);
            String text;
            try {
                text = body.getBody().toCompletableFuture().get();
            } catch (ExecutionException e) {
                text = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                text = null;
            }
            throw new KbatchException(response.statusCode(), response.headers(), text);
        }
        LogLines lines = new LogLines();
        response.body().subscribe(lines);
        return lines;
    }

    /** The code ConfigMap's generate_name: the workload's name, as the CLI does. */
    private static String codeName(ObjectMeta metadata, String fallback) {
        if (metadata != null) {
            if (nonEmpty(metadata.getGenerateName()) != null) {
                return metadata.getGenerateName();
            }
            if (nonEmpty(metadata.getName()) != null) {
                return metadata.getName() + "-";
            }
            // A job read from camelCase JSON (e.g. fabric8's) keeps generateName as an additional property.
            Object camel = metadata.getAdditionalProperties() == null ? null
                    : metadata.getAdditionalProperties().get("generateName");
            if (camel instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return fallback + "-";
    }

    private static Path configFile(Map<String, String> env) {
        String home = nonEmpty(env.get("APPDATA"));
        if (home == null) {
            home = nonEmpty(env.get("XDG_CONFIG_HOME"));
        }
        if (home == null) {
            home = Path.of(env.getOrDefault("HOME", ""), ".config").toString();
        }
        return Path.of(home).resolve(CONFIG_FILE);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : nonEmpty(value.asText());
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
