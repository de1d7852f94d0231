// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.CpuSet;
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
 * <p>The machine owns the clock, the tasks and the CPUs; the BPF side itself is modelled by
 * a package-private twin of bpf/scheduler.bpf.c ({@code SimBpfSide}), op for op.
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
 *       idle CPU while nothing is queued there or in the shared queue runs there without asking
 *       the policy (a kernel dispatch).</li>
 *   <li>Decisions go to that CPU's queue or, for {@link DispatchedTask#RL_CPU_ANY}, to the shared
 *       queue; both are ordered by vtime (FIFO among equal vtimes). A CPU the task may not use,
 *       or one that does not exist, sends it to the shared queue (a bounce); a stale enqueue
 *       generation cancels the decision; an unknown pid fails it. Slices are clamped to the BPF
 *       bounds, 0 means the machine's default slice.</li>
 *   <li>A CPU looking for work (free, or at a slice end) serves, in ops.dispatch's order: the
 *       URGENT queue (tasks that waited the wait bound), the policy if it has records to read,
 *       its own queue, the first task of the shared queue it may run, the policy if it holds
 *       tasks. When nothing is found at a slice end, the task goes on with a fresh default slice
 *       only when the policy holds no task ({@link #refills()}, the kept-running counter);
 *       otherwise it goes back to the policy, which chooses among everything waiting. A task
 *       whose slice runs out is queued to user space after its CPU picked the next task. With a
 *       {@link Builder#tick}, slices end on the next tick, as the kernel checks them there.</li>
 *   <li>The wait bound: a heartbeat every {@link Builder#heartbeat} (100 ms) moves tasks that
 *       waited SJL_MAX_WAIT_NS (250 ms) in a queue to URGENT, and takes back the tasks the
 *       policy held that long into URGENT; a policy that holds tasks and decides nothing for
 *       {@link Builder#stallTimeout} (1 s) is treated as stalled (its tasks go to the shared
 *       queue until it holds none). At each tick, a CPU cuts its task when URGENT has a waiter;
 *       without modelled ticks, that check runs right after each heartbeat. So no task waits longer than the bound plus a heartbeat plus a
 *       tick, whatever the policy does; {@link SchedulerStats#maxWaitNs()} records the longest
 *       wait.</li>
 *   <li>{@link #selectCpu} claims an idle CPU the task may use: its previous CPU first, then the
 *       others in turn.</li>
 *   <li>The policy runs when the kernel would run the scheduling thread: when a task is queued
 *       while some CPU is free, when a CPU looking for work finds it has records to read (or holds
 *       tasks and nothing else waits), and at a heartbeat when it has not run for a beat. It runs
 *       before the CPUs in that instant take their queued work, and again in the same instant
 *       while records are left unread, or while it holds tasks and a CPU is free, as long as it
 *       makes progress.</li>
 *   <li>A task left runnable longer than the watchdog timeout (5 s) stops the run with an
 *       {@link IllegalStateException}, as the kernel would eject the scheduler; with the wait
 *       bound this only happens if the model itself is broken.</li>
 *   <li>A policy that throws from {@code schedule} stops {@link #run} in that instant and the
 *       exception reaches the caller unchanged, as {@code SchedulerRunner} stops its loop (where
 *       it then detaches and throws {@code PolicyFailedException}). The machine stays
 *       consistent: what the policy read and did not decide is still in its hands (counted in
 *       {@code nrInUser}), and another {@code run} continues from that instant, as a restarted
 *       scheduler would (the wait bound then takes those tasks back).</li>
 * </ul>
 *
 * <h2>What it does not model</h2>
 * The scheduling thread costs nothing and uses no CPU; decisions apply at once (no ring
 * latency, no dispatch-slot budget unless {@link Builder#dispatchCapacity} sets one); there are
 * no kernel threads, no threads of the scheduler's own process, SMT, caches, NUMA or migration
 * costs. A decision with {@link io.github.scxjavaland.DispatchedTask#PREEMPT} and a preempting
 * kick cut the task their CPU runs in the instant they apply (every task here is the policy's);
 * other kicks are only counted. Records are laid out by the native library's layout
 * table, so the simulator needs the library (bundled in the jar for Linux x86-64), but never
 * loads BPF or touches the kernel.
 *
 * <p>One thread drives a machine. {@link #run} may be called again to continue from where the
 * last call stopped; tasks can be added and changed between and before runs.
 */
public final class SimulatedMachine implements SchedulerChannel {
    /** Enqueue flag of a wakeup (the kernel's SCX_ENQ_WAKEUP). */
    public static final long ENQ_WAKEUP = SimBpfSide.ENQ_WAKEUP;

    private static final int ESRCH = 3;
    private static final int EBUSY = 16;

    private static final byte NEW = 0;
    private static final byte SLEEPING = 1;
    private static final byte RUNNABLE = 2; // in user space's hands or in a DSQ (the BPF side knows which)
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

    private final SimBpfSide bpf;
    private final QueuedTasks queued;
    private final QueuedTasks oneQueued; // dequeueTask's row
    private final ByteBuffer queuedRecord; // one record as BPF writes it
    private final DispatchedTasks dispatched;

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
    private int[] lastCpu = new int[0];
    private long[] runnableSince = new long[0];
    private boolean[] wokeUp = new boolean[0];
    private long[] burstLeft = new long[0];
    private long[] burstsDone = new long[0];
    private long[] cpuTime = new long[0];
    private long[] cpuTimeByCpu = new long[0];
    private long[] runs = new long[0];
    private long[] wakeups = new long[0];
    private long[] preemptions = new long[0];
    private Histogram[] waits = new Histogram[0];
    private Histogram[] wakeupWaits = new Histogram[0];

    // CPUs.
    private final int[] cpuTask;
    private final long[] cpuNrRuns;
    private final long[] cpuRunStart;
    private final long[] cpuSliceEnd;
    private final long[] cpuBurstEnd;
    private final long[] busyNs;

    private final MinHeap timers = new MinHeap(64);
    private final List<Control> controls = new ArrayList<>();
    private int nextControl;
    private long controlSeq;

    private long now;
    private long pending;
    private int decisionsThisRound;
    private long progress;
    private boolean kicked;
    private long nextHeartbeatAt;
    private long nextTickAt;
    private long nextWatchdogAt;
    private boolean running;
    private long nrRounds;

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
        bpf = new SimBpfSide(new Kernel(), nrCpus, defaultSliceNs, heartbeatNs, b.stallNs, b.queueCapacity);
        queued = CoreAccess.newQueuedTasks(b.batchCapacity, b.cpus, this);
        queuedRecord = ByteBuffer.allocate(CoreAccess.Q_SIZE).order(ByteOrder.nativeOrder());
        oneQueued = CoreAccess.newQueuedTasks(1, b.cpus, this);
        dispatched = CoreAccess.newDispatchedTasks(b.batchCapacity, b.cpus, this);

        cpuTask = new int[nrCpus];
        cpuNrRuns = new long[nrCpus];
        Arrays.fill(cpuTask, -1);
        cpuRunStart = new long[nrCpus];
        cpuSliceEnd = new long[nrCpus];
        cpuBurstEnd = new long[nrCpus];
        busyNs = new long[nrCpus];

        runLogCapacity = b.recordRuns;
        logTask = new int[runLogCapacity];
        logCpu = new int[runLogCapacity];
        logStart = new long[runLogCapacity];
        nextHeartbeatAt = heartbeatNs;
        nextTickAt = tickNs;
        nextWatchdogAt = watchdogNs;
    }

    /** What the BPF model reads from, and asks of, the kernel: this machine's tasks and CPUs. */
    private final class Kernel implements SimBpfSide.Host {
        @Override
        public long now() {
            return now;
        }

        @Override
        public int taskOf(int pid) {
            int t = pid - firstPid;
            return t < 0 || t >= nrTasks || state[t] == EXITED ? -1 : t;
        }

        @Override
        public int pid(int t) {
            return firstPid + t;
        }

        @Override
        public boolean isAllowed(int t, int cpu) {
            return SimulatedMachine.this.isAllowed(t, cpu);
        }

        @Override
        public long allowedWord(int t, int w) {
            return allowed[t * words + w];
        }

        @Override
        public int nrAllowed(int t) {
            return nrAllowed[t];
        }

        @Override
        public long weight(int t) {
            return weight[t];
        }

        @Override
        public int taskCpu(int t) {
            return lastCpu[t];
        }

        @Override
        public boolean cpuFree(int cpu) {
            return cpuTask[cpu] < 0;
        }

        @Override
        public boolean cut(int cpu) {
            // A task that started in this instant runs for one: otherwise a policy preempting
            // every round would loop here forever without the clock moving.
            if (cpuTask[cpu] < 0 || cpuSliceEnd[cpu] <= now || cpuRunStart[cpu] >= now) {
                return false;
            }
            cpuSliceEnd[cpu] = now; // its slice ends in this instant, as at a tick cut
            return true;
        }

        @Override
        public byte[] comm(int t) {
            return comms[t];
        }

        @Override
        public int nrTasks() {
            return nrTasks;
        }

        @Override
        public void wakeScheduler() {
            kicked = true;
        }
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
        bpf.grow(n);
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
        lastCpu = Arrays.copyOf(lastCpu, c);
        runnableSince = Arrays.copyOf(runnableSince, c);
        wokeUp = Arrays.copyOf(wokeUp, c);
        burstLeft = Arrays.copyOf(burstLeft, c);
        burstsDone = Arrays.copyOf(burstsDone, c);
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
     * <p>If the policy throws, the run stops in that instant and the exception is passed on
     * unchanged: the simulator's counterpart of {@code SchedulerRunner} detaching and throwing
     * {@code PolicyFailedException}. The machine stays consistent (the tasks the policy read
     * and did not decide are still in its hands) and a later call continues from there.
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
        } finally {
            running = false;
            for (int c = 0; c < nrCpus; c++) {
                if (cpuTask[c] >= 0) {
                    // Count the partial run, so stats are exact at the end of the call.
                    account(cpuTask[c], c, now - cpuRunStart[c]);
                    cpuRunStart[c] = now;
                }
            }
        }
    }

    /**
     * What is due now, in this order: the heartbeat (it may age tasks into URGENT), the tick
     * (which may cut tasks for them), ends of bursts and slices, wakeups, control changes.
     */
    private void processEvents() {
        boolean beat = now >= nextHeartbeatAt;
        if (beat) {
            bpf.heartbeat();
            nextHeartbeatAt += heartbeatNs;
            if (kicked && !bpf.userHasTasks()) {
                // Called with nothing to do, the scheduling thread is done in this instant,
                // before any CPU's slice ends: it costs no CPU here, so it preempts nobody.
                bpf.userschedRan();
            }
        }
        // Without modelled ticks, the check a tick would make runs right after the heartbeat.
        if (tickNs > 0 ? now >= nextTickAt : beat && bpf.urgentWaiting()) {
            tickCpus();
            if (tickNs > 0) {
                nextTickAt += tickNs;
            }
        }
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
        if (watchdogNs > 0 && now >= nextWatchdogAt) {
            checkWatchdog();
            nextWatchdogAt = now + watchdogNs / 4;
        }
    }

    /** ops.tick on every busy CPU: a cut task's slice ends now. */
    private void tickCpus() {
        for (int c = 0; c < nrCpus; c++) {
            int t = cpuTask[c];
            if (t >= 0 && cpuSliceEnd[c] > now && bpf.tick(c, t)) {
                cpuSliceEnd[c] = now;
            }
        }
    }

    private long nextEventTime(long end) {
        long next = Math.min(end, nextHeartbeatAt);
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
        if (tickNs > 0) {
            next = Math.min(next, nextTickAt);
        }
        if (watchdogNs > 0) {
            next = Math.min(next, nextWatchdogAt);
        }
        // Every event due now has been handled; never stand still.
        return Math.max(next, now + 1);
    }

    /**
     * Free CPUs look for work; if one of them (or an event before) woke the scheduling thread,
     * the policy runs, and the CPUs look again after each round. A CPU runs the scheduling
     * thread before its own queue when there are records to read, so what the policy decides
     * now can still go ahead of tasks it dispatched earlier.
     */
    private void settle(SchedulingPolicy policy) {
        int free = dispatchCpus();
        if (!kicked) {
            return;
        }
        kicked = false;
        if (!bpf.userHasTasks()) {
            bpf.userschedRan(); // it would find nothing: a round is a no-op
            return;
        }
        for (int r = 0; r < maxRoundsPerInstant; r++) {
            if (!bpf.userHasTasks()) {
                break;
            }
            // Every CPU busy and nothing unread: the next round comes with the next event
            // (ops.dispatch runs while the yielding scheduling thread is still current, so
            // it does not run again on that CPU until the CPU's next scheduling event).
            if (r > 0 && bpf.ringCount() == 0 && free == 0) {
                break;
            }
            long before = progress;
            nrRounds++;
            bpf.userschedRan();
            decisionsThisRound = 0;
            policy.schedule(this);
            free = dispatchCpus();
            if (progress == before) {
                break;
            }
        }
        // A CPU that still finds only held tasks would spin on the policy; here the next
        // round comes with the next event that wakes it.
        kicked = false;
    }

    /**
     * Every CPU without a task takes one (the kernel's balance and ops.dispatch), or goes idle.
     *
     * @return how many CPUs are left without a task
     */
    private int dispatchCpus() {
        int free = 0;
        for (int c = 0; c < nrCpus; c++) {
            if (cpuTask[c] >= 0) {
                continue;
            }
            int t = bpf.pickNext(c, -1);
            if (t >= 0) {
                startRunning(c, t, bpf.sliceOf(t));
            } else {
                bpf.setIdle(c, true);
                free++;
            }
        }
        return free;
    }

    private void finishBurst(int c) {
        int t = cpuTask[c];
        stopRunning(c);
        burstsDone[t]++;
        if (maxBursts[t] > 0 && burstsDone[t] >= maxBursts[t]) {
            state[t] = EXITED;
            return;
        }
        state[t] = SLEEPING;
        timers.push(now + draw(t, sleepNs[t], 0), t, t);
    }

    /**
     * A slice ran out (or a tick cut it): ops.dispatch runs with the task still current, then
     * the task goes back to user space unless it was kept.
     */
    private void sliceExpired(int c) {
        int t = cpuTask[c];
        int next = bpf.pickNext(c, t);
        if (next == SimBpfSide.KEEP) {
            cpuSliceEnd[c] = sliceEnd(defaultSliceNs);
            return;
        }
        stopRunning(c);
        preemptions[t]++;
        state[t] = RUNNABLE;
        runnableSince[t] = now;
        wokeUp[t] = false;
        if (next >= 0) {
            startRunning(c, next, bpf.sliceOf(next));
        }
        bpf.enqueue(t, 0);
    }

    private void wake(int t) {
        burstLeft[t] = draw(t, runNs[t], 1);
        state[t] = RUNNABLE;
        runnableSince[t] = now;
        wokeUp[t] = true;
        wakeups[t]++;
        bpf.runnable(t);
        if (builtinIdle) {
            int c = bpf.selectCpu(t, lastCpu[t]);
            if (c >= 0) {
                lastCpu[t] = c;
            }
            if (bpf.inDsq(t)) {
                return;
            }
        }
        bpf.enqueue(t, ENQ_WAKEUP);
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
        cpuNrRuns[c]++;
        cpuRunStart[c] = now;
        cpuSliceEnd[c] = sliceEnd(slice);
        cpuBurstEnd[c] = burstLeft[t] == TaskSpec.FOREVER ? Long.MAX_VALUE : now + burstLeft[t];
        bpf.setIdle(c, false);
        lastCpu[t] = c;
        bpf.running(t);
        long wait = now - runnableSince[t];
        waits[t].record(wait);
        if (wokeUp[t]) {
            wakeupWaits[t].record(wait);
            wokeUp[t] = false;
        }
        runs[t]++;
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
        bpf.stopping(t);
        cpuTask[c] = -1;
    }

    private void account(int t, int c, long ran) {
        cpuTime[t] += ran;
        cpuTimeByCpu[t * nrCpus + c] += ran;
        busyNs[c] += ran;
        if (burstLeft[t] != TaskSpec.FOREVER) {
            burstLeft[t] -= ran;
        }
    }

    /** An affinity or weight change: the kernel dequeues a waiting task and enqueues it again. */
    private void apply(Control k) {
        int t = k.task;
        if (k.cpus != null || k.weight == 0) {
            setAffinity(t, k.cpus);
        }
        if (k.weight != 0) {
            weight[t] = k.weight;
        }
        switch (state[t]) {
            case RUNNABLE:
                // Still waiting for its first CPU since it became runnable: its own wait
                // statistics go on, while the BPF side restarts queued_at at the enqueue.
                bpf.dequeue(t); // a decision for the old record is stale now
                bpf.enqueue(t, 0);
                break;
            case RUNNING: {
                int c = lastCpu[t];
                if (!isAllowed(t, c)) {
                    stopRunning(c);
                    kicked = true; // the CPU reschedules: its ops.dispatch runs
                    state[t] = RUNNABLE;
                    runnableSince[t] = now;
                    wokeUp[t] = false;
                    bpf.enqueue(t, 0);
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
            if (state[t] == RUNNABLE && now - runnableSince[t] >= watchdogNs) {
                throw new IllegalStateException(String.format("runnable task stall: %s waited %.3f s for a CPU"
                        + " (watchdog %.3f s; %s; the policy holds %d tasks) at %.3f s of virtual time",
                        handles[t], (now - runnableSince[t]) / 1e9, watchdogNs / 1e9,
                        bpf.inUser(t) ? "in user space" : "in a dispatch queue", pending, now / 1e9));
            }
        }
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
        int n = Math.min(bpf.ringCount(), queued.capacity());
        for (int i = 0; i < n; i++) {
            bpf.readRecord(queuedRecord, 0);
            CoreAccess.putRecord(queued, i, queuedRecord);
        }
        CoreAccess.setSize(queued, n);
        progress += n;
        return n;
    }

    @Override
    public boolean dequeueTask(QueuedTask into) {
        Objects.requireNonNull(into, "into");
        if (bpf.ringCount() == 0) {
            return false;
        }
        bpf.readRecord(queuedRecord, 0);
        CoreAccess.putRecord(oneQueued, 0, queuedRecord);
        CoreAccess.setSize(oneQueued, 1);
        oneQueued.copyTo(0, into);
        progress++;
        return true;
    }

    @Override
    public int dispatchTasks(DispatchedTasks batch) {
        if (batch != dispatched) {
            throw new IllegalArgumentException("not this machine's batch: use dispatchedTasks()");
        }
        int n = batch.size();
        int k = Math.min(n, dispatchCapacity - decisionsThisRound);
        for (int i = 0; i < k; i++) {
            bpf.applyDecision(batch.pid(i), batch.cpu(i), batch.sliceNs(i), batch.vtime(i), batch.enqCnt(i),
                    batch.flags(i));
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
        CoreAccess.checkPid(task.pid());
        CoreAccess.checkCpuOrAny(task.cpu(), nrCpus);
        if (decisionsThisRound >= dispatchCapacity) {
            return false;
        }
        bpf.applyDecision(task.pid(), task.cpu(), task.sliceNs(), task.vtime(), task.enqCnt(), task.flags());
        decisionsThisRound++;
        progress++;
        return true;
    }

    @Override
    public int selectCpu(int pid, int prevCpu, long flags) {
        CoreAccess.checkPid(pid);
        CoreAccess.checkCpu(prevCpu, nrCpus);
        int t = pid - firstPid;
        if (t < 0 || t >= nrTasks || state[t] == EXITED) {
            return -ESRCH;
        }
        int c = bpf.selectCpuForUser(t, prevCpu);
        return c >= 0 ? c : -EBUSY;
    }

    @Override
    public void notifyComplete(long nrPending) {
        if (nrPending < 0) {
            throw new IllegalArgumentException("nrPending " + nrPending + " is negative");
        }
        pending = nrPending;
    }

    /** How many times a task started on {@code cpu} in this machine's life. */
    @Override
    public long getCpuRunCount(int cpu) {
        CoreAccess.checkCpu(cpu, nrCpus);
        return cpuNrRuns[cpu];
    }

    /** The CPUs that run nothing in this instant. */
    @Override
    public CpuSet idleCpus(CpuSet into) {
        into.clear();
        for (int c = 0; c < nrCpus; c++) {
            if (cpuTask[c] < 0) {
                into.add(c);
            }
        }
        return into;
    }

    /** @return the pid of the task on {@code cpu} in this instant, 0 when it is idle */
    @Override
    public int getCpuPid(int cpu) {
        CoreAccess.checkCpu(cpu, nrCpus);
        int t = cpuTask[cpu];
        return t < 0 ? 0 : firstPid + t;
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
     * scheduled = the policy's last {@code notifyComplete}, running = busy CPUs, in_user = the
     * exact count of tasks the policy holds; self and kernel-thread counters are 0 (there is no
     * own process and there are no kernel threads).
     *
     * @return the counters now
     */
    public SchedulerStats schedulerStats() {
        return bpf.stats(pending);
    }

    /** @return how many times the policy was called */
    public long rounds() {
        return nrRounds;
    }

    /**
     * @return how many slices ran out with nothing else waiting and nothing held by the policy,
     *     so the task just went on (the kept-running counter)
     */
    public long refills() {
        return bpf.nrKeptRunning();
    }

    /**
     * @param cpu a CPU
     * @return ns it spent running tasks
     */
    public long cpuBusyNs(int cpu) {
        return busyNs[CoreAccess.checkCpu(cpu, nrCpus)];
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
        return String.format("SimulatedMachine[%d CPUs, %d tasks, t=%.3f s, %d rounds, %s]", nrCpus, nrTasks,
                now / 1e9, nrRounds, bpf);
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
        private long sliceNs = BpfConstants.SLICE_NS;
        private long tickNs;
        private boolean builtinIdle = true;
        private int queueCapacity = 8192;
        private int batchCapacity = 512;
        private int dispatchCapacity = Integer.MAX_VALUE;
        private int maxRoundsPerInstant = 64;
        private long heartbeatNs = BpfConstants.HEARTBEAT_NS;
        private long stallNs = BpfConstants.STALL_NS;
        private long watchdogNs = BpfConstants.WATCHDOG_NS;
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
         * @param d the period of the BPF side's heartbeat (default 100 ms, its heartbeat_ns):
         *     it calls a policy that has not run for a beat, detects stalls and enforces the
         *     wait bound
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
         * @param d how long a policy may hold tasks without deciding anything before the BPF
         *     side treats it as stalled and places tasks itself (default 1 s, like
         *     SchedulerConfig); zero turns stall detection off
         * @return this
         */
        public Builder stallTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("stall timeout must not be negative: " + d);
            }
            this.stallNs = d.toNanos();
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
