/** The server under test, the port of its backend, and a connection to that backend. */
record Target(ServerProcess server, int apiPort, DirectKubernetes direct) {
}
