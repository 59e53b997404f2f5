package org.debias4j.api;

import org.debias4j.util.UserException;

/** An input that is not a decodable picture (or is too large); the message gives the reason. */
public final class InvalidImageException extends UserException {
    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
