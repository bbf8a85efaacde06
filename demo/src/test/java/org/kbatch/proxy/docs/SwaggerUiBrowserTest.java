package org.kbatch.proxy.docs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.kbatch.proxy.testing.DemoServerProcess;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Swagger UI in a real browser: the server in demo mode (a subprocess, as the README starts it) under a prefix,
 * headless Chromium opening {@code <prefix>/docs}, authorizing with the demo token, then running
 * {@code GET /authorized} and a job submission from the page and reading the answers off it. The page is left in
 * {@code target/browser/swagger-ui.png} (with {@code swagger-ui-authorized.png} and {@code swagger-ui-submit-job.png}
 * for each exchange alone; on failure the whole page as {@code swagger-ui-failure.png}).
 */
class SwaggerUiBrowserTest {

    private static final String PREFIX = "/services/kbatch";
    private static final String TOKEN = "demo-token";
    private static final Path ARTIFACTS = Path.of("target", "browser");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A small job, typed into the request body instead of the contract's example. */
    private static final String JOB = """
            {
              "job": {
                "api_version": "batch/v1",
                "kind": "Job",
                "metadata": {"generate_name": "swagger-ui-"},
                "spec": {
                  "template": {
                    "spec": {
                      "restart_policy": "Never",
                      "containers": [
                        {"name": "job", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello from the docs"]}
                      ]
                    }
                  }
                }
              }
            }""";

    /** Helpers defined in the page before each step: find, click, type like a user (React sees the input). */
    private static final String HELPERS = """
            const $ = (selector, root) => (root || document).querySelector(selector);
            const must = (selector, root) => {
              const el = $(selector, root);
              if (!el) throw new Error('not on the page: ' + selector);
              return el;
            };
            const click = (selector, root) => { const el = must(selector, root); el.scrollIntoView(); el.click(); return true; };
            const type = (selector, value, root) => {
              const el = must(selector, root);
              const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
              Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
              el.dispatchEvent(new Event('input', {bubbles: true}));
              el.dispatchEvent(new Event('change', {bubbles: true}));
              return true;
            };
            const text = (selector, root) => { const el = $(selector, root); return el ? el.textContent.trim() : null; };
            """;

    @TempDir
    static Path dir;
    private static DemoServerProcess server;
    private static String base;

    @BeforeAll
    static void startDemoServer() throws Exception {
        Chromium.executable(); // fail first, and clearly, when the browser is missing
        server = DemoServerProcess.start(dir.resolve("server.log"), Map.of("KBATCH_PREFIX", PREFIX));
        base = server.base();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void authorizeThenGetAuthorizedAndSubmitAJobFromThePage() throws Exception {
        Files.createDirectories(ARTIFACTS);
        for (String stale : List.of("swagger-ui.png", "swagger-ui-authorized.png", "swagger-ui-submit-job.png",
                "swagger-ui-failure.png")) {
            Files.deleteIfExists(ARTIFACTS.resolve(stale));
        }
        try (Chromium browser = Chromium.launch(dir, 1280, 1000)) {
            try {
                scenario(browser);
            } catch (Exception | AssertionError e) {
                try {
                    browser.screenshot(ARTIFACTS.resolve("swagger-ui-failure.png"));
                } catch (Exception | AssertionError ignored) {
                    e.addSuppressed(ignored);
                }
                throw new AssertionError(e.getMessage() + "\n(screenshot: " + ARTIFACTS.resolve("swagger-ui-failure.png")
                        + ")\nserver log:\n" + server.log()
                        + "\nchromium log:\n" + browser.log(), e);
            }
        }
    }

    private void scenario(Chromium browser) throws Exception {
        browser.send("Network.enable", Map.of());
        browser.send("Runtime.enable", Map.of());
        browser.send("Page.enable", Map.of());

        // The address without its slash, as a user would type it: redirected to the page.
        browser.send("Page.navigate", Map.of("url", base + PREFIX + "/docs"));
        step(browser, "the operations rendered from " + PREFIX + "/openapi",
                "$('#operations-service-getAuthorized') && $('#operations-jobs-submitJob')");
        assertThat(browser.evaluate("location.pathname").asString(), is(PREFIX + "/docs/"));
        assertThat(browser.evaluate("document.querySelector('.info .title').textContent").asString(),
                startsWith("kbatch-proxy"));

        // Authorize: the apiKey scheme jupyterhubToken, in the Authorization header.
        run(browser, "click('.auth-wrapper .btn.authorize')");
        step(browser, "the Authorize dialog", "$('.modal-ux #api_key_value')");
        run(browser, "type('.modal-ux #api_key_value', 'token " + TOKEN + "')");
        run(browser, "click('.modal-ux .auth-btn-wrapper button.authorize')");
        step(browser, "the dialog to show the token as authorized",
                "$('.modal-ux .auth-btn-wrapper') && $('.modal-ux .auth-btn-wrapper').textContent.includes('Logout')");
        run(browser, "click('.modal-ux .btn-done')");
        step(browser, "the dialog to close and the lock to close", "!$('.modal-ux') && $('.auth-wrapper .btn.authorize.locked')");

        // GET /authorized
        JsonNode authorized = execute(browser, "#operations-service-getAuthorized", null);
        assertThat(authorized.toString(), authorized.path("status").asString(), is("200"));
        assertThat(authorized.path("url").asString(), is(base + PREFIX + "/authorized"));
        assertThat(authorized.path("curl").asString(), containsString("Authorization: token " + TOKEN));
        JsonNode user = JSON.readTree(authorized.path("body").asString());
        assertThat(user.path("name").asString(), is("demo"));

        // POST /jobs/ with a small job typed over the example
        JsonNode submitted = execute(browser, "#operations-jobs-submitJob", JOB);
        assertThat(submitted.toString(), submitted.path("status").asString(), is("200"));
        assertThat(submitted.path("url").asString(), is(base + PREFIX + "/jobs/"));
        JsonNode job = JSON.readTree(submitted.path("body").asString());
        assertThat(job.path("metadata").path("generate_name").asString(), is("swagger-ui-"));
        String name = job.path("metadata").path("name").asString();
        assertThat(name, startsWith("swagger-ui-"));
        assertThat(job.path("metadata").path("namespace").asString(), is("kbatch-demo"));
        // ... and it is really there, as the API itself says.
        HttpResponse<String> jobs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + PREFIX + "/jobs/" + name)).header("Authorization", "token " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode(), is(200));

