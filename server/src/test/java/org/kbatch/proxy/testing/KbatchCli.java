package org.kbatch.proxy.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Runs the real, unmodified kbatch CLI ({@code ../shared/tools/kbatch}) like a user would, with its own private
 * configuration directory: the current one (0.5.0a1), or a released one ({@code ../shared/clients/kbatch-<version>}).
 */
public final class KbatchCli {

    private static final Path CLI = Path.of("../../shared/tools/kbatch").toAbsolutePath().normalize();
    /** The version {@code ../shared/tools/kbatch} runs when it is given none. */
    public static final String CURRENT = "0.5.0a1";

    private final Path home;
    private final String version;

    /** The current CLI. */
    public KbatchCli(Path home) {
        this(home, CURRENT);
    }

    /** The CLI of this version, e.g. {@code 0.4.2}, or {@link #CURRENT}. */
    public KbatchCli(Path home, String version) {
        this.home = home;
        this.version = version;
    }

    public String version() {
        return version;
    }

    public Path home() {
        return home;
    }

    /** What one CLI command did. */
    public record Result(int status, String stdout, String stderr, String version, List<String> args) {
        public Result ok() {
            assertThat("kbatch " + version + " " + args + " failed: " + stderr + stdout, status, is(0));
            return this;
        }

        /** What the user sees in the terminal: standard output, then standard error. */
        public String output() {
            return stdout + stderr;
        }
    }

    /** The CLI command with this instance's private settings, for a test that reads its output as it comes. */
    public ProcessBuilder processBuilder(String... args) {
        List<String> command = new ArrayList<>(List.of(CLI.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("xdg").toString());
        pb.environment().put("COLUMNS", "200");
        pb.environment().remove("JUPYTERHUB_API_TOKEN");
        pb.environment().remove("KBATCH_URL");
        pb.environment().remove("APPDATA");
        if (CURRENT.equals(version)) {
            pb.environment().remove("KBATCH_CLI_VERSION");
        } else {
            pb.environment().put("KBATCH_CLI_VERSION", version);
        }
        return pb;
    }

    public Result run(String... args) throws Exception {
        ProcessBuilder pb = processBuilder(args);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kbatch " + version + " " + List.of(args) + " timed out");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), version, List.of(args));
        if (r.status() == 3) {
            throw new AssertionError("the kbatch CLI lacks its Python packages (.ci/run installs them): " + r.stderr());
        }
        return r;
    }
}
