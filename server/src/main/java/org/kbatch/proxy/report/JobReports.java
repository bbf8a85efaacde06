package org.kbatch.proxy.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import org.kbatch.proxy.report.JobReport.ContainerReport;
import org.kbatch.proxy.report.JobReport.Phase;
import org.kbatch.proxy.report.JobReport.PodReport;

/**
 * Explains a job from what Kubernetes holds: the Job (its conditions), its pods (their phases, conditions and
 * container states) and the warning events about them. Pure: the same objects give the same report.
 *
 * <p>The cause it names, in this order: a finished job's condition (with {@code OOMKilled} or the failing container's
 * exit code when a pod shows it); a suspended job; for a job not finished, the newest pod that shows a problem (a
 * container that cannot start, such as {@code ImagePullBackOff}; a failed init container, {@code Init:Error}; a
 * container that exited non-zero before a retry; a pod the scheduler could not place, {@code Unschedulable}); and,
 * when there is no pod at all, the latest warning event (a quota refusal, say).
 */
public final class JobReports {

    /** At most this many warning events are reported, the latest ones. */
    public static final int MAX_EVENTS = 10;

    /** Why a container cannot start, as the kubelet says it; each of these stops a job that is not finished. */
    public static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
            "CrashLoopBackOff", "PreCreateHookError", "PostStartHookError");

    private JobReports() {
    }

    /**
     * The report of {@code job}.
     *
     * @param pods   the job's pods, in any order
     * @param events events about the job and its pods, oldest first (only warnings are kept)
     */
    public static JobReport of(Job job, List<Pod> pods, List<Event> events) {
        List<PodReport> podReports = pods.stream()
                .sorted(Comparator.comparing((Pod p) -> nullToEmpty(p.getMetadata().getCreationTimestamp()))
                        .thenComparing(p -> p.getMetadata().getName()))
                .map(JobReports::pod)
                .toList();
        List<Event> warnings = warnings(events);
        var status = job.getStatus();
        String start = status == null ? null : status.getStartTime();
        String completion = status == null ? null : status.getCompletionTime();
        String name = job.getMetadata().getName();

        Optional<JobCondition> failed = condition(job, "Failed");
        if (failed.isPresent()) {
            Cause cause = failedCause(failed.get(), podReports);
            return new JobReport(name, Phase.Failed, cause.reason, cause.message, start, completion, podReports,
                    warnings);
        }
        if (condition(job, "Complete").isPresent()) {
            return new JobReport(name, Phase.Succeeded, null, null, start, completion, podReports, warnings);
        }
        Phase phase = podReports.stream().anyMatch(p -> "Running".equals(p.phase())) ? Phase.Running : Phase.Pending;
        if (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return new JobReport(name, phase, "Suspended", "The job is suspended: it starts no pods", start,
                    completion, podReports, warnings);
        }
        Cause cause = unfinishedCause(podReports, pods)
                .or(() -> podReports.isEmpty() && !warnings.isEmpty()
                        ? Optional.of(new Cause(warnings.getLast().getReason(), warnings.getLast().getMessage()))
                        : Optional.empty())
                .orElse(Cause.NONE);
        return new JobReport(name, phase, cause.reason, cause.message, start, completion, podReports, warnings);
    }

    private record Cause(String reason, String message) {
        static final Cause NONE = new Cause(null, null);
    }

    private static Cause failedCause(JobCondition failed, List<PodReport> pods) {
        Optional<String[]> culprit = newestFirst(pods).stream()
                .flatMap(p -> p.containers().stream().filter(ContainerReport::failed)
                        .map(c -> new String[] {p.name(), c.name(), c.reason(), String.valueOf(c.exitCode()),
                                c.init() ? "init container" : "container"}))
                .findFirst();
        if (culprit.isPresent() && "OOMKilled".equals(culprit.get()[2])) {
            String[] c = culprit.get();
            return new Cause("OOMKilled", c[4] + " " + c[1] + " of pod " + c[0]
                    + " was killed for using more memory than its limit (exit code " + c[3] + ")");
        }
        String message = failed.getMessage();
        if (culprit.isPresent()) {
            String[] c = culprit.get();
            String exit = c[4] + " " + c[1] + " of pod " + c[0] + " exited with code " + c[3]
                    + (c[2] == null ? "" : " (" + c[2] + ")");
            message = message == null || message.isBlank() ? exit : message + "; " + exit;
        }
        return new Cause(failed.getReason(), message);
    }

    /** The newest pod that shows a problem, and what it is. */
    private static Optional<Cause> unfinishedCause(List<PodReport> reports, List<Pod> pods) {
        for (PodReport pod : newestFirst(reports)) {
            for (ContainerReport c : pod.containers()) {
                if ("waiting".equals(c.state()) && c.reason() != null && STUCK.contains(c.reason())) {
                    return Optional.of(new Cause(c.reason(), c.message() != null ? c.message()
                            : (c.init() ? "init container " : "container ") + c.name() + " of pod " + pod.name()
                            + ": " + c.reason()));
                }
            }
            for (ContainerReport c : pod.containers()) {
                if (c.failed()) {
                    String what = (c.init() ? "init container " : "container ") + c.name() + " of pod " + pod.name()
                            + " exited with code " + c.exitCode()
                            + (c.message() == null || c.message().isBlank() ? "" : ": " + c.message().strip());
                    String reason = c.reason() == null ? "Error" : c.reason();
                    return Optional.of(new Cause(c.init() ? "Init:" + reason : reason, what));
                }
            }
            if (pod.reason() != null && "Pending".equals(pod.phase())) {
                return Optional.of(new Cause(pod.reason(), pod.message()));
            }
        }
        return Optional.empty();
    }

    private static PodReport pod(Pod pod) {
        List<ContainerReport> containers = new ArrayList<>();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        if (spec != null) {
            for (Container c : nullToEmpty(spec.getInitContainers())) {
                containers.add(container(c.getName(), true,
                        status == null ? null : status.getInitContainerStatuses()));
            }
            for (Container c : nullToEmpty(spec.getContainers())) {
                containers.add(container(c.getName(), false, status == null ? null : status.getContainerStatuses()));
            }
        }
        String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
        String reason = status == null ? null : status.getReason();
        String message = status == null ? null : status.getMessage();
        if (reason == null && status != null) {
            // The scheduler says why a pod waits for a node on its PodScheduled condition.
            for (PodCondition condition : nullToEmpty(status.getConditions())) {
                if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                    reason = condition.getReason();
                    message = condition.getMessage();
                }
            }
        }
        return new PodReport(pod.getMetadata().getName(), phase, reason, message,
                pod.getMetadata().getCreationTimestamp(), List.copyOf(containers));
    }

    private static ContainerReport container(String name, boolean init, List<ContainerStatus> statuses) {
        ContainerStatus status = nullToEmpty(statuses).stream().filter(s -> name.equals(s.getName())).findFirst()
                .orElse(null);
        if (status == null || status.getState() == null) {
            return new ContainerReport(name, init, "waiting", null, null, null, 0);
        }
        int restarts = status.getRestartCount() == null ? 0 : status.getRestartCount();
        ContainerState state = status.getState();
        if (state.getTerminated() != null) {
            var t = state.getTerminated();
            return new ContainerReport(name, init, "terminated", t.getReason(), t.getMessage(), t.getExitCode(),
                    restarts);
        }
        if (state.getRunning() != null) {
            return new ContainerReport(name, init, "running", null, null, null, restarts);
        }
        var w = state.getWaiting();
        // A container waiting for a restart shows why it ended last time.
        var last = status.getLastState() == null ? null : status.getLastState().getTerminated();
        return new ContainerReport(name, init, "waiting", w == null ? null : w.getReason(),
                w == null ? null : w.getMessage(), last == null ? null : last.getExitCode(), restarts);
    }

    /** Whether the job controller is done with the job: its {@code Complete} or {@code Failed} condition is true. */
    public static boolean finished(Job job) {
        return condition(job, "Complete").isPresent() || condition(job, "Failed").isPresent();
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null) {
            return Optional.empty();
        }
        return nullToEmpty(job.getStatus().getConditions()).stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    /** The latest {@link #MAX_EVENTS} warnings, oldest first (of events oldest first). */
    static List<Event> warnings(List<Event> events) {
        List<Event> warnings = events.stream().filter(e -> "Warning".equals(e.getType())).toList();
        return List.copyOf(warnings.subList(Math.max(0, warnings.size() - MAX_EVENTS), warnings.size()));
    }

    private static List<PodReport> newestFirst(List<PodReport> pods) {
        return pods.reversed();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