        // The page as a user scrolls through it, from the top to the job's response; and each exchange alone.
        browser.screenshot(ARTIFACTS.resolve("swagger-ui.png"), 0,
                edge(browser, "#operations-jobs-submitJob .live-responses-table", "bottom") + 20);
        browser.screenshot(ARTIFACTS.resolve("swagger-ui-authorized.png"), 0,
                edge(browser, "#operations-service-getAuthorized .live-responses-table", "bottom") + 20);
        browser.screenshot(ARTIFACTS.resolve("swagger-ui-submit-job.png"),
                edge(browser, "#operations-jobs-submitJob", "top") - 20,
                edge(browser, "#operations-jobs-submitJob .live-responses-table", "bottom") + 20);

        // Offline: every request the page made went to this server (no CDN, no validator, no fonts).
        List<String> elsewhere = browser.events("Network.requestWillBeSent")
                .map(e -> e.path("params").path("request").path("url").asString())
                .filter(url -> !url.startsWith(base + "/") && !url.startsWith("data:") && !url.startsWith("blob:"))
                .toList();
        assertThat("requests that left the server", elsewhere, is(empty()));
        List<String> exceptions = browser.events("Runtime.exceptionThrown")
                .map(e -> e.path("params").path("exceptionDetails").toString())
                .toList();
        assertThat("JavaScript errors on the page", exceptions, is(empty()));

        // persistAuthorization: a reload keeps the token. (The mark tells the new document from the old one.)
        browser.evaluate("window.beforeReload = true");
        browser.send("Page.reload", Map.of());
        step(browser, "the page again after a reload",
                "!window.beforeReload && $('#operations-service-getAuthorized') && $('.auth-wrapper .btn.authorize')");
        step(browser, "the token to survive the reload", "$('.auth-wrapper .btn.authorize.locked')");
    }

    /**
     * Opens an operation, "Try it out", optionally replaces the request body, "Execute", and returns what the page
     * shows: status, request URL, curl and response body.
     */
    private JsonNode execute(Chromium browser, String operation, String body) throws Exception {
        String op = "$('" + operation + "')";
        run(browser, "click('.opblock-summary-control', " + op + ")");
        step(browser, "'Try it out' in " + operation, "$('.try-out__btn', " + op + ")");
        run(browser, "click('.try-out__btn', " + op + ")");
        step(browser, "'Execute' in " + operation, "$('.btn.execute', " + op + ")");
        if (body != null) {
            step(browser, "the request body editor in " + operation, "$('textarea.body-param__text', " + op + ")");
            run(browser, "type('textarea.body-param__text', " + JSON.writeValueAsString(body) + ", " + op + ")");
        }
        run(browser, "click('.btn.execute', " + op + ")");
        step(browser, "the server's response in " + operation,
                "text('.live-responses-table .response .response-col_status', " + op + ")");
        return browser.evaluate("(() => {" + HELPERS + """
                const op = %s;
                const live = $('.live-responses-table', op);
                return {
                  status: text('.response .response-col_status', live),
                  url: text('.request-url pre', op),
                  curl: text('.curl-command pre', op) || text('.curl-command', op),
                  body: text('.response-col_description .highlight-code pre', live)
                };
                })()""".formatted(op));
    }

    /** The top or bottom of an element, in document coordinates. */
    private static double edge(Chromium browser, String selector, String side) throws Exception {
        return browser.evaluate("(() => {" + HELPERS + "return must('" + selector + "').getBoundingClientRect()."
                + side + " + window.scrollY;})()").asDouble();
    }

    private static void run(Chromium browser, String statement) throws Exception {
        browser.evaluate("(() => {" + HELPERS + "return " + statement + ";})()");
    }

    private static void step(Chromium browser, String what, String condition) throws Exception {
        browser.waitFor(what, "(() => {" + HELPERS + "return !!(" + condition + ");})()", WAIT);
    }
}
