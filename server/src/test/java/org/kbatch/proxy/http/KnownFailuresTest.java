package org.kbatch.proxy.http;

import org.kbatch.proxy.errors.ApiException;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.net.ConnectException;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DatabindException;

/** What the user reads when a Kubernetes call fails: Kubernetes' words, or ours, never the client library's. */
class KnownFailuresTest {

    @Test
    void kubernetesRefusalsKeepTheirStatusAndMessage() {
        ApiException e = KnownFailures.map(new KubernetesClientException("Failure executing: POST at: http://x",
                409, new StatusBuilder().withCode(409).withMessage("jobs.batch \"a\" already exists").build()));

        assertThat(e.status(), is(409));
        assertThat(e.detail(), is("jobs.batch \"a\" already exists"));
    }

    @Test
    void anAnswerWithoutAStatusIsNamedByItsCodeNotByTheClientsMessage() {
        ApiException e = KnownFailures.map(new KubernetesClientException("Failure executing: POST at:"
                + " https://10.0.0.1/api/v1/namespaces/kbatch-alice/secrets. Message: Forbidden.", 403, null));

        assertThat(e.status(), is(403));
        assertThat(e.detail(), is("The Kubernetes API answered 403"));
    }

    @Test
    void aCallThatFailsWithoutAnAnswerSaysSoInOurWords() {
        ApiException unreachable = KnownFailures.map(new KubernetesClientException("An error has occurred.",
                new ConnectException("Connection refused")));
        ApiException other = KnownFailures.map(new KubernetesClientException("An error has occurred.",
                new IllegalStateException("closed")));

        assertThat(unreachable.status(), is(503));
        assertThat(unreachable.detail(), is("The Kubernetes API cannot be reached"));
        assertThat(other.status(), is(503));
        assertThat(other.detail(), is("The Kubernetes API call failed"));
    }

    @Test
    void aRequestTheClientCouldNotWriteIsOurFailureNotKubernetes() {
        ApiException e = KnownFailures.map(new KubernetesClientException("An error has occurred.",
                DatabindException.from((tools.jackson.core.JsonGenerator) null, "Null key for a Map not allowed")));

        assertThat(e, nullValue());
    }
}
