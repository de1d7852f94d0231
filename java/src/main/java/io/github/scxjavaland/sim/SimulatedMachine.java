// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerStats;
import io.github.scxjavaland.SchedulingPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A machine with N CPUs and a virtual clock that plays the BPF side of scx_javaland, so a
 * {@link SchedulingPolicy} can be tried, measured and unit-tested without root, a kernel or
 * real time passing. Deterministic: the same seed, tasks and policy give the same run, bit for
 * bit.
 *
 * <pre>{@code
 * SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(1).build();
 * SimTask hog = m.addTask(TaskSpec.cpuHog("hog").weight(100));
 * SimTask ui = m.addTask(TaskSpec.periodic("ui").runNs(200_000).sleepNs(10_000_000));
 * m.run(new DeadlineScheduler(), Duration.ofSeconds(10));   // 10 s of virtual time
 * System.out.println(m.stats(ui).wakeupWaits());              // mean / p99 / max wait
 * }</pre>
 *
 * <h2>What it models (as bpf/scheduler.bpf.c does)</h2>
 * <ul>
 *   <li>A task that wakes, or whose slice runs out while others wait, is queued to user space
 *       as a record with realistic fields: the CPU it last ran on (or the idle CPU the wakeup
 *       path picked), its affinity size, flags (1 = {@code SCX_ENQ_WAKEUP} for a wakeup, else
 *       0), start and stop time of its last run, CPU time since it last woke, weight, the vtime
 *       of its last decision (0 for a new task) and a fresh enqueue generation. The queue holds
 *       {@link Builder#queueCapacity} records; when full, the task goes straight to the shared
 *       queue (congestion).</li>
 *   <li>With built-in idle selection (the default, as in the kernel), a waking task that finds an
 *       idle CPU while nothing is queued runs there without asking the policy (a kernel
 *       dispatch).</li>
 *   <li>Decisions go to that CPU's queue or, for {@link DispatchedTask#RL_CPU_ANY}, to the shared
 *       queue; both are ordered by vtime (FIFO among equal vtimes). A CPU the task may not use,
 *       or one that does not exist, sends it to the shared queue (a bounce); a stale enqueue generation
 *       cancels the decision; an unknown pid fails it. Slices are clamped to the BPF bounds, 0
 *       means the machine's default slice.</li>
 *   <li>A free CPU takes the first task of its own queue, else the first task of the shared
 *       queue it may run. When a slice runs out and nothing else waits for that CPU, the task
 *       keeps running with a fresh default slice, as with {@code SCX_OPS_ENQ_LAST}. A task
 *       whose slice runs out is queued to user space after its CPU picked the next task: if
 *       the policy has no work then (nothing unread, nothing pending), the CPU takes what waits
 *       in its queues, and the task cannot overtake it. With a
 *       {@link Builder#tick}, slices end on the next tick, as the kernel checks them there.</li>
 *   <li>{@link #selectCpu} claims an idle CPU the task may use: its previous CPU first, then the
 *       others in turn.</li>
 *   <li>The policy runs when the kernel would wake the scheduling thread: when a task is queued
 *       while its CPU is free, when a CPU finishes a slice or a burst, and on a heartbeat
 *       (250 ms) while it has work. It runs before the CPUs freed in that instant look at the
 *       queues (as ops.dispatch runs the scheduling thread first), and again in the same
 *       instant while records are left unread, or while it reports pending tasks and a CPU is
 *       free (that CPU would run it), as long as it makes progress.</li>
 *   <li>A task left runnable longer than the watchdog timeout (5 s) stops the run with an
 *       {@link IllegalStateException}, as the kernel would eject the scheduler.</li>
 * </ul>
 *
 * <h2>What it does not model</h2>
 * The scheduling thread costs nothing and uses no CPU; decisions apply at once (no ring
 * latency, no dispatch-slot budget unless {@link Builder#dispatchCapacity} sets one); there are
 * no kernel threads, SMT, caches, NUMA or migration costs; {@code SCX_ENQ_PREEMPT} is ignored.
 * Records are laid out by the native library's layout table, so the simulator needs the
 * library (bundled in the jar for Linux x86-64), but never loads BPF or touches the kernel.
 *
 * <p>One thread drives a machine. {@link #run} may be called again to continue from where the
 * last call stopped; tasks can be added and changed between and before runs.
 */
public final class SimulatedMachine implements SchedulerChannel {
    /** Enqueue flag of a wakeup (the kernel's SCX_ENQ_WAKEUP). */
    public static final long ENQ_WAKEUP = 1L;

    private static final int ESRCH = 3;
    private static final int EBUSY = 16;
    private static final int SHARED = -1;

    private static final byte NEW = 0;
    private static final byte SLEEPING = 1;
    private static final byte QUEUED = 2; // a record is out to user space (in the ring or held by the policy)
    private static final byte IN_DSQ = 3;
    private static final byte RUNNING = 4;
    private static final byte EXITED = 5;

    private final int nrCpus;
    private final int words; // affinity mask words per task
    private final long seed;
    private final long defaultSliceNs;
    private final long tickNs;
    private final boolean builtinIdle;
    private final int dispatchCapacity;
    private final int maxRoundsPerInstant;
    private final long heartbeatNs;
    private final long watchdogNs;
    private final int firstPid;

    private final QueuedTasks queued;
    private final ByteBuffer queuedBuf;
    private final DispatchedTasks dispatched;
    private final ByteBuffer scratch;

    // Tasks: parallel arrays indexed by task index (pid - firstPid), grown by addTask.
    private int nrTasks;
    private SimTask[] handles = new SimTask[0];
    private byte[][] comms = new byte[0][];
    private long[] runNs = new long[0];
    private long[] sleepNs = new long[0];
    private double[] jitter = new double[0];
    private long[] maxBursts = new long[0];
    private SplittableRandom[] rngs = new SplittableRandom[0];
    private long[] weight = new long[0];
    private long[] allowed = new long[0];
    private int[] nrAllowed = new int[0];
    private byte[] state = new byte[0];
    private boolean[] inUser = new boolean[0];
    private long[] enqCnt = new long[0];
    private long[] startTs = new long[0];
    private long[] stopTs = new long[0];
    private long[] execRuntime = new long[0];
    private long[] dsqVtime = new long[0];
    private int[] lastCpu = new int[0];
    private long[] runnableSince = new long[0];
    private boolean[] wokeUp = new boolean[0];
    private long[] burstLeft = new long[0];
    private long[] burstsDone = new long[0];
    private long[] dsqSeq = new long[0];
    private long[] dsqSlice = new long[0];
    private int[] dsqOf = new int[0];
    private long[] cpuTime = new long[0];
    private long[] cpuTimeByCpu = new long[0];
    private long[] runs = new long[0];
    private long[] wakeups = new long[0];
    private long[] preemptions = new long[0];
    private Histogram[] waits = new Histogram[0];
    private Histogram[] wakeupWaits = new Histogram[0];

    // CPUs.
    private final int[] cpuTask;
    private final long[] cpuRunStart;
    private final long[] cpuSliceEnd;
    private final long[] cpuBurstEnd;
    private final boolean[] idle;
    private final long[] busyNs;
    private final MinHeap[] local;
    private final int[] localLive;
    private final MinHeap shared = new MinHeap(64);
    private int sharedLive;
    private long dsqSeqNext;
    private int pickCursor;
    private long[] skipKey = new long[16];
    private long[] skipTie = new long[16];
    private int[] skipTask = new int[16];

    // The queued ring: records as the BPF side wrote them (a snapshot at enqueue time).
    private final int ringCapacity;
    private final int[] ringTask;
    private final int[] ringCpu;
    private final long[] ringFlags;
    private final long[] ringStart;
    private final long[] ringStop;
    private final long[] ringExec;
    private final long[] ringWeight;
    private final long[] ringVtime;
    private final long[] ringEnqCnt;
    private final long[] ringNrAllowed;
    private int ringHead;
    private int ringCount;

    private final MinHeap timers = new MinHeap(64);
    private final List<Control> controls = new ArrayList<>();
    private int nextControl;
    private long controlSeq;

    private long now;
    private long pending;
    private int decisionsThisRound;
    private long progress;
    private boolean kicked;
    private long lastRoundAt;
    private long nextWatchdogAt;
    private boolean running;
    private int nrRunning;

    private long nrUser;
    private long nrKernel;
    private long nrCancel;
    private long nrBounce;
    private long nrFailed;
    private long nrCongested;
    private long nrEnqueues;
    private long nrUserQueued;
    private long nrRounds;
    private long nrRefills;
    private long nrHeartbeats;

    private final int runLogCapacity;
    private final int[] logTask;
    private final int[] logCpu;
    private final long[] logStart;
    private int logSize;
    private boolean logTruncated;

    private SimulatedMachine(Builder b) {
        nrCpus = b.cpus;
        words = (nrCpus + 63) >>> 6;
        seed = b.seed;
        defaultSliceNs = b.sliceNs;
        tickNs = b.tickNs;
        builtinIdle = b.builtinIdle;
        dispatchCapacity = b.dispatchCapacity;
        maxRoundsPerInstant = b.maxRoundsPerInstant;
        heartbeatNs = b.heartbeatNs;
        watchdogNs = b.watchdogNs;
        firstPid = b.firstPid;
        queued = CoreAccess.newQueuedTasks(b.batchCapacity, this);
        queuedBuf = CoreAccess.buffer(queued);
        dispatched = CoreAccess.newDispatchedTasks(b.batchCapacity, this);
        scratch = ByteBuffer.allocate(CoreAccess.Q_SIZE).order(ByteOrder.nativeOrder());

        cpuTask = new int[nrCpus];
        Arrays.fill(cpuTask, -1);
        cpuRunStart = new long[nrCpus];
        cpuSliceEnd = new long[nrCpus];
        cpuBurstEnd = new long[nrCpus];
        idle = new boolean[nrCpus];
        Arrays.fill(idle, true);
        busyNs = new long[nrCpus];
        local = new MinHeap[nrCpus];
        for (int c = 0; c < nrCpus; c++) {
            local[c] = new MinHeap(16);
        }
        localLive = new int[nrCpus];

        ringCapacity = b.queueCapacity;
        ringTask = new int[ringCapacity];
        ringCpu = new int[ringCapacity];
        ringFlags = new long[ringCapacity];
        ringStart = new long[ringCapacity];
        ringStop = new long[ringCapacity];
        ringExec = new long[ringCapacity];
        ringWeight = new long[ringCapacity];
        ringVtime = new long[ringCapacity];
        ringEnqCnt = new long[ringCapacity];
        ringNrAllowed = new long[ringCapacity];

        runLogCapacity = b.recordRuns;
        logTask = new int[runLogCapacity];
        logCpu = new int[runLogCapacity];
        logStart = new long[runLogCapacity];
        nextWatchdogAt = watchdogNs;
    }

    /** @return a builder: 1 CPU, seed 0, 5 ms default slice, built-in idle selection on */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Adds a task. It first wakes at {@code spec.startAtNs}, or now if that has passed.
     *
     * @param spec what it does (copied)
     * @return its handle
     * @throws IllegalArgumentException if its affinity names a CPU this machine lacks
     */
    public SimTask addTask(TaskSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (running) {
            throw new IllegalStateException("tasks cannot be added from inside run()");
        }
        checkCpus(spec.affinity);
        int t = nrTasks;
        grow(t + 1);
        nrTasks++;
        int pid = firstPid + t;
        SimTask h = new SimTask(this, t, pid, spec.name);
        handles[t] = h;
        byte[] comm = new byte[CoreAccess.COMM_LEN];
        byte[] nameBytes = spec.name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, comm, 0, Math.min(nameBytes.length, comm.length - 1));
        comms[t] = comm;
        runNs[t] = spec.runNs;
        sleepNs[t] = spec.sleepNs;
        jitter[t] = spec.jitter;
        maxBursts[t] = spec.bursts;
        // Each task draws from its own stream, so its workload does not depend on the policy.
        rngs[t] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + t);
        weight[t] = spec.weight;
        setAffinity(t, spec.affinity);
        state[t] = NEW;
        int first = firstAllowed(t, t % nrCpus);
        lastCpu[t] = first;
        waits[t] = new Histogram();
        wakeupWaits[t] = new Histogram();
        timers.push(Math.max(spec.startNs, now), t, t);
        return h;
    }

    /** @return every task, in the order they were added */
    public List<SimTask> tasks() {
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(handles, nrTasks)));
    }

    /**
     * Changes a task's affinity at a virtual time, as {@code sched_setaffinity} would: a task
     * waiting in user space or in a queue is taken back and queued again (a decision for the
     * old record is then cancelled); a running task on a CPU it may no longer use stops.
     *
     * @param task the task
     * @param atNs virtual time (ns since the machine was built), not in the past
     * @param cpus the CPUs it may use from then on (none: every CPU)
     */
    public void changeAffinity(SimTask task, long atNs, int... cpus) {
        int t = indexOf(task);
        int[] mask = cpus.length == 0 ? null : cpus.clone();
        checkCpus(mask);
        addControl(new Control(atNs, controlSeq++, t, mask, 0));
    }

    /**
     * Changes a task's weight at a virtual time, as a nice change would: a task waiting in user
     * space or in a queue is taken back and queued again.
     *
     * @param task the task
     * @param atNs virtual time (ns since the machine was built), not in the past
     * @param newWeight 1..10000
     */
    public void changeWeight(SimTask task, long atNs, long newWeight) {
        int t = indexOf(task);
        if (newWeight < 1 || newWeight > 10_000) {
            throw new IllegalArgumentException("weight " + newWeight + " outside [1, 10000]");
        }
        addControl(new Control(atNs, controlSeq++, t, null, newWeight));
    }

    private void addControl(Control c) {
        if (c.atNs < now) {
            throw new IllegalArgumentException("time " + c.atNs + " ns is in the past (now " + now + " ns)");
        }
        int i = controls.size();
        while (i > nextControl && controls.get(i - 1).compareTo(c) > 0) {
            i--;
        }
        controls.add(i, c);
    }

    private int indexOf(SimTask task) {
        if (task == null || task.machine() != this) {
            throw new IllegalArgumentException("not a task of this machine: " + task);
        }
        return task.index;
    }

    private void checkCpus(int[] cpus) {
        if (cpus == null) {
            return;
        }
        for (int c : cpus) {
            if (c < 0 || c >= nrCpus) {
                throw new IllegalArgumentException("CPU " + c + " does not exist (the machine has " + nrCpus + ")");
            }
        }
    }

    private void setAffinity(int t, int[] cpus) {
        checkCpus(cpus);
        int base = t * words;
        Arrays.fill(allowed, base, base + words, 0);
        if (cpus == null) {
            for (int c = 0; c < nrCpus; c++) {
                allowed[base + (c >>> 6)] |= 1L << c;
            }
        } else {
            for (int c : cpus) {
                allowed[base + (c >>> 6)] |= 1L << c;
            }
        }
        int n = 0;
        for (int w = 0; w < words; w++) {
            n += Long.bitCount(allowed[base + w]);
        }
        nrAllowed[t] = n;
    }

    private boolean isAllowed(int t, int cpu) {
        return (allowed[t * words + (cpu >>> 6)] & (1L << cpu)) != 0;
    }

    private int firstAllowed(int t, int from) {
        for (int i = 0; i < nrCpus; i++) {
            int c = (from + i) % nrCpus;
            if (isAllowed(t, c)) {
                return c;
            }
        }
        throw new IllegalStateException("task " + handles[t] + " may use no CPU");
    }

    private void grow(int n) {
        if (n <= handles.length) {
            return;
        }
        int c = Math.max(16, handles.length * 2);
        handles = Arrays.copyOf(handles, c);
        comms = Arrays.copyOf(comms, c);
        runNs = Arrays.copyOf(runNs, c);
        sleepNs = Arrays.copyOf(sleepNs, c);
        jitter = Arrays.copyOf(jitter, c);
        maxBursts = Arrays.copyOf(maxBursts, c);
        rngs = Arrays.copyOf(rngs, c);
        weight = Arrays.copyOf(weight, c);
        allowed = Arrays.copyOf(allowed, c * words);
        nrAllowed = Arrays.copyOf(nrAllowed, c);
        state = Arrays.copyOf(state, c);
        inUser = Arrays.copyOf(inUser, c);
        enqCnt = Arrays.copyOf(enqCnt, c);
        startTs = Arrays.copyOf(startTs, c);
        stopTs = Arrays.copyOf(stopTs, c);
        execRuntime = Arrays.copyOf(execRuntime, c);
        dsqVtime = Arrays.copyOf(dsqVtime, c);
        lastCpu = Arrays.copyOf(lastCpu, c);
        runnableSince = Arrays.copyOf(runnableSince, c);
        wokeUp = Arrays.copyOf(wokeUp, c);
        burstLeft = Arrays.copyOf(burstLeft, c);
        burstsDone = Arrays.copyOf(burstsDone, c);
        dsqSeq = Arrays.copyOf(dsqSeq, c);
        dsqSlice = Arrays.copyOf(dsqSlice, c);
        dsqOf = Arrays.copyOf(dsqOf, c);
        cpuTime = Arrays.copyOf(cpuTime, c);
        cpuTimeByCpu = Arrays.copyOf(cpuTimeByCpu, c * nrCpus);
        runs = Arrays.copyOf(runs, c);
        wakeups = Arrays.copyOf(wakeups, c);
        preemptions = Arrays.copyOf(preemptions, c);
        waits = Arrays.copyOf(waits, c);
        wakeupWaits = Arrays.copyOf(wakeupWaits, c);
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the policy for {@code duration} of virtual time (continuing from where the last call
     * stopped). Events exactly at the end belong to the next call.
     *
     * @param policy the policy; called once per scheduling round
     * @param duration virtual time to simulate
     * @throws IllegalStateException if a task stays runnable past the watchdog timeout, or on
     *     misuse of the channel by the policy (whatever the policy throws is passed on)
     */
    public void run(SchedulingPolicy policy, Duration duration) {
        runNs(policy, duration.toNanos());
    }

    /**
     * {@link #run(SchedulingPolicy, Duration)} in nanoseconds.
     *
     * @param policy the policy
     * @param durationNs virtual time to simulate, >= 0
     */
    public void runNs(SchedulingPolicy policy, long durationNs) {
        Objects.requireNonNull(policy, "policy");
        if (durationNs < 0) {
            throw new IllegalArgumentException("duration must not be negative: " + durationNs);
        }
        if (running) {
            throw new IllegalStateException("run() is not reentrant");
        }
        running = true;
        try {
            long end = now + durationNs;
            while (true) {
                processEvents();
                settle(policy);
                long next = nextEventTime(end);
                if (next >= end) {
                    now = end;
                    break;
                }
                now = next;
            }
            for (int c = 0; c < nrCpus; c++) {
                if (cpuTask[c] >= 0) {
                    // Count the partial run, so stats are exact at the end of the call.
                    account(cpuTask[c], c, now - cpuRunStart[c]);
                    cpuRunStart[c] = now;
                }
            }
        } finally {
            running = false;
        }
    }

    private void processEvents() {
        for (int c = 0; c < nrCpus; c++) {
            if (cpuTask[c] < 0) {
                continue;
            }
            if (cpuBurstEnd[c] <= now) {
                finishBurst(c);
            } else if (cpuSliceEnd[c] <= now) {
                sliceExpired(c);
            }
        }
        while (!timers.isEmpty() && timers.peekKey() <= now) {
            int t = timers.peekValue();
            timers.pop();
            wake(t);
        }
        while (nextControl < controls.size() && controls.get(nextControl).atNs <= now) {
            apply(controls.get(nextControl++));
        }
        if ((ringCount > 0 || pending > 0) && now - lastRoundAt >= heartbeatNs) {
            kicked = true;
            nrHeartbeats++;
        }
        if (watchdogNs > 0 && now >= nextWatchdogAt) {
            checkWatchdog();
            nextWatchdogAt = now + watchdogNs / 4;
        }
    }

    private long nextEventTime(long end) {
        long next = end;
        for (int c = 0; c < nrCpus; c++) {
            if (cpuTask[c] >= 0) {
                next = Math.min(next, Math.min(cpuSliceEnd[c], cpuBurstEnd[c]));
            }
        }
        if (!timers.isEmpty()) {
            next = Math.min(next, timers.peekKey());
        }
        if (nextControl < controls.size()) {
            next = Math.min(next, controls.get(nextControl).atNs);
        }
        if (ringCount > 0 || pending > 0) {
            next = Math.min(next, lastRoundAt + heartbeatNs);
        }
        if (watchdogNs > 0) {
            next = Math.min(next, nextWatchdogAt);
        }
        // Every event due now has been handled; never stand still.
        return Math.max(next, now + 1);
    }

    /**
     * Runs the policy if the scheduling thread was woken, then lets free CPUs pick work. The
     * policy goes first, as in ops.dispatch, where a CPU runs the scheduling thread before it
     * looks at its own and the shared queue: what the policy decides now can still go ahead of
     * tasks it dispatched earlier.
     */
    private void settle(SchedulingPolicy policy) {
        if (kicked) {
            kicked = false;
            int free = nrCpus;
            for (int r = 0; r < maxRoundsPerInstant; r++) {
                if (ringCount == 0 && pending == 0) {
                    break;
                }
                // Every CPU busy and nothing unread: the next round comes with the next event
                // (ops.dispatch runs while the yielding scheduling thread is still current, so
                // it does not run again on that CPU until the CPU's next scheduling event).
                if (r > 0 && ringCount == 0 && free == 0) {
                    break;
                }
                long before = progress;
                nrRounds++;
                lastRoundAt = now;
                decisionsThisRound = 0;
                policy.schedule(this);
                free = dispatchCpus();
                if (progress == before) {
                    break;
                }
            }
            kicked = false;
        }
        dispatchCpus();
    }

    /**
     * Every CPU without a task takes one from its queue or the shared one, or goes idle.
     *
     * @return how many CPUs are left without a task
     */
    private int dispatchCpus() {
        int free = 0;
        for (int c = 0; c < nrCpus; c++) {
            if (cpuTask[c] >= 0) {
                continue;
            }
            int t = popLocal(c);
            if (t < 0) {
                t = popShared(c);
            }
            if (t >= 0) {
                startRunning(c, t, dsqSlice[t]);
            } else {
                idle[c] = true;
                free++;
            }
        }
        return free;
    }

    private void finishBurst(int c) {
        int t = cpuTask[c];
        stopRunning(c);
        kicked = true;
        burstsDone[t]++;
        if (maxBursts[t] > 0 && burstsDone[t] >= maxBursts[t]) {
            state[t] = EXITED;
            return;
        }
        state[t] = SLEEPING;
        timers.push(now + draw(t, sleepNs[t], 0), t, t);
    }

    private void sliceExpired(int c) {
        kicked = true;
        boolean userWork = ringCount > 0 || pending > 0;
        if (userWork || localLive[c] > 0 || sharedHasAllowed(c)) {
            int t = cpuTask[c];
            stopRunning(c);
            preemptions[t]++;
            runnableSince[t] = now;
            wokeUp[t] = false;
            if (!userWork) {
                // ops.dispatch runs before the task that ran out is enqueued: with nothing for
                // the scheduling thread, the CPU takes what waits in its queues first.
                int next = popLocal(c);
                if (next < 0) {
                    next = popShared(c);
                }
                startRunning(c, next, dsqSlice[next]);
            }
            enqueue(t, 0);
        } else {
            // Nothing else wants this CPU: keep going without a round trip (SCX_OPS_ENQ_LAST).
            cpuSliceEnd[c] = sliceEnd(defaultSliceNs);
            nrRefills++;
        }
    }

    private void wake(int t) {
        execRuntime[t] = 0;
        burstLeft[t] = draw(t, runNs[t], 1);
        runnableSince[t] = now;
        wokeUp[t] = true;
        wakeups[t]++;
        if (builtinIdle) {
            int c = pickIdleCpu(t, lastCpu[t]);
            if (c >= 0) {
                lastCpu[t] = c;
                if (localLive[c] == 0 && sharedLive == 0) {
                    insertDsq(t, c, defaultSliceNs, dsqVtime[t]);
                    nrKernel++;
                    return;
                }
            }
        }
        enqueue(t, ENQ_WAKEUP);
    }

    /** ops.enqueue: send the task to user space, or to the shared queue when the ring is full. */
    private void enqueue(int t, long flags) {
        nrEnqueues++;
        if (ringCount == ringCapacity) {
            insertDsq(t, SHARED, defaultSliceNs, dsqVtime[t]);
            nrCongested++;
            nrKernel++;
            return;
        }
        int r = ringHead + ringCount;
        if (r >= ringCapacity) {
            r -= ringCapacity;
        }
        ringCount++;
        state[t] = QUEUED;
        inUser[t] = true;
        enqCnt[t]++;
        ringTask[r] = t;
        ringCpu[r] = lastCpu[t];
        ringFlags[r] = flags;
        ringStart[r] = startTs[t];
        ringStop[r] = stopTs[t];
        ringExec[r] = execRuntime[t];
        ringWeight[r] = weight[t];
        ringVtime[r] = dsqVtime[t];
        ringEnqCnt[r] = enqCnt[t];
        ringNrAllowed[r] = nrAllowed[t];
        nrUserQueued++;
        if (cpuTask[lastCpu[t]] < 0) {
            kicked = true; // SCX_KICK_IDLE on the task's CPU wakes the scheduling thread
        }
    }

    private long draw(int t, long base, long floor) {
        if (base == TaskSpec.FOREVER || jitter[t] == 0) {
            return base;
        }
        double f = 1 + jitter[t] * (2 * rngs[t].nextDouble() - 1);
        return Math.max(floor, (long) (base * f));
    }

    private void startRunning(int c, int t, long slice) {
        state[t] = RUNNING;
        cpuTask[c] = t;
        cpuRunStart[c] = now;
        cpuSliceEnd[c] = sliceEnd(slice);
        cpuBurstEnd[c] = burstLeft[t] == TaskSpec.FOREVER ? Long.MAX_VALUE : now + burstLeft[t];
        idle[c] = false;
        startTs[t] = now;
        lastCpu[t] = c;
        long wait = now - runnableSince[t];
        waits[t].record(wait);
        if (wokeUp[t]) {
            wakeupWaits[t].record(wait);
            wokeUp[t] = false;
        }
        runs[t]++;
        nrRunning++;
        if (logSize < runLogCapacity) {
            logTask[logSize] = t;
            logCpu[logSize] = c;
            logStart[logSize] = now;
            logSize++;
        } else {
            logTruncated = true;
        }
    }

    /** When a slice started now runs out: the kernel notices only on a tick. */
    private long sliceEnd(long slice) {
        long end = now + slice;
        if (tickNs == 0) {
            return end;
        }
        long rem = end % tickNs;
        return rem == 0 ? end : end - rem + tickNs;
    }

    private void stopRunning(int c) {
        int t = cpuTask[c];
        account(t, c, now - cpuRunStart[c]);
        stopTs[t] = now;
        cpuTask[c] = -1;
        nrRunning--;
    }

    private void account(int t, int c, long ran) {
        cpuTime[t] += ran;
        cpuTimeByCpu[t * nrCpus + c] += ran;
        busyNs[c] += ran;
        execRuntime[t] += ran;
        if (burstLeft[t] != TaskSpec.FOREVER) {
            burstLeft[t] -= ran;
        }
    }

    private void apply(Control k) {
        int t = k.task;
        if (k.cpus != null || k.weight == 0) {
            setAffinity(t, k.cpus);
        }
        if (k.weight != 0) {
            weight[t] = k.weight;
        }
        switch (state[t]) {
            case QUEUED:
                inUser[t] = false; // ops.dequeue: a decision for the old record is stale now
                enqueue(t, 0);
                break;
            case IN_DSQ:
                removeFromDsq(t);
                enqueue(t, 0);
                break;
            case RUNNING: {
                int c = lastCpu[t];
                if (!isAllowed(t, c)) {
                    stopRunning(c);
                    kicked = true;
                    runnableSince[t] = now;
                    wokeUp[t] = false;
                    enqueue(t, 0);
                }
                break;
            }
            default:
                if (!isAllowed(t, lastCpu[t])) {
                    lastCpu[t] = firstAllowed(t, lastCpu[t]);
                }
                break;
        }
    }

    private void checkWatchdog() {
        for (int t = 0; t < nrTasks; t++) {
            if ((state[t] == QUEUED || state[t] == IN_DSQ) && now - runnableSince[t] >= watchdogNs) {
                throw new IllegalStateException(String.format("runnable task stall: %s waited %.3f s for a CPU"
                        + " (watchdog %.3f s; %s; the policy holds %d tasks) at %.3f s of virtual time",
                        handles[t], (now - runnableSince[t]) / 1e9, watchdogNs / 1e9,
                        state[t] == QUEUED ? "in user space" : "in a dispatch queue", pending, now / 1e9));
            }
        }
    }

    // ---------------------------------------------------------------- dispatch queues

    private void insertDsq(int t, int dsq, long slice, long vtime) {
        state[t] = IN_DSQ;
        long seq = ++dsqSeqNext;
        dsqSeq[t] = seq;
        dsqSlice[t] = slice;
        dsqVtime[t] = vtime;
        dsqOf[t] = dsq;
        if (dsq == SHARED) {
            shared.push(vtime, seq, t);
            sharedLive++;
        } else {
            local[dsq].push(vtime, seq, t);
            localLive[dsq]++;
        }
    }

    /** The entry stays in the heap and is skipped when met (its sequence no longer matches). */
    private void removeFromDsq(int t) {
        if (dsqOf[t] == SHARED) {
            sharedLive--;
        } else {
            localLive[dsqOf[t]]--;
        }
        dsqSeq[t] = 0;
    }

    private boolean valid(int t, long seq) {
        return state[t] == IN_DSQ && dsqSeq[t] == seq;
    }

    private int popLocal(int c) {
        MinHeap h = local[c];
        while (!h.isEmpty()) {
            int t = h.peekValue();
            long seq = h.peekTie();
            h.pop();
            if (valid(t, seq)) {
                localLive[c]--;
                return t;
            }
        }
        return -1;
    }

    /** The first task of the shared queue this CPU may run (the others stay, in order). */
    private int popShared(int c) {
        if (sharedLive == 0) {
            return -1;
        }
        int skipped = 0;
        int found = -1;
        while (!shared.isEmpty()) {
            int t = shared.peekValue();
            long seq = shared.peekTie();
            long key = shared.peekKey();
            shared.pop();
            if (!valid(t, seq)) {
                continue;
            }
            if (isAllowed(t, c)) {
                found = t;
                sharedLive--;
                break;
            }
            if (skipped == skipTask.length) {
                skipKey = Arrays.copyOf(skipKey, skipped * 2);
                skipTie = Arrays.copyOf(skipTie, skipped * 2);
                skipTask = Arrays.copyOf(skipTask, skipped * 2);
            }
            skipKey[skipped] = key;
            skipTie[skipped] = seq;
            skipTask[skipped] = t;
            skipped++;
        }
        for (int i = 0; i < skipped; i++) {
            shared.push(skipKey[i], skipTie[i], skipTask[i]);
        }
        return found;
    }

    private boolean sharedHasAllowed(int c) {
        if (sharedLive == 0) {
            return false;
        }
        for (int i = 0; i < shared.size(); i++) {
            int t = shared.valueAt(i);
            if (valid(t, shared.tieAt(i)) && isAllowed(t, c)) {
                return true;
            }
        }
        return false;
    }

    private int pickIdleCpu(int t, int prev) {
        if (prev >= 0 && prev < nrCpus && isAllowed(t, prev) && idle[prev] && cpuTask[prev] < 0) {
            idle[prev] = false;
            return prev;
        }
        for (int i = 0; i < nrCpus; i++) {
            int c = (pickCursor + i) % nrCpus;
            if (isAllowed(t, c) && idle[c] && cpuTask[c] < 0) {
                idle[c] = false;
                pickCursor = (c + 1) % nrCpus;
                return c;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- SchedulerChannel

    @Override
    public QueuedTasks queuedTasks() {
        return queued;
    }

    @Override
    public DispatchedTasks dispatchedTasks() {
        return dispatched;
    }

    @Override
    public int dequeueTasks(QueuedTasks batch) {
        if (batch != queued) {
            throw new IllegalArgumentException("not this machine's batch: use queuedTasks()");
        }
        int n = Math.min(ringCount, queued.capacity());
        for (int i = 0; i < n; i++) {
            writeRecord(queuedBuf, i * CoreAccess.Q_SIZE);
        }
        CoreAccess.setSize(queued, n);
        progress += n;
        return n;
    }

    @Override
    public boolean dequeueTask(QueuedTask into) {
        Objects.requireNonNull(into, "into");
        if (ringCount == 0) {
            return false;
        }
        writeRecord(scratch, 0);
        CoreAccess.readFrom(into, scratch, 0);
        progress++;
        return true;
    }

    /** Moves the oldest ring record into {@code b} at {@code base}. */
    private void writeRecord(ByteBuffer b, int base) {
        int r = ringHead;
        int t = ringTask[r];
        b.putInt(base + CoreAccess.Q_PID, firstPid + t);
        b.putInt(base + CoreAccess.Q_CPU, ringCpu[r]);
        b.putLong(base + CoreAccess.Q_NR_CPUS_ALLOWED, ringNrAllowed[r]);
        b.putLong(base + CoreAccess.Q_FLAGS, ringFlags[r]);
        b.putLong(base + CoreAccess.Q_START_TS, ringStart[r]);
        b.putLong(base + CoreAccess.Q_STOP_TS, ringStop[r]);
        b.putLong(base + CoreAccess.Q_EXEC_RUNTIME, ringExec[r]);
        b.putLong(base + CoreAccess.Q_WEIGHT, ringWeight[r]);
        b.putLong(base + CoreAccess.Q_VTIME, ringVtime[r]);
        b.putLong(base + CoreAccess.Q_ENQ_CNT, ringEnqCnt[r]);
        b.put(base + CoreAccess.Q_COMM, comms[t], 0, CoreAccess.COMM_LEN);
        ringHead = r + 1 == ringCapacity ? 0 : r + 1;
        ringCount--;
    }

    @Override
    public int dispatchTasks(DispatchedTasks batch) {
        if (batch != dispatched) {
            throw new IllegalArgumentException("not this machine's batch: use dispatchedTasks()");
        }
        int n = batch.size();
        int k = Math.min(n, dispatchCapacity - decisionsThisRound);
        for (int i = 0; i < k; i++) {
            decide(batch.pid(i), batch.cpu(i), batch.sliceNs(i), batch.vtime(i), batch.enqCnt(i));
        }
        decisionsThisRound += k;
        progress += k;
        if (k == n) {
            batch.clear();
        } else if (k > 0) {
            CoreAccess.consumed(batch, k);
        }
        return k;
    }

    @Override
    public boolean dispatchTask(DispatchedTask task) {
        if (decisionsThisRound >= dispatchCapacity) {
            return false;
        }
        decide(task.pid(), task.cpu(), task.sliceNs(), task.vtime(), task.enqCnt());
        decisionsThisRound++;
        progress++;
        return true;
    }

    /** ops.dispatch's handling of one decision; every decision ends in exactly one counter. */
    private void decide(int pid, int cpu, long sliceNs, long vtime, long cnt) {
        int t = pid - firstPid;
        if (t < 0 || t >= nrTasks || state[t] == EXITED) {
            nrFailed++;
            return;
        }
        if (!inUser[t] || cnt != enqCnt[t]) {
            nrCancel++;
            return;
        }
        inUser[t] = false;
        long slice;
        if (sliceNs == 0) {
            slice = defaultSliceNs;
        } else if (Long.compareUnsigned(sliceNs, CoreAccess.SLICE_MIN_NS) < 0) {
            slice = CoreAccess.SLICE_MIN_NS;
        } else if (Long.compareUnsigned(sliceNs, CoreAccess.SLICE_MAX_NS) > 0) {
            slice = CoreAccess.SLICE_MAX_NS;
        } else {
            slice = sliceNs;
        }
        if (cpu == DispatchedTask.RL_CPU_ANY) {
            insertDsq(t, SHARED, slice, vtime);
            nrUser++;
        } else if (cpu < 0 || cpu >= nrCpus || !isAllowed(t, cpu)) {
            insertDsq(t, SHARED, slice, vtime);
            nrBounce++;
        } else {
            insertDsq(t, cpu, slice, vtime);
            nrUser++;
        }
    }

    @Override
    public int selectCpu(int pid, int prevCpu, long flags) {
        int t = pid - firstPid;
        if (t < 0 || t >= nrTasks || state[t] == EXITED) {
            return -ESRCH;
        }
        int c = pickIdleCpu(t, prevCpu);
        return c >= 0 ? c : -EBUSY;
    }

    @Override
    public void notifyComplete(long nrPending) {
        if (nrPending < 0) {
            throw new IllegalArgumentException("nrPending " + nrPending + " is negative");
        }
        pending = nrPending;
    }

    @Override
    public int nrCpus() {
        return nrCpus;
    }

    /** @return the virtual clock, ns since the machine was built */
    @Override
    public long nowNs() {
        return now;
    }

    // ---------------------------------------------------------------- results

    /**
     * @param task a task of this machine
     * @return what happened to it so far
     */
    public TaskStats stats(SimTask task) {
        int t = indexOf(task);
        return new TaskStats(task.name(), task.pid(), cpuTime[t],
                Arrays.copyOfRange(cpuTimeByCpu, t * nrCpus, (t + 1) * nrCpus), runs[t], wakeups[t],
                preemptions[t], waits[t].snapshot(), wakeupWaits[t].snapshot());
    }

    /** @return the stats of every task, in the order they were added */
    public List<TaskStats> stats() {
        List<TaskStats> all = new ArrayList<>(nrTasks);
        for (int t = 0; t < nrTasks; t++) {
            all.add(stats(handles[t]));
        }
        return all;
    }

    /**
     * The BPF side's counters as the kernel version reports them: queued = records not read yet,
     * scheduled = the policy's last {@code notifyComplete}, running = busy CPUs; self, stall and
     * heartbeat counters are 0 (there is no own process to keep, and no stall fallback).
     *
     * @return the counters now
     */
    public SchedulerStats schedulerStats() {
        return new SchedulerStats(ringCount, pending, nrRunning, nrCpus, nrUser, nrKernel, nrCancel, nrBounce,
                nrFailed, nrCongested, 0, 0, nrHeartbeats, nrEnqueues, nrUserQueued, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** @return how many times the policy was called */
    public long rounds() {
        return nrRounds;
    }

    /** @return how many slices ran out with nothing else waiting, so the task just went on */
    public long refills() {
        return nrRefills;
    }

    /**
     * @param cpu a CPU
     * @return ns it spent running tasks
     */
    public long cpuBusyNs(int cpu) {
        return busyNs[Objects.checkIndex(cpu, nrCpus)];
    }

    /**
     * @return every time a task got a CPU, in order, up to {@link Builder#recordRuns} entries
     *     (see {@link #runLogTruncated()})
     */
    public List<RunRecord> runLog() {
        List<RunRecord> l = new ArrayList<>(logSize);
        for (int i = 0; i < logSize; i++) {
            l.add(new RunRecord(handles[logTask[i]], logCpu[i], logStart[i]));
        }
        return l;
    }

    /** @return the names of the tasks in the order they got a CPU (the run log's names) */
    public List<String> runOrder() {
        List<String> l = new ArrayList<>(logSize);
        for (int i = 0; i < logSize; i++) {
            l.add(handles[logTask[i]].name());
        }
        return l;
    }

    /** @return true if more runs happened than the run log keeps */
    public boolean runLogTruncated() {
        return logTruncated;
    }

    @Override
    public String toString() {
        return String.format("SimulatedMachine[%d CPUs, %d tasks, t=%.3f s, %d rounds, u=%d k=%d c=%d b=%d f=%d cg=%d]",
                nrCpus, nrTasks, now / 1e9, nrRounds, nrUser, nrKernel, nrCancel, nrBounce, nrFailed, nrCongested);
    }

    /** A change to a task at a virtual time (affinity or weight). */
    private static final class Control implements Comparable<Control> {
        final long atNs;
        final long seq;
        final int task;
        final int[] cpus;
        final long weight; // 0: an affinity change

        Control(long atNs, long seq, int task, int[] cpus, long weight) {
            this.atNs = atNs;
            this.seq = seq;
            this.task = task;
            this.cpus = cpus;
            this.weight = weight;
        }

        @Override
        public int compareTo(Control o) {
            int c = Long.compare(atNs, o.atNs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Settings of a {@link SimulatedMachine}; every one has a default. */
    public static final class Builder {
        private int cpus = 1;
        private long seed;
        private long sliceNs = 5_000_000L;
        private long tickNs;
        private boolean builtinIdle = true;
        private int queueCapacity = 8192;
        private int batchCapacity = 512;
        private int dispatchCapacity = Integer.MAX_VALUE;
        private int maxRoundsPerInstant = 64;
        private long heartbeatNs = 250_000_000L;
        private long watchdogNs = 5_000_000_000L;
        private int firstPid = 1000;
        private int recordRuns = 100_000;

        private Builder() {}

        /**
         * @param n CPUs, 1..1024 (default 1)
         * @return this
         */
        public Builder cpus(int n) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("cpus " + n + " outside [1, 1024]");
            }
            this.cpus = n;
            return this;
        }

        /**
         * @param seed seeds every task's random stream (default 0)
         * @return this
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param ns the default slice: for decisions with slice 0, tasks the BPF side places
         *     itself, and refills (default 5 ms, like SchedulerConfig)
         * @return this
         */
        public Builder sliceNs(long ns) {
            if (ns < 10_000 || ns > 1_000_000_000L) {
                throw new IllegalArgumentException("slice " + ns + " ns outside [10 us, 1 s]");
            }
            this.sliceNs = ns;
            return this;
        }

        /**
         * @param d the default slice
         * @return this
         */
        public Builder slice(Duration d) {
            return sliceNs(d.toNanos());
        }

        /**
         * @param d the scheduler tick: a slice that runs out between ticks ends on the next one,
         *     as in the kernel, which checks slices on each tick (4 ms at HZ=250); zero (the
         *     default) ends slices exactly
         * @return this
         */
        public Builder tick(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("tick must not be negative: " + d);
            }
            this.tickNs = d.toNanos();
            return this;
        }

        /**
         * @param on waking tasks that find an idle CPU while nothing is queued run there without
         *     the policy (default true, as SchedulerConfig); false: every task goes through it
         * @return this
         */
        public Builder builtinIdle(boolean on) {
            this.builtinIdle = on;
            return this;
        }

        /**
         * @param records records the queued ring holds before congestion (default 8192)
         * @return this
         */
        public Builder queueCapacity(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("queueCapacity must be positive: " + records);
            }
            this.queueCapacity = records;
            return this;
        }

        /**
         * @param tasks capacity of the queued and dispatched batches (default 512)
         * @return this
         */
        public Builder batchCapacity(int tasks) {
            if (tasks < 1 || tasks > 65_536) {
                throw new IllegalArgumentException("batchCapacity " + tasks + " outside [1, 65536]");
            }
            this.batchCapacity = tasks;
            return this;
        }

        /**
         * @param decisions decisions accepted per round before dispatch calls send fewer than
         *     asked, as a full kernel ring would (default unlimited); tests a policy's
         *     partial-send handling
         * @return this
         */
        public Builder dispatchCapacity(int decisions) {
            if (decisions < 1) {
                throw new IllegalArgumentException("dispatchCapacity must be positive: " + decisions);
            }
            this.dispatchCapacity = decisions;
            return this;
        }

        /**
         * @param rounds most policy rounds in one instant of virtual time (default 64)
         * @return this
         */
        public Builder maxRoundsPerInstant(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("maxRoundsPerInstant must be positive: " + rounds);
            }
            this.maxRoundsPerInstant = rounds;
            return this;
        }

        /**
         * @param d how long a policy with work may go without a round (default 250 ms)
         * @return this
         */
        public Builder heartbeat(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive: " + d);
            }
            this.heartbeatNs = d.toNanos();
            return this;
        }

        /**
         * @param d how long a task may stay runnable before the run fails (default 5 s, the
         *     BPF side's watchdog); zero turns the check off
         * @return this
         */
        public Builder watchdog(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("watchdog must not be negative: " + d);
            }
            this.watchdogNs = d.toNanos();
            return this;
        }

        /**
         * @param pid the first task's pid; the next ones follow (default 1000)
         * @return this
         */
        public Builder firstPid(int pid) {
            if (pid < 1) {
                throw new IllegalArgumentException("firstPid must be positive: " + pid);
            }
            this.firstPid = pid;
            return this;
        }

        /**
         * @param n how many runs {@link SimulatedMachine#runLog()} keeps (default 100000)
         * @return this
         */
        public Builder recordRuns(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("recordRuns must not be negative: " + n);
            }
            this.recordRuns = n;
            return this;
        }

        /** @return the machine, idle, at virtual time 0 */
        public SimulatedMachine build() {
            return new SimulatedMachine(this);
        }
    }
}
