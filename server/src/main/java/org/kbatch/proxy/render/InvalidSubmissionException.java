package org.kbatch.proxy.render;

import jakarta.validation.ValidationException;

/**
 * The submitted job cannot be rendered (e.g. it has no containers). A {@link ValidationException}, so the error
 * mapping answers 422 with the message as {@code detail}.
 */
public class InvalidSubmissionException extends ValidationException {

    public InvalidSubmissionException(String message) {
        super(message);
    }
}
