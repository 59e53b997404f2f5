package org.debias4j.cli;

import picocli.CommandLine;

/** Version from the jar manifest (Maven project version), "dev" when run from classes. */
public final class Version implements CommandLine.IVersionProvider {
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        return new String[]{"debias4j " + get()};
    }
}
