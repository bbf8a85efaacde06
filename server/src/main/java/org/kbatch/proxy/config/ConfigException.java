package org.kbatch.proxy.config;

/** Invalid configuration: the message is one line that names the variable and says what is wrong. */
public class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
