package org.kbatch.proxy.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.kbatch.proxy.http.Json;

/**
 * One JSON object per log line ({@code time}, {@code level}, {@code logger}, {@code message}, {@code error}), for
 * log collectors; chosen with {@code KBATCH_LOG_FORMAT=json}. The audit lines' message is itself JSON.
 */
public final class JsonLogFormatter extends Formatter {

    /** Puts this formatter on every handler of the root logger. */
    public static void install() {
        JsonLogFormatter formatter = new JsonLogFormatter();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(formatter);
        }
    }

    @Override
    public String format(LogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("message", formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("error", trace.toString());
        }
        return Json.MAPPER.writeValueAsString(line) + System.lineSeparator();
    }
}
