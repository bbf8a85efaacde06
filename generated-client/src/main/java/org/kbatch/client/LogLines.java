package org.kbatch.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The lines of a followed log, read from the HTTP body as it arrives: a subscriber on the JDK client's body
 * publisher on one side, a blocking iterator on the other. The reader pulls: one piece of the body is requested only
 * when every line of the previous one has been taken, so a slow reader slows the download instead of filling memory.
 * {@link #close()} cancels the body, which closes the connection; the proxy then stops following the pod's log.
 */
final class LogLines implements Flow.Subscriber<List<ByteBuffer>>, Iterator<String>, AutoCloseable {

    private sealed interface Event permits Batch, End, Failure {
    }

    private record Batch(List<String> lines) implements Event {
    }

    private record End(List<String> tail) implements Event {
    }

    private record Failure(Throwable error) implements Event {
    }

    private final LogLineSplitter splitter = new LogLineSplitter();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Deque<String> ready = new ArrayDeque<>();
    private volatile boolean closed;
    private boolean requested;
    private boolean ended;

    // Publisher side (serially, on the HTTP client's threads)

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.complete(s) || closed) {
            s.cancel();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> pieces) {
        List<String> lines = new ArrayList<>();
        for (ByteBuffer piece : pieces) {
            lines.addAll(splitter.accept(piece));
        }
        events.add(new Batch(lines));
    }

    @Override
    public void onError(Throwable error) {
        events.add(new Failure(error));
    }

    @Override
    public void onComplete() {
        events.add(new End(splitter.finish()));
    }

    // Reader side

    /**
     * Whether another line comes; blocks until it has arrived or the log has ended.
     *
     * @throws UncheckedIOException when the connection failed, or the waiting thread was interrupted
     */
    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            if (ended) {
                return false;
            }
            Event event = events.poll();
            if (event == null) {
                if (!requested) {
                    requested = true;
                    subscription.join().request(1);
                }
                event = take();
            }
            switch (event) {
                case Batch batch -> {
                    requested = false;
                    ready.addAll(batch.lines());
                }
                case End end -> {
                    ended = true;
                    if (!closed) {
                        ready.addAll(end.tail());
                    }
                }
                case Failure failure -> {
                    ended = true;
                    if (!closed) {
                        Throwable e = failure.error();
                        throw new UncheckedIOException(e instanceof IOException io ? io
                                : new IOException("the log stream failed: " + e, e));
                    }
                }
            }
        }
        return true;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** Stops reading: cancels the body (closing the connection) and ends the iteration, also for a blocked reader. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription.getNow(null);
        if (s != null) {
            s.cancel();
        }
        events.add(new End(List.of()));
    }

    private Event take() {
        try {
            return events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            ended = true;
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for the log"));
        }
    }
}
