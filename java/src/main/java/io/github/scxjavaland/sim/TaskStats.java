// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * What happened to one task on a {@link SimulatedMachine}, in virtual time: CPU time (in total
 * and per CPU), how often it ran, and how long it waited between becoming runnable and running.
 * A snapshot: it does not change when the machine runs on. Equal snapshots mean equal runs,
 * which is what determinism tests compare.
 */
public final class TaskStats {
    private final String name;
    private final int pid;
    private final long cpuTimeNs;
    private final long[] cpuTimeByCpu;
    private final long runs;
    private final long wakeups;
    private final long preemptions;
    private final LatencyStats waits;
    private final LatencyStats wakeupWaits;

    TaskStats(String name, int pid, long cpuTimeNs, long[] cpuTimeByCpu, long runs, long wakeups,
            long preemptions, LatencyStats waits, LatencyStats wakeupWaits) {
        this.name = name;
        this.pid = pid;
        this.cpuTimeNs = cpuTimeNs;
        this.cpuTimeByCpu = cpuTimeByCpu;
        this.runs = runs;
        this.wakeups = wakeups;
        this.preemptions = preemptions;
        this.waits = waits;
        this.wakeupWaits = wakeupWaits;
    }

    /** @return the task's name */
    public String name() {
        return name;
    }

    /** @return the task's pid */
    public int pid() {
        return pid;
    }

    /** @return CPU time it got, ns */
    public long cpuTimeNs() {
        return cpuTimeNs;
    }

    /**
     * @param cpu a CPU of the machine
     * @return CPU time it got on that CPU, ns
     */
    public long cpuTimeNs(int cpu) {
        return cpuTimeByCpu[cpu];
    }

    /** @return the CPUs it ran on, ascending */
    public int[] cpusUsed() {
        int n = 0;
        int[] used = new int[cpuTimeByCpu.length];
        for (int c = 0; c < cpuTimeByCpu.length; c++) {
            if (cpuTimeByCpu[c] > 0) {
                used[n++] = c;
            }
        }
        return Arrays.copyOf(used, n);
    }

    /** @return how many times it was put on a CPU */
    public long runs() {
        return runs;
    }

    /** @return how many times it woke up (its first start included) */
    public long wakeups() {
        return wakeups;
    }

    /** @return how many times its slice ran out while others waited, so it went back to the queue */
    public long preemptions() {
        return preemptions;
    }

    /** @return every wait from runnable to running: after a wakeup and after a preemption */
    public LatencyStats waits() {
        return waits;
    }

    /** @return only the waits that began with a wakeup: the latency an interactive task feels */
    public LatencyStats wakeupWaits() {
        return wakeupWaits;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TaskStats)) {
            return false;
        }
        TaskStats t = (TaskStats) o;
        return pid == t.pid && cpuTimeNs == t.cpuTimeNs && runs == t.runs && wakeups == t.wakeups
                && preemptions == t.preemptions && name.equals(t.name) && Arrays.equals(cpuTimeByCpu, t.cpuTimeByCpu)
                && waits.equals(t.waits) && wakeupWaits.equals(t.wakeupWaits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, pid, cpuTimeNs, runs, wakeups, preemptions, waits, wakeupWaits)
                * 31 + Arrays.hashCode(cpuTimeByCpu);
    }

    @Override
    public String toString() {
        return String.format("%s[%d] cpu=%.3fms runs=%d wakeups=%d preempted=%d cpus=%s waits{%s} wakeup{%s}",
                name, pid, cpuTimeNs / 1e6, runs, wakeups, preemptions, Arrays.toString(cpusUsed()), waits,
                wakeupWaits);
    }
}
