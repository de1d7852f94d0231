// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A batch view used after its channel was closed must fail in Java, not crash the JVM. Runs in a
 * child JVM because today it does crash it: close() unmaps the buffers the views point into.
 */
class BatchAfterCloseTest {

    /** Child: uses both batch views after close; exit 0 if every access threw or read harmlessly. */
    static final class UseAfterClose {
        private UseAfterClose() {}

        public static void main(String[] args) {
            RingLoopback lb = RingLoopback.open(1 << 16, 1 << 16, 8);
            QueuedTasks in = lb.queuedTasks();
            DispatchedTasks out = lb.dispatchedTasks();
            lb.produce(2, 100, 0);
            lb.dequeueTasks(in);
            lb.close();
            try {
                System.out.println("read " + in.pid(0));
            } catch (IllegalStateException expected) {
                System.out.println("read threw " + expected.getMessage());
            }
            try {
                out.add(1, 0, 0, 0, 0);
                System.out.println("add returned");
            } catch (IllegalStateException expected) {
                System.out.println("add threw " + expected.getMessage());
            }
            System.out.println("survived");
        }
    }

    @Test
    void batchViewsUsedAfterCloseDoNotCrashTheJvm() throws Exception {
        RingLoopbackTest.assumeRoot();
        String cp = System.getProperty("jdk.module.path") + File.pathSeparator + System.getProperty("java.class.path");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null", "-Xmx64m", "-cp", cp,
                UseAfterClose.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("survived"), out);
    }
}
