// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

/**
 * A task on a {@link SimulatedMachine}, as returned by {@link SimulatedMachine#addTask}: the
 * handle to ask {@link SimulatedMachine#stats(SimTask)} about it or to change it while the
 * machine runs. Pids are given out in the order tasks are added.
 */
public final class SimTask {
    private final SimulatedMachine machine;
    final int index;
    private final int pid;
    private final String name;

    SimTask(SimulatedMachine machine, int index, int pid, String name) {
        this.machine = machine;
        this.index = index;
        this.pid = pid;
        this.name = name;
    }

    /** @return its thread id, as the policy sees it */
    public int pid() {
        return pid;
    }

    /** @return its name */
    public String name() {
        return name;
    }

    /** @return the machine it belongs to */
    public SimulatedMachine machine() {
        return machine;
    }

    @Override
    public String toString() {
        return name + "[" + pid + "]";
    }
}
