package org.kbatch.proxy.logs;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.kube.LogOptions;
import org.kbatch.proxy.naming.KubernetesNames;

/**
 * The query parameters of the log routes ({@code jobs/logs/NAME/} and {@code pods/logs/NAME/}): {@code stream}, and
 * Kubernetes' log options {@code container}, {@code tail_lines}, {@code since_seconds}, {@code timestamps},
 * {@code previous}. Read here rather than by the generated code, so that a bad value gets a 422 in our words, naming
 * the parameter and what it must be.
 */
public final class LogQuery {

    private LogQuery() {
    }

    /** Whether the log is to be followed ({@code stream}, the reference's boolean spellings). */
    public static boolean stream(ServerRequest request) {
        return Names.flag("stream", request.query().first("stream").asOptional());
    }

    /** The log options the query asks for; {@link LogOptions#DEFAULT} without any. */
    public static LogOptions options(ServerRequest request) {
        var query = request.query();
        String container = query.first("container").asOptional().filter(c -> !c.isEmpty()).orElse(null);
        if (container != null && !KubernetesNames.isDnsLabel(container)) {
            throw new ApiException(422, "Query parameter 'container' must be a container name (lower-case letters,"
                    + " digits and '-', at most 63 characters), got '" + printable(container) + "'");
        }
        return new LogOptions(container,
                Names.wholeNumber("tail_lines", query.first("tail_lines").asOptional(), 0),
                Names.wholeNumber("since_seconds", query.first("since_seconds").asOptional(), 1),
                Names.flag("timestamps", query.first("timestamps").asOptional()),
                Names.flag("previous", query.first("previous").asOptional()));
    }

    private static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
