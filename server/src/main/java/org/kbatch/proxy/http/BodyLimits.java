package org.kbatch.proxy.http;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.kbatch.proxy.errors.ApiException;

/**
 * How large a request may be: {@code KBATCH_MAX_REQUEST_BYTES} of JSON, and only a submission may carry more, for its
 * code archive (its {@code code.binary_data.code}, a zip of at most {@code KBATCH_MAX_CODE_BYTES}, sent as base64).
 * The server refuses a body over {@link #maxBodyBytes} before reading it; {@link #check} refuses the rest once the
 * submission is read, before any Kubernetes call. Each refusal is a 413 naming the limit and its variable.
 *
 * @param maxRequestBytes {@code KBATCH_MAX_REQUEST_BYTES}
 * @param maxCodeBytes    {@code KBATCH_MAX_CODE_BYTES}
 */
public record BodyLimits(long maxRequestBytes, long maxCodeBytes) {

    /** The largest body the server reads at all: the JSON of a submission and the base64 of the largest code. */
    public long maxBodyBytes() {
        return maxRequestBytes + (maxCodeBytes + 2) / 3 * 4;
    }

    /** What a body over {@link #maxBodyBytes} is told. */
    public String tooLarge() {
        return "Request body too large: at most " + maxBodyBytes() + " bytes, that is " + maxRequestBytes
                + " bytes of job (KBATCH_MAX_REQUEST_BYTES) and a code archive of at most " + maxCodeBytes
                + " bytes (KBATCH_MAX_CODE_BYTES)";
    }

    /** Refuses a submission whose code is over the limit, or whose body is over the limit without its code. */
    public void check(long bodyBytes, ConfigMap code) {
        long codeBase64 = 0;
        if (code != null && code.getBinaryData() != null && code.getBinaryData().get("code") != null) {
            String b64 = code.getBinaryData().get("code");
            codeBase64 = b64.length();
            int padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
            long zip = codeBase64 / 4 * 3 - padding;
            if (zip > maxCodeBytes) {
                throw new ApiException(413, "The code archive is " + zip + " bytes; at most " + maxCodeBytes
                        + " bytes are allowed (KBATCH_MAX_CODE_BYTES)");
            }
        }
        if (bodyBytes - codeBase64 > maxRequestBytes) {
            throw new ApiException(413, "Request body too large: " + (bodyBytes - codeBase64) + " bytes besides the"
                    + " code archive; at most " + maxRequestBytes + " bytes are allowed (KBATCH_MAX_REQUEST_BYTES)");
        }
    }
}
