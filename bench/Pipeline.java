import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.kbatch.proxy.auth.HubUser;
import org.kbatch.proxy.auth.ScopePolicy;
import org.kbatch.proxy.auth.TokenAuthenticator;
import org.kbatch.proxy.wire.WireCodec;
import tools.jackson.core.type.TypeReference;

/**
 * The CPU time and allocation of each step the proxy takes for {@code GET /jobs/} and for a token check, measured
 * in-process on the server's own classes: a list through fabric8's models as the proxy did before, and through
 * {@code WireCodec.writeList} as it does now (bench/RESULTS.md). Single thread,
 * warm-up, then a timed loop per step. Run it with the server's class path:
 *
 * <pre>
 * java -cp 'server/target/classes:server/target/libs/*' bench/Pipeline.java [bench/out/joblist-1000.json]
 * </pre>
 *
 * The job list is the one the demo cluster answered in the last bench run ({@code bench/out/joblist-1000.json},
 * written by bench/src/Bench.java); without it, 1000 copies of the bench's job fixture are used.
 */
public final class Pipeline {

    static final double WARMUP_SECONDS = Double.parseDouble(System.getProperty("warmup", "1.5"));
    static final double MEASURE_SECONDS = Double.parseDouble(System.getProperty("measure", "2"));
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        KubernetesSerialization serialization = new KubernetesSerialization();
        WireCodec codec = WireCodec.create();
        byte[] big = input(args, serialization);
        JobList bigList = serialization.unmarshal(new ByteArrayInputStream(big), JobList.class);
        JobList smallList = new JobList();
        smallList.setApiVersion("batch/v1");
        smallList.setKind("JobList");
        smallList.setMetadata(bigList.getMetadata());
        smallList.setItems(new ArrayList<>(bigList.getItems().subList(0, 10)));
        byte[] small = serialization.asJson(smallList).getBytes(StandardCharsets.UTF_8);


        System.out.printf(Locale.ROOT, "%-62s %12s %14s%n", "step (list of N jobs)", "µs/op", "KiB alloc/op");
        for (int n : new int[] {10, bigList.getItems().size()}) {
            byte[] bytes = n == 10 ? small : big;
            JobList parsed = serialization.unmarshal(new ByteArrayInputStream(bytes), JobList.class);
            System.out.printf(Locale.ROOT, "-- N = %d (%d bytes from the API server, %d bytes to the CLI)%n", n,
                    bytes.length, codec.write(parsed).length);
            Result unmarshal = measure("fabric8 unmarshal, as the client does (readerFor per call)",
                    () -> serialization.unmarshal(new ByteArrayInputStream(bytes), new TypeReference<JobList>() { }));
            Result write = measure("WireCodec.write (the CLI's dialect) of the parsed models", () -> codec.write(parsed));
            Result transcode = measure("WireCodec.writeList: the API's JSON straight into the dialect (now)", () -> {
                // The answer's bytes go to the client, not into memory.
                codec.writeList(WireCodec.ListKind.JOBS, new ByteArrayInputStream(bytes), token -> null,
                        java.io.OutputStream.nullOutputStream());
                return bytes;
            });
            if (n > 10) {
                System.out.printf(Locale.ROOT, "%-62s %12s %14.1f%n", "heap held by one parsed list (after GC), KiB", "",
                        retainedKiB(() -> serialization.unmarshal(new ByteArrayInputStream(bytes), JobList.class)));
            }
            System.out.printf(Locale.ROOT, "%-62s %12.1f %14.1f%n", "= before: models (unmarshal + write)",
                    unmarshal.micros + write.micros, unmarshal.kib + write.kib);
            System.out.printf(Locale.ROOT, "%-62s %12.1f %14.1f%n", "= now: transcoded (writeList)",
                    transcode.micros, transcode.kib);
        }

        submission(serialization, codec);

