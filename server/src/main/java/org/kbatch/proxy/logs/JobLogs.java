package org.kbatch.proxy.logs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.kube.LogOptions;
import org.kbatch.proxy.kube.PodLogs;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.report.JobReports;

/**
 * The log of a whole job: with one pod, exactly that pod's log (as {@code pods/logs/POD/} gives it); with several
 * (retries after {@code backoffLimit}, {@code parallelism}), every pod in creation order, each introduced by one line
 * {@code ==> pod NAME <==}. When a pod's init container failed (a broken zip, an image that cannot be pulled), its
 * output comes first, introduced by {@code ==> pod NAME, init container NAME <==}, and the pod's container, which
 * never started, is left out. The pieces are read one after the other as the answer is written, so memory stays
 * bounded however long the logs are.
 *
 * <p>Failures: the first piece is opened before anything is sent, so its failure is the request's, as Kubernetes
 * said it (a container not started yet is its 400). A later piece that cannot be read (its pod went away, say)
 * becomes one line saying so, since the answer has begun.
 */
public final class JobLogs {

    /**
     * One piece of a job's log: a header line (or none), then a container's log, or a note when there is none.
     *
     * @param header the line introducing it, without newline; {@code null} when the log is one piece
     * @param pod    the pod's name
     * @param options which container and part of its log
     * @param note   instead of a log, this line (an init container that could not start)
     */
    public record Piece(String header, String pod, LogOptions options, String note) {
    }

    private final PodLogs logs;

    public JobLogs(PodLogs logs) {
        this.logs = logs;
    }

    /** The pieces of the log of a job whose pods are these (oldest first). */
    public static List<Piece> pieces(List<Pod> pods, LogOptions options) {
        List<Piece> pieces = new ArrayList<>();
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            if (options.container() != null) {
                pieces.add(new Piece("==> pod " + name + " <==", name, options, null));
                continue;
            }
            boolean initFailed = false;
            for (Container init : nullToEmpty(pod.getSpec() == null ? null : pod.getSpec().getInitContainers())) {
                ContainerStatus status = status(pod, init.getName());
                if (status == null || status.getState() == null) {
                    continue;
                }
                String header = "==> pod " + name + ", init container " + init.getName() + " <==";
                var terminated = status.getState().getTerminated();
                var waiting = status.getState().getWaiting();
                if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
                    pieces.add(new Piece(header, name, options.forContainer(init.getName()), null));
                    initFailed = true;
                } else if (waiting != null && waiting.getReason() != null && JobReports.STUCK.contains(waiting.getReason())) {
                    pieces.add(new Piece(header, name, options, "(no output: " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()) + ")"));
                    initFailed = true;
                }
            }
            if (!initFailed) {
                pieces.add(new Piece("==> pod " + name + " <==", name, options, null));
            }
        }
        if (pieces.size() == 1) {
            Piece only = pieces.getFirst();
            return List.of(new Piece(null, only.pod(), only.options(), only.note()));
        }
        return List.copyOf(pieces);
    }

    /** The log of these pieces, read (or followed, one piece after the other) as the answer is written. */
    public InputStream open(Scope scope, List<Piece> pieces, boolean follow) {
        if (pieces.isEmpty()) {
            return InputStream.nullInputStream();
        }
        return new Sequence(scope, pieces, follow);
    }

    private InputStream openPiece(Scope scope, Piece piece, boolean follow) {
        InputStream body = piece.note() != null
                ? new ByteArrayInputStream((piece.note() + "\n").getBytes(StandardCharsets.UTF_8))
                : follow ? logs.follow(scope, piece.pod(), piece.options())
                : logs.read(scope, piece.pod(), piece.options());
        if (piece.header() == null) {
            return body;
        }
        return new java.io.SequenceInputStream(
                new ByteArrayInputStream((piece.header() + "\n").getBytes(StandardCharsets.UTF_8)), body);
    }

    /** The pieces one after the other; a log that does not end with a newline gets one before the next header. */
    private final class Sequence extends InputStream {
        private final Scope scope;
        private final List<Piece> pieces;
        private final boolean follow;
        private int next;
        private InputStream current;
        private int last = '\n';

        Sequence(Scope scope, List<Piece> pieces, boolean follow) {
            this.scope = scope;
            this.pieces = pieces;
            this.follow = follow;
            this.current = openPiece(scope, pieces.getFirst(), follow);
            this.next = 1;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (current != null) {
                int n = current.read(b, off, len);
                if (n > 0) {
                    last = b[off + n - 1];
                    return n;
                }
                if (n == 0) {
                    return 0;
                }
                current.close();
                current = null;
                if (next < pieces.size()) {
                    Piece piece = pieces.get(next++);
                    current = last == '\n' ? safely(piece) : new java.io.SequenceInputStream(
                            new ByteArrayInputStream(new byte[] {'\n'}), safely(piece));
                }
            }
            return -1;
        }

        private InputStream safely(Piece piece) {
            try {
                return openPiece(scope, piece, follow);
            } catch (KubernetesClientException e) {
                String why = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                        : "the Kubernetes API answered " + e.getCode();
                return new ByteArrayInputStream(((piece.header() == null ? "" : piece.header() + "\n")
                        + "(log unavailable: " + why + ")\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
            next = pieces.size();
        }
    }

    private static ContainerStatus status(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return null;
        }
        return nullToEmpty(pod.getStatus().getInitContainerStatuses()).stream()
                .filter(s -> container.equals(s.getName())).findFirst().orElse(null);
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
