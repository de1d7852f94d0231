// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opening a scheduler on a kernel without sched_ext (this host) fails with a reason a program
 * can act on, a message a person can act on, and nothing left behind.
 */
class BpfSchedulerHostTest {

    @BeforeEach
    void onlyWithoutSchedExt() {
        assumeFalse(Files.exists(Path.of("/sys/kernel/sched_ext")),
                "this kernel has sched_ext: the no-sched_ext path cannot be exercised here");
    }

    private static List<String> bpfFds() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("bpf")) {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own fd, or one closed since
                }
            }
        }
        return out;
    }

    private static long vmSizeKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmSize in /proc/self/status");
    }

    @Test
    void openFailsWithNoSchedExtNamingTheKernelOption() {
        SchedulerException e = assertThrows(SchedulerException.class,
                () -> BpfScheduler.open(SchedulerConfig.builder().opsName("hosttest").build()));
        assertEquals(SchedulerException.Reason.NO_SCHED_EXT, e.reason());
        assertEquals(95, e.errno(), "EOPNOTSUPP");
        assertTrue(e.getMessage().contains("CONFIG_SCHED_CLASS_EXT"), e.getMessage());
        assertTrue(e.getMessage().contains("/sys/kernel/sched_ext"), e.getMessage());
    }

    @Test
    void openWithDefaultsFailsTheSameWay() {
        SchedulerException e = assertThrows(SchedulerException.class, BpfScheduler::open);
        assertEquals(SchedulerException.Reason.NO_SCHED_EXT, e.reason());
    }

    @Test
    void nullConfigIsRejectedBeforeTouchingTheKernel() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> BpfScheduler.open(null));
        assertTrue(e.getMessage().contains("config"), e.getMessage());
    }

    @Test
    void failedOpensLeaveNoBpfObjectsAndNoBatchMemory() throws IOException {
        // Each open maps 65536 * 128 bytes of batch buffers before the kernel check: 8 MiB a leak.
        SchedulerConfig big = SchedulerConfig.builder().batchCapacity(65_536).build();
        assertThrows(SchedulerException.class, () -> BpfScheduler.open(big));
        List<String> fdsBefore = bpfFds();
        long vmBefore = vmSizeKb();
        for (int i = 0; i < 32; i++) {
            SchedulerException e = assertThrows(SchedulerException.class, () -> BpfScheduler.open(big));
            assertEquals(SchedulerException.Reason.NO_SCHED_EXT, e.reason());
        }
        long grownKb = vmSizeKb() - vmBefore;
        assertEquals(fdsBefore, bpfFds(), "BPF file descriptors left open");
        // 32 leaked batches would be 256 MiB; allow JVM noise well below that.
        assertTrue(grownKb < 64 * 1024, "address space grew by " + grownKb + " KiB over 32 failed opens");
    }

    @Test
    void runnerPassesTheReasonOnAndHoldsNoScheduler() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SchedulerRunner runner = SchedulerRunner.builder(SchedulerConfig.defaults(), () -> ch -> { })
                .handleSignals(false)
                .log(new PrintStream(log, true, StandardCharsets.UTF_8))
                .build();
        SchedulerException e = assertThrows(SchedulerException.class, runner::run);
        assertEquals(SchedulerException.Reason.NO_SCHED_EXT, e.reason());
        assertNull(runner.current());
        assertEquals("", log.toString(StandardCharsets.UTF_8), "nothing was attached, so nothing is logged");
    }
}
