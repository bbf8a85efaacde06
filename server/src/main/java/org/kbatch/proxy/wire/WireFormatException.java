package org.kbatch.proxy.wire;

/**
 * A request body the codec cannot accept. {@link #status()} is the HTTP status to answer with (400 when the body is
 * not JSON at all, 422 when it is JSON of the wrong shape) and {@link #getMessage()} a readable detail for
 * {@code {"detail": ...}}, naming the offending key path where there is one.
 */
public class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    WireFormatException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static WireFormatException malformed(String message, Throwable cause) {
        return new WireFormatException(400, message, cause);
    }

    static WireFormatException invalid(String message) {
        return new WireFormatException(422, message, null);
    }

    static WireFormatException invalid(String message, Throwable cause) {
        return new WireFormatException(422, message, cause);
    }

    /** The HTTP status for this failure: 400 for malformed JSON, 422 for well-formed JSON of the wrong shape. */
    public int status() {
        return status;
    }
}
