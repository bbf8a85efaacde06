package org.kbatch.proxy.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import org.kbatch.proxy.http.Json;

/**
 * Swagger UI at {@code <prefix>/docs/}, offline: the {@code org.webjars:swagger-ui} files from the classpath, with our
 * own page and initializer (no CDN, no online validator). The UI reads the server's own document at
 * {@code <prefix>/openapi} and sends "Try it out" calls under the prefix. No token is needed to read the docs; the
 * JupyterHub token goes into "Authorize" (kept across reloads).
 */
public final class SwaggerUi implements HttpService {

    /** Where the UI lives, under the prefix. */
    public static final String PATH = "/docs";

    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String WEBJAR_ROOT = "META-INF/resources/webjars/swagger-ui/";

    private final byte[] indexHtml;
    private final byte[] initializerJs;
    private final HttpService assets;

    /** @param prefix the route prefix ({@code ""} or {@code /services/kbatch}: leading slash, no trailing slash) */
    public SwaggerUi(String prefix) {
        this.indexHtml = resource("docs/index.html").getBytes(StandardCharsets.UTF_8);
        this.initializerJs = resource("docs/swagger-initializer.js")
                .replace("\"{{PREFIX}}\"", Json.MAPPER.writeValueAsString(prefix))
                .replace("\"{{OPENAPI_URL}}\"", Json.MAPPER.writeValueAsString(prefix + "/openapi"))
                .getBytes(StandardCharsets.UTF_8);
        this.assets = StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(WEBJAR_ROOT + webjarVersion())
                .build());
    }

    /** Serves the UI at {@code <prefix>/docs/}; {@code <prefix>/docs} redirects there (the page's assets are relative). */
    public static void register(HttpRouting.Builder routing, String prefix) {
        String docs = prefix + PATH;
        routing.get(docs, (req, res) -> res.status(Status.MOVED_PERMANENTLY_301)
                        .header(HeaderNames.LOCATION, docs + "/")
                        .send())
                .register(docs, new SwaggerUi(prefix));
    }

    @Override
    public void routing(HttpRules rules) {
        // Ours first: the webjar carries its own index.html and initializer (the petstore demo).
        rules.get("/", (req, res) -> send(res, "text/html; charset=UTF-8", indexHtml))
                .get("/index.html", (req, res) -> send(res, "text/html; charset=UTF-8", indexHtml))
                .get("/swagger-initializer.js", (req, res) -> send(res, "text/javascript; charset=UTF-8", initializerJs))
                .register(assets);
    }

    private static void send(ServerResponse res, String contentType, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType)
                .header(HeaderValues.CACHE_NO_CACHE)
                .send(body);
    }

    /** The webjar's version, from its own Maven metadata, so that updating the dependency needs no code change. */
    static String webjarVersion() {
        Properties properties = new Properties();
        try (InputStream in = stream(WEBJAR_PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static String resource(String name) {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String name) {
        InputStream in = SwaggerUi.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing from the classpath: " + name + " (the Swagger UI webjar?)");
        }
        return in;
    }
}
