package org.kbatch.proxy.kube;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path of the Kubernetes API with its query, built from parts instead of concatenated: each path segment is
 * percent-encoded as one segment (whatever a name holds, it cannot add a segment or start the query), each query value
 * is form-encoded, and the parameters keep the order they were added in. The names that reach here are validated
 * Kubernetes names, which encode to themselves. Immutable: {@link #query} answers a new path.
 */
final class ApiPath {

    private record Parameter(String name, String value) {
    }

    private final List<String> segments;
    private final List<Parameter> parameters;

    private ApiPath(List<String> segments, List<Parameter> parameters) {
        this.segments = List.copyOf(segments);
        this.parameters = List.copyOf(parameters);
    }

    /** {@code /s1/s2/...}, e.g. {@code of("api", "v1", "namespaces", namespace, "pods")}. */
    static ApiPath of(String... segments) {
        return new ApiPath(List.of(segments), List.of());
    }

    /** This path with {@code name=value} added to its query; a {@code null} value adds nothing. */
    ApiPath query(String name, Object value) {
        if (value == null) {
            return this;
        }
        List<Parameter> more = new ArrayList<>(parameters);
        more.add(new Parameter(name, value.toString()));
        return new ApiPath(segments, more);
    }

    /** The path and query as sent: {@code /api/v1/namespaces/ns/pods?labelSelector=job-name%3Dj&limit=500}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/').append(segment(segment));
        }
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            out.append(i == 0 ? '?' : '&').append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.value(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** RFC 3986 percent-encoding of one path segment: everything but the unreserved characters. */
    private static String segment(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.write(c);
            } else {
                out.writeBytes(String.format("%%%02X", b & 0xff).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
