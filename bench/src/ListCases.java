import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The list cases: {@code GET /jobs/} vs the same list straight from the API server, page by page as the proxy reads
 * it (the fixed-list case of phase 2 reads the fake API's pages the same way).
 */
final class ListCases {

    /** {@code GET /jobs/} vs the same list straight from the API server, page by page as the proxy reads it. */
    static Pair list(Target t, String token, String ns, String what) throws Exception {
        String path = "/apis/batch/v1/namespaces/" + ns + "/jobs";
        return LoadGenerator.compare("GET /jobs/ (" + what + ")", pagedListName(path),
                t.proxySide("proxy", proxyList(token)),
                t.directSide("direct", c -> pagedList(c, path)),
                null);
    }

    /** {@code GET /jobs/} through the proxy, as the CLI's {@code kbatch job list} asks. */
    static LoadGenerator.Op proxyList(String token) {
        return c -> c.get("/jobs/", HttpConnection.auth(token)).status == 200;
    }

    /**
     * The page size the proxy asks the Kubernetes API for ({@code kube.Pages.PAGE_SIZE}); the direct side of
     * the list cases reads the list the same way: {@code ?limit=500}, then {@code &continue=<token>} until the API
     * answers without one (a real API server pages; the demo cluster answers everything in one page).
     */
    static final int PAGE_SIZE = 500;

    static String pagedListName(String path) {
        return "GET " + path + "?limit=" + PAGE_SIZE + ", then each `continue` page (as the proxy reads it)";
    }

    /** Reads a list page by page, as the proxy does; true when every page answered 200. */
    static boolean pagedList(Http c, String path) throws IOException {
        String token = null;
        int pages = 0;
        do {
            ContinueScanner scanner = new ContinueScanner();
            String page = path + "?limit=" + PAGE_SIZE + (token == null ? ""
                    : "&continue=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
            if (c.exchange("GET", page, "", null, scanner).status != 200 || ++pages > 10_000) {
                return false;
            }
            token = scanner.token();
        } while (token != null && !token.isEmpty());
        return true;
    }

    /**
     * Finds {@code "continue":"<token>"} in a list as it streams by, without keeping the body (the proxy side of a
     * case does not keep it either): the list metadata's continue token, or null.
     */
    static final class ContinueScanner implements Http.Sink {
        private static final byte[] KEY = "\"continue\":\"".getBytes(StandardCharsets.ISO_8859_1);
        private int matched;
        private StringBuilder token;
        private boolean done;

        @Override
        public void accept(byte[] buf, int off, int len) {
            for (int i = off; i < off + len && !done; i++) {
                byte b = buf[i];
                if (token != null) {
                    if (b == '"') {
                        done = true;
                    } else {
                        token.append((char) b);
                    }
                } else if (b == KEY[matched]) {
                    if (++matched == KEY.length) {
                        token = new StringBuilder();
                    }
                } else {
                    matched = b == KEY[0] ? 1 : 0;
                }
            }
        }

        String token() {
            return done ? token.toString() : null;
        }
    }
}
