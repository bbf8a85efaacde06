package org.kbatch.proxy.docs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Swagger UI at {@code <prefix>/docs/} without a browser: our page, local assets only, our initializer. */
class SwaggerUiTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @ParameterizedTest
    @ValueSource(strings = {"/services/kbatch", ""})
    void servesTheUiUnderThePrefixWithLocalAssetsOnly(String prefix) throws Exception {
        ProxyConfig config = TestServers.config(Map.of(
                "JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api", // never asked: the docs need no token
                "KBATCH_PREFIX", prefix));
        WebServer server = Main.start(config, TestServers.parts(config));
        try {
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> redirect = get(base + prefix + "/docs");
            assertThat(redirect.statusCode(), is(301));
            assertThat(redirect.headers().firstValue("Location").orElseThrow(), is(prefix + "/docs/"));

            HttpResponse<String> page = get(base + prefix + "/docs/");
            assertThat(page.statusCode(), is(200));
            assertThat(page.headers().firstValue("Content-Type").orElseThrow(), startsWith("text/html"));
            List<String> assets = assets(page.body());
            assertThat(assets, hasItems("./swagger-ui.css", "./swagger-ui-bundle.js", "./swagger-initializer.js"));
            assertThat("only local assets: " + assets, assets, everyItem(startsWith("./")));
            assertThat(page.body(), not(containsString("//")));
            assertThat(get(base + prefix + "/docs/index.html").body(), is(page.body()));

            for (String asset : assets) {
                HttpResponse<String> res = get(base + prefix + "/docs/" + asset.substring(2));
                assertThat(asset, res.statusCode(), is(200));
            }
            HttpResponse<String> bundle = get(base + prefix + "/docs/swagger-ui-bundle.js");
            assertThat(bundle.headers().firstValue("Content-Type").orElseThrow(), containsString("javascript"));
            assertThat(bundle.body().length(), greaterThan(1_000_000));
            assertThat(get(base + prefix + "/docs/swagger-ui.css").headers().firstValue("Content-Type").orElseThrow(),
                    startsWith("text/css"));

            HttpResponse<String> init = get(base + prefix + "/docs/swagger-initializer.js");
            assertThat(init.statusCode(), is(200));
            assertThat(init.headers().firstValue("Content-Type").orElseThrow(), containsString("javascript"));
            assertThat(init.body(), containsString("const openapiUrl = \"" + prefix + "/openapi\";"));
            assertThat(init.body(), containsString("const prefix = \"" + prefix + "\";"));
            assertThat(init.body(), containsString("url: openapiUrl,"));
            assertThat(init.body(), containsString("persistAuthorization: true,"));
            assertThat(init.body(), containsString("requestInterceptor:"));
            assertThat(init.body(), not(containsString("petstore")));
            assertThat(init.body(), not(containsString("{{")));

            // What the initializer points at is served, without a token, as Swagger UI asks for it.
            HttpResponse<String> spec = http.send(HttpRequest.newBuilder(URI.create(base + prefix + "/openapi"))
                    .header("Accept", "application/json,application/yaml").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(spec.statusCode(), is(200));
            assertThat(spec.body(), containsString("jupyterhubToken"));

            assertThat(get(base + prefix + "/docs/no-such-file.js").statusCode(), is(404));
        } finally {
            server.stop();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> assets(String html) {
        List<String> found = new ArrayList<>();
        Matcher m = ASSET.matcher(html);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
