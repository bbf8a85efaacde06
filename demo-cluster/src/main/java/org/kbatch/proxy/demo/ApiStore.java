package org.kbatch.proxy.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server's storage: fabric8's {@link KubernetesCrudDispatcher} (the CRUD mode of its mock server: create,
 * get, list with label selectors, update, JSON and merge patches, delete), called in-process, with what a real API
 * server adds on top (see {@link Admission}) and answers shaped like the API server's: a {@code Status} body for
 * every error, {@code 200} for a patch, named list kinds, strategic merge patches accepted.
 *
 * <p>Calls are serialised: the storage is an in-memory map and each call takes microseconds.
 */
final class ApiStore {

    private static final System.Logger LOG = System.getLogger(ApiStore.class.getName());

    /** An answer of the API. */
    record Reply(int status, String contentType, byte[] body) {

        static Reply json(int status, JsonNode body) {
            return new Reply(status, "application/json", DemoJson.bytes(body));
        }

        ObjectNode object() {
            return DemoJson.object(body);
        }
    }

    private static final String JSON = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "http2-settings", "expect");
    private static final int NAME_ATTEMPTS = 8;

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    private final ReentrantLock lock = new ReentrantLock();

    /** Serves one API request (anything but pod logs). */
    Reply handle(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        Optional<ApiPath> parsed = ApiPath.parse(rawPath);
        if (rawPath.equals("/version") || rawPath.equals("/version/")) {
            return Reply.json(200, version());
        }
        if (isTrue(query(rawQuery).get("watch"))) {
            return Reply.json(405, KubeStatus.failure(405, "MethodNotAllowed",
                    "watch is not supported by the kbatch demo cluster"));
        }
        String target = rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
        lock.lock();
        try {
            ApiPath path = parsed.orElse(null);
            Reply reply;
            if (method.equals("POST") && path != null && path.isCollection() && path.subresource() == null) {
                reply = create(path, target, headers, body);
            } else if (method.equals("PATCH") && path != null && path.name() != null && isMergePatch(headers)
                    && (path.subresource() == null || path.subresource().equals("status"))) {
                reply = mergePatch(path, rawPath, DemoJson.object(body));
            } else {
                reply = dispatch(method, target, headers, body);
            }
            return normalize(method, path, reply);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the object at {@code rawPath} exists. */
    boolean exists(String rawPath) {
        return handle("GET", rawPath, null, Map.of(), new byte[0]).status() == 200;
    }

    void shutdown() {
        dispatcher.shutdown();
    }

    private Reply create(ApiPath path, String target, Map<String, List<String>> headers, byte[] body) {
        ObjectNode object = DemoJson.object(body);
        if (object == null) {
            return Reply.json(400, KubeStatus.failure(400, "BadRequest",
                    "the body of the request was in an unknown format - accepted media types include: application/json"));
        }
        if (path.namespace() != null && dispatch("GET", "/api/v1/namespaces/" + path.namespace(), Map.of(),
                new byte[0]).status() != 200) {
            // As the API server: nothing is created in a namespace that does not exist (the storage would).
            return Reply.json(404, KubeStatus.notFound(new ApiPath("", "v1", null, "namespaces", path.namespace(),
                    null)));
        }
        Optional<ObjectNode> refused = Admission.prepare(path, object);
        if (refused.isPresent()) {
            return Reply.json(refused.get().path("code").asInt(), refused.get());
        }
        ObjectNode metadata = object.withObject("metadata");
        String generateName = DemoJson.text(metadata, "name") == null || DemoJson.text(metadata, "name").isEmpty()
                ? DemoJson.text(metadata, "generateName") : null;
        Map<String, List<String>> jsonHeaders = withContentType(headers, JSON);
        for (int attempt = 1; ; attempt++) {
            if (generateName != null) {
                metadata.put("name", Admission.generateName(generateName));
            }
            Optional<ObjectNode> invalid = Admission.complete(path, object);
            if (invalid.isPresent()) {
                return Reply.json(422, invalid.get());
            }
            Reply created = dispatch("POST", target, jsonHeaders, DemoJson.bytes(object));
            if (created.status() == 409) {
                if (generateName != null && attempt < NAME_ATTEMPTS) {
                    continue;
                }
                return Reply.json(409, KubeStatus.alreadyExists(path, DemoJson.text(metadata, "name")));
            }
            if (created.status() == 201 && path.is("batch", "jobs")) {
                return jobDefaults(target, created);
            }
            return created;
        }
    }

    /** A created Job gets its selector and pod-template labels, which need its uid. */
    private Reply jobDefaults(String collection, Reply created) {
        ObjectNode job = created.object();
        if (job == null) {
            return created;
        }
        String objectPath = collection.replaceAll("\\?.*$", "").replaceAll("/+$", "") + "/"
                + DemoJson.text(job.path("metadata"), "name");
        Reply patched = mergePatch(ApiPath.parse(objectPath).orElseThrow(), objectPath, Admission.jobSelectorPatch(job));
        if (patched.status() / 100 != 2) {
            LOG.log(System.Logger.Level.WARNING, "could not default the Job at " + objectPath + ": " + patched.status());
            return created;
        }
        return new Reply(201, JSON, patched.body());
    }

    private Reply dispatch(String method, String target, Map<String, List<String>> headers, byte[] body) {
        HttpMethod httpMethod;
        try {
            httpMethod = HttpMethod.valueOf(method);
        } catch (IllegalArgumentException e) {
            return Reply.json(405, KubeStatus.forCode(405));
        }
        Headers.Builder forwarded = Headers.builder();
        headers.forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> forwarded.add(name, value));
            }
        });
        MockResponse response = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", httpMethod, target,
                forwarded.build(), new Buffer(body)));
        byte[] out = response.getBody() == null ? new byte[0] : response.getBody().getBytes();
        return new Reply(response.code(), response.header("Content-Type"), out);
    }

    private static Reply normalize(String method, ApiPath path, Reply reply) {
        int status = reply.status();
        if (method.equals("PATCH") && status == 202) {
            status = 200;
        }
        if (reply.body().length == 0 && status >= 400) {
            ObjectNode failure = status == 404 && path != null ? KubeStatus.notFound(path) : KubeStatus.forCode(status);
            return Reply.json(status, failure);
        }
        byte[] body = reply.body();
        if (method.equals("GET") && status == 200 && path != null && path.isCollection() && path.kind().isPresent()) {
            ObjectNode list = reply.object();
            if (list != null && "List".equals(DemoJson.text(list, "kind"))) {
                list.put("kind", path.kind().get() + "List");
                list.put("apiVersion", path.apiVersion());
                body = DemoJson.bytes(list);
            }
        }
        String contentType = reply.contentType() == null && body.length > 0 ? JSON : reply.contentType();
        return new Reply(status, contentType, body);
    }

    /**
     * A JSON merge patch (RFC 7386), done here: the storage's own merge appends to lists and stores nulls. A
     * strategic merge patch is applied the same way, which is what it does for the fields kbatch patches (a list
     * given whole, such as {@code ownerReferences}, replaces the old one instead of being merged by key). On the
     * {@code status} subresource only the patch's {@code status} applies.
     */
    private Reply mergePatch(ApiPath path, String rawPath, ObjectNode patch) {
        if (patch == null) {
            return Reply.json(400, KubeStatus.failure(400, "BadRequest", "the patch must be a JSON object"));
        }
        boolean statusOnly = "status".equals(path.subresource());
        String objectPath = statusOnly ? rawPath.replaceAll("/status/*$", "") : rawPath;
        Reply current = dispatch("GET", objectPath, Map.of(), new byte[0]);
        ObjectNode object = current.status() == 200 ? current.object() : null;
        if (object == null) {
            return current;
        }
        JsonNode metadata = object.path("metadata");
        JsonNode merged;
        if (statusOnly) {
            merged = object.deepCopy();
            if (patch.has("status")) {
                ((ObjectNode) merged).set("status", merge(object.get("status"), patch.get("status")));
            }
        } else {
            merged = merge(object, patch);
        }
        ObjectNode mergedMetadata = ((ObjectNode) merged).withObject("metadata");
        for (String identity : List.of("name", "namespace", "uid", "creationTimestamp", "resourceVersion")) {
            if (metadata.has(identity)) {
                mergedMetadata.set(identity, metadata.get(identity));
            }
        }
        Reply updated = dispatch("PUT", objectPath, Map.of("Content-Type", List.of(JSON)), DemoJson.bytes(merged));
        return updated.status() == 201 ? new Reply(200, updated.contentType(), updated.body()) : updated;
    }

    /** RFC 7386: objects merge member by member, {@code null} removes, anything else replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? target : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy() : DemoJson.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), merge(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    private static boolean isMergePatch(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Type") && !header.getValue().isEmpty()) {
                String type = header.getValue().getFirst().toLowerCase(Locale.ROOT);
                return type.startsWith(MERGE_PATCH) || type.startsWith(STRATEGIC_MERGE_PATCH);
            }
        }
        return false;
    }

    private static Map<String, List<String>> withContentType(Map<String, List<String>> headers, String contentType) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                copy.put(name, values);
            }
        });
        copy.put("Content-Type", List.of(contentType));
        return copy;
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    /** A boolean query parameter as the API server parses it (Go's strconv.ParseBool). */
    static boolean isTrue(String value) {
        return value != null && Set.of("1", "t", "T", "true", "TRUE", "True").contains(value);
    }

    private static ObjectNode version() {
        ObjectNode version = DemoJson.MAPPER.createObjectNode();
        version.put("major", "1");
        version.put("minor", "33");
        version.put("gitVersion", "v1.33.0-kbatch-demo");
        version.put("gitCommit", "");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "2026-01-01T00:00:00Z");
        version.put("goVersion", "");
        version.put("compiler", "gc");
        version.put("platform", "linux/amd64");
        return version;
    }
}
