package org.kbatch.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real single-node Kubernetes v1.26 of {@code ../shared/tools/k8s} (API server with RBAC, controller-manager,
 * scheduler, a kubelet with containerd, a registry). Only one node can run per machine, so every test of the run
 * shares one: {@link #shared} starts it on first use in JUnit's root store, and JUnit stops it when the whole run
 * ends. Its directory is the repository's {@code target/k8s}. A test class gets it as a parameter with
 * {@code @ExtendWith(RealCluster.Shared.class)}.
 */
public final class RealCluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static final Path TOOL = Path.of("../../shared/tools/k8s").toAbsolutePath().normalize();
    /** The tool's directory: at most 70 characters as an absolute path (containerd's socket lives there). */
    private static final Path DIR = Path.of("../target/k8s").toAbsolutePath().normalize();

    private final Map<String, String> env;
    private final KubernetesClient admin;

    private RealCluster(Map<String, String> env) {
        this.env = env;
        this.admin = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(read(Path.of(env.get("KUBECONFIG"))))).build();
    }

    /** The run's one cluster, started on first use (about 10 s) and stopped when the test run ends. */
    public static RealCluster shared(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RealCluster.class, k -> start(), RealCluster.class);
    }

    /** Resolves {@code RealCluster} parameters (of {@code @BeforeAll} methods, say) to the run's one cluster. */
    public static final class Shared implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RealCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return shared(context);
        }
    }

    private static RealCluster start() {
        try {
            Files.createDirectories(DIR);
            Command.Result started = Command.run(Map.of(), 300, TOOL.toString(), "start", DIR.toString());
            if (started.status() != 0) {
                throw new AssertionError("the test cluster did not start (" + TOOL + " start " + DIR + ", status "
                        + started.status() + "; status 3 means missing packages, which .ci/run installs):\n"
                        + started.output());
            }
            return new RealCluster(JsonMapper.builder().build().readValue(DIR.resolve("k8s.json").toFile(),
                    new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new AssertionError("the test cluster did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the test cluster started", e);
        }
    }

    /** A fabric8 client with the cluster's admin (system:masters) credentials. */
    public KubernetesClient admin() {
        return admin;
    }

    /** {@code K8S_API_URL}, {@code K8S_API_PORT}, {@code K8S_REGISTRY}, {@code KUBECONFIG}, ... (see the tool). */
    public String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the cluster tool wrote no " + key);
        }
        return value;
    }

    public Path kubeconfig() {
        return Path.of(get("KUBECONFIG"));
    }

    /** Runs the cluster's kubectl (v1.26) as the admin. */
    public Command.Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(get("K8S_KUBECTL")));
        command.addAll(List.of(args));
        return Command.run(Map.of("KUBECONFIG", get("KUBECONFIG")), 120, command.toArray(String[]::new));
    }

    @Override
    public void close() {
        admin.close();
        try {
            Command.run(Map.of(), 120, TOOL.toString(), "stop", DIR.toString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the test cluster did not stop: " + TOOL + " stop " + DIR, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** One command run to its end, its output (stdout and stderr together) kept. */
    public static final class Command {

        public record Result(int status, String output) {
            public Result ok() {
                if (status != 0) {
                    throw new AssertionError("status " + status + ":\n" + output);
                }
                return this;
            }
        }

        private Command() {
        }

        public static Result run(Map<String, String> env, int timeoutSeconds, String... command)
                throws IOException, InterruptedException {
            Path out = Files.createTempFile("command", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not end in " + timeoutSeconds + " s:\n"
                            + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
