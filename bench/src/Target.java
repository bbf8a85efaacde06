/**
 * The server under test and its backend: how to reach the backend directly ({@code connector}, also behind
 * {@code direct}) and which processes are the backend's (their CPU is reported per operation; none in demo mode,
 * where the backend lives in the server's JVM).
 */
record Target(ServerProcess server, Http.Connector connector, DirectKubernetes direct, long[] backendPids) {

    /** The direct side of a case: {@code op} straight against the backend. */
    LoadGenerator.Side directSide(String name, LoadGenerator.Op op) {
        return new LoadGenerator.Side(name, connector, server.pid, op).backend(backendPids);
    }

    /** The proxy side of a case: {@code op} on a connection to the server. */
    LoadGenerator.Side proxySide(String name, LoadGenerator.Op op) {
        return new LoadGenerator.Side(name, server.port, server.pid, op).backend(backendPids);
    }
}
