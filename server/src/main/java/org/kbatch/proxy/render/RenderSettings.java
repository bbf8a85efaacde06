package org.kbatch.proxy.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the administrator configured for every submission.
 *
 * @param jobTemplate             {@code KBATCH_JOB_TEMPLATE_FILE} as parsed YAML: a camelCase Job (only its
 *                                {@code metadata} and {@code spec} are used); {@code null} for none. Treated as
 *                                read-only.
 * @param extraEnv                {@code KBATCH_JOB_EXTRA_ENV}, added to the first container in this order
 * @param ttlSecondsAfterFinished {@code KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED}, set on every job
 * @param initImage               {@code KBATCH_INIT_CONTAINER_IMAGE}: the image of the init container that unzips
 *                                submitted code, pulled {@code IfNotPresent}. The admin template may override it (and
 *                                the pull policy) with an init container named {@value #INIT_CONTAINER_OVERRIDE}:
 *                                that entry is taken out of the template and only jobs with code get the container.
 * @param initImagePullPolicy     the unzip container's {@code imagePullPolicy}
 */
public record RenderSettings(Map<String, Object> jobTemplate, Map<String, String> extraEnv,
                             long ttlSecondsAfterFinished, String initImage, String initImagePullPolicy) {

    /** The reference's default for {@code KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED}. */
    public static final long DEFAULT_TTL_SECONDS_AFTER_FINISHED = 3600;
    /**
     * The default unzip image: pinned (a {@code latest} tag would mean pull policy Always, a registry pull for every
     * job with code), any image with {@code sh} and {@code unzip} will do.
     */
    public static final String DEFAULT_INIT_IMAGE = "busybox:1.36";
    /** Pulled only when the node lacks it, so a mirrored or pre-pulled image works on an air-gapped cluster. */
    public static final String DEFAULT_INIT_IMAGE_PULL_POLICY = "IfNotPresent";
    /** The name of the admin template's init container that sets the unzip container's image. */
    public static final String INIT_CONTAINER_OVERRIDE = "kbatch-unzip-code";

    /** The settings with the default unzip image. */
    public RenderSettings(Map<String, Object> jobTemplate, Map<String, String> extraEnv, long ttlSecondsAfterFinished) {
        this(jobTemplate, extraEnv, ttlSecondsAfterFinished, DEFAULT_INIT_IMAGE, DEFAULT_INIT_IMAGE_PULL_POLICY);
    }

    /**
     * Copies the maps (keeping the order of {@code extraEnv}) and fails with an {@link IllegalArgumentException} on a
     * TTL out of range or a template that is not a Job, so a bad configuration stops startup rather than every
     * submission.
     */
    public RenderSettings {
        Map<String, Object> override = initContainerOverride(jobTemplate);
        if (override != null) {
            jobTemplate = withoutInitContainerOverride(jobTemplate);
            if (override.get("image") instanceof String image && !image.isBlank()) {
                initImage = image;
            }
            if (override.get("imagePullPolicy") instanceof String policy && !policy.isBlank()) {
                initImagePullPolicy = policy;
            }
        }
        if (initImage == null || initImage.isBlank() || initImage.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the init container image must be an image reference, got '"
                    + initImage + "'");
        }
        jobTemplate = jobTemplate == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(jobTemplate));
        extraEnv = extraEnv == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraEnv));
        if (ttlSecondsAfterFinished < 0 || ttlSecondsAfterFinished > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttlSecondsAfterFinished must be between 0 and " + Integer.MAX_VALUE
                    + ", got " + ttlSecondsAfterFinished);
        }
        TemplateMerge.requireJobShaped(jobTemplate);
    }

    private static List<Object> templateInitContainers(Map<String, Object> template) {
        if (template != null && template.get("spec") instanceof Map<?, ?> spec
                && spec.get("template") instanceof Map<?, ?> podTemplate
                && podTemplate.get("spec") instanceof Map<?, ?> podSpec
                && podSpec.get("initContainers") instanceof List<?> initContainers) {
            return List.copyOf(initContainers);
        }
        return List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> initContainerOverride(Map<String, Object> template) {
        for (Object c : templateInitContainers(template)) {
            if (c instanceof Map<?, ?> container && INIT_CONTAINER_OVERRIDE.equals(container.get("name"))) {
                return (Map<String, Object>) container;
            }
        }
        return null;
    }

    /** A copy of the template without the override entry (the path down to it copied, the rest shared). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutInitContainerOverride(Map<String, Object> template) {
        List<Object> remaining = new ArrayList<>(templateInitContainers(template));
        remaining.removeIf(c -> c instanceof Map<?, ?> m && INIT_CONTAINER_OVERRIDE.equals(m.get("name")));
        Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) template.get("spec"));
        Map<String, Object> podTemplate = new LinkedHashMap<>((Map<String, Object>) spec.get("template"));
        Map<String, Object> podSpec = new LinkedHashMap<>((Map<String, Object>) podTemplate.get("spec"));
        if (remaining.isEmpty()) {
            podSpec.remove("initContainers");
        } else {
            podSpec.put("initContainers", remaining);
        }
        podTemplate.put("spec", podSpec);
        spec.put("template", podTemplate);
        Map<String, Object> copy = new LinkedHashMap<>(template);
        copy.put("spec", spec);
        return copy;
    }

    /** No template, no extra env, the default TTL. */
    public static RenderSettings defaults() {
        return new RenderSettings(null, Map.of(), DEFAULT_TTL_SECONDS_AFTER_FINISHED);
    }
}
