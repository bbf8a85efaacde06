package org.kbatch.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.kbatch.client.model.ConfigMap;
import org.kbatch.client.model.ObjectMeta;

/**
 * The code that goes with a submission, packed the way the kbatch CLI packs it: a zip of a directory's contents
 * (paths relative to the directory, directories as {@code dir/} entries, like Python's
 * {@code shutil.make_archive}) or of a single file (under its own name), base64-encoded in {@code binary_data.code}
 * of a ConfigMap. The proxy unzips it into {@code /code} in the job's pod.
 */
public final class CodeArchive {

    private CodeArchive() {
    }

    /**
     * The ConfigMap of a submission's {@code code}.
     *
     * @param code         a directory (its contents are zipped) or a single file
     * @param generateName the ConfigMap's {@code generate_name}; the CLI uses the job's name
     * @return {@code {api_version: v1, kind: ConfigMap, metadata: {generate_name}, binary_data: {code: <base64 zip>}}}
     * @throws UncheckedIOException when the code cannot be read
     */
    public static ConfigMap configMap(Path code, String generateName) {
        return new ConfigMap().apiVersion("v1").kind("ConfigMap")
                .metadata(new ObjectMeta().generateName(generateName))
                .binaryData(Map.of("code", Base64.getEncoder().encodeToString(zip(code))));
    }

    /**
     * Zips a directory's contents, or a single file.
     *
     * @param code a directory or a regular file
     * @return the zip file's bytes (entries in a stable, sorted order)
     * @throws UncheckedIOException when the code cannot be read
     * @throws IllegalArgumentException when {@code code} is neither a directory nor a file
     */
    public static byte[] zip(Path code) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            if (Files.isDirectory(code)) {
                for (Path p : contents(code)) {
                    String name = code.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                    if (Files.isDirectory(p)) {
                        zip.putNextEntry(entry(name + "/", p));
                    } else {
                        zip.putNextEntry(entry(name, p));
                        Files.copy(p, zip);
                    }
                    zip.closeEntry();
                }
            } else if (Files.isRegularFile(code)) {
                zip.putNextEntry(entry(code.getFileName().toString(), code));
                Files.copy(code, zip);
                zip.closeEntry();
            } else {
                throw new IllegalArgumentException("code must be a directory or a file: " + code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not zip " + code, e);
        }
        return bytes.toByteArray();
    }

    /** Every directory and file below {@code dir} (not {@code dir} itself), sorted; symbolic links to files are followed. */
    private static List<Path> contents(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir))
                    .filter(p -> Files.isDirectory(p) || Files.isRegularFile(p))
                    .sorted()
                    .forEach(all::add);
        }
        return all;
    }

    private static ZipEntry entry(String name, Path p) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(Files.readAttributes(p, BasicFileAttributes.class).lastModifiedTime());
        return entry;
    }
}
