package org.kbatch.proxy.demo;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/**
 * fabric8's JDK HTTP client factory, except that the {@link HttpClient}s it builds can be shut down: closing a
 * fabric8 client leaves the JDK client's selector thread running until garbage collection, and the demo cluster
 * promises to leave no thread behind.
 */
final class ClosingJdkHttpClientFactory extends JdkHttpClientFactory {

    private final List<HttpClient> built = new CopyOnWriteArrayList<>();

    @Override
    protected HttpClient.Builder createNewHttpClientBuilder() {
        return new Recording(super.createNewHttpClientBuilder());
    }

    /** Shuts down every JDK client built so far (after the fabric8 clients using them are closed). */
    void shutdownAll() {
        for (HttpClient client : built) {
            client.shutdownNow();
        }
        built.clear();
    }

    private final class Recording implements HttpClient.Builder {

        private final HttpClient.Builder delegate;

        Recording(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            delegate.cookieHandler(cookieHandler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            delegate.sslContext(sslContext);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            delegate.sslParameters(sslParameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            delegate.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            delegate.proxy(proxySelector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient.Builder localAddress(InetAddress localAddr) {
            delegate.localAddress(localAddr);
            return this;
        }

        @Override
        public HttpClient build() {
            HttpClient client = delegate.build();
            built.add(client);
            return client;
        }
    }
}
