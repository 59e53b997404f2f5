package org.debias4j.api;

import org.debias4j.util.UserException;

/**
 * A model bundle that cannot be used: missing, not a bundle, truncated, corrupt, modified after it
 * was written (checksum mismatch), from a newer format version, or of a kind this version cannot run.
 * The message names the file and what was wrong.
 */
public final class BundleException extends UserException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
