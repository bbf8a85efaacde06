package org.kbatch.proxy.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes REST path taken apart: {@code /api/v1/namespaces/NS/pods/NAME/log} or
 * {@code /apis/batch/v1/namespaces/NS/jobs}, cluster-scoped ones such as {@code /api/v1/namespaces/NAME}, and
 * lists across all namespaces ({@code /apis/batch/v1/jobs}).
 *
 * @param group       API group, empty for the core group
 * @param version     API version ({@code v1})
 * @param namespace   the namespace in the path, {@code null} for cluster-scoped paths and all-namespace lists
 * @param resource    plural resource name ({@code jobs})
 * @param name        object name, {@code null} for a collection
 * @param subresource {@code status}, {@code log}, ... or {@code null}
 */
record ApiPath(String group, String version, String namespace, String resource, String name, String subresource) {

    /** The kinds the demo knows by resource, to fill in {@code kind}/{@code apiVersion} and name list kinds. */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("namespaces", "Namespace"),
            Map.entry("pods", "Pod"),
            Map.entry("secrets", "Secret"),
            Map.entry("configmaps", "ConfigMap"),
            Map.entry("services", "Service"),
            Map.entry("serviceaccounts", "ServiceAccount"),
            Map.entry("events", "Event"),
            Map.entry("persistentvolumeclaims", "PersistentVolumeClaim"),
            Map.entry("batch/jobs", "Job"),
            Map.entry("batch/cronjobs", "CronJob"));

    static Optional<ApiPath> parse(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
            }
        }
        String group;
        int rest;
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            group = "";
            rest = 2;
        } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = 3;
        } else {
            return Optional.empty();
        }
        String version = segments.get(rest - 1);
        List<String> tail = segments.subList(rest, segments.size());
        if (tail.isEmpty()) {
            return Optional.empty();
        }
        boolean namespaced = tail.size() >= 3 && tail.get(0).equals("namespaces")
                && !(tail.size() == 3 && (tail.get(2).equals("status") || tail.get(2).equals("finalize")));
        String namespace = namespaced ? tail.get(1) : null;
        List<String> object = namespaced ? tail.subList(2, tail.size()) : tail;
        String resource = object.get(0);
        String name = object.size() > 1 ? object.get(1) : null;
        String subresource = object.size() > 2 ? String.join("/", object.subList(2, object.size())) : null;
        return Optional.of(new ApiPath(group, version, namespace, resource, name, subresource));
    }

    boolean isCollection() {
        return name == null;
    }

    /** {@code jobs.batch} or {@code pods}: how the API server names the resource in its messages. */
    String qualifiedResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The kind stored under this resource, if the demo knows it. */
    Optional<String> kind() {
        return Optional.ofNullable(KINDS.get(group.isEmpty() ? resource : group + "/" + resource));
    }

    boolean is(String group, String resource) {
        return this.group.equals(group) && this.resource.equals(resource);
    }
}
