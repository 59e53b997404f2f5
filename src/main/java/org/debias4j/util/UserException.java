package org.debias4j.util;

/**
 * A mistake in the user's input (a file, a row, an argument). The CLI prints its message without a
 * stack trace and exits non-zero; the message must name what was wrong and what was expected.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
