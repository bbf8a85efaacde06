package org.kbatch.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads an uploaded code zip back, to compare it with what was zipped. The server's tests of the client against the
 * real server have the same helper (org.kbatch.proxy.client.Zips): the two modules share no test classes.
 */
final class Zips {
    private Zips() {
    }

    /** Entry name to content as UTF-8 ("" for directories). */
    static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
