package org.kbatch.proxy.wire;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** The body of {@code POST jobs/}: the job and, optionally, the user's code as a ConfigMap holding a zip. */
public record JobSubmission(Job job, ConfigMap code) {
}
