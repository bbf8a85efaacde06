package org.kbatch.proxy.wire;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;

/** The body of {@code POST cronjobs/}: the cronjob and, optionally, the user's code as a ConfigMap holding a zip. */
public record CronJobSubmission(CronJob job, ConfigMap code) {
}
