package org.kbatch.proxy.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.blankString;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * The bad-input corpus ({@code src/test/resources/bad-inputs/corpus.json}, written by {@code make_corpus.py} beside
 * it): malformed JSON, wrong types at every level, unknown keys, policy violations, hostile names, header abuse,
 * oversized bodies. Each request goes over a raw socket (so nothing is normalised on the way) to the real server in
 * front of fabric8's CRUD mock: each gets a 4xx with a {@code {"detail"}}, none a 5xx, and the API server holds
 * nothing afterwards. A detail never speaks a library's words (its names, exception types or ways of quoting), and
 * a case's {@code detail} lists what its detail must say (the field path, the expected type, the line and column).
 */
class BadInputCorpusServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Pattern PAD = Pattern.compile("<PAD:(\\d+)>");
    /** What a library's message looks like: its names, its exception types, its way of quoting characters. */
    private static final String LIBRARY_WORDS =
            "(?is).*(jackson|fabric8|helidon|exception|\\bjava\\.|\\btools\\.|`|Feature\\b|Constraints|\\(code \\d+\\)).*";

    private final URI uri;

    BadInputCorpusServerTest(URI uri) {
        this.uri = uri;
    }

    @AfterAll
    static void nothingWasCreated() {
        assertThat(MockCluster.secrets(client), empty());
        assertThat(MockCluster.configMaps(client), empty());
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
        assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems(), empty());
        assertThat(client.namespaces().list().getItems(), empty());
    }

    static List<JsonNode> corpus() throws IOException {
        JsonNode all = JSON.readTree(Path.of("src/test/resources/bad-inputs/corpus.json").toFile());
        List<JsonNode> cases = new ArrayList<>();
        all.forEach(cases::add);
        return cases;
    }

    static Stream<Arguments> cases() throws IOException {
        return corpus().stream().map(c -> Arguments.of(c.path("name").asString(), c));
    }

    @Test
    void theCorpusIsLargeEnough() throws IOException {
        assertThat(corpus().size(), greaterThanOrEqualTo(150));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadInputGetsA4xxWithADetail(String name, JsonNode c) throws IOException {
        List<String> authorizations = new ArrayList<>();
        if (c.has("authorizations")) {
            c.path("authorizations").forEach(a -> authorizations.add(a.asString()));
        } else if (c.has("authorization")) {
            authorizations.add(c.path("authorization").asString());
        } else if (!c.path("token").isNull()) {
            authorizations.add("token " + c.path("token").asString() + "-token");
        }
        byte[] body = null;
        if (c.has("raw")) {
            body = pad(c.path("raw").asString()).getBytes(StandardCharsets.UTF_8);
        } else if (c.has("raw_base64")) {
            body = java.util.Base64.getDecoder().decode(c.path("raw_base64").asString());
        } else if (c.has("body")) {
            body = pad(JSON.writeValueAsString(c.path("body"))).getBytes(StandardCharsets.UTF_8);
        }
        String contentType = c.has("content_type") ? c.path("content_type").asString() : "application/json";
        Response res = send(c.path("method").asString(), c.path("path").asString(), authorizations, contentType,
                body);

        assertThat(name + ": " + res.body, res.status, greaterThanOrEqualTo(400));
        assertThat(name + ": " + res.body, res.status, lessThan(500));
        if (!c.path("status").isNull()) {
            assertThat(name + ": " + res.body, res.status, is(c.path("status").asInt()));
        }
        assertThat(name, res.contentType, startsWith("application/json"));
        JsonNode detail = JSON.readTree(res.body).path("detail");
        assertThat(name + ": the detail is a string", detail.getNodeType().toString(), is("STRING"));
        assertThat(name, detail.asString(), not(blankString()));
        assertThat(name, res.body, not(org.hamcrest.Matchers.containsString("alice-token")));
        assertThat(name + ": the detail speaks the library's words", detail.asString(),
                not(matchesPattern(LIBRARY_WORDS)));
        for (JsonNode expected : c.path("detail")) {
            assertThat(name, detail.asString(), containsString(expected.asString()));
        }
    }

    private static String pad(String text) {
        Matcher m = PAD.matcher(text);
        return m.find() ? m.replaceAll("a".repeat(Integer.parseInt(m.group(1)))) : text;
    }

    private record Response(int status, String contentType, String body) {
    }

    /** One HTTP/1.1 request over a plain socket: the path and headers go out exactly as given. */
    private Response send(String method, String path, List<String> authorizations, String contentType, byte[] body)
            throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            StringBuilder h = new StringBuilder();
            h.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            h.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
            h.append("Connection: close\r\n");
            for (String authorization : authorizations) {
                h.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (body != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
                h.append("Content-Length: ").append(body.length).append("\r\n");
            }
            h.append("\r\n");
            head.write(h.toString().getBytes(StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException closedEarly) {
                    // the server may answer (413) and close before reading a large body
                }
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** Reads one response by its framing (Content-Length or chunked), not until the server closes. */
    private static Response read(InputStream in) throws IOException {
        String[] headLines = readHead(in).split("\r\n");
        int status = Integer.parseInt(headLines[0].split(" ")[1]);
        String contentType = "";
        boolean chunked = false;
        int length = 0;
        for (String line : headLines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).strip();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16);
                if (size == 0) {
                    break;
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        } else {
            body.write(in.readNBytes(length));
        }
        return new Response(status, contentType, body.toString(StandardCharsets.UTF_8));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append("\r\n");
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
