package org.kbatch.proxy.auth;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks JupyterHub who owns a token: {@code GET {JUPYTERHUB_API_URL}/user} with the user's own token, as the
 * reference (and JupyterHub's HubAuth) does. One shared WebClient; never logs a token.
 */
public final class HubClient {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final WebClient client;
    private final String userUrl;

    public HubClient(String hubApiUrl, Duration timeout) {
        this.userUrl = hubApiUrl + "/user";
        this.client = WebClient.builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .followRedirects(false)
                .build();
    }

    /**
     * The token's owner, or empty when the hub does not know the token (403/404, or 401).
     *
     * @throws HubUnavailableException when the hub cannot be reached or fails
     */
    public Optional<HubUser> lookup(String token) {
        int status;
        String body;
        try (HttpClientResponse response = client.get(userUrl)
                .header(HeaderNames.AUTHORIZATION, "token " + token)
                .header(HeaderNames.ACCEPT, "application/json")
                .request()) {
            status = response.status().code();
            body = response.entity().as(String.class);
        } catch (RuntimeException e) {
            throw new HubUnavailableException("JupyterHub cannot be reached to check the token: " + why(e));
        }
        if (status == 200) {
            return Optional.of(parse(body));
        }
        if (status == 401 || status == 403 || status == 404) {
            return Optional.empty();
        }
        throw new HubUnavailableException("JupyterHub answered " + status + " when asked to check the token");
    }

    /** Why the hub could not be asked, in words a user can act on (never the library's exception). */
    static String why(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "its host name does not resolve";
            }
            if (t instanceof ConnectException) {
                return "the connection was refused";
            }
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof TimeoutException) {
                return "it did not answer in time";
            }
        }
        return "the connection failed";
    }

    private static HubUser parse(String body) {
        try {
            JsonNode user = JSON.readTree(body);
            String name = user.path("name").asString(null);
            if (name == null) {
                throw new HubUnavailableException("JupyterHub's answer names no user");
            }
            List<String> groups = new ArrayList<>();
            user.path("groups").forEach(g -> groups.add(g.asString()));
            Set<String> scopes = new LinkedHashSet<>();
            user.path("scopes").forEach(s -> scopes.add(s.asString()));
            return new HubUser(name, groups, scopes);
        } catch (JacksonException e) {
            throw new HubUnavailableException("JupyterHub's answer is not JSON");
        }
    }
}
