package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.client.http.AsyncBody;

/**
 * The body of an API server's answer as an {@link InputStream}, fed by fabric8's HTTP client as the bytes arrive
 * ({@code HttpClient.consumeBytes}). It copies the client's buffers in bulk: the stream fabric8 gives for
 * {@code sendAsync(request, InputStream.class)} copies them one byte at a time, which the benchmark found taking
 * 10-16% of the CPU of a big job list and capping log throughput. More bytes are asked for only when the reader has
 * used up what arrived, so a slow reader holds back the API server instead of filling memory; closing the stream
 * cancels the answer (and so a followed log).
 */
final class ResponseBody extends InputStream implements AsyncBody.Consumer<List<ByteBuffer>> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private AsyncBody body;
    private boolean requested;
    private boolean done;
    private boolean closed;
    private Throwable failure;

    /** fabric8 hands over the next buffers (after {@link AsyncBody#consume()} asked for them). */
    @Override
    public void consume(List<ByteBuffer> value, AsyncBody asyncBody) {
        lock.lock();
        try {
            if (!closed) {
                buffers.addAll(value);
            }
            requested = false;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The answer's head has arrived: from now on its body can be asked for. */
    void start(AsyncBody asyncBody) {
        lock.lock();
        try {
            body = asyncBody;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        asyncBody.done().whenComplete((ignored, error) -> {
            lock.lock();
            try {
                done = true;
                failure = error;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("The answer's stream is closed");
                }
                ByteBuffer head = buffers.peekFirst();
                while (head != null && !head.hasRemaining()) {
                    buffers.pollFirst();
                    head = buffers.peekFirst();
                }
                if (head != null) {
                    int n = Math.min(length, head.remaining());
                    head.get(into, offset, n);
                    return n;
                }
                if (done) {
                    if (failure != null && !(failure instanceof CancellationException)) {
                        throw new IOException("The answer broke off: " + failure.getMessage(), failure);
                    }
                    return -1;
                }
                if (body != null && !requested) {
                    requested = true;
                    // May hand over buffers at once, on this thread: look again before waiting.
                    body.consume();
                    continue;
                }
                arrived.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the API server");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            int available = 0;
            for (ByteBuffer buffer : buffers) {
                available += buffer.remaining();
            }
            return available;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        AsyncBody toCancel;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffers.clear();
            toCancel = done ? null : body;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }
}
