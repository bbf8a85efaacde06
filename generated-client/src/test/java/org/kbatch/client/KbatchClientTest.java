package org.kbatch.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The façade against a recording stand-in for the proxy: the token on every call, the prefix kept, errors as status
 * and detail, the CLI's configuration, and a followed log split into lines as its chunks arrive.
 */
class KbatchClientTest {

    private static final String PREFIX = "/services/kbatch";
    private static final String RUNNING_POD = "{\"items\": [{\"metadata\": {\"name\": \"j-pod\"}, \"status\": {\"phase\": \"Running\"}}]}";

    private record Seen(String method, String pathAndQuery, String authorization) {
    }

    private record Answer(int status, String contentType, List<String> chunks) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX + "/";
    }

    private void answer(String method, String path, int status, String json) {
        answers.put(method + " " + PREFIX + path, new Answer(status, "application/json", List.of(json)));
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            seen.add(new Seen(exchange.getRequestMethod(), target,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            Answer a = answers.getOrDefault(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(),
                    new Answer(404, "application/json", List.of("{\"detail\":\"Not Found\"}")));
            exchange.getResponseHeaders().add("Content-Type", a.contentType());
            exchange.sendResponseHeaders(a.status(), 0);   // chunked
            OutputStream out = exchange.getResponseBody();
            for (String chunk : a.chunks()) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Test
    void everyCallCarriesTheTokenUnderThePrefix() throws Exception {
        answer("GET", "/authorized", 200, "{\"name\": \"alice\", \"groups\": []}");
        answer("GET", "/jobs/", 200, "{\"items\": []}");
        answer("POST", "/jobs/", 200, "{\"metadata\": {\"name\": \"j\"}}");
        answer("GET", "/pods/", 200, RUNNING_POD);
        answers.put("GET " + PREFIX + "/jobs/logs/j/", new Answer(200, "text/plain; charset=utf-8", List.of("one", "two")));

        try (KbatchClient kbatch = KbatchClient.connect(url(), "s3cret")) {
            assertThat(kbatch.whoami().getName(), is("alice"));
            assertThat(kbatch.listJobs(), is(List.of()));
            kbatch.jobs().listJobs(null);   // the generated API, without headers of its own
            kbatch.submit(KbatchClient.newJob("j").image("busybox").build());
            List<String> lines = new ArrayList<>();
            kbatch.streamLogs("j", lines::add);
            assertThat(lines, is(List.of("one", "two")));
        }
        assertThat(seen.stream().map(s -> s.method() + " " + s.pathAndQuery()).toList(), is(List.of(
                "GET " + PREFIX + "/authorized",
                "GET " + PREFIX + "/jobs/",
                "GET " + PREFIX + "/jobs/",
                "POST " + PREFIX + "/jobs/",
                "GET " + PREFIX + "/pods/?job_name=j",
                "GET " + PREFIX + "/jobs/logs/j/?stream=true")));
        assertThat(seen.stream().map(Seen::authorization).toList(), everyItem(is("token s3cret")));
    }

    @Test
    void anErrorIsItsStatusAndTheProxysDetail() {
        answer("GET", "/authorized", 401, "{\"detail\":\"Incorrect token\"}");
        answer("GET", "/jobs/", 502, "<html>Bad Gateway</html>");
        answer("GET", "/pods/", 403, "{\"detail\":\"Not allowed\"}");
        try (KbatchClient kbatch = KbatchClient.connect(url(), "wrong")) {
            KbatchException e = assertThrows(KbatchException.class, kbatch::whoami);
            assertThat(e.status(), is(401));
            assertThat(e.detail(), is("Incorrect token"));
            assertThat(e.getMessage(), is("kbatch: 401 Incorrect token"));
            assertThat(e, instanceOf(ApiException.class));
            assertThat(e.getResponseBody(), is("{\"detail\":\"Incorrect token\"}"));

            e = assertThrows(KbatchException.class, kbatch::listJobs);
            assertThat(e.status(), is(502));
            assertThat(e.detail(), is("<html>Bad Gateway</html>"));

            e = assertThrows(KbatchException.class, () -> kbatch.followLogs("j"));
            assertThat(e.status(), is(403));
            assertThat(e.detail(), is("Not allowed"));

            ApiException generated = assertThrows(ApiException.class, () -> kbatch.service().getAuthorized());
            assertThat(KbatchException.of(generated).detail(), is("Incorrect token"));
        }
    }

    @Test
    void anErrorOfTheLogStreamItselfIsMappedToo() {
        answer("GET", "/pods/", 200, RUNNING_POD);
        answer("GET", "/jobs/logs/j/", 422, "{\"detail\":\"stream: not a boolean\"}");
        try (KbatchClient kbatch = KbatchClient.connect(url(), "t")) {
            KbatchException e = assertThrows(KbatchException.class, () -> kbatch.streamLogs("j", line -> { }));
            assertThat(e.status(), is(422));
            assertThat(e.detail(), is("stream: not a boolean"));
        }
    }

    @Test
    void noAnswerIsStatusZero() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (KbatchClient kbatch = KbatchClient.connect("http://127.0.0.1:" + closedPort + "/", "t")) {
            KbatchException e = assertThrows(KbatchException.class, kbatch::listJobs);
            assertThat(e.status(), is(0));
            assertThat(e.getCause(), instanceOf(IOException.class));
        }
    }

    @Test
    void theConfigurationComesFromKbatchConfigureThenTheEnvironment(@TempDir Path home) throws Exception {
        answer("GET", "/authorized", 200, "{\"name\": \"alice\", \"groups\": []}");
        Path config = Files.createDirectories(home.resolve("kbatch")).resolve("config.json");

        Files.writeString(config, "{\"kbatch_url\": \"" + url() + "\", \"token\": \"from-file\"}");
        try (KbatchClient kbatch = KbatchClient.fromEnvironment(Map.of("XDG_CONFIG_HOME", home.toString(),
                "KBATCH_URL", "http://elsewhere.invalid/", "JUPYTERHUB_API_TOKEN", "from-env"))) {
            kbatch.whoami();
        }
        // `kbatch configure` without --token saves null: the environment's token is used.
        Files.writeString(config, "{\"kbatch_url\": \"" + url() + "\", \"token\": null}");
        try (KbatchClient kbatch = KbatchClient.fromEnvironment(Map.of("XDG_CONFIG_HOME", home.toString(),
                "JUPYTERHUB_API_TOKEN", "from-env"))) {
            kbatch.whoami();
        }
        Files.delete(config);
        try (KbatchClient kbatch = KbatchClient.fromEnvironment(Map.of("HOME", home.toString(),
                "KBATCH_URL", url(), "JUPYTERHUB_API_TOKEN", "only-env"))) {
            kbatch.whoami();
        }
        assertThat(seen.stream().map(Seen::authorization).toList(),
                is(List.of("token from-file", "token from-env", "token only-env")));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KbatchClient.fromEnvironment(Map.of("HOME", home.toString(), "JUPYTERHUB_API_TOKEN", "t")));
        assertThat(e.getMessage(), startsWith("no kbatch URL: set KBATCH_URL"));
        e = assertThrows(IllegalStateException.class,
                () -> KbatchClient.fromEnvironment(Map.of("HOME", home.toString(), "KBATCH_URL", url())));
        assertThat(e.getMessage(), startsWith("no token: set JUPYTERHUB_API_TOKEN"));
    }

    @Test
    void connectRefusesWhatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> KbatchClient.connect("hub.example.org/services/kbatch", "t"));
        assertThrows(IllegalArgumentException.class, () -> KbatchClient.connect("https://hub.example.org/", " "));
        assertThrows(IllegalArgumentException.class, () -> KbatchClient.connect(null, "t"));
    }

    /**
     * A hand-written HTTP/1.1 answer, to control what arrives together: two chunks in one network write are still
     * two lines, and a chunk cut in the middle of a character by a pause is still one.
     */
    @Test
    void chunksAreLinesEvenWhenTheyArriveTogetherOrInPieces() throws Exception {
        byte[] third = "grüße line 3".getBytes(StandardCharsets.UTF_8);
        try (ServerSocket listener = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        Thread.ofVirtual().start(() -> serve(s, third));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            try (KbatchClient kbatch = KbatchClient.connect("http://127.0.0.1:" + listener.getLocalPort(), "t");
                 Stream<String> lines = kbatch.followLogs("j")) {
                assertThat(lines.toList(), is(List.of("line 1", "line 2", "grüße line 3")));
            }
        }
    }

    /** Answers the pod listing, and the log in chunks as described above; each request on one connection in turn. */
    private static void serve(Socket socket, byte[] third) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                if (head.startsWith("GET /pods/")) {
                    byte[] pods = RUNNING_POD.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + pods.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(pods);
                    out.flush();
                } else {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n6\r\nline 1\r\n6\r\nline 2\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(200);
                    out.write((Integer.toHexString(third.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(third, 0, 3);   // "gr" and half of "ü"
                    out.flush();
                    Thread.sleep(200);
                    out.write(third, 3, third.length - 3);
                    out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** A request's head, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }
}
