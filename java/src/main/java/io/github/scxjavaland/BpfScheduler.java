// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A sched_ext scheduler whose policy runs in this JVM. Opening it loads the BPF side and
 * registers it with the kernel; from then on every task that needs a CPU comes through
 * {@link #dequeueTasks} and runs where {@link #dispatchTasks} says. Closing it (or the end of
 * the process) hands the machine back to the kernel's default scheduler.
 *
 * <pre>{@code
 * try (BpfScheduler sched = BpfScheduler.open(SchedulerConfig.builder().opsName("fifo").build())) {
 *     sched.stopOnSignals(); // SIGINT / SIGTERM end the loop; the JVM then exits normally
 *     QueuedTasks in = sched.queuedTasks();
 *     DispatchedTasks out = sched.dispatchedTasks();
 *     while (sched.isRunning()) {
 *         if (out.isEmpty()) { // decisions the ring could not take last round go first
 *             int n = sched.dequeueTasks(in);
 *             for (int i = 0; i < n; i++) {
 *                 out.add(in, i);
 *             }
 *         }
 *         sched.dispatchTasks(out);
 *         sched.notifyComplete(out.size());
 *     }
 *     System.out.println(sched.shutdownAndReport().report());
 * }
 * }</pre>
 *
 * <p>Threading: one thread runs the loop (it becomes the scheduling thread on its first
 * dequeue). Counters, {@link #stats()}, {@link #exited()} and {@link #close()} may be called
 * from any thread; close waits for a call in flight. Every thread of this process is scheduled
 * by the BPF side directly, so GC, JIT and other threads never wait for the loop.
 *
 * <p>Errors: setting up throws {@link SchedulerException} with a reason (no sched_ext, not
 * privileged, another scheduler enabled, verifier rejection); using a closed scheduler throws
 * {@link IllegalStateException}; the hot path reports back-pressure as counts, not exceptions.
 */
public final class BpfScheduler extends NativeBatchChannel implements AutoCloseable {
    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final SchedulerConfig config;
    private final ByteBuffer counters;
    private final ByteBuffer cpuPid;
    private final ByteBuffer idleCpus;
    private final ByteBuffer cpuNrRuns;
    private final ByteBuffer exitInfo;
    private int nrCpus; // nr_cpu_ids, known once the BPF side ran ops.init (attach)
    private volatile boolean stopRequested;
    private volatile ExitInfo report;
    private volatile SchedulerStats finalStats;

    private BpfScheduler(SchedulerConfig config, long handle) {
        super(handle, "scheduler " + config.opsName(), config.batchCapacity());
        this.config = config;
        this.counters = Native.buffer(handle, Native.BUF_COUNTERS).order(ByteOrder.nativeOrder());
        this.cpuPid = Native.buffer(handle, Native.BUF_CPU_PID).order(ByteOrder.nativeOrder());
        this.idleCpus = Native.buffer(handle, Native.BUF_IDLE_CPUS).order(ByteOrder.nativeOrder());
        this.cpuNrRuns = Native.buffer(handle, Native.BUF_CPU_NR_RUNS).order(ByteOrder.nativeOrder());
        this.exitInfo = Native.buffer(handle, Native.BUF_EXIT_INFO).order(ByteOrder.nativeOrder());
    }

    /**
     * Loads the BPF scheduler and registers it with the kernel.
     *
     * @param config the settings
     * @return the running scheduler
     * @throws SchedulerException if the kernel has no sched_ext, the process lacks privileges,
     *     another scheduler is enabled, or the verifier rejects the program
     */
    public static BpfScheduler open(SchedulerConfig config) {
        Objects.requireNonNull(config, "config");
        Native.setLogLevel(NativeLog.nativeLevel(config.debug()));
        long handle = Native.open(config.opsName(), config.sliceNs(), config.watchdogTimeoutMs(),
                config.exitDumpLen(), config.stallTimeoutNs() == 0 ? -1L : config.stallTimeoutNs(),
                config.partial(), config.debug(), config.builtinIdle(), config.batchCapacity());
        BpfScheduler s;
        try {
            s = new BpfScheduler(config, handle);
            if (config.lockMemory()) {
                Native.lockMemory();
            }
            Native.attach(handle);
            s.nrCpus = Native.nrCpuIds(handle);
            s.channel.limitCpus(s.nrCpus);
        } catch (RuntimeException | Error e) {
            Native.close(handle);
            throw e;
        }
        JfrGate.watch();
        if (JfrGate.on) {
            JfrEvents.opened(s, config.opsName(), s.nrCpus);
        }
        return s;
    }

    /** @return opens a scheduler with every default setting */
    public static BpfScheduler open() {
        return open(SchedulerConfig.defaults());
    }

    /** @return the settings this scheduler was opened with */
    public SchedulerConfig config() {
        return config;
    }

    @Override
    public int selectCpu(int pid, int prevCpu, long flags) {
        Args.pid(pid);
        Args.cpu(prevCpu, nrCpus);
        channel.enter();
        try {
            return Native.selectCpu(channel.handle, pid, prevCpu, flags);
        } finally {
            channel.exit();
        }
    }

    @Override
    public void notifyComplete(long nrPending) {
        if (nrPending < 0) {
            throw new IllegalArgumentException("nrPending " + nrPending + " is negative");
        }
        channel.enter();
        long t0 = channel.crossing();
        try {
            Native.notifyComplete(channel.handle, nrPending);
        } finally {
            channel.crossed(t0);
            channel.exit();
        }
    }

    /**
     * Blocks until tasks are queued or the timeout passes; for loops that prefer sleeping to
     * {@link #notifyComplete}'s yield when idle.
     *
     * @param timeoutMs the most to wait, in ms (0 = just check)
     * @return true if tasks are waiting
     */
    public boolean waitForWork(int timeoutMs) {
        return channel.waitForWork(timeoutMs) > 0;
    }

    @Override
    public int nrCpus() {
        return nrCpus;
    }

    @Override
    public long nowNs() {
        return System.nanoTime();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from a map the BPF side updates in {@code ops.running} and {@code ops.stopping}:
     * plain shared memory, no system call.
     */
    @Override
    public int getCpuPid(int cpu) {
        Args.cpu(cpu, nrCpus);
        channel.enter();
        try {
            return (int) INTS.getOpaque(cpuPid, cpu * Integer.BYTES);
        } finally {
            channel.exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from a counter the BPF side bumps in {@code ops.running}: shared memory, no
     * system call.
     */
    @Override
    public long getCpuRunCount(int cpu) {
        Args.cpu(cpu, nrCpus);
        channel.enter();
        try {
            return (long) LONGS.getOpaque(cpuNrRuns, cpu * Long.BYTES);
        } finally {
            channel.exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from a bitmap the BPF side keeps in {@code ops.update_idle}: plain shared memory,
     * no system call, one word per 64 CPUs.
     */
    @Override
    public CpuSet idleCpus(CpuSet into) {
        int words = (nrCpus + 63) >>> 6;
        into.clear();
        channel.enter();
        try {
            for (int w = 0; w < words; w++) {
                long bits = (long) LONGS.getOpaque(idleCpus, w * Long.BYTES);
                into.setWord(w, bits, nrCpus);
            }
        } finally {
            channel.exit();
        }
        return into;
    }

    /**
     * Fills {@code out} with the pid running on each CPU (0 = idle), in one pass over shared
     * memory, without allocating. The same staleness caveat as {@link #getCpuPid} applies.
     *
     * @param out at least {@link #nrCpus()} slots are filled if it has them
     * @return how many entries were written
     */
    public int getCpuPids(int[] out) {
        int n = Math.min(out.length, nrCpus);
        channel.enter();
        try {
            for (int i = 0; i < n; i++) {
                out[i] = (int) INTS.getOpaque(cpuPid, i * Integer.BYTES);
            }
        } finally {
            channel.exit();
        }
        return n;
    }

    private long counter(int offset) {
        channel.enter();
        try {
            return (long) LONGS.getOpaque(counters, offset);
        } finally {
            channel.exit();
        }
    }

    private void setCounter(int offset, long value) {
        channel.enter();
        try {
            LONGS.setRelease(counters, offset, value);
        } finally {
            channel.exit();
        }
    }

    /**
     * @return records sent to user space and not read yet: the BPF side adds each before it can
     *     be read, {@link #dequeueTasks} subtracts what it read
     */
    public long nrQueued() {
        return counter(Layout.C_NR_QUEUED);
    }

    /**
     * Overwrites the count {@link #nrQueued} reports (kept for policies ported from
     * scx_rustland_core, which keep it themselves). Only stats read it: the BPF side decides
     * from its own exact counts, so a wrong value misleads readers, never the scheduler.
     *
     * @param value the new count
     */
    public void setNrQueued(long value) {
        setCounter(Layout.C_NR_QUEUED, value);
    }

    /**
     * @return tasks the policy said it holds (last {@link #notifyComplete})
     */
    public long nrScheduled() {
        return counter(Layout.C_NR_SCHEDULED);
    }

    /**
     * Overwrites the count {@link #nrScheduled} reports ({@link #notifyComplete} sets it every
     * round). Only stats read it: whether the scheduling thread must run again the BPF side
     * decides from its own exact count of the tasks user space holds.
     *
     * @param value the new count
     */
    public void setNrScheduled(long value) {
        setCounter(Layout.C_NR_SCHEDULED, value);
    }

    /**
     * @return tasks running on a CPU now (the scheduling thread excluded)
     */
    public long nrRunning() {
        return counter(Layout.C_NR_RUNNING);
    }

    /** @return online CPUs when the scheduler started */
    public long nrOnlineCpus() {
        return counter(Layout.C_NR_ONLINE_CPUS);
    }

    /** @return decisions applied as asked */
    public long nrUserDispatches() {
        return counter(Layout.C_NR_USER_DISPATCHES);
    }

    /** @return tasks the BPF side placed itself */
    public long nrKernelDispatches() {
        return counter(Layout.C_NR_KERNEL_DISPATCHES);
    }

    /** @return stale decisions dropped */
    public long nrCancelDispatches() {
        return counter(Layout.C_NR_CANCEL_DISPATCHES);
    }

    /** @return decisions for a CPU the task may not use, sent elsewhere */
    public long nrBounceDispatches() {
        return counter(Layout.C_NR_BOUNCE_DISPATCHES);
    }

    /** @return decisions for a task that is gone, or malformed */
    public long nrFailedDispatches() {
        return counter(Layout.C_NR_FAILED_DISPATCHES);
    }

    /** @return tasks placed by BPF because the queued ring was full */
    public long nrSchedCongested() {
        return counter(Layout.C_NR_SCHED_CONGESTED);
    }

    /**
     * @return how many times {@link #dispatchTasks} found the kernel's dispatch ring full (the
     *     unsent decisions stayed in the batch); counted in user space
     */
    public long nrDispatchRingFull() {
        channel.enter();
        try {
            return Native.ringFullEvents(channel.handle);
        } finally {
            channel.exit();
        }
    }

    /** @return a snapshot of every counter; after close, the one taken at shutdown */
    public SchedulerStats stats() {
        SchedulerStats last = finalStats;
        if (last != null && channel.isClosed()) {
            return last;
        }
        channel.enter();
        try {
            return readStats();
        } finally {
            channel.exit();
        }
    }

    private SchedulerStats readStats() {
        return SchedulerStats.read(counters);
    }

    /**
     * Asks a loop that tests {@link #isRunning()} to end after its current round (then call
     * {@link #shutdownAndReport()}). Safe from any thread and from a signal handler.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Makes SIGINT and SIGTERM {@link #requestStop() request a stop} instead of ending the JVM
     * (whose default is exit status 130 / 143 even after a clean detach), for loops written
     * without {@link SchedulerRunner}, which does this itself. It replaces the handlers for the
     * whole process; call it once.
     */
    public void stopOnSignals() {
        Signals.onTermination(this::requestStop);
    }

    /**
     * The condition of a scheduling loop written by hand: {@code while (sched.isRunning()) {...}}.
     *
     * @return false once a stop was requested ({@link #requestStop()}, a signal after
     *     {@link #stopOnSignals()}) or the scheduler {@link #exited()}
     */
    public boolean isRunning() {
        return !stopRequested && !exited();
    }

    /**
     * @return true once the kernel has stopped the scheduler (watchdog, error, hotplug, sysrq),
     *     or after it was closed
     */
    public boolean exited() {
        if (channel.isClosed()) {
            return true;
        }
        try {
            channel.enter();
        } catch (IllegalStateException closedMeanwhile) {
            return true;
        }
        try {
            return (int) INTS.getAcquire(exitInfo, Layout.E_KIND) != 0;
        } finally {
            channel.exit();
        }
    }

    /**
     * Unregisters the scheduler (if the kernel has not already stopped it), frees everything and
     * returns why it stopped. Idempotent: later calls return the same report.
     *
     * @return the exit info; kind 64 for a clean detach from user space
     */
    public ExitInfo shutdownAndReport() {
        synchronized (this) {
            if (report != null) {
                return report;
            }
            if (!channel.beginClose()) {
                throw new IllegalStateException("scheduler " + config.opsName() + " is closed");
            }
            Native.detach(channel.handle);
            finalStats = readStats();
            ExitInfo info = new ExitInfo((int) INTS.getAcquire(exitInfo, Layout.E_KIND),
                    exitInfo.getLong(Layout.E_EXIT_CODE),
                    cString(exitInfo, Layout.E_REASON, Layout.E_REASON_LEN),
                    cString(exitInfo, Layout.E_MSG, Layout.E_MSG_LEN),
                    Native.exitDump(channel.handle, config.exitDumpLen()));
            Native.close(channel.handle);
            report = info;
            if (JfrGate.on) {
                JfrEvents.exited(this, config.opsName(), info, finalStats);
            }
            // Debug only: the caller has the ExitInfo and reports it (SchedulerRunner does), once.
            NativeLog.LOGGER.log(System.Logger.Level.DEBUG, "sched_ext scheduler " + config.opsName()
                    + " detached: " + info.kindName());
            return info;
        }
    }

    /** @return the ops name it was opened with */
    String opsName() {
        return config.opsName();
    }

    /** Detaches and frees the scheduler; safe to call more than once and from a shutdown hook. */
    @Override
    public void close() {
        if (report == null) {
            shutdownAndReport();
        }
    }

    private static String cString(ByteBuffer b, int off, int max) {
        byte[] bytes = new byte[max];
        b.get(off, bytes, 0, max);
        int n = 0;
        while (n < max && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
