import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A minimal HTTP/1.1 client: one keep-alive connection, Content-Length and chunked bodies. */
final class HttpConnection implements Http {

    final int port;
    final Socket socket;
    final InputStream in;
    /** Read-ahead of {@link #in}: bytes {@code [pos, lim)} are unread (no lock per byte, unlike BufferedInputStream). */
    private final byte[] rbuf = new byte[65536];
    private int pos;
    private int lim;
    final OutputStream out;
    private final byte[] buf = new byte[65536];

    HttpConnection(int port) throws IOException {
        this.port = port;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(60_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        this.socket = s;
        this.in = s.getInputStream();
        this.out = new BufferedOutputStream(s.getOutputStream(), 65536);
    }

    /** Sends a request and hands the body to {@code sink} as it arrives (a chunk that fits the buffer whole). */
    @Override
    public Response exchange(String method, String path, String headers, byte[] body, Sink sink) throws IOException {
        if (socket.isClosed()) {
            throw new IOException("connection closed");
        }
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\nAccept: */*\r\n").append(headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        Response r = new Response();
        String statusLine = line();
        if (statusLine == null) {
            close();
            throw new EOFException("connection closed before an answer");
        }
        r.status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String h;
        while ((h = line()) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        boolean noBody = method.equals("HEAD") || r.status == 204 || r.status == 304 || r.status / 100 == 1;
        if (noBody) {
            // nothing
        } else if (chunked) {
            while (true) {
                String sizeLine = line();
                if (sizeLine == null) throw new EOFException("chunked body cut short");
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while ((h = line()) != null && !h.isEmpty()) {
                        // trailers
                    }
                    break;
                }
                copy(size, sink);
                line();
            }
        } else if (length >= 0) {
            copy(length, sink);
        } else {
            int n;
            while ((n = read(buf, 0, buf.length)) > 0) {
                sink.accept(buf, 0, n);
            }
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return r;
    }

    /** Copies {@code n} bytes to the sink; a piece that fits the buffer is handed over whole. */
    private void copy(long n, Sink sink) throws IOException {
        while (n > 0) {
            int want = (int) Math.min(n, buf.length);
            int got = 0;
            while (got < want) {
                int r = read(buf, got, want - got);
                if (r < 0) throw new EOFException("body cut short");
                got += r;
            }
            sink.accept(buf, 0, got);
            n -= got;
        }
    }

    private boolean fill() throws IOException {
        pos = 0;
        lim = Math.max(0, in.read(rbuf));
        return lim > 0;
    }

    private int read() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return rbuf[pos++] & 0xff;
    }

    private int read(byte[] into, int off, int len) throws IOException {
        if (pos == lim) {
            if (len >= rbuf.length) {
                return in.read(into, off, len);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(rbuf, pos, into, off, n);
        pos += n;
        return n;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    static String auth(String token) {
        return "Authorization: token " + token + "\r\n";
    }
}
