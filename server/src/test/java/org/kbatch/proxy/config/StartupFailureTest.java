package org.kbatch.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The real main() with a bad environment: exit status 2 and one line on stderr naming the variable. */
class StartupFailureTest {

    @Test
    void badExtraEnvStopsStartupWithOneLine() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api", "KBATCH_JOB_EXTRA_ENV", "{oops"));
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine().startsWith("kbatch-proxy: invalid configuration: KBATCH_JOB_EXTRA_ENV: not valid JSON"),
                is(true));
    }

    @Test
    void missingTemplateFileStopsStartup() throws Exception {
        Result r = run(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api",
                "KBATCH_JOB_TEMPLATE_FILE", "/no/such/template.yaml"));
        assertThat(r.status, is(2));
        assertThat(r.stderrLastLine(),
                is("kbatch-proxy: invalid configuration: KBATCH_JOB_TEMPLATE_FILE: file not found: /no/such/template.yaml"));
    }

    private record Result(int status, String stderr) {
        String stderrLastLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Result run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.kbatch.proxy.Main");
        pb.environment().keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_"));
        pb.environment().putAll(env);
        pb.environment().put("KBATCH_PORT", "0");
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
