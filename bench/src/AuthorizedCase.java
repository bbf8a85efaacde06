/** The token check: {@code GET /authorized}, its token cached by the server. */
final class AuthorizedCase {

    /** {@code GET /authorized} with a cached token vs {@code GET /} of the same server. */
    static Pair authorized(Target t) throws Exception {
        return LoadGenerator.compare("GET /authorized (cached token)", "GET / (trivial route, same server)",
                new LoadGenerator.Side("proxy", t.server().port, t.server().pid,
                        c -> c.get("/authorized", HttpConnection.auth(StubHub.HUB_TOKEN)).status == 200),
                new LoadGenerator.Side("trivial", t.server().port, t.server().pid, c -> c.get("/", "").status == 200),
                null);
    }
}
