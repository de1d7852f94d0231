// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topology.pickIdleCpu on a two-socket SMT machine: CPU c and c + 16 are siblings, a socket is an LLC and a node. */
class IdleCpuPickTest {
    @TempDir
    Path root;

    private Topology twoSockets() {
        return Topology.fromSysfs(SyntheticSysfs.smtMachine(root, 2, 8, 2, true).root());
    }

    private static CpuSet all() {
        CpuSet s = new CpuSet();
        for (int c = 0; c < 32; c++) {
            s.add(c);
        }
        return s;
    }

    @Test
    void nearestFirstAndEachPickLeavesTheSet() {
        Topology t = twoSockets();
        CpuSet idle = new CpuSet().add(9).add(1).add(16).add(0);
        CpuSet any = all();
        assertEquals(0, t.pickIdleCpu(idle, 0, any), "the CPU it ran on");
        assertEquals(16, t.pickIdleCpu(idle, 0, any), "then its SMT sibling");
        assertEquals(1, t.pickIdleCpu(idle, 0, any), "then its last-level cache");
        assertEquals(9, t.pickIdleCpu(idle, 0, any), "then anything");
        assertEquals(-1, t.pickIdleCpu(idle, 0, any));
    }

    @Test
    void anIdleSiblingIsChosenOverAnIdleCpuOfABusyCore() {
        Topology t = twoSockets();
        // CPU 2 runs something (not idle), so its sibling 18 and CPU 3 are the candidates for a task from 2.
        CpuSet idle = new CpuSet().add(3).add(18).add(19);
        assertEquals(18, t.pickIdleCpu(idle, 2, all()));
    }

    @Test
    void onlyAllowedCpusAreConsidered() {
        Topology t = twoSockets();
        CpuSet idle = new CpuSet().add(0).add(16).add(5).add(8);
        CpuSet allowed = new CpuSet().add(8).add(5);
        assertEquals(5, t.pickIdleCpu(idle, 0, allowed), "same LLC among the allowed ones");
        assertEquals(8, t.pickIdleCpu(idle, 0, allowed));
        assertEquals(-1, t.pickIdleCpu(idle, 0, allowed));
        assertEquals("0,16", idle.toString(), "CPUs it could not use stay idle");
    }

    @Test
    void anUnknownPreviousCpuGivesUpLocalityOnly() {
        Topology t = twoSockets();
        CpuSet idle = new CpuSet().add(7).add(20);
        assertEquals(7, t.pickIdleCpu(idle, -1, all()));
        assertEquals(20, t.pickIdleCpu(idle, 500, all()));
    }

    @Test
    void readsABatchInPlace() {
        Topology t = twoSockets();
        QueuedTasks in = QueuedTasks.onHeap(2, 32, new Object());
        QueuedTask a = new QueuedTask();
        a.pid = 10;
        a.cpu = 4;
        a.cpusAllowed[0] = -1L;
        ByteBuffer rec = ByteBuffer.allocate(Layout.Q_SIZE).order(ByteOrder.nativeOrder());
        a.writeTo(rec, 0);
        in.putRecord(0, rec, 0);
        QueuedTask b = new QueuedTask();
        b.pid = 11;
        b.cpu = 4;
        b.cpusAllowed[0] = 1L << 12; // pinned to CPU 12
        b.writeTo(rec, 0);
        in.putRecord(1, rec, 0);
        in.setSize(2);
        CpuSet idle = new CpuSet().add(20).add(12).add(30);
        assertEquals(20, t.pickIdleCpu(idle, in, 0), "sibling of CPU 4");
        assertEquals(12, t.pickIdleCpu(idle, in, 1), "its only CPU");
        assertEquals(-1, t.pickIdleCpu(idle, in, 1));
        assertEquals("30", idle.toString());
    }
}
