package org.kbatch.proxy.submit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs two independent Kubernetes calls of a submission at once, each on its own virtual thread (they spend their
 * time waiting for the API server). Both always run to their end before the caller goes on, so a rollback after a
 * failure sees whatever the other one created; each call is bounded by the Kubernetes timeout.
 */
final class Parallel {

    private Parallel() {
    }

    /** The results of both calls. */
    record Both<A, B>(A first, B second) {
    }

    /**
     * Runs both calls and waits for both. A failure is rethrown unchanged (not wrapped), so the error mapping sees
     * the same exception as when the calls ran one after the other; if both fail, the first call's failure wins
     * (it is the earlier step) and carries the second's as suppressed.
     */
    static <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second) {
        Future<A> a;
        Future<B> b;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            a = threads.submit(first::get);
            b = threads.submit(second::get);
        } // close() waits until both have ended
        RuntimeException failure = failure(a);
        RuntimeException secondFailure = failure(b);
        if (failure != null) {
            if (secondFailure != null) {
                failure.addSuppressed(secondFailure);
            }
            throw failure;
        }
        if (secondFailure != null) {
            throw secondFailure;
        }
        return new Both<>(a.resultNow(), b.resultNow());
    }

    /** What an ended call threw, as it was thrown; {@code null} when it succeeded. */
    private static RuntimeException failure(Future<?> call) {
        return switch (call.state()) {
            case SUCCESS -> null;
            case FAILED -> switch (call.exceptionNow()) {
                case RuntimeException e -> e;
                case Error e -> throw e;
                // A Supplier cannot throw a checked exception.
                case Throwable e -> new IllegalStateException(e);
            };
            case CANCELLED -> new java.util.concurrent.CancellationException("a submission step was cancelled");
            case RUNNING -> throw new IllegalStateException("the executor was closed before the call ended");
        };
    }
}
