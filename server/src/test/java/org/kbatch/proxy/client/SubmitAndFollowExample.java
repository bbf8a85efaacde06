package org.kbatch.proxy.client;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.model.Job;

/**
 * The example of {@code docs/java-client.md}: authenticate, submit a job with code, list the jobs, follow the log.
 * {@code main} reads {@code KBATCH_URL} and {@code JUPYTERHUB_API_TOKEN} (or {@code kbatch configure}'s file) and
 * uploads the directory given as its argument; {@link SubmitAndFollowExampleTest} runs {@link #run} against the
 * real server on the demo cluster.
 */
public final class SubmitAndFollowExample {

    private SubmitAndFollowExample() {
    }

    public static void main(String[] args) throws Exception {
        try (KbatchClient kbatch = KbatchClient.fromEnvironment()) {
            run(kbatch, Path.of(args.length > 0 ? args[0] : "."), System.out::println);
        }
    }

    /** The ten lines of the guide; {@code out} gets what the example prints. Answers the job's name. */
    static String run(KbatchClient kbatch, Path code, Consumer<String> out) throws KbatchException {
        out.accept("Hello, " + kbatch.whoami().getName());
        Job job = KbatchClient.newJob("hello").image("python:3.12")
                .command("python", "main.py").env("GREETING", "hi").build();
        String name = kbatch.submit(job, code).getMetadata().getName();
        for (Job j : kbatch.listJobs()) {
            out.accept("job " + j.getMetadata().getName());
        }
        kbatch.streamLogs(name, out);
        return name;
    }
}
