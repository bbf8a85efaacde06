package org.kbatch.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.function.Function;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.wire.WireCodec;

/**
 * Sends a list (jobs, cronjobs, pods) as it comes from the API server, page by page, in the CLI's dialect: the answer
 * is written while the pages are read, so a request holds one page, not the whole list.
 */
public final class ListResponses {

    private static final System.Logger LOG = System.getLogger(ListResponses.class.getName());

    /** Bytes gathered before a chunk goes out: few, large chunks rather than one per item. */
    static final int CHUNK = 32 * 1024;

    private ListResponses() {
    }

    /**
     * The first page is fetched before anything is sent, so a failing API server (403, 504, ...) gets the usual
     * {@code {"detail"}} answer. A short list goes out in one piece with a {@code Content-Length}; a longer one in
     * chunks of {@link #CHUNK}. A page that cannot be read is also answered as usual while nothing has been sent; once
     * part of the list has, the connection is closed instead of ending the body, so the client sees a failed request
     * rather than a shorter list.
     */
    public static void send(ServerResponse res, WireCodec codec, WireCodec.ListKind kind,
                            Function<String, InputStream> pages) {
        InputStream first = pages.apply(null);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        Deferred out = new Deferred(res);
        try {
            codec.writeList(kind, first, pages, out);
            out.close();
        } catch (IOException | RuntimeException e) {
            if (!out.started()) {
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            // Too late for a status code: one line in the log (the client may simply have gone away).
            LOG.log(Level.WARNING, "A " + kind.name().toLowerCase(Locale.ROOT)
                    + " list was cut off after its answer started: " + e);
            throw new CloseConnectionException("List answer cut off", e);
        }
    }

    /**
     * Holds the first {@link #CHUNK} bytes back: a list that fits is sent whole on {@link #close()}; a longer one
     * opens the response's stream and goes out in chunks of that size.
     */
    private static final class Deferred extends OutputStream {

        private final ServerResponse res;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK);
        private OutputStream stream;

        Deferred(ServerResponse res) {
            this.res = res;
        }

        boolean started() {
            return stream != null;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            buffer.write(bytes, offset, length);
            if (buffer.size() >= CHUNK) {
                if (stream == null) {
                    res.status(200);
                    stream = res.outputStream();
                }
                buffer.writeTo(stream);
                buffer.reset();
            }
        }

        @Override
        public void flush() {
            // Chunks go out when full; the generator's flushes would only make them smaller.
        }

        @Override
        public void close() throws IOException {
            if (stream == null) {
                res.status(200);
                res.send(buffer.toByteArray());
                return;
            }
            buffer.writeTo(stream);
            stream.close();
        }
    }
}
