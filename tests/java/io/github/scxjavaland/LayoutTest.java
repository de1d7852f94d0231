// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The layout table the native library exports agrees with what the Java side assumes. */
class LayoutTest {

    @Test
    void abiVersionOfTheLibraryIsTheOneThisJarWasWrittenFor() {
        assertEquals(3, Layout.EXPECTED_ABI);
        assertEquals(Layout.EXPECTED_ABI, Layout.ABI_VERSION);
        assertEquals(Layout.EXPECTED_ABI, Layout.table().get("SJL_ABI_VERSION"));
    }

    @Test
    void cpuAnyOfTheJavaApiIsTheNativeOne() {
        assertEquals(Layout.CPU_ANY, DispatchedTask.RL_CPU_ANY);
        assertEquals(1 << 20, Layout.CPU_ANY);
    }

    @Test
    void queuedRecordHasTheDocumentedSizeAndOffsets() {
        assertAll(
                () -> assertEquals(88 + 8 * Layout.MASK_WORDS, Layout.Q_SIZE),
                () -> assertEquals(16, Layout.MASK_WORDS),
                () -> assertEquals(0, Layout.Q_PID),
                () -> assertEquals(4, Layout.Q_CPU),
                () -> assertEquals(8, Layout.Q_NR_CPUS_ALLOWED),
                () -> assertEquals(16, Layout.Q_FLAGS),
                () -> assertEquals(24, Layout.Q_START_TS),
                () -> assertEquals(32, Layout.Q_STOP_TS),
                () -> assertEquals(40, Layout.Q_EXEC_RUNTIME),
                () -> assertEquals(48, Layout.Q_WEIGHT),
                () -> assertEquals(56, Layout.Q_VTIME),
                () -> assertEquals(64, Layout.Q_ENQ_CNT),
                () -> assertEquals(72, Layout.Q_COMM),
                () -> assertEquals(88, Layout.Q_COMM + Layout.COMM_LEN),
                () -> assertEquals(88, Layout.Q_CPUS_ALLOWED),
                () -> assertEquals(Layout.Q_SIZE, Layout.Q_CPUS_ALLOWED + 8 * Layout.MASK_WORDS));
    }

    @Test
    void dispatchedRecordHasTheDocumentedSizeAndOffsets() {
        assertAll(
                () -> assertEquals(40, Layout.D_SIZE),
                () -> assertEquals(0, Layout.D_PID),
                () -> assertEquals(4, Layout.D_CPU),
                () -> assertEquals(8, Layout.D_FLAGS),
                () -> assertEquals(16, Layout.D_SLICE_NS),
                () -> assertEquals(24, Layout.D_VTIME),
                () -> assertEquals(32, Layout.D_ENQ_CNT),
                () -> assertEquals(Layout.D_SIZE, Layout.D_ENQ_CNT + Long.BYTES));
    }

    @Test
    void commBufferOfQueuedTaskHasTheNativeLength() {
        assertEquals(16, Layout.COMM_LEN);
        assertEquals(Layout.COMM_LEN, new QueuedTask().comm.length);
    }

    @Test
    void sliceBoundsOfTheConfigAreTheOnesTheBpfSideApplies() {
        assertEquals(Layout.SLICE_MIN_NS, SchedulerConfig.MIN_SLICE_NS);
        assertEquals(Layout.SLICE_MAX_NS, SchedulerConfig.MAX_SLICE_NS);
    }

    @Test
    void exitCodeBitsDecodedByExitInfoAreTheKernelOnes() {
        assertEquals(1L << 48, Layout.ECODE_ACT_RESTART);
        assertEquals(1L << 32, Layout.ECODE_RSN_HOTPLUG);
        ExitInfo restart = new ExitInfo(ExitInfo.UNREG_KERN, Layout.ECODE_ACT_RESTART | Layout.ECODE_RSN_HOTPLUG,
                "", "", "");
        assertTrue(restart.shouldRestart());
        assertTrue(restart.isHotplug());
    }

