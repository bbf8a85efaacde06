package org.kbatch.proxy.http;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Writing JSON answers: plain values with one shared mapper, and the {@code {"detail": ...}} error body. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** Sends already-serialised JSON with the JSON content type. */
    public static void send(ServerResponse res, int status, byte[] json) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(json);
    }

    /** Serialises a plain value (maps, lists, JSON trees) and sends it. */
    public static void send(ServerResponse res, Object value) {
        send(res, 200, MAPPER.writeValueAsBytes(value));
    }

    /** The error body every failure gets. */
    public static void detail(ServerResponse res, int status, String detail) {
        send(res, status, MAPPER.writeValueAsBytes(Map.of("detail", detail)));
        res.headers().remove(HeaderNames.CONTENT_ENCODING);
    }
}
