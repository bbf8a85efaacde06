import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM options the Helm chart gives the pod: {@code app.java_tool_options} (JAVA_TOOL_OPTIONS) and the memory
 * limit {@code resources.limits.memory}, which the JVM in the container sees as its RAM and which the bench gives
 * the server as {@code -XX:MaxRAM}. Plus {@code -Dsun.net.httpserver.nodelay=true}, which only concerns
 * com.sun.net.httpserver, in the server the demo cluster's API front: without it every answer of the demo API
 * waits for the client's delayed ACK (~40 ms), which a real API server (Go, TCP_NODELAY) does not do.
 */
record ChartJvm(String javaToolOptions, String memoryLimit) {

    static ChartJvm read(Path root) {
        Path values = root.resolve("helm/kbatch-proxy/values.yaml");
        try {
            String yaml = Files.readString(values);
            var options = java.util.regex.Pattern.compile("(?m)^\\s+java_tool_options:\\s*\"([^\"]*)\"").matcher(yaml);
            var limit = java.util.regex.Pattern.compile("(?m)^resources:\\s*\\n(?:\\s+.*\\n)*?\\s+limits:\\s*\\n(?:\\s+.*\\n)*?\\s+memory:\\s*\"?(\\w+)")
                    .matcher(yaml);
            if (!options.find() || !limit.find()) {
                throw new IllegalStateException("no app.java_tool_options or resources.limits.memory in " + values);
            }
            return new ChartJvm(options.group(1).trim(), limit.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + values + ": " + e, e);
        }
    }

    /** The memory limit as a -XX:MaxRAM value (512Mi: 512m). */
    String maxRam() {
        var m = java.util.regex.Pattern.compile("(\\d+)(Mi|Gi|M|G)").matcher(memoryLimit);
        if (!m.matches()) {
            throw new IllegalStateException("unsupported memory limit " + memoryLimit);
        }
        long mib = Long.parseLong(m.group(1)) * (m.group(2).startsWith("G") ? 1024 : 1);
        if (!m.group(2).endsWith("i")) {
            mib = mib * 1_000_000 / 1_048_576;
        }
        return mib + "m";
    }

    String benchOptions() {
        return "-XX:MaxRAM=" + maxRam() + " " + javaToolOptions + " -Dsun.net.httpserver.nodelay=true";
    }
}
