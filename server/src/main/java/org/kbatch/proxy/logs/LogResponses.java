package org.kbatch.proxy.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Sends a pod's log as {@code text/plain}. Whole logs are copied through in small buffers, never held in memory;
 * followed logs go out one chunk per line as the container writes them (like the reference: the line without its
 * newline, which the CLI prints line by line) and end when the container ends or the client goes away.
 */
public final class LogResponses {

    private LogResponses() {
    }

    public static void send(ServerResponse res, InputStream log) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        try (log; OutputStream out = res.outputStream()) {
            log.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The longest piece of a line held before it is sent: memory stays bounded whatever the log's lines. */
    static final int MAX_PIECE = 64 * 1024;

    public static void stream(ServerResponse res, InputStream log, ProxyMetrics metrics) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        try (AutoCloseable active = metrics.logStream();
             log;
             OutputStream out = res.outputStream()) {
            copyLines(log, out);
        } catch (io.helidon.webserver.CloseConnectionException e) {
            throw e;
        } catch (Exception e) {
            // The client went away or the log ended abruptly: closing the log stream (above) releases the Kubernetes
            // connection; there is nobody left to answer.
        }
    }

    /** Copies the log to {@code out} line by line, flushing after each line (or each {@link #MAX_PIECE} of one). */
    static void copyLines(InputStream log, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int n;
        while ((n = log.read(buffer)) != -1) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    send(out, line);
                    start = i + 1;
                }
            }
            line.write(buffer, start, n - start);
            if (line.size() >= MAX_PIECE) {
                send(out, line);
            }
        }
        send(out, line);
    }

    /**
     * One chunk per line, without its newline (as the reference sends it; the CLI prints each chunk as a line). An empty
     * line is skipped: a zero-length chunk would end the chunked response.
     */
    private static void send(OutputStream out, java.io.ByteArrayOutputStream line) throws IOException {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (length > 0) {
            out.write(bytes, 0, length);
            out.flush();
        }
        line.reset();
    }
}
