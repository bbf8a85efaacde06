package org.kbatch.proxy.demo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated job controller and kubelet, polling the API every {@value #TICK_MILLIS} ms: each new Job gets one
 * pod (named {@code <job>-<5 random>}, with the job labels and a controller owner reference) that runs for the
 * configured time, writes its log lines and then succeeds, or fails when a container's command or args mention
 * {@code kubesim-fail}; the Job's status follows (active, ready, startTime, then succeeded with completionTime and
 * a Complete condition, or failed with a Failed condition). Finished Jobs with {@code ttlSecondsAfterFinished} are
 * deleted when it expires, and the {@link GarbageCollector} runs on every tick. CronJobs are stored, never run.
 * A deleted running pod counts as failed (a Job here never retries).
 */
final class JobController {

    static final long TICK_MILLIS = 200;
    static final String FAIL_MARKER = "kubesim-fail";

    private static final System.Logger LOG = System.getLogger(JobController.class.getName());
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final int NAME_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final ConcurrentMap<String, SimulatedPod> pods;
    private final Clock clock;
    private final Duration runTime;
    private final int logLines;
    private final GarbageCollector collector;
    private final ScheduledExecutorService scheduler;
    /** Uids of the Jobs already started (or found finished); only the controller thread touches it. */
    private final Set<String> handledJobs = new HashSet<>();
    private volatile boolean stopping;

