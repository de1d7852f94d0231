// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.SchedulerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * One rule for mistakes the API can see (SchedulerChannel's class Javadoc), checked on the
 * simulator, which applies the kernel channel's own checks: a CPU id the machine lacks or a
 * pid that is not positive is refused at the call, naming the value and the range, and changes
 * nothing; what only the kernel knows is answered, not thrown.
 */
class ArgumentRuleTest {
    private final SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(1).build();
    private final SimTask hog = m.addTask(TaskSpec.cpuHog("hog"));
    private final SchedulerChannel ch = m;

    private static void refused(String what, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void everyMethodThatTakesACpuRefusesAnIdTheMachineLacks() {
        for (int bad : new int[] {2, -1, 1 << 30}) {
            refused("cpu " + bad + " is not a CPU id of this machine (0..1)", () -> ch.selectCpu(hog.pid(), bad, 0));
            refused("cpu " + bad + " is not a CPU id of this machine (0..1)", () -> ch.getCpuPid(bad));
            refused("cpu " + bad + " is neither a CPU id of this machine (0..1) nor DispatchedTask.RL_CPU_ANY",
                    () -> ch.dispatchTask(new DispatchedTask().pid(hog.pid()).cpu(bad)));
            refused("cpu " + bad + " is neither", () -> ch.dispatchedTasks().add(hog.pid(), bad, 0, 0, 1));
            refused("cpu " + bad, () -> m.cpuBusyNs(bad));
        }
    }

    @Test
    void aRefusedDecisionChangesNothingInTheBatch() {
        DispatchedTasks out = ch.dispatchedTasks();
        out.add(hog.pid(), DispatchedTask.RL_CPU_ANY, 0, 0, 1);
        out.add(hog.pid(), 1, 0, 0, 1);
        refused("cpu 7", () -> out.add(hog.pid(), 7, 0, 0, 1));
        refused("cpu -3", () -> out.cpu(0, -3));
        assertEquals(2, out.size());
        assertEquals(DispatchedTask.RL_CPU_ANY, out.cpu(0));
        assertEquals(1, out.cpu(1));
        out.clear();
    }

    @Test
    void aPidThatCannotNameATaskIsRefused() {
        refused("pid 0 cannot name a task", () -> ch.selectCpu(0, 0, 0));
        refused("pid -4 cannot name a task", () -> ch.dispatchedTasks().add(-4, 0, 0, 0, 1));
        refused("pid 0 cannot name a task", () -> ch.dispatchTask(new DispatchedTask().pid(0).cpu(0)));
    }

    @Test
    void whatOnlyTheKernelKnowsIsAnsweredNotThrown() {
        // A pid of no task: -ESRCH, as from the kernel. A valid CPU: an answer, never an exception.
        assertEquals(-3, ch.selectCpu(hog.pid() + 1000, 0, 0));
        assertTrue(ch.getCpuPid(1) >= 0);
    }
}
