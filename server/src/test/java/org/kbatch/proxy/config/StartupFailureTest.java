package org.kbatch.proxy.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The real main() with a bad environment: exit status 2 and one line on stderr naming the variable; a port it cannot
 * bind: exit status 1 and one line naming the port. Helidon's own listener settings work too.
 */
class StartupFailureTest {

    @Test
    void badExtraEnvStopsStartupWithOneLine() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api", "KBATCH_JOB_EXTRA_ENV", "{oops"));
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine(),
                startsWith("kbatch-proxy: invalid configuration: KBATCH_JOB_EXTRA_ENV: not valid JSON"));
    }

    @Test
    void aBadGroupPolicyStopsStartupWithOneLine() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api",
                "KBATCH_GROUP_POLICIES", "{\"staff\": {\"max_active_jobs\": -3}}"));
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine(), is("kbatch-proxy: invalid configuration: KBATCH_GROUP_POLICIES group 'staff'"
                + " max_active_jobs: must be between 0 and 1000000, got -3"));
    }

    @Test
    void missingTemplateFileStopsStartup() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api",
                "KBATCH_JOB_TEMPLATE_FILE", "/no/such/template.yaml"));
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine(),
                is("kbatch-proxy: invalid configuration: KBATCH_JOB_TEMPLATE_FILE: file not found: /no/such/template.yaml"));
    }

    @Test
    void aBusyPortStopsStartupWithOneLineNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api",
                    "KBATCH_HOST", "127.0.0.1", "KBATCH_PORT", Integer.toString(port)));
            assertThat(r.status, is(1));
            assertThat(r.stderrLastLine(), is("kbatch-proxy: cannot listen on 127.0.0.1:" + port
                    + " (KBATCH_PORT/KBATCH_HOST): the port is in use or not allowed"));
        }
    }

    @Test
    void helidonsOwnListenerSettingsAreAccepted() throws Exception {
        int viaEnvironment = TestServers.freePort();
        assertThat(listeningLine(Map.of("SERVER_PORT", Integer.toString(viaEnvironment), "SERVER_HOST", "127.0.0.1"),
                List.of()), is("kbatch-proxy listening on http://127.0.0.1:" + viaEnvironment + "/"));
        int viaProperty = TestServers.freePort();
        assertThat(listeningLine(Map.of(), List.of("-Dserver.port=" + viaProperty, "-Dserver.host=127.0.0.1")),
                is("kbatch-proxy listening on http://127.0.0.1:" + viaProperty + "/"));
    }

    @Test
    void ourAndHelidonsPortMustAgree() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api",
                "KBATCH_PORT", "8123", "SERVER_PORT", "8124"), false);
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine(), is("kbatch-proxy: invalid configuration: KBATCH_PORT: is '8123' but server.port"
                + " is '8124'; set one of them"));
    }

    /** Starts the real main() with these listener settings and returns the line it prints once it listens. */
    private static String listeningLine(Map<String, String> env, List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.kbatch.proxy.Main"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_")
                || k.startsWith("SERVER_"));
        pb.environment().put("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api");
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("kbatch-proxy listening on ")) {
                    return line;
                }
            }
            return "(exited with " + p.waitFor() + " before listening)";
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private record Result(int status, String stderr) {
        String stderrLastLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Result run(Map<String, String> env) throws IOException, InterruptedException {
        return run(env, true);
    }

    private static Result run(Map<String, String> env, boolean anyPort) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.kbatch.proxy.Main");
        pb.environment().keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_")
                || k.startsWith("SERVER_"));
        if (anyPort) {
            pb.environment().put("KBATCH_PORT", "0");
        }
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the server started instead of failing");
        }
        return new Result(p.exitValue(), stderr);
    }
}
