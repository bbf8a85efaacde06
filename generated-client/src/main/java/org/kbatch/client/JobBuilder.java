package org.kbatch.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.kbatch.client.model.Container;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.CronJobSpec;
import org.kbatch.client.model.EnvVar;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobTemplateSpec;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.client.model.ResourceRequirements;

/**
 * The common job in a few calls, built like the kbatch CLI builds it ({@code kbatch job submit --name --image
 * --command --args --env}): {@code generate_name} {@code <name>-}, one container named {@code job} working in
 * {@code /code} (where the submitted code is unpacked), restart policy {@code Never}, no retries.
 *
 * <pre>{@code
 * Job job = KbatchClient.newJob("hello").image("python:3.12").command("python", "main.py").env("N", "3").build();
 * }</pre>
 *
 * Anything else can be set on the built model (the generated classes are plain mutable beans).
 */
public final class JobBuilder {

    private final String name;
    private String image;
    private List<String> command;
    private List<String> args;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String workingDir = "/code";
    private final Map<String, String> requests = new LinkedHashMap<>();
    private final Map<String, String> limits = new LinkedHashMap<>();

    /**
     * A job named {@code name}; Kubernetes appends a random suffix.
     *
     * @param name the job's name, e.g. {@code hello} (jobs are called {@code hello-x7k2p})
     */
    public JobBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a job needs a name");
        }
        this.name = name;
    }

    /**
     * The container image (required).
     *
     * @param image e.g. {@code python:3.12}
     * @return this builder
     */
    public JobBuilder image(String image) {
        this.image = image;
        return this;
    }

    /**
     * The container's command (its entrypoint).
     *
     * @param command e.g. {@code "sh", "-c", "python main.py"}
     * @return this builder
     */
    public JobBuilder command(String... command) {
        return command(List.of(command));
    }

    /**
     * The container's command (its entrypoint).
     *
     * @param command e.g. {@code List.of("python", "main.py")}
     * @return this builder
     */
    public JobBuilder command(List<String> command) {
        this.command = List.copyOf(command);
        return this;
    }

    /**
     * The arguments to the command.
     *
     * @param args the arguments
     * @return this builder
     */
    public JobBuilder args(String... args) {
        this.args = List.of(args);
        return this;
    }

    /**
     * An environment variable of the container. The proxy keeps literal values in a Secret, not in the Job.
     *
     * @param name  the variable
     * @param value its value
     * @return this builder
     */
    public JobBuilder env(String name, String value) {
        env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Environment variables of the container, in the map's order.
     *
     * @param variables names and values
     * @return this builder
     */
    public JobBuilder env(Map<String, String> variables) {
        variables.forEach(this::env);
        return this;
    }

    /**
     * The container's working directory; {@code /code} (where submitted code is unpacked) unless set.
     *
     * @param workingDir an absolute path in the container
     * @return this builder
     */
    public JobBuilder workingDir(String workingDir) {
        this.workingDir = workingDir;
        return this;
    }

    /**
     * A resource request, e.g. {@code request("memory", "1Gi")}.
     *
     * @param resource the resource name ({@code cpu}, {@code memory}, ...)
     * @param quantity a Kubernetes quantity
     * @return this builder
     */
    public JobBuilder request(String resource, String quantity) {
        requests.put(resource, quantity);
        return this;
    }

    /**
     * A resource limit, e.g. {@code limit("cpu", "2")}.
     *
     * @param resource the resource name ({@code cpu}, {@code memory}, {@code nvidia.com/gpu}, ...)
     * @param quantity a Kubernetes quantity
     * @return this builder
     */
    public JobBuilder limit(String resource, String quantity) {
        limits.put(resource, quantity);
        return this;
    }

    /**
     * The Job.
     *
     * @return a new {@code batch/v1} Job, ready for {@link KbatchClient#submit(Job)}
     * @throws IllegalStateException when no image was given
     */
    public Job build() {
        return new Job().apiVersion("batch/v1").kind("Job")
                .metadata(new ObjectMeta().generateName(generateName()))
                .spec(jobSpec());
    }

    /**
     * A CronJob that runs this job on a schedule (as {@code kbatch cronjob submit} builds it: {@code generate_name}
     * {@code <name>-cron-}, a starting deadline of 300 seconds).
     *
     * @param schedule a cron schedule, e.g. {@code "0 3 * * *"}
     * @return a new {@code batch/v1} CronJob, ready for {@link KbatchClient#submit(CronJob)}
     * @throws IllegalStateException when no image was given
     */
    public CronJob buildCronJob(String schedule) {
        String generateName = generateName() + "cron-";
        return new CronJob().apiVersion("batch/v1").kind("CronJob")
                .metadata(new ObjectMeta().generateName(generateName))
                .spec(new CronJobSpec().schedule(Objects.requireNonNull(schedule, "schedule"))
                        .startingDeadlineSeconds(300L)
                        .jobTemplate(new JobTemplateSpec()
                                .metadata(new ObjectMeta().generateName(generateName))
                                .spec(jobSpec())));
    }

    private String generateName() {
        return name.endsWith("-") ? name : name + "-";
    }

    private JobSpec jobSpec() {
        if (image == null || image.isBlank()) {
            throw new IllegalStateException("job " + name + " needs an image");
        }
        Container container = new Container().name("job").image(image).workingDir(workingDir);
        if (command != null) {
            container.command(new ArrayList<>(command));
        }
        if (args != null) {
            container.args(new ArrayList<>(args));
        }
        if (!env.isEmpty()) {
            List<EnvVar> vars = new ArrayList<>();
            env.forEach((k, v) -> vars.add(new EnvVar().name(k).value(v)));
            container.env(vars);
        }
        if (!requests.isEmpty() || !limits.isEmpty()) {
            container.resources(new ResourceRequirements()
                    .requests(requests.isEmpty() ? null : new LinkedHashMap<>(requests))
                    .limits(limits.isEmpty() ? null : new LinkedHashMap<>(limits)));
        }
        return new JobSpec().backoffLimit(0)
                .template(new PodTemplateSpec().spec(new PodSpec()
                        .restartPolicy("Never")
                        .containers(new ArrayList<>(List.of(container)))));
    }
}
