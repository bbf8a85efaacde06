package org.kbatch.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Pieces of a streamed log (as the HTTP client delivers them) into lines: the proxy's chunk-per-line and plain text. */
class LogLineSplitterTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Feeds the pieces and collects the lines, marking where each piece's lines end with "|". */
    private static List<String> split(Object... pieces) {
        LogLineSplitter splitter = new LogLineSplitter();
        List<String> out = new ArrayList<>();
        for (Object piece : pieces) {
            out.addAll(splitter.accept(piece instanceof byte[] b ? ByteBuffer.wrap(b) : bytes((String) piece)));
            out.add("|");
        }
        out.addAll(splitter.finish());
        return out;
    }

    @Test
    void theProxysChunksWithoutNewlinesAreOneLineEach() {
        assertThat(split("line 1 of p", "line 2 of p", "line 3 of p"),
                is(List.of("line 1 of p", "|", "line 2 of p", "|", "line 3 of p", "|")));
    }

    @Test
    void newlineTerminatedTextIsSplitAtNewlinesAndATailWaitsForTheRest() {
        assertThat(split("a\nb\n", "c", "d\ne", "\n\nf"),
                is(List.of("a", "b", "|", "|", "cd", "|", "e", "", "|", "f")));
    }

    @Test
    void crlfEndingsAreStripped() {
        assertThat(split("a\r\nb\r\n"), is(List.of("a", "b", "|")));
    }

    @Test
    void aPieceCutInsideACharacterIsJoinedWithTheNext() {
        byte[] text = "grüße".getBytes(StandardCharsets.UTF_8);   // ü and ß are two bytes each
        byte[] first = Arrays.copyOfRange(text, 0, 3);               // "gr" and half of ü
        byte[] second = Arrays.copyOfRange(text, 3, text.length);
        assertThat(split(first, second, "next"), is(List.of("|", "grüße", "|", "next", "|")));
    }

    @Test
    void aCutOffCharacterAtTheEndBecomesAReplacementCharacter() {
        byte[] text = "ü".getBytes(StandardCharsets.UTF_8);
        assertThat(split((Object) Arrays.copyOfRange(text, 0, 1)), is(List.of("|", "\uFFFD")));
    }

    @Test
    void emptyPiecesGiveNoLines() {
        assertThat(split("", "x", ""), is(List.of("|", "x", "|", "|")));
    }
}
