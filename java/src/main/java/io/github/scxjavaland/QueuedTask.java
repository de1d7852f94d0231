// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A task that needs a CPU, as the BPF side sent it. One object can be reused for many tasks
 * ({@link SchedulerChannel#dequeueTask(QueuedTask)} overwrites it), so keeping one in a loop
 * allocates nothing. For many tasks at once use {@link QueuedTasks}.
 */
public final class QueuedTask {
    int pid;
    int cpu;
    long nrCpusAllowed;
    long flags;
    long startTs;
    long stopTs;
    long execRuntime;
    long weight;
    long vtime;
    long enqCnt;
    final byte[] comm = new byte[16];
    final long[] cpusAllowed = new long[Layout.MASK_WORDS];
    int nrCpus = Layout.MAX_CPUS;

    /** Creates an empty task record, to be filled by a dequeue. */
    public QueuedTask() {}

    /** @return the thread id */
    public int pid() {
        return pid;
    }

    /** @return the CPU the task last ran on, or an idle CPU the BPF side already picked */
    public int cpu() {
        return cpu;
    }

    /** @return how many CPUs its affinity mask allows */
    public long nrCpusAllowed() {
        return nrCpusAllowed;
    }

    /**
     * Whether the task may run on {@code cpu}; the same guarantee as {@link QueuedTasks#mayRunOn}:
     * a decision for a CPU this allows is never bounced.
     *
     * @param cpu a CPU id of this machine
     * @return true if its affinity allows {@code cpu}
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    public boolean mayRunOn(int cpu) {
        Args.cpu(cpu, nrCpus);
        return (cpusAllowed[cpu >>> 6] & (1L << cpu)) != 0;
    }

    /**
     * @param into the set to overwrite with the task's affinity
     * @return {@code into}
     */
    public CpuSet cpusAllowed(CpuSet into) {
        into.clear();
        int words = (nrCpus + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long bits = cpusAllowed[w];
            into.setWord(w, bits, nrCpus);
        }
        return into;
    }

    /** @return the sched_ext enqueue flags (SCX_ENQ_*) */
    public long flags() {
        return flags;
    }

    /** @return ns timestamp of the last time it started running */
    public long startTs() {
        return startTs;
    }

    /** @return ns timestamp of the last time it stopped running */
    public long stopTs() {
        return stopTs;
    }

    /** @return ns of CPU used since it last became runnable */
    public long execRuntime() {
        return execRuntime;
    }

    /** @return the scheduling weight, 1..10000, 100 for nice 0 */
    public long weight() {
        return weight;
    }

    /** @return the vtime user space last gave it (0 for a new task) */
    public long vtime() {
        return vtime;
    }

    /** @return the enqueue generation; echo it back in the dispatch */
    public long enqCnt() {
        return enqCnt;
    }

    /** @return the command name (allocates a String; not for the hot path) */
    public String comm() {
        int n = 0;
        while (n < comm.length && comm[n] != 0) {
            n++;
        }
        return new String(comm, 0, n, StandardCharsets.UTF_8);
    }

    /** Writes this task as a record (used by the simulator and tests). */
    void writeTo(ByteBuffer b, int base) {
        b.putInt(base + Layout.Q_PID, pid);
        b.putInt(base + Layout.Q_CPU, cpu);
        b.putLong(base + Layout.Q_NR_CPUS_ALLOWED, nrCpusAllowed);
        b.putLong(base + Layout.Q_FLAGS, flags);
        b.putLong(base + Layout.Q_START_TS, startTs);
        b.putLong(base + Layout.Q_STOP_TS, stopTs);
        b.putLong(base + Layout.Q_EXEC_RUNTIME, execRuntime);
        b.putLong(base + Layout.Q_WEIGHT, weight);
        b.putLong(base + Layout.Q_VTIME, vtime);
        b.putLong(base + Layout.Q_ENQ_CNT, enqCnt);
        b.put(base + Layout.Q_COMM, comm, 0, comm.length);
        for (int w = 0; w < cpusAllowed.length; w++) {
            b.putLong(base + Layout.Q_CPUS_ALLOWED + w * Long.BYTES, cpusAllowed[w]);
        }
    }

    @Override
    public String toString() {
        return "QueuedTask[pid=" + pid + ", cpu=" + cpu + ", comm=" + comm() + ", weight=" + weight
                + ", vtime=" + vtime + ", execRuntime=" + execRuntime + ", enqCnt=" + enqCnt + "]";
    }
}
