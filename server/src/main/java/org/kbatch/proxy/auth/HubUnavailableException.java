package org.kbatch.proxy.auth;

/** JupyterHub could not be asked about a token (unreachable, timed out, or answered 5xx). */
public class HubUnavailableException extends RuntimeException {
    public HubUnavailableException(String message) {
        super(message);
    }
}
