package org.kbatch.proxy.kube;

/**
 * Which part of a container's log to read: Kubernetes' own log options ({@code container}, {@code tailLines},
 * {@code sinceSeconds}, {@code timestamps}, {@code previous}), each unset by default.
 *
 * @param container    the container (or init container) of the pod; {@code null} for the pod's default
 * @param tailLines    only the last N lines; {@code null} for all
 * @param sinceSeconds only what was written in the last N seconds; {@code null} for all
 * @param timestamps   each line prefixed with the time it was written
 * @param previous     the container's previous run (after a restart)
 */
public record LogOptions(String container, Long tailLines, Long sinceSeconds, boolean timestamps, boolean previous) {

    public static final LogOptions DEFAULT = new LogOptions(null, null, null, false, false);

    /** The same options for another container. */
    public LogOptions forContainer(String other) {
        return new LogOptions(other, tailLines, sinceSeconds, timestamps, previous);
    }

    ApiPath applyTo(ApiPath log) {
        return log.query("container", container)
                .query("tailLines", tailLines)
                .query("sinceSeconds", sinceSeconds)
                .query("timestamps", timestamps ? "true" : null)
                .query("previous", previous ? "true" : null);
    }
}
