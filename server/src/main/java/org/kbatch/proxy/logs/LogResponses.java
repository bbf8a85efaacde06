package org.kbatch.proxy.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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

    public static void stream(ServerResponse res, InputStream log, ProxyMetrics metrics) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        try (AutoCloseable active = metrics.logStream();
             log;
             BufferedReader lines = new BufferedReader(new InputStreamReader(log, StandardCharsets.UTF_8));
             OutputStream out = res.outputStream()) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    // A zero-length chunk would end the chunked response; the reference sends nothing for it either.
                    continue;
                }
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (io.helidon.webserver.CloseConnectionException e) {
            throw e;
        } catch (Exception e) {
            // The client went away or the log ended abruptly: closing the log stream (above) releases the Kubernetes
            // connection; there is nobody left to answer.
        }
    }
}
