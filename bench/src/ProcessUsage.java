import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Memory and CPU of a process, from /proc (and the bench's own CPU). */
final class ProcessUsage {

    static long rssKiB(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long hwmKiB(long pid) {
        return statusField(pid, "VmHWM:");
    }

    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone.
        }
        return 0;
    }

    /** utime + stime of a process, in nanoseconds (clock ticks of 10 ms). */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat(5); f[0] is field 3.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU (utime + stime, ns) of every thread of a process, keyed "name with digits as N" TAB tid. */
    static Map<String, Long> threadCpu(long pid) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.put(name + "\t" + task.getFileName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended.
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
        return cpu;
    }

    /** CPU (ns) of the JIT's compiler threads (C1 and C2) of a process. */
    static long compilerCpuNanos(long pid) {
        long sum = 0;
        for (Map.Entry<String, Long> thread : threadCpu(pid).entrySet()) {
            if (thread.getKey().contains("CompilerThre")) {
                sum += thread.getValue();
            }
        }
        return sum;
    }

    /** The machine's busy and total CPU time so far, in clock ticks (the first line of /proc/stat). */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
