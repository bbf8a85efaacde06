package org.kbatch.proxy.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** How a followed log is cut into chunks: one per line, never an empty one, bounded pieces of an endless line. */
class LogResponsesTest {

    /** Records what is flushed as one chunk. */
    private static final class Chunks extends OutputStream {
        final List<String> chunks = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            chunks.add(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    @Test
    void oneChunkPerLineWithoutNewlinesAndNoEmptyChunks() throws IOException {
        Chunks out = new Chunks();
        LogResponses.copyLines(new ByteArrayInputStream("line 1\nline 2\r\n\n\nline 3 without newline"
                .getBytes(StandardCharsets.UTF_8)), out);
        assertThat(out.chunks, contains("line 1", "line 2", "line 3 without newline"));
    }

    @Test
    void anEndlessLineIsSentInBoundedPieces() throws IOException {
        long total = 50L * 1024 * 1024;
        InputStream endless = new InputStream() {
            long left = total;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        long[] sizes = {0, 0};
        OutputStream counting = new OutputStream() {
            long current;

            @Override
            public void write(int b) {
                current++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                current += len;
            }

            @Override
            public void flush() {
                sizes[0] = Math.max(sizes[0], current);
                sizes[1] += current;
                current = 0;
            }
        };
        LogResponses.copyLines(endless, counting);
        assertThat(sizes[1], is(total));
        assertThat(sizes[0], lessThanOrEqualTo((long) LogResponses.MAX_PIECE + 8192));
    }
}
