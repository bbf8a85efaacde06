package org.kbatch.proxy.demo;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Kubernetes {@code Status} objects, the body of every API error. */
final class KubeStatus {

    private KubeStatus() {
    }

    /** One field error of a 422 Invalid answer. */
    record Cause(String field, String message) {
    }

    static ObjectNode failure(int code, String reason, String message) {
        ObjectNode status = DemoJson.MAPPER.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        return status;
    }

    static ObjectNode notFound(ApiPath path) {
        String name = path.name() == null ? "" : path.name();
        return withDetails(failure(404, "NotFound", path.qualifiedResource() + " \"" + name + "\" not found"),
                path, name);
    }

    static ObjectNode alreadyExists(ApiPath path, String name) {
        return withDetails(failure(409, "AlreadyExists", path.qualifiedResource() + " \"" + name + "\" already exists"),
                path, name);
    }

    /** The {@code details} naming the object a failure is about, as the API server gives them. */
    private static ObjectNode withDetails(ObjectNode status, ApiPath path, String name) {
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!path.group().isEmpty()) {
            details.put("group", path.group());
        }
        details.put("kind", path.resource());
        return status;
    }

    /** 422: {@code Kind "name" is invalid: field: message} (several causes in brackets, as the API server does). */
    static ObjectNode invalid(ApiPath path, String kind, String name, List<Cause> causes) {
        String summary = causes.size() == 1
                ? causes.getFirst().field() + ": " + causes.getFirst().message()
                : "[" + String.join(", ", causes.stream().map(c -> c.field() + ": " + c.message()).toList()) + "]";
        ObjectNode status = failure(422, "Invalid", kind + " \"" + name + "\" is invalid: " + summary);
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!path.group().isEmpty()) {
            details.put("group", path.group());
        }
        details.put("kind", kind);
        ArrayNode list = details.putArray("causes");
        for (Cause cause : causes) {
            ObjectNode c = list.addObject();
            c.put("reason", cause.message().startsWith("Required value") ? "FieldValueRequired" : "FieldValueInvalid");
            c.put("message", cause.message());
            c.put("field", cause.field());
        }
        return status;
    }

    /** A generic failure for an empty error answer of the storage. */
    static ObjectNode forCode(int code) {
        String reason = switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 501 -> "NotImplemented";
            default -> code >= 500 ? "InternalError" : "BadRequest";
        };
        return failure(code, reason, reason);
    }
}