    @Test
    void cpuPidMapCoversEveryCpuIdTheKernelMayUse() {
        // BpfScheduler reads cpu * 4 bytes into a buffer of MAX_CPUS ints.
        assertEquals(1024, Layout.MAX_CPUS);
        assertTrue(Layout.MAX_CPUS >= Runtime.getRuntime().availableProcessors());
    }

    @Test
    void counterAndExitInfoOffsetsAreAlignedAndInsideTheirBlocks() {
        int[] counters = {Layout.C_NR_QUEUED, Layout.C_NR_SCHEDULED, Layout.C_NR_RUNNING, Layout.C_NR_ONLINE_CPUS,
            Layout.C_NR_USER_DISPATCHES, Layout.C_NR_KERNEL_DISPATCHES, Layout.C_NR_CANCEL_DISPATCHES,
            Layout.C_NR_BOUNCE_DISPATCHES, Layout.C_NR_FAILED_DISPATCHES, Layout.C_NR_SCHED_CONGESTED,
            Layout.C_NR_SELF_DISPATCHES, Layout.C_NR_STALL_FALLBACKS, Layout.C_NR_HEARTBEAT_KICKS,
            Layout.C_USERSCHED_LAST_RUN_AT, Layout.C_NR_ENQUEUES, Layout.C_NR_USER_QUEUED};
        Set<Integer> distinct = new HashSet<>();
        for (int off : counters) {
            assertEquals(0, off % Long.BYTES, "counter offset " + off + " is not 8-byte aligned");
            assertTrue(off + Long.BYTES <= Layout.C_SIZE, "counter offset " + off + " past the block");
            assertTrue(distinct.add(off), "two counters share offset " + off);
        }
        assertEquals(0, Layout.E_KIND);
        assertEquals(0, Layout.E_EXIT_CODE % Long.BYTES);
        assertEquals(128, Layout.E_REASON_LEN);
        assertEquals(1024, Layout.E_MSG_LEN);
        assertEquals(Layout.E_REASON + Layout.E_REASON_LEN, Layout.E_MSG);
    }

    @Test
    void everyNameInTheNativeTableIsUniqueAndHasAValue() {
        String[] names = Native.layoutNames();
        long[] values = Native.layoutValues();
        assertEquals(names.length, values.length);
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            assertTrue(n != null && !n.isEmpty(), "empty name in the layout table");
            assertTrue(seen.add(n), () -> "duplicate layout entry " + n);
        }
        assertEquals(names.length, Layout.table().size());
    }

    @Test
    void tableHoldsEveryEntryJavaReadsWithTheSameValue() {
        Map<String, Long> t = Layout.table();
        for (String name : List.of("SJL_ABI_VERSION", "SJL_CPU_ANY", "SJL_MAX_CPUS", "SJL_COMM_LEN",
                "sizeof.sjl_queued_task", "sizeof.sjl_dispatched_task", "sizeof.sjl_counters",
                "sjl_exit_info.kind", "sjl_exit_info.msg")) {
            assertTrue(t.containsKey(name), () -> "no layout entry " + name);
        }
        assertEquals((long) Layout.Q_SIZE, t.get("sizeof.sjl_queued_task"));
        assertEquals((long) Layout.C_NR_USER_QUEUED, t.get("sjl_counters.nr_user_queued"));
        assertEquals((long) Layout.C_MAX_KTHREAD_WAIT_NS, t.get("sjl_counters.max_kthread_wait_ns"));
        assertEquals(Layout.Q_VTIME, Layout.get("sjl_queued_task.vtime"));
    }

    @Test
    void aMissingEntryIsALinkErrorNamingIt() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Layout.get("sjl_nothing.here"));
        assertTrue(e.getMessage().contains("sjl_nothing.here"), e.getMessage());
    }

    @Test
    void tableIsACopyCallersCannotChange() {
        Map<String, Long> t = Layout.table();
        assertThrows(UnsupportedOperationException.class, () -> t.put("SJL_CPU_ANY", 0L));
        assertEquals((long) DispatchedTask.RL_CPU_ANY, Layout.table().get("SJL_CPU_ANY"));
    }
}
