// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The jar's commands: help, usage errors (exit 2), setup errors as one line (exit 1). */
class LauncherTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        outBytes.reset();
        errBytes.reset();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        return Launcher.run(args, out, err);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        for (String h : new String[] {"help", "--help", "-h"}) {
            assertEquals(0, run(h), h);
            for (String c : new String[] {"fifo", "deadline", "monitor", "help"}) {
                assertTrue(out().contains("  " + c), c + " missing from:\n" + out());
            }
            assertEquals("", err());
        }
    }

    @Test
    void everyCommandHasItsOwnHelp() {
        assertEquals(0, run("fifo", "--help"));
        assertTrue(out().contains("--any-cpu"), out());
        assertEquals(0, run("deadline", "--help"));
        assertTrue(out().contains("--slice-us-max"), out());
        assertEquals(0, run("monitor", "--help"));
        assertTrue(out().contains("--interval"), out());
        assertEquals(0, run("help", "deadline"));
        assertTrue(out().contains("--slice-us-max"), out());
    }

    @Test
    void noCommandOrAnUnknownOneIsBadUsage() {
        assertEquals(2, run());
        assertTrue(err().startsWith("Usage: "), err());
        assertEquals(2, run("schedule"));
        assertTrue(err().startsWith("scx-javaland: unknown command schedule\nUsage: "), err());
        assertEquals("", out());
    }

    @Test
    void badOptionsOfEachCommandExitTwoWithTheMessageAndTheUsageLine() {
        for (String[] args : new String[][] {{"fifo", "--bogus"}, {"deadline", "--bogus"}, {"monitor", "--bogus"},
            {"monitor", "--interval", "0"}, {"fifo", "--stats"}, {"deadline", "-s", "x"}}) {
            assertEquals(2, run(args), String.join(" ", args));
            String[] lines = err().split("\n");
            assertEquals(2, lines.length, err());
            assertTrue(lines[0].endsWith("(see --help)"), err());
            assertTrue(lines[1].startsWith("Usage: "), err());
        }
    }

    @Test
    void versionIsOneLine() {
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("scx-javaland "), out());
        assertEquals(1, out().lines().count());
    }

    /** Only where nothing can be scheduled: this host kernel has no sched_ext. */
    @Test
    void aSetupErrorIsOneLineAndExitsOneAndVerboseAddsTheTrace() {
        assumeFalse(Files.exists(Path.of("/sys/kernel/sched_ext")), "a sched_ext kernel: this would schedule");
        for (String[] args : new String[][] {{"fifo", "--duration", "1"}, {"deadline", "--duration", "1"},
            {"monitor", "--count", "1"}}) {
            assertEquals(1, run(args), String.join(" ", args) + ": " + err());
            assertEquals(1, err().lines().count(), err());
            assertFalse(err().contains("\tat "), err());
        }
        assertEquals(1, run("deadline", "--duration", "1", "-v"));
        assertTrue(err().contains("\tat ") && err().contains("SchedulerException"), err());
        assertEquals(1, run("fifo", "--duration", "1", "-v"));
        assertTrue(err().contains("\tat ") && err().contains("SchedulerException"), err());
    }
}
