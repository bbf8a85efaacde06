import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the RSS of one process every 20 ms and keeps the highest, over the whole phase ({@link #watch} ..
 * {@link #stop}) and over a window inside it (a case: {@link #window} .. {@link #windowPeak}).
 */
final class RssSampler {
    private volatile long pid;
    private final AtomicLong phaseMax = new AtomicLong();
    private final AtomicLong windowMax = new AtomicLong();

    void start() {
        Thread.ofPlatform().daemon().name("bench-rss").start(() -> {
            while (true) {
                sample();
                LockSupport.parkNanos(20_000_000);
            }
        });
    }

    private void sample() {
        long p = pid;
        if (p != 0) {
            long rss = ProcessUsage.rssKiB(p);
            phaseMax.accumulateAndGet(rss, Math::max);
            windowMax.accumulateAndGet(rss, Math::max);
        }
    }

    void watch(long pid) {
        phaseMax.set(ProcessUsage.rssKiB(pid));
        windowMax.set(ProcessUsage.rssKiB(pid));
        this.pid = pid;
    }

    void window() {
        long p = pid;
        windowMax.set(p == 0 ? 0 : ProcessUsage.rssKiB(p));
    }

    /** The highest RSS since {@link #window}, KiB. */
    long windowPeak() {
        sample();
        return windowMax.get();
    }

    /** The highest RSS seen since {@link #watch}, KiB. */
    long phasePeak() {
        sample();
        return phaseMax.get();
    }

    /** Stops watching; the highest RSS seen since {@link #watch}, KiB. */
    long stop() {
        sample();
        pid = 0;
        return phaseMax.get();
    }
}
