// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The scheduler's two rings without sched_ext: a small BPF program plays the kernel side
 * ({@link #produce} queues tasks, {@link #consume} drains decisions). The real batched transport
 * runs end to end, so tests and benchmarks measure it on any kernel with BPF ring buffers
 * (root needed). Not a scheduler: {@link #selectCpu} is unsupported. It plays a machine of
 * {@link #NR_CPUS} CPU ids, the most one affinity word of its records covers.
 */
final class RingLoopback extends NativeBatchChannel implements AutoCloseable {
    private final long[] stats = new long[8];

    /** The CPU ids of the machine a loopback plays (its records carry one affinity word). */
    static final int NR_CPUS = 64;

    private RingLoopback(long handle, int capacity) {
        super(handle, "ring loopback", capacity);
        channel.limitCpus(NR_CPUS);
    }

    /**
     * @param queuedBytes queued ring size (power of two, at least a page)
     * @param dispatchedBytes dispatch ring size (power of two, at least a page)
     * @param capacity batch capacity
     * @return an open loopback
     */
    static RingLoopback open(int queuedBytes, int dispatchedBytes, int capacity) {
        return new RingLoopback(Native.openLoopback(queuedBytes, dispatchedBytes, capacity), capacity);
    }

    /** BPF queues {@code n} tasks with pids basePid..; a non-zero recordSize makes them malformed. */
    int produce(int n, int basePid, int recordSize) {
        channel.enter();
        try {
            return Native.loopbackProduce(channel.handle, n, basePid, recordSize);
        } finally {
            channel.exit();
        }
    }

    /** BPF drains the decisions; with echo, each comes back as a queued task. Returns the count. */
    int consume(boolean echo) {
        channel.enter();
        try {
            return Native.loopbackConsume(channel.handle, echo);
        } finally {
            channel.exit();
        }
    }

    /** Statistics of the last consume: drained, bad, echoDropped, sumPid, sumVtime, sumSlice, lastPid, lastCpu. */
    long[] lastConsume() {
        channel.enter();
        try {
            Native.loopbackLastConsume(channel.handle, stats);
            return stats;
        } finally {
            channel.exit();
        }
    }

    /** The C core's user side (benchmark reference): {@code n} queued tasks drained, decided, sent, batch at a time. */
    int coreUser(int batch, int n) {
        channel.enter();
        try {
            return Native.loopbackCoreUser(channel.handle, batch, n);
        } finally {
            channel.exit();
        }
    }

    /** Drains one batch for {@link #coreDecide}. */
    int coreFill(int batch) {
        channel.enter();
        try {
            return Native.loopbackCoreFill(channel.handle, batch);
        } finally {
            channel.exit();
        }
    }

    /** The C decision loop alone, {@code passes} times over the batch {@link #coreFill} drained. */
    int coreDecide(int batch, int passes) {
        channel.enter();
        try {
            return Native.loopbackCoreDecide(channel.handle, batch, passes);
        } finally {
            channel.exit();
        }
    }

    long badRecords() {
        channel.enter();
        try {
            return Native.ringBadRecords(channel.handle);
        } finally {
            channel.exit();
        }
    }

    long fullEvents() {
        channel.enter();
        try {
            return Native.ringFullEvents(channel.handle);
        } finally {
            channel.exit();
        }
    }

    @Override
    public int selectCpu(int pid, int prevCpu, long flags) {
        throw new UnsupportedOperationException("a ring loopback has no CPUs to select");
    }

    @Override
    public int getCpuPid(int cpu) {
        Args.cpu(cpu, nrCpus());
        return 0; // no kernel side: nothing runs on behalf of this channel
    }

    @Override
    public long getCpuRunCount(int cpu) {
        Args.cpu(cpu, nrCpus());
        return 0; // nothing ever runs on behalf of this channel
    }

    @Override
    public void notifyComplete(long nrPending) {
        // Nothing to tell: no kernel scheduler is waiting.
    }

    @Override
    public int nrCpus() {
        return NR_CPUS;
    }

    /** No kernel side: every CPU of the played machine is idle. */
    @Override
    public CpuSet idleCpus(CpuSet into) {
        into.clear();
        for (int c = 0; c < NR_CPUS; c++) {
            into.add(c);
        }
        return into;
    }

    @Override
    public long nowNs() {
        return System.nanoTime();
    }

    int waitForWork(int timeoutMs) {
        return channel.waitForWork(timeoutMs);
    }

    @Override
    public void close() {
        if (channel.beginClose()) {
            Native.close(channel.handle);
        }
    }
}