        System.out.println("-- token check of a cached token (GET /authorized)");
        HubUser user = new HubUser("bench", List.of(), Set.of("access:services!service=kbatch"));
        TokenAuthenticator authenticator = new TokenAuthenticator(token -> Optional.of(user),
                new ScopePolicy(List.of("access:services!service=kbatch")), new org.kbatch.proxy.metrics.ProxyMetrics());
        measure("TokenAuthenticator.authenticate", () -> authenticator.authenticate("token bench-token"));
    }

    record Result(double micros, double kib) {
    }

    /**
     * The proxy's own steps of {@code POST /jobs/} with env and code (bench/fixtures/submit-job-with-code.cli.json),
     * without the Kubernetes calls: reading the CLI's body, rendering, fabric8's JSON of the three objects sent, and
     * the parse of the three answers (the objects as sent stand for them) and of the two owner patches' answers.
     */
    static void submission(KubernetesSerialization serialization, WireCodec codec) throws Exception {
        byte[] body = Files.readAllBytes(Path.of("bench/fixtures/submit-job-with-code.cli.json"));
        org.kbatch.proxy.caller.Caller caller = new org.kbatch.proxy.caller.Caller("bench", "bench-token",
                new org.kbatch.proxy.caller.Placement("kbatch-bench", false, true, null));
        org.kbatch.proxy.render.RenderSettings settings = org.kbatch.proxy.render.RenderSettings.defaults();
        System.out.println("-- POST /jobs/ with env and code: the proxy's own steps (" + body.length + " bytes)");
        org.kbatch.proxy.wire.JobSubmission submission = codec.readJobSubmission(body);
        var rendered = org.kbatch.proxy.render.JobRenderer.render(submission.job(), submission.code(), caller,
                settings);
        String job = serialization.asJson(rendered.workload());
        String secret = serialization.asJson(rendered.secret());
        String code = serialization.asJson(rendered.codeParts().get(0));
        Result read = measure("WireCodec.readJobSubmission (the CLI's body into models)",
                () -> codec.readJobSubmission(body));
        Result render = measure("JobRenderer.render (template, env, Secret, code, labels)",
                () -> org.kbatch.proxy.render.JobRenderer.render(submission.job(), submission.code(), caller,
                        settings));
        Result send = measure("fabric8 JSON of the Job, the Secret and the ConfigMap", () -> {
            serialization.asJson(rendered.workload());
            serialization.asJson(rendered.secret());
            return serialization.asJson(rendered.codeParts().get(0));
        });
        Result answers = measure("fabric8 parse of the 3 created + 2 patched answers", () -> {
            serialization.unmarshal(job, Job.class);
            serialization.unmarshal(secret, io.fabric8.kubernetes.api.model.Secret.class);
            serialization.unmarshal(code, io.fabric8.kubernetes.api.model.ConfigMap.class);
            serialization.unmarshal(secret, io.fabric8.kubernetes.api.model.Secret.class);
            return serialization.unmarshal(code, io.fabric8.kubernetes.api.model.ConfigMap.class);
        });
        Result answer = measure("WireCodec.write of the created Job (the answer to the CLI)",
                () -> codec.write(rendered.workload()));
        System.out.printf(Locale.ROOT, "%-62s %12.1f %14.1f%n", "= the proxy's own steps of one submission",
                read.micros + render.micros + send.micros + answers.micros + answer.micros,
                read.kib + render.kib + send.kib + answers.kib + answer.kib);
    }

    static Result measure(String name, Supplier<Object> step) {
        run(step, WARMUP_SECONDS);
        long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long ops = run(step, MEASURE_SECONDS);
        double micros = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / ops;
        double kib = (THREADS.getCurrentThreadAllocatedBytes() - alloc0) / 1024.0 / ops;
        System.out.printf(Locale.ROOT, "%-62s %12.1f %14.1f%n", name, micros, kib);
        return new Result(micros, kib);
    }

    /** Heap (KiB) still used, after a full GC, while holding what {@code make} returns: the median of 5 tries. */
    static double retainedKiB(Supplier<Object> make) {
        double[] tries = new double[5];
        for (int i = 0; i < tries.length; i++) {
            tries[i] = retainedOnceKiB(make);
        }
        java.util.Arrays.sort(tries);
        return tries[tries.length / 2];
    }

    static double retainedOnceKiB(Supplier<Object> make) {
        java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        sink = null;
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        Object held = make.get();
        System.gc();
        long after = memory.getHeapMemoryUsage().getUsed();
        sink = held;
        return (after - before) / 1024.0;
    }

    static long run(Supplier<Object> step, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long ops = 0;
        do {
            sink = step.get();
            ops++;
        } while (System.nanoTime() < end);
        return ops;
    }

    static byte[] input(String[] args, KubernetesSerialization serialization) throws Exception {
        Path captured = Path.of(args.length > 0 ? args[0] : "bench/out/joblist-1000.json");
        if (Files.isRegularFile(captured)) {
            System.out.println("job list: " + captured + " (as the demo cluster answered it)");
            return Files.readAllBytes(captured);
        }
        System.out.println("job list: 1000 copies of bench/fixtures/direct-4-job.json (no " + captured + ")");
        String json = Files.readString(Path.of("bench/fixtures/direct-4-job.json"))
                .replace("${NS}", "kbatch-bench").replace("${USER}", "bench").replace("${ID}", "x")
                .replace("${SECRET}", "bench-env").replace("${CONFIGMAP}", "bench-code");
        Job job = serialization.unmarshal(json, Job.class);
        List<Job> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Job copy = serialization.clone(job);
            copy.getMetadata().setName("acc-job-" + i);
            items.add(copy);
        }
        JobList list = new JobListBuilder().withApiVersion("batch/v1").withKind("JobList").withItems(items).build();
        return serialization.asJson(list).getBytes(StandardCharsets.UTF_8);
    }
}
