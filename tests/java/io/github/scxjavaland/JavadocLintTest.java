// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Javadoc is what users read first: it must build clean and read as one block per member. */
class JavadocLintTest {
    private static final Path SOURCES = Path.of("java/src/main/java");

    @Test
    void javadocWithEveryDoclintCheckIsClean(@TempDir Path out) throws Exception {
        Path javadoc = Path.of(System.getProperty("java.home"), "bin", "javadoc");
        assertTrue(Files.isExecutable(javadoc), "no javadoc tool in " + javadoc.getParent());
        Process p = new ProcessBuilder(javadoc.toString(), "-Xdoclint:all", "-quiet", "-d", out.toString(),
                        "-sourcepath", SOURCES.toString(), "-subpackages", "io.github.scxjavaland")
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "javadoc did not finish");
        assertEquals("", log.strip(), "javadoc -Xdoclint:all reported");
        assertEquals(0, p.exitValue());
    }

    @Test
    void docCommentsHaveNoEmptyLines() throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                boolean inDoc = false;
                for (int i = 0; i < lines.size(); i++) {
                    String s = lines.get(i).strip();
                    if (s.startsWith("/**") && !s.contains("*/")) {
                        inDoc = true;
                    } else if (inDoc && s.contains("*/")) {
                        inDoc = false;
                    } else if (inDoc && s.isEmpty()) {
                        bad.add(f + ":" + (i + 1));
                    }
                }
            }
        }
        assertEquals(List.of(), bad, "empty lines inside /** */ (a doc comment's lines start with *)");
    }
}
