package org.kbatch.proxy.demo;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** JSON and timestamps the way the API server writes them. */
final class DemoJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DemoJson() {
    }

    /** RFC 3339 in UTC with whole seconds: {@code 2026-11-25T12:05:45Z}. */
    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    static String string(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** The body as a JSON object, or {@code null} when it is not one. */
    static ObjectNode object(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node instanceof ObjectNode object ? object : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The text at {@code field} of {@code node}, or {@code null} when absent or not text. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
