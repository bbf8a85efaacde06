package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.http.AsyncBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answer's bytes come out of the stream exactly as the HTTP client handed them over, in whatever pieces, asked
 * for only as the reader needs them; a body that breaks off is an error, not a shorter body; closing cancels.
 */
class ResponseBodyTest {

    private final ExecutorService network = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        network.shutdownNow();
    }

    /** Plays the HTTP client: hands over one list of buffers per consume(), on its own thread, then completes. */
    private final class Wire implements AsyncBody {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final List<List<ByteBuffer>> pieces;
        final ResponseBody stream;
        final AtomicInteger asked = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final Throwable endWith;
        int next;

        Wire(ResponseBody stream, List<List<ByteBuffer>> pieces, Throwable endWith) {
            this.stream = stream;
            this.pieces = pieces;
            this.endWith = endWith;
        }

        @Override
        public void consume() {
            asked.incrementAndGet();
            network.execute(() -> {
                if (next < pieces.size()) {
                    stream.consume(pieces.get(next++), this);
                } else if (endWith != null) {
                    done.completeExceptionally(endWith);
                } else {
                    done.complete(null);
                }
            });
        }

        @Override
        public CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            done.cancel(false);
        }
    }

    @Test
    void theBytesComeOutWholeAndInOrderWhateverThePieces() throws IOException {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        List<List<ByteBuffer>> pieces = new ArrayList<>();
        Random sizes = new Random(11);
        for (int at = 0; at < body.length; ) {
            List<ByteBuffer> piece = new ArrayList<>();
            for (int k = 0; k < 1 + sizes.nextInt(3) && at < body.length; k++) {
                int n = Math.min(body.length - at, 1 + sizes.nextInt(20_000));
                piece.add(ByteBuffer.wrap(body, at, n).slice());
                at += n;
            }
            piece.add(ByteBuffer.allocate(0));
            pieces.add(piece);
        }
        ResponseBody stream = new ResponseBody();
        Wire wire = new Wire(stream, pieces, null);
        stream.start(wire);

        byte[] read;
        try (InputStream in = stream) {
            read = in.readAllBytes();
        }

        assertArrayEquals(body, read);
        // Asked for piece by piece (once more for the end), not all at once.
        assertEquals(pieces.size() + 1, wire.asked.get());
    }

    @Test
    void aBodyThatBreaksOffIsAnErrorNotAShorterBody() {
        ResponseBody stream = new ResponseBody();
        Wire wire = new Wire(stream, List.of(List.of(ByteBuffer.wrap("{\"items\": [".getBytes()))),
                new IOException("connection reset"));
        stream.start(wire);

        IOException e = assertThrows(IOException.class, stream::readAllBytes);

        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }

    @Test
    void closingCancelsTheAnswer() throws IOException {
        ResponseBody stream = new ResponseBody();
        Wire wire = new Wire(stream, List.of(List.of(ByteBuffer.wrap("line 1\n".getBytes())),
                List.of(ByteBuffer.wrap("line 2\n".getBytes()))), null);
        stream.start(wire);

        assertEquals('l', stream.read());
        stream.close();

        assertTrue(wire.cancelled.get());
        assertThrows(IOException.class, stream::read);
    }
}
