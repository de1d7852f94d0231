// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The one rule for arguments the API can check itself: a CPU id outside this machine's, or a
 * pid that cannot name a task, is rejected at the call with an {@link IllegalArgumentException}
 * naming the value and the valid range. What only the kernel knows (a task that exited, a CPU
 * outside a task's affinity) is not an argument error: it is counted (failed, bounce) or
 * answered with an errno. The simulator applies the same checks.
 */
final class Args {
    private Args() {}

    /** @return {@code cpu} if it is a CPU id below {@code nrCpus} */
    static int cpu(int cpu, int nrCpus) {
        if (cpu < 0 || cpu >= nrCpus) {
            throw new IllegalArgumentException("cpu " + cpu + " is not a CPU id of this machine (0.." + (nrCpus - 1)
                    + ")");
        }
        return cpu;
    }

    /** @return {@code cpu} if it is a CPU id below {@code nrCpus} or {@link DispatchedTask#RL_CPU_ANY} */
    static int cpuOrAny(int cpu, int nrCpus) {
        if (cpu != DispatchedTask.RL_CPU_ANY && (cpu < 0 || cpu >= nrCpus)) {
            throw new IllegalArgumentException("cpu " + cpu + " is neither a CPU id of this machine (0.."
                    + (nrCpus - 1) + ") nor DispatchedTask.RL_CPU_ANY");
        }
        return cpu;
    }

    /** @return {@code capacity} if a batch can hold that many rows (at least one) */
    static int capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity " + capacity + " must be at least 1");
        }
        return capacity;
    }

    /** @return {@code pid} if it can name a task (pids are positive) */
    static int pid(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " cannot name a task (pids are positive)");
        }
        return pid;
    }
}
