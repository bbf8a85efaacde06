package org.kbatch.proxy.report;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Event;

/**
 * What a job is doing and why (the contract's {@code JobReport}): derived by {@link JobReports} from the Job, its pods
 * and their events; nothing of it is stored. The JSON names are the contract's (snake_case, as everything the CLI
 * reads).
 *
 * @param name           the job's name
 * @param phase          {@code Pending}, {@code Running}, {@code Succeeded} or {@code Failed}
 * @param reason         the most telling cause ({@code ImagePullBackOff}, {@code Unschedulable}, {@code OOMKilled},
 *                       {@code BackoffLimitExceeded}, ...), or {@code null} when nothing is wrong
 * @param message        what Kubernetes said about it, or {@code null}
 * @param startTime      when the job controller started the job (RFC 3339), or {@code null}
 * @param completionTime when it succeeded, or {@code null}
 * @param pods           its pods, oldest first
 * @param events         the latest warning events of the job and its pods, oldest first
 */
public record JobReport(String name, Phase phase, String reason, String message,
                        @JsonProperty("start_time") String startTime,
                        @JsonProperty("completion_time") String completionTime,
                        List<PodReport> pods, List<Event> events) {

    public enum Phase { Pending, Running, Succeeded, Failed }

    /** Whether the job controller is done with the job. */
    @JsonIgnore
    public boolean finished() {
        return phase == Phase.Succeeded || phase == Phase.Failed;
    }

    /**
     * One pod of the job.
     *
     * @param containers init containers first, then the containers, each in the pod's order
     */
    public record PodReport(String name, String phase, String reason, String message,
                            @JsonProperty("creation_time") String creationTime,
                            List<ContainerReport> containers) {
    }

    /**
     * One container of a pod, as its status says.
     *
     * @param state    {@code waiting}, {@code running} or {@code terminated}
     * @param exitCode set once it terminated
     */
    public record ContainerReport(String name, boolean init, String state, String reason, String message,
                                  @JsonProperty("exit_code") Integer exitCode,
                                  @JsonProperty("restart_count") int restartCount) {

        @JsonIgnore
        public boolean failed() {
            return "terminated".equals(state) && exitCode != null && exitCode != 0;
        }
    }
}
