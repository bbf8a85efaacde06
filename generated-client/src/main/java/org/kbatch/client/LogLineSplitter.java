package org.kbatch.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a streamed log, piece by piece as it arrives, into lines.
 *
 * <p>The proxy (like the Python reference, whose CLI prints each piece it receives as a line) sends a followed log
 * as one HTTP chunk per line, <em>without</em> the newline. Other servers send ordinary newline-terminated text. So:
 * as long as no newline has been seen, every piece that ends on a whole character is one line; once a newline turns
 * up, the text is split at newlines from then on, and an unterminated tail waits for the next piece (or
 * {@link #finish()}). A piece that ends inside a UTF-8 character was cut in transit and is joined with the next.</p>
 *
 * <p>A piece is what the HTTP client delivers as one buffer: the JDK client never puts two chunks into one buffer,
 * but may cut a long chunk that arrived in several network reads, which then shows up as two lines. Not thread-safe.</p>
 */
public final class LogLineSplitter {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final StringBuilder pending = new StringBuilder();
    private ByteBuffer carry = ByteBuffer.allocate(0);
    private boolean newlineTerminated;

    /**
     * Takes the next piece of the body.
     *
     * @param piece bytes as they arrived (read from its position to its limit; the buffer is consumed)
     * @return the lines this piece completes, in order; often one, possibly none
     */
    public List<String> accept(ByteBuffer piece) {
        ByteBuffer in = piece;
        if (carry.hasRemaining()) {
            in = ByteBuffer.allocate(carry.remaining() + piece.remaining()).put(carry).put(piece).flip();
        }
        CharBuffer chars = CharBuffer.allocate(in.remaining());
        decoder.decode(in, chars, false);
        carry = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
        pending.append(chars.flip());

        List<String> lines = new ArrayList<>();
        if (!newlineTerminated && pending.indexOf("\n") >= 0) {
            newlineTerminated = true;
        }
        if (newlineTerminated) {
            int start = 0;
            int nl;
            while ((nl = pending.indexOf("\n", start)) >= 0) {
                lines.add(stripCr(pending.substring(start, nl)));
                start = nl + 1;
            }
            pending.delete(0, start);
        } else if (!carry.hasRemaining() && !pending.isEmpty()) {
            lines.add(pending.toString());
            pending.setLength(0);
        }
        return lines;
    }

    /**
     * Ends the body.
     *
     * @return the last, unterminated line, if there is one (a cut-off character becomes U+FFFD)
     */
    public List<String> finish() {
        CharBuffer chars = CharBuffer.allocate(2 * carry.remaining() + 2);
        decoder.decode(carry, chars, true);
        decoder.flush(chars);
        decoder.reset();
        carry = ByteBuffer.allocate(0);
        pending.append(chars.flip());
        List<String> lines = new ArrayList<>();
        if (!pending.isEmpty()) {
            lines.add(stripCr(pending.toString()));
            pending.setLength(0);
        }
        return lines;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
