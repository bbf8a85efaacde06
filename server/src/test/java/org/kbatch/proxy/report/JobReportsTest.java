package org.kbatch.proxy.report;

import java.util.List;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;
import org.kbatch.proxy.report.JobReport.ContainerReport;
import org.kbatch.proxy.report.JobReport.Phase;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** What a user reads in {@code jobs/NAME/status}, from Kubernetes objects shaped as a v1.26 cluster writes them. */
class JobReportsTest {

    @Test
    void aMissingImageIsPendingWithImagePullBackOff() {
        Pod pod = pod("j-a", "2026-12-03T08:00:00Z", "Pending",
                List.of(terminated("unzip", 0, "Completed")),
                List.of(waiting("job", "ImagePullBackOff", "Back-off pulling image \"nope/missing:1\"")));
        JobReport report = JobReports.of(job(null), List.of(pod), List.of());
        assertThat(report.phase(), is(Phase.Pending));
        assertThat(report.reason(), is("ImagePullBackOff"));
        assertThat(report.message(), is("Back-off pulling image \"nope/missing:1\""));
        assertThat(report.pods().getFirst().containers().stream().map(c -> c.name() + ":" + c.init() + ":" + c.state())
                .toList(), contains("unzip:true:terminated", "job:false:waiting"));
    }

    @Test
    void aPodTheSchedulerCannotPlaceIsUnschedulableWithItsMessage() {
        Pod pod = new PodBuilder(pod("j-a", "2026-12-03T08:00:00Z", "Pending", List.of(), List.of()))
                .editStatus().addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/1 nodes are available: 1 Insufficient nvidia.com/gpu.").endCondition().endStatus()
                .build();
        JobReport report = JobReports.of(job(null), List.of(pod), List.of());
        assertThat(report.phase(), is(Phase.Pending));
        assertThat(report.reason(), is("Unschedulable"));
        assertThat(report.message(), is("0/1 nodes are available: 1 Insufficient nvidia.com/gpu."));
    }

    @Test
    void aFailedInitContainerIsNamedWithItsExitCode() {
        Pod pod = pod("j-a", "2026-12-03T08:00:00Z", "Pending",
                List.of(terminated("unzip", 9, "Error")), List.of(waiting("job", "PodInitializing", null)));
        JobReport report = JobReports.of(job(null), List.of(pod), List.of());
        assertThat(report.phase(), is(Phase.Pending));
        assertThat(report.reason(), is("Init:Error"));
        assertThat(report.message(), is("init container unzip of pod j-a exited with code 9"));
    }

    @Test
    void aJobThatExitedWith3IsFailedWithTheConditionAndTheExitCode() {
        Pod pod = pod("j-a", "2026-12-03T08:00:00Z", "Failed", List.of(), List.of(terminated("job", 3, "Error")));
        JobReport report = JobReports.of(job("Failed"), List.of(pod), List.of());
        assertThat(report.phase(), is(Phase.Failed));
        assertThat(report.reason(), is("BackoffLimitExceeded"));
        assertThat(report.message(), is("Job has reached the specified backoff limit; container job of pod j-a"
                + " exited with code 3 (Error)"));
        ContainerReport job = report.pods().getFirst().containers().getFirst();
        assertThat(job.exitCode(), is(3));
        assertThat(job.state(), is("terminated"));
    }

    @Test
    void anOutOfMemoryKillIsTheReasonOfAFailedJob() {
        Pod pod = pod("j-a", "2026-12-03T08:00:00Z", "Failed", List.of(), List.of(terminated("job", 137, "OOMKilled")));
        JobReport report = JobReports.of(job("Failed"), List.of(pod), List.of());
        assertThat(report.reason(), is("OOMKilled"));
        assertThat(report.message(), containsString("exit code 137"));
    }

    @Test
    void aSucceededJobHasNoReasonAndItsTimes() {
        Pod pod = pod("j-a", "2026-12-03T08:00:00Z", "Succeeded", List.of(), List.of(terminated("job", 0, "Completed")));
        JobReport report = JobReports.of(job("Complete"), List.of(pod), List.of());
        assertThat(report.phase(), is(Phase.Succeeded));
        assertThat(report.reason(), nullValue());
        assertThat(report.startTime(), is("2026-12-03T07:59:59Z"));
        assertThat(report.completionTime(), is("2026-12-03T08:00:09Z"));
    }

