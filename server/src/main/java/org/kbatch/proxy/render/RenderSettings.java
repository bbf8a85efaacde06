package org.kbatch.proxy.render;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the administrator configured for every submission.
 *
 * @param jobTemplate             {@code KBATCH_JOB_TEMPLATE_FILE} as parsed YAML: a camelCase Job (only its
 *                                {@code metadata} and {@code spec} are used); {@code null} for none. Treated as
 *                                read-only.
 * @param extraEnv                {@code KBATCH_JOB_EXTRA_ENV}, added to the first container in this order
 * @param ttlSecondsAfterFinished {@code KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED}, set on every job
 */
public record RenderSettings(Map<String, Object> jobTemplate, Map<String, String> extraEnv,
                             long ttlSecondsAfterFinished) {

    /** The reference's default for {@code KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED}. */
    public static final long DEFAULT_TTL_SECONDS_AFTER_FINISHED = 3600;

    /**
     * Copies the maps (keeping the order of {@code extraEnv}) and fails with an {@link IllegalArgumentException} on a
     * TTL out of range or a template that is not a Job, so a bad configuration stops startup rather than every
     * submission.
     */
    public RenderSettings {
        jobTemplate = jobTemplate == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(jobTemplate));
        extraEnv = extraEnv == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraEnv));
        if (ttlSecondsAfterFinished < 0 || ttlSecondsAfterFinished > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttlSecondsAfterFinished must be between 0 and " + Integer.MAX_VALUE
                    + ", got " + ttlSecondsAfterFinished);
        }
        TemplateMerge.requireJobShaped(jobTemplate);
    }

    /** No template, no extra env, the default TTL. */
    public static RenderSettings defaults() {
        return new RenderSettings(null, Map.of(), DEFAULT_TTL_SECONDS_AFTER_FINISHED);
    }
}
