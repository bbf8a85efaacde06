package org.kbatch.proxy.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The running side of one pod: when it started, what it has written to its log, and whether it has ended. Log
 * line {@code N} ({@code line N of <pod>}) is written at {@code start + N * interval}; all of them are written
 * before the pod's run time is over. The job controller ends the pod; followers of its log wait here.
 */
final class SimulatedPod {

    enum State { RUNNING, SUCCEEDED, FAILED, GONE }

    private final String namespace;
    private final String name;
    private final String jobName;
    private final String jobUid;
    private final Map<String, String> images;
    private final Map<String, String> initImages;
    private final boolean fails;
    private final Instant startedAt;
    private final Instant endsAt;
    private final int lineCount;
    private final Duration interval;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private State state = State.RUNNING;
    private Instant stoppedAt;

    /**
     * @param images     container name to image, in the pod's order
     * @param initImages the same for the init containers
     */
    SimulatedPod(String namespace, String name, String jobName, String jobUid, Map<String, String> images,
                 Map<String, String> initImages, boolean fails, Instant startedAt, Duration runTime, int lineCount) {
        this.namespace = namespace;
        this.name = name;
        this.jobName = jobName;
        this.jobUid = jobUid;
        this.images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
        this.initImages = Collections.unmodifiableMap(new LinkedHashMap<>(initImages));
        this.fails = fails;
        this.startedAt = startedAt;
        this.endsAt = startedAt.plus(runTime);
        this.lineCount = lineCount;
        this.interval = runTime.dividedBy(lineCount + 1L);
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    String key() {
        return key(namespace, name);
    }

    String namespace() {
        return namespace;
    }

    String name() {
        return name;
    }

    String jobName() {
        return jobName;
    }

    String jobUid() {
        return jobUid;
    }

    /** Container name to image, in the pod's order. */
    Map<String, String> images() {
        return images;
    }

    Map<String, String> initImages() {
        return initImages;
    }

    boolean hasContainer(String container) {
        return images.containsKey(container) || initImages.containsKey(container);
    }

    boolean fails() {
        return fails;
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant endsAt() {
        return endsAt;
    }

    /** How many lines the log holds at {@code now} (frozen once the pod has ended). */
    int linesAt(Instant now) {
        if (lineCount == 0) {
            return 0;
        }
        Instant until;
        lock.lock();
        try {
            until = stoppedAt != null && stoppedAt.isBefore(now) ? stoppedAt : now;
        } finally {
            lock.unlock();
        }
        long elapsed = Duration.between(startedAt, until).toNanos();
        return (int) Math.max(0, Math.min(lineCount, elapsed / interval.toNanos()));
    }

    /** When line {@code number} (1-based) is written. */
    Instant lineWrittenAt(int number) {
        return startedAt.plus(interval.multipliedBy(number));
    }

    String line(int number) {
        return "line " + number + " of " + name + "\n";
    }

    State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    boolean hasEnded() {
        return state() != State.RUNNING;
    }

    /** Ends the pod (once): its log is complete and followers stop. */
    void end(State how, Instant at) {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = how;
                stoppedAt = at;
            } else if (how == State.GONE) {
                state = State.GONE;
            }
            ended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the pod ends or {@code timeout} passes. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            if (state == State.RUNNING && timeout.isPositive()) {
                ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
