import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A client of one HTTP server, as the load generator's workers and the direct calls use it: the bench's plain
 * HTTP/1.1 connection ({@link HttpConnection}) or, for a real API server, the JDK's TLS + HTTP/2 client set up as
 * fabric8 sets it up ({@link Http2Client}). Headers are given as {@code "Name: value\r\n"} lines.
 */
interface Http extends Closeable {

    interface Sink {
        void accept(byte[] buf, int off, int len) throws IOException;
    }

    final class Response {
        int status;
        byte[] body;

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    String JSON_TYPE = "Content-Type: application/json\r\n";
    String MERGE_PATCH_TYPE = "Content-Type: application/merge-patch+json\r\n";

    /** Sends a request and hands the body to {@code sink} as it arrives; {@link Response#body} stays null. */
    Response exchange(String method, String path, String headers, byte[] body, Sink sink) throws IOException;

    default Response get(String path, String headers) throws IOException {
        return request("GET", path, headers, null, false);
    }

    default Response get(String path, String headers, boolean keep) throws IOException {
        return request("GET", path, headers, null, keep);
    }

    /** {@link #exchange}, keeping the body when {@code keep} (otherwise it is read and dropped). */
    default Response request(String method, String path, String headers, byte[] body, boolean keep)
            throws IOException {
        ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
        Response r = exchange(method, path, headers, body, keep ? kept::write : (b, o, l) -> { });
        if (keep) {
            r.body = kept.toByteArray();
        }
        return r;
    }

    @Override
    void close();

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Opens a client to the server a side talks to (a new connection, or a shared multiplexing client). */
    interface Connector {
        Http open() throws IOException;
    }
}
