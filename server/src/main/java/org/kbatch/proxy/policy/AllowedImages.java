package org.kbatch.proxy.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import org.kbatch.proxy.errors.Refusal;

/**
 * {@code allowed_images} ({@code KBATCH_ALLOWED_IMAGES}): the images a user's containers and init containers may run,
 * as glob patterns matched against the normalised reference. Normalising makes Docker Hub explicit, as the container
 * runtime reads a reference: {@code busybox} is {@code docker.io/library/busybox:latest}, {@code pangeo/notebook:1}
 * is {@code docker.io/pangeo/notebook:1}. Patterns are normalised the same way, except that a pattern without a tag
 * or digest matches every tag and digest of what it names ({@code busybox} allows {@code busybox:1.36}).
 * <p>
 * In a pattern {@code *} matches any run of characters within one path segment (not {@code /}), {@code **} any run
 * at all, and {@code ?} one character other than {@code /}: {@code ghcr.io/myorg/*} allows every image and tag
 * directly under {@code ghcr.io/myorg/}, {@code docker.io/pangeo/*:*} every tagged pangeo image,
 * {@code ghcr.io/myorg/**} the nested ones too.
 * <p>
 * Only the user's own containers are checked: the proxy's code-unzipping init container is added after, so its image
 * ({@code KBATCH_INIT_CONTAINER_IMAGE}) is always allowed, and so are the admin template's containers.
 */
public final class AllowedImages {

    /** Patterns compiled once: they come from the configuration, so the map holds no more than it names. */
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private AllowedImages() {
    }

    /**
     * Refuses (422) the first container whose image no pattern matches; {@code patterns == null} allows any.
     *
     * @param workload the user's Job or CronJob as submitted
     */
    public static void check(HasMetadata workload, OperatorPolicy policy) {
        List<String> patterns = policy.allowedImages();
        PodSpec pod = PodSpecs.podSpec(workload);
        if (patterns == null || pod == null) {
            return;
        }
        List<Pattern> compiled = patterns.stream().map(p -> COMPILED.computeIfAbsent(p, AllowedImages::compile)).toList();
        PodSpecs.forEachContainer(pod, PodSpecs.podPath(workload), (container, path) -> {
            String image = container.getImage();
            if (image == null || image.isBlank()) {
                return;
            }
            String normalised = normalise(image.strip());
            if (compiled.stream().noneMatch(p -> p.matcher(normalised).matches())) {
                throw new Refusal(422, "allowed_images", path + ".image: the image \"" + image + "\""
                        + (normalised.equals(image) ? "" : " (" + normalised + ")")
                        + " is not allowed here; allowed are " + String.join(", ", patterns)
                        + " (" + policy.source("allowed_images") + ")");
            }
        });
    }

    /** The reference as the container runtime reads it: registry, repository path, and a tag or digest. */
    public static String normalise(String image) {
        String named = withRegistry(image);
        return hasTagOrDigest(named) ? named : named + ":latest";
    }

    /** The pattern matching what it names, normalised like an image but without a default tag. */
    static Pattern compile(String pattern) {
        String normalised = withRegistry(pattern.strip());
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < normalised.length(); i++) {
            char c = normalised.charAt(i);
            if (c == '*' && i + 1 < normalised.length() && normalised.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (!hasTagOrDigest(normalised)) {
            regex.append("(?:[:@].*)?");
        }
        return Pattern.compile(regex.toString());
    }

    /** A {@code :tag} in the last path segment (a {@code :} before it is a registry's port) or an {@code @digest}. */
    private static boolean hasTagOrDigest(String reference) {
        return reference.indexOf(':', reference.lastIndexOf('/') + 1) >= 0 || reference.contains("@");
    }

    /** Docker Hub made explicit: a first segment that is no host ({@code .}, {@code :}, localhost) is a Hub name. */
    private static String withRegistry(String reference) {
        int slash = reference.indexOf('/');
        String first = slash < 0 ? "" : reference.substring(0, slash);
        boolean hasHost = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (hasHost) {
            String rest = reference.substring(slash + 1);
            boolean hub = first.equals("docker.io") || first.equals("index.docker.io");
            return hub ? "docker.io/" + (rest.contains("/") ? rest : "library/" + rest) : reference;
        }
        String path = slash < 0 ? "library/" + reference : reference;
        return "docker.io/" + path;
    }

    /** Every pattern that is not a usable image pattern, for the startup check. */
    public static List<String> invalid(List<String> patterns) {
        List<String> bad = new ArrayList<>();
        for (String p : patterns) {
            if (p == null || p.isBlank() || p.chars().anyMatch(Character::isWhitespace)) {
                bad.add(String.valueOf(p));
            }
        }
        return bad;
    }
}
