// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import org.junit.jupiter.api.Test;

/** {@link DispatchedTasks#decide}: each field set by its own name, defaults where none is set. */
class DecisionTest {
    private final SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(1).build();
    private final DispatchedTasks out = m.dispatchedTasks();

    @Test
    void namedSettersWriteTheFieldTheyNameAndOnlyThat() {
        out.decide(101, 7).sliceNs(5_000_000).vtime(42).cpu(3);
        out.decide(102, 8).vtime(5_000_000).sliceNs(42);
        assertEquals(2, out.size());
        assertEquals(101, out.pid(0));
        assertEquals(3, out.cpu(0));
        assertEquals(5_000_000, out.sliceNs(0));
        assertEquals(42, out.vtime(0));
        assertEquals(7, out.enqCnt(0));
        assertEquals(42, out.sliceNs(1));
        assertEquals(5_000_000, out.vtime(1));
        out.clear();
    }

    @Test
    void aFreshDecisionGoesToAnyCpuWithTheDefaultSlice() {
        DispatchedTasks.Decision d = out.decide(103, 1);
        assertEquals(0, d.index());
        assertEquals(DispatchedTask.RL_CPU_ANY, out.cpu(0));
        assertEquals(0, out.sliceNs(0));
        assertEquals(0, out.vtime(0));
        assertEquals(0, out.flags(0));
        assertSame(d, out.decide(104, 1), "one cursor per batch: no allocation per decision");
        assertEquals(1, d.index());
        out.clear();
    }

    @Test
    void aRefusedSetterLeavesTheDecisionAsItWas() {
        DispatchedTasks.Decision d = out.decide(105, 1).cpu(2);
        assertThrows(IllegalArgumentException.class, () -> d.cpu(4));
        assertEquals(2, out.cpu(0));
        assertThrows(IllegalArgumentException.class, () -> out.decide(0, 1));
        assertEquals(1, out.size());
        out.clear();
    }
}
