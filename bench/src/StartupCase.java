import java.nio.file.Path;
import java.util.List;

/** Startup: process start to the first 2xx of {@code /observe/health}, with the AppCDS archive and without. */
final class StartupCase {

    /**
     * Starts the server {@code BENCH_STARTS} times as the image starts it (with the AppCDS archive) and as many times
     * with a plain {@code java -jar}, alternating (A B B A ...) so that a change of the machine's load hits both alike,
     * and returns the last one, which is always one started as the image does: the server the cases then measure.
     */
    static ServerProcess startAlternating(String mode, StubHub hub, boolean demo, Path kubeconfig, List<Double> ready,
                                          List<Double> cpu, List<Double> readyPlain, List<Double> cpuPlain) throws Exception {
        int n = Bench.S.starts();
        ServerProcess server = null;
        for (int i = 0; i < 2 * n; i++) {
            // ABBA...: the last of 2n starts is B when n is odd, A when it is even; the last must use the archive.
            boolean a = i % 4 == 0 || i % 4 == 3;
            boolean cds = n % 2 == 1 ? !a : a;
            if (server != null) {
                server.stop();
            }
            server = ServerProcess.start(mode + (cds ? "-cds-" : "-plain-") + (i / 2 + 1), hub, demo, kubeconfig, cds);
            (cds ? ready : readyPlain).add(server.readyMillis);
            (cds ? cpu : cpuPlain).add(server.readyCpuMillis);
            Bench.log("started the server (%s, %s): ready in %.0f ms (%.0f ms CPU)", mode,
                    cds ? "with the AppCDS archive" : "plain java -jar", server.readyMillis, server.readyCpuMillis);
        }
        return server;
    }
}