    JobController(KubernetesClient client, ConcurrentMap<String, SimulatedPod> pods, Clock clock, Duration runTime,
                  int logLines) {
        this.client = client;
        this.pods = pods;
        this.clock = clock;
        this.runTime = runTime;
        this.logLines = logLines;
        this.collector = new GarbageCollector(client);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kbatch-demo-controller");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::tickSafely, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
        stopping = true;
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    boolean isTerminated() {
        return scheduler.isTerminated();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "demo cluster: job controller tick failed", e);
            }
        }
    }

    /** One round: see what exists, move the simulation forward, collect garbage. */
    void tick() {
        Instant now = clock.instant();
        // Dependents first, then owners: see GarbageCollector.
        List<Pod> podList = client.pods().inAnyNamespace().list().getItems();
        List<Secret> secrets = client.secrets().inAnyNamespace().list().getItems();
        List<ConfigMap> configMaps = client.configMaps().inAnyNamespace().list().getItems();
        List<Job> jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems();
        List<CronJob> cronJobs = client.batch().v1().cronjobs().inAnyNamespace().list().getItems();

        Set<String> podKeys = new HashSet<>();
        for (Pod pod : podList) {
            podKeys.add(SimulatedPod.key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
        }
        for (SimulatedPod pod : List.copyOf(pods.values())) {
            if (!podKeys.contains(pod.key())) {
                podGone(pod, now);
            } else if (pod.state() == SimulatedPod.State.RUNNING && !now.isBefore(pod.endsAt())) {
                finish(pod, now);
            }
        }

        Set<String> jobUids = new HashSet<>();
        for (Job job : jobs) {
            jobUids.add(job.getMetadata().getUid());
            if (!handledJobs.contains(job.getMetadata().getUid())) {
                startIfNew(job, now);
            }
            expireIfDue(job, now);
        }
        handledJobs.retainAll(jobUids);

        Set<String> owners = new HashSet<>(jobUids);
        cronJobs.forEach(cronJob -> owners.add(cronJob.getMetadata().getUid()));
        List<HasMetadata> dependents = new ArrayList<>(podList);
        dependents.addAll(secrets);
        dependents.addAll(configMaps);
        dependents.addAll(jobs);
        for (HasMetadata deleted : collector.collect(dependents, owners)) {
            if (deleted instanceof Pod pod) {
                SimulatedPod simulated = pods.remove(SimulatedPod.key(pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName()));
                if (simulated != null) {
                    simulated.end(SimulatedPod.State.GONE, now);
                }
            }
        }
    }

    private void startIfNew(Job job, Instant now) {
        String uid = job.getMetadata().getUid();
        if (job.getSpec() == null || Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return;
        }
        handledJobs.add(uid);
        if (job.getStatus() != null && job.getStatus().getStartTime() != null || job.getSpec().getTemplate() == null) {
            return;
        }
        String namespace = job.getMetadata().getNamespace();
        String jobName = job.getMetadata().getName();
        PodSpec spec = job.getSpec().getTemplate().getSpec();
        Map<String, String> images = images(spec == null ? null : spec.getContainers());
        Map<String, String> initImages = images(spec == null ? null : spec.getInitContainers());
        for (int attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
            String podName = jobName + "-" + Admission.randomSuffix();
            SimulatedPod pod = new SimulatedPod(namespace, podName, jobName, uid, images, initImages, fails(spec),
                    now, runTime, logLines);
            if (pods.putIfAbsent(pod.key(), pod) != null) {
                continue;
            }
            try {
                client.pods().inNamespace(namespace).resource(podFor(job, pod, spec)).create();
            } catch (KubernetesClientException e) {
                pods.remove(pod.key());
                if (e.getCode() == 409) {
                    continue;
                }
                handledJobs.remove(uid);
                throw e;
            }
            event(namespace, "Job", jobName, uid, "Normal", "SuccessfulCreate", "Created pod: " + podName, now);
            event(namespace, "Pod", podName, null, "Normal", "Scheduled",
                    "Successfully assigned " + namespace + "/" + podName + " to demo-node", now);
            event(namespace, "Pod", podName, null, "Normal", "Started", "Started container job", now);
            ObjectNode status = DemoJson.MAPPER.createObjectNode();
            ObjectNode jobStatus = status.putObject("status");
            jobStatus.put("active", 1);
            jobStatus.put("ready", 1);
            jobStatus.put("startTime", DemoJson.timestamp(now));
            jobStatus.putObject("uncountedTerminatedPods");
            patchJobStatus(namespace, jobName, status);
            return;
        }
        handledJobs.remove(uid);
    }

    private Pod podFor(Job job, SimulatedPod pod, PodSpec spec) {
        ObjectNode template = DemoJson.object(
                client.getKubernetesSerialization().asJson(job.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
        ObjectNode object = DemoJson.MAPPER.createObjectNode();
        object.put("apiVersion", "v1");
        object.put("kind", "Pod");
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", pod.name());
        metadata.put("generateName", pod.jobName() + "-");
        metadata.put("namespace", pod.namespace());
        ObjectNode labels = metadata.putObject("labels");
        if (template.path("metadata").get("labels") instanceof ObjectNode templateLabels) {
            labels.setAll(templateLabels);
        }
        Admission.jobLabels(pod.jobName(), pod.jobUid()).forEach(labels::put);
        if (template.path("metadata").get("annotations") instanceof ObjectNode annotations) {
            metadata.set("annotations", annotations);
        }
        ObjectNode owner = metadata.putArray("ownerReferences").addObject();
        owner.put("apiVersion", "batch/v1");
        owner.put("kind", "Job");
        owner.put("name", pod.jobName());
        owner.put("uid", pod.jobUid());
        owner.put("controller", true);
        owner.put("blockOwnerDeletion", true);
        ObjectNode podSpec = template.get("spec") instanceof ObjectNode s ? s : DemoJson.MAPPER.createObjectNode();
        podSpec.put("nodeName", "kbatch-demo-node");
        object.set("spec", podSpec);
        String podIp = "10.244.0." + ThreadLocalRandom.current().nextInt(2, 255);
        object.set("status", PodStatuses.running(pod, podIp, qosClass(spec)));
        return client.getKubernetesSerialization().unmarshal(DemoJson.string(object), Pod.class);
    }

    private void finish(SimulatedPod pod, Instant now) {
        boolean failed = pod.fails();
        ObjectNode patch = DemoJson.MAPPER.createObjectNode();
        patch.set("status", PodStatuses.ended(pod, failed, now));
        try {
            client.pods().inNamespace(pod.namespace()).withName(pod.name()).subresource("status")
                    .patch(MERGE, DemoJson.string(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                podGone(pod, now);
                return;
            }
            throw e;
        }
        jobEnded(pod, failed, now);
        pod.end(failed ? SimulatedPod.State.FAILED : SimulatedPod.State.SUCCEEDED, now);
    }

    /** The pod was deleted: its log ends; if it was still running, its Job has failed. */
    private void podGone(SimulatedPod pod, Instant now) {
        pods.remove(pod.key());
        boolean wasRunning = pod.state() == SimulatedPod.State.RUNNING;
        pod.end(SimulatedPod.State.GONE, now);
        if (wasRunning) {
            jobEnded(pod, true, now);
        }
    }

    private void jobEnded(SimulatedPod pod, boolean failed, Instant now) {
        String at = DemoJson.timestamp(now);
        ObjectNode patch = DemoJson.MAPPER.createObjectNode();
        ObjectNode status = patch.putObject("status");
        status.putNull("active");
        status.put("ready", 0);
        status.put(failed ? "failed" : "succeeded", 1);
        if (!failed) {
            status.put("completionTime", at);
        }
        ArrayNode conditions = status.putArray("conditions");
        ObjectNode condition = conditions.addObject();
        condition.put("type", failed ? "Failed" : "Complete");
        condition.put("status", "True");
        condition.put("lastProbeTime", at);
        condition.put("lastTransitionTime", at);
        if (failed) {
            condition.put("reason", "BackoffLimitExceeded");
            condition.put("message", "Job has reached the specified backoff limit");
        }
        Job job = client.batch().v1().jobs().inNamespace(pod.namespace()).withName(pod.jobName()).get();
        if (job != null && pod.jobUid().equals(job.getMetadata().getUid())) {
            patchJobStatus(pod.namespace(), pod.jobName(), patch);
            event(pod.namespace(), "Job", pod.jobName(), pod.jobUid(), failed ? "Warning" : "Normal",
                    failed ? "BackoffLimitExceeded" : "Completed",
                    failed ? "Job has reached the specified backoff limit" : "Job completed", now);
        }
    }

    /** An event about a job or pod, as the job controller, scheduler and kubelet write them (for events/?job_name=). */
    private void event(String namespace, String kind, String name, String uid, String type, String reason,
                       String message, Instant now) {
        String at = DemoJson.timestamp(now);
        try {
            client.v1().events().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                    .withNewMetadata().withName(name + "." + Long.toHexString(System.nanoTime())).endMetadata()
                    .withNewInvolvedObject().withApiVersion(kind.equals("Job") ? "batch/v1" : "v1").withKind(kind)
                    .withName(name).withNamespace(namespace).withUid(uid).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message).withCount(1)
                    .withFirstTimestamp(at).withLastTimestamp(at)
                    .withNewSource().withComponent(kind.equals("Job") ? "job-controller" : "kubelet").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // events are best effort, as in Kubernetes
        }
    }

    private void patchJobStatus(String namespace, String name, ObjectNode patch) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name).subresource("status")
                    .patch(MERGE, DemoJson.string(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** {@code ttlSecondsAfterFinished}: the TTL controller deletes the finished Job (its pods follow). */
    private void expireIfDue(Job job, Instant now) {
        Integer ttl = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
        Instant finished = finishedAt(job.getStatus());
        if (ttl == null || finished == null || now.isBefore(finished.plusSeconds(ttl))) {
            return;
        }
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    static Instant finishedAt(JobStatus status) {
        if (status == null) {
            return null;
        }
        if (status.getCompletionTime() != null) {
            return parse(status.getCompletionTime());
        }
        if (status.getConditions() != null) {
            for (JobCondition condition : status.getConditions()) {
                if (("Complete".equals(condition.getType()) || "Failed".equals(condition.getType()))
                        && "True".equals(condition.getStatus()) && condition.getLastTransitionTime() != null) {
                    return parse(condition.getLastTransitionTime());
                }
            }
        }
        return null;
    }

    private static Instant parse(String timestamp) {
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A container whose command or args mention {@value #FAIL_MARKER} fails. */
    static boolean fails(PodSpec spec) {
        if (spec == null || spec.getContainers() == null) {
            return false;
        }
        for (Container container : spec.getContainers()) {
            for (List<String> words : Arrays.asList(container.getCommand(), container.getArgs())) {
                if (words != null && words.stream().anyMatch(word -> word != null && word.contains(FAIL_MARKER))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, String> images(List<Container> containers) {
        Map<String, String> images = new LinkedHashMap<>();
        if (containers != null) {
            for (Container container : containers) {
                images.put(container.getName(), container.getImage() == null ? "" : container.getImage());
            }
        }
        return images;
    }

    private static String qosClass(PodSpec spec) {
        if (spec != null) {
            List<Container> all = new ArrayList<>();
            if (spec.getContainers() != null) {
                all.addAll(spec.getContainers());
            }
            if (spec.getInitContainers() != null) {
                all.addAll(spec.getInitContainers());
            }
            for (Container container : all) {
                ResourceRequirements resources = container.getResources();
                if (resources != null && (resources.getRequests() != null && !resources.getRequests().isEmpty()
                        || resources.getLimits() != null && !resources.getLimits().isEmpty())) {
                    return "Burstable";
                }
            }
        }
        return "BestEffort";
    }
}
