import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The direct side's client for a real API server: the JDK's {@code java.net.http.HttpClient} built as fabric8's
 * {@code JdkHttpClientBuilderImpl} builds the proxy's (HTTP/2 negotiated by ALPN, the cluster's CA as the only trust,
 * TLS 1.3 and 1.2, no proxy, a 5 s connect timeout, a bearer token on every request), one client shared by all
 * workers, so that requests are multiplexed on its connection as the proxy's are.
 */
final class Http2Client implements Http {
    private final HttpClient client;
    private final URI base;
    private final String bearer;

    Http2Client(URI base, Path caPem, String token) throws Exception {
        this.base = base;
        this.bearer = "Bearer " + token;
        this.client = asFabric8BuildsIt(caPem);
    }

    /** The JDK's client with the settings fabric8's {@code JdkHttpClientBuilderImpl} gives the proxy's. */
    static HttpClient asFabric8BuildsIt(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(tls)
                .sslParameters(new SSLParameters(null, new String[] {"TLSv1.3", "TLSv1.2"}))
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    @Override
    public Response exchange(String method, String path, String headers, byte[] body, Sink sink) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", bearer)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String line : List.of(headers.split("\r\n"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                request.header(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        HttpResponse<InputStream> answer;
        try {
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Response r = new Response();
        r.status = answer.statusCode();
        byte[] buf = new byte[32768];
        try (InputStream in = answer.body()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sink.accept(buf, 0, n);
            }
        }
        return r;
    }

    /** Whether the API server agreed to HTTP/2 (the bench says so in its log). */
    String protocol() throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("/version")).header("Authorization", bearer)
                    .build(), HttpResponse.BodyHandlers.discarding()).version().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Shared by every worker: closing one worker's handle leaves it open. */
    @Override
    public void close() {
    }

    void shutdown() {
        client.shutdownNow();
    }
}