    @Test
    void withoutPodsTheLatestWarningSaysWhy() {
        Event quota = event("e1", "Job", "j", "Warning", "FailedCreate",
                "pods \"j-x\" is forbidden: exceeded quota: kbatch-user-quota", "2026-12-03T08:00:05Z");
        Event normal = event("e2", "Job", "j", "Normal", "SuccessfulCreate", "created", "2026-12-03T08:00:06Z");
        JobReport report = JobReports.of(job(null), List.of(), List.of(quota, normal));
        assertThat(report.phase(), is(Phase.Pending));
        assertThat(report.reason(), is("FailedCreate"));
        assertThat(report.message(), containsString("exceeded quota"));
        assertThat(report.events().stream().map(Event::getReason).toList(), contains("FailedCreate"));
    }

    @Test
    void podsAreOldestFirstAndTheNewestProblemCounts() {
        Pod first = pod("j-b", "2026-12-03T08:00:00Z", "Failed", List.of(), List.of(terminated("job", 1, "Error")));
        Pod retry = pod("j-a", "2026-12-03T08:01:00Z", "Running", List.of(), List.of(running("job")));
        JobReport report = JobReports.of(job(null), List.of(retry, first), List.of());
        assertThat(report.pods().stream().map(JobReport.PodReport::name).toList(), contains("j-b", "j-a"));
        assertThat(report.phase(), is(Phase.Running));
        // The running retry shows no problem; the first pod's exit is still the last thing that went wrong.
        assertThat(report.reason(), is("Error"));
        assertThat(report.message(), is("container job of pod j-b exited with code 1"));
    }

    @Test
    void onlyTheLatestTenWarningsAreKept() {
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 10; i < 25; i++) {
            events.add(event("e" + i, "Pod", "j-a", "Warning", "BackOff" + i, "m", "2026-12-03T08:00:" + i + "Z"));
        }
        JobReport report = JobReports.of(job(null), List.of(), events);
        assertThat(report.events(), hasSize(JobReports.MAX_EVENTS));
        assertThat(report.events().getFirst().getReason(), is("BackOff15"));
        assertThat(report.events().getLast().getReason(), is("BackOff24"));
    }

    @Test
    void aSuspendedJobSaysSo() {
        Job job = new JobBuilder(job(null)).editSpec().withSuspend(true).endSpec().build();
        JobReport report = JobReports.of(job, List.of(), List.of());
        assertThat(report.phase(), is(Phase.Pending));
        assertThat(report.reason(), is("Suspended"));
        assertThat(report.pods(), empty());
    }

    // --- Kubernetes objects as the job controller and the kubelet write them

    private static Job job(String finishedCondition) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("j").withNamespace("kbatch-alice").endMetadata()
                .withNewSpec().withBackoffLimit(0).endSpec()
                .withNewStatus().withStartTime("2026-12-03T07:59:59Z").endStatus();
        if ("Complete".equals(finishedCondition)) {
            b.editStatus().withCompletionTime("2026-12-03T08:00:09Z").withSucceeded(1).addNewCondition()
                    .withType("Complete").withStatus("True").endCondition().endStatus();
        } else if ("Failed".equals(finishedCondition)) {
            b.editStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True")
                    .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                    .endCondition().endStatus();
        }
        return b.build();
    }

    private static Pod pod(String name, String created, String phase, List<ContainerStatus> init,
                           List<ContainerStatus> containers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withPhase(phase).withInitContainerStatuses(init).withContainerStatuses(containers)
                .endStatus();
        init.forEach(s -> b.editSpec().addNewInitContainer().withName(s.getName()).endInitContainer().endSpec());
        containers.forEach(s -> b.editSpec().addNewContainer().withName(s.getName()).endContainer().endSpec());
        return b.build();
    }

    private static ContainerStatus waiting(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withRestartCount(0).withNewState().withNewWaiting()
                .withReason(reason).withMessage(message).endWaiting().endState().build();
    }

    private static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withRestartCount(0).withNewState().withNewRunning()
                .withStartedAt("2026-12-03T08:01:01Z").endRunning().endState().build();
    }

    private static ContainerStatus terminated(String name, int exit, String reason) {
        return new ContainerStatusBuilder().withName(name).withRestartCount(0).withNewState().withNewTerminated()
                .withExitCode(exit).withReason(reason).endTerminated().endState().build();
    }

    private static Event event(String name, String kind, String object, String type, String reason, String message,
                               String time) {
        return new EventBuilder().withNewMetadata().withName(name).endMetadata().withNewInvolvedObject()
                .withKind(kind).withName(object).endInvolvedObject().withType(type).withReason(reason)
                .withMessage(message).withLastTimestamp(time).build();
    }
}
