// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.SchedulerStats;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * bpf/scheduler.bpf.c in Java, for {@link SimulatedMachine}: the same DSQs, the same queue
 * order, the same counters, section by section, so that each change to the BPF side has one
 * obvious twin here. The machine owns the clock, the workload and the CPUs, and calls these
 * methods where the kernel would call the BPF ops:
 * <ul>
 *   <li>{@link #selectCpu} — sjl_select_cpu (built-in idle selection at a wakeup);</li>
 *   <li>{@link #selectCpuForUser} — sjl_select_cpu_prog (the policy's selectCpu);</li>
 *   <li>{@link #enqueue} — sjl_enqueue, with {@link #queueToUser} as queue_to_user;</li>
 *   <li>{@link #applyDecision} — apply_decision (one record of the dispatched ring);</li>
 *   <li>{@link #pickNext} — the kernel's balance: the local DSQ, else {@link #dispatch};</li>
 *   <li>{@link #dispatch} — sjl_dispatch;</li>
 *   <li>{@link #tick} — sjl_tick;</li>
 *   <li>{@link #dequeue} — sjl_dequeue (and the kernel taking the task off its DSQ);</li>
 *   <li>{@link #runnable}, {@link #running}, {@link #stopping} — sjl_runnable, sjl_running,
 *       sjl_stopping;</li>
 *   <li>{@link #heartbeat} — heartbeat_fn, with {@link #rescueUserTasks} as
 *       rescue_user_tasks and {@link #ageDsqs} as age_dsqs / age_dsq;</li>
 *   <li>{@link #stats} — struct sjl_counters as user space reads it.</li>
 * </ul>
 * What is not here because the simulator has no such thing: SELF (no threads of the
 * scheduler's own process), kernel threads (nothing goes to URGENT at enqueue), the wait
 * before the scheduling thread first reads the ring (it is registered from the start), and a
 * starved scheduling thread (it costs no CPU and runs in the instant it is woken).
 */
final class SimBpfSide {
    /** {@link #dispatch} result: nothing for this CPU (it idles or runs the scheduling thread). */
    static final int NONE = -1;
    /** {@link #dispatch} result: the task whose slice ended goes on with a fresh slice. */
    static final int KEEP = -2;
    /** Enqueue flag of a wakeup (SCX_ENQ_WAKEUP). */
    static final long ENQ_WAKEUP = 1L;

    /** task_ctx.queued_at == 0 in BPF; the virtual clock starts at 0, hence -1 here. */
    private static final long NOT_QUEUED = -1;
    private static final int RESCUE_STALLED = 1;
    private static final int RESCUE_AGED = 2;
    private static final int NO_DSQ = -1;

    /** What the BPF side asks of the kernel and reads from it. */
    interface Host {
        /** @return bpf_ktime: the virtual clock */
        long now();

        /** @return the task index of a live pid (bpf_task_from_pid), or -1 */
        int taskOf(int pid);

        /** @return the pid of task t */
        int pid(int t);

        /** @return whether task t may run on cpu (p->cpus_ptr) */
        boolean isAllowed(int t, int cpu);

        /** @return word w of p->cpus_ptr (bit c of word c / 64 for CPU c) */
        long allowedWord(int t, int w);

        /** @return p->nr_cpus_allowed */
        int nrAllowed(int t);

        /** @return p->scx.weight */
        long weight(int t);

        /** @return scx_bpf_task_cpu(p): where it last ran, or the CPU select_cpu picked */
        int taskCpu(int t);

        /** @return true if nothing runs on cpu now (cpu_pid[cpu] == 0) */
        boolean cpuFree(int cpu);

        /** @return true if cpu ran a task and its slice now ends (SCX_KICK_PREEMPT) */
        boolean cut(int cpu);

        /** @return p->comm, NUL-padded to the record's length */
        byte[] comm(int t);

        /** @return how many tasks exist (the thread walk's range) */
        int nrTasks();

        /** The scheduling thread gets a CPU in this instant (a kick that finds it runnable). */
        void wakeScheduler();
    }

    private final Host host;
    private final int nrCpus;
    private final long sliceNs;
    private final long heartbeatNs;
    private final long stallNs;

    // DSQs: 0..nrCpus-1 per CPU (vtime), SHARED (vtime), URGENT (FIFO), then the kernel's local
    // DSQ of each CPU (FIFO). A removed task's entry stays in its heap and is skipped when met.
    private final int sharedDsq;
    private final int urgentDsq;
    private final MinHeap[] dsqs;
    private final int[] live;
    private long dsqSeqNext;
    private long[] skipKey = new long[16];
    private long[] skipTie = new long[16];
    private int[] skipTask = new int[16];

    // The kernel's idle mask (scx_bpf_pick_idle_cpu and friends).
    private final boolean[] idle;
    private int pickCursor;

    // The queued ring: records as enqueue wrote them (a snapshot at that time).
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

    // struct task_ctx, and the p->scx fields the BPF side sets (dsq_vtime, slice, its DSQ).
    private boolean[] inUser = new boolean[0];
    private long[] enqCnt = new long[0];
    private long[] startTs = new long[0];
    private long[] stopTs = new long[0];
    private long[] execRuntime = new long[0];
    private long[] queuedAt = new long[0];
    private long[] dsqVtime = new long[0];
    private long[] dsqSeq = new long[0];
    private long[] dsqSlice = new long[0];
    private int[] dsqOf = new int[0];

    // Globals of scheduler.bpf.c.
    private boolean userschedNeeded;
    private boolean userStalled;
    private long lastDecisionAt;
    private long lastEmptyAt;
    private long oldestInUserAt;
    private long userschedLastRunAt;

    // struct sjl_counters.
    private long nrRunning;
    private long nrUser;
    private long nrKernel;
    private long nrCancel;
    private long nrBounce;
    private long nrFailed;
    private long nrCongested;
    private long nrStallFallbacks;
    private long nrHeartbeatKicks;
    private long nrEnqueues;
    private long nrUserQueued;
    private long nrKeptRunning;
    private long nrAgedDsq;
    private long nrAgedUser;
    private long nrTickPreempts;
    private long nrUserKicks;
    private long nrPreemptDispatches;
    private long maxWaitNs;
    private long nrInUser;
    private long nrUserDequeued;
    private long nrStallRescues;

    SimBpfSide(Host host, int nrCpus, long sliceNs, long heartbeatNs, long stallNs, int ringCapacity) {
        this.host = host;
        this.nrCpus = nrCpus;
        this.sliceNs = sliceNs;
        this.heartbeatNs = heartbeatNs;
        this.stallNs = stallNs;
        sharedDsq = nrCpus;
        urgentDsq = nrCpus + 1;
        dsqs = new MinHeap[2 * nrCpus + 2];
        for (int d = 0; d < dsqs.length; d++) {
            dsqs[d] = new MinHeap(d == sharedDsq ? 64 : 16);
        }
        live = new int[dsqs.length];
        idle = new boolean[nrCpus];
        Arrays.fill(idle, true);
        this.ringCapacity = ringCapacity;
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
    }

    /** sjl_init_task: storage for tasks up to index n - 1. */
    void grow(int n) {
        if (n <= inUser.length) {
            return;
        }
        int c = Math.max(16, inUser.length * 2);
        inUser = Arrays.copyOf(inUser, c);
        enqCnt = Arrays.copyOf(enqCnt, c);
        startTs = Arrays.copyOf(startTs, c);
        stopTs = Arrays.copyOf(stopTs, c);
        execRuntime = Arrays.copyOf(execRuntime, c);
        int old = queuedAt.length;
        queuedAt = Arrays.copyOf(queuedAt, c);
        Arrays.fill(queuedAt, old, c, NOT_QUEUED);
        dsqVtime = Arrays.copyOf(dsqVtime, c);
        dsqSeq = Arrays.copyOf(dsqSeq, c);
        dsqSlice = Arrays.copyOf(dsqSlice, c);
        int oldDsq = dsqOf.length;
        dsqOf = Arrays.copyOf(dsqOf, c);
        Arrays.fill(dsqOf, oldDsq, c, NO_DSQ);
    }

    // ---------------------------------------------------------------- helpers

    /** leave_user: the task leaves user space's hands; false if it was not in them. */
    private boolean leaveUser(int t) {
        if (!inUser[t]) {
            return false;
        }
        inUser[t] = false;
        nrInUser--;
        return true;
    }

    /** usersched_has_news: records to read, or the heartbeat's call. */
    private boolean userschedHasNews() {
        return userschedNeeded || ringCount > 0;
    }

    /** usersched_has_work: news, or tasks user space holds (exact: BPF's own count). */
    private boolean userschedHasWork() {
        return userschedHasNews() || nrInUser > 0;
    }

    /** @return true if user space has records to read or holds tasks (a round has something to do) */
    boolean userHasTasks() {
        return ringCount > 0 || nrInUser > 0;
    }

    private long clampSlice(long slice) {
        if (slice == 0) {
            return sliceNs;
        }
        if (Long.compareUnsigned(slice, BpfConstants.SLICE_MIN_NS) < 0) {
            return BpfConstants.SLICE_MIN_NS;
        }
        return Long.compareUnsigned(slice, BpfConstants.SLICE_MAX_NS) > 0 ? BpfConstants.SLICE_MAX_NS : slice;
    }

    /**
     * wake_usersched: the scheduling thread runs now if some CPU is free to pull it (an idle
     * CPU, or the task's own CPU on its way to idle); a busy CPU's kick is skipped, and the
     * record waits for the next ops.dispatch or heartbeat. (The BPF side also cuts a task for
     * a wakeup then; here the scheduling thread has no CPU to take, so that is not modelled.)
     */
    private void wakeUsersched() {
        for (int c = 0; c < nrCpus; c++) {
            if (host.cpuFree(c)) {
                host.wakeScheduler();
                return;
            }
        }
    }

    private int localDsq(int cpu) {
        return nrCpus + 2 + cpu;
    }

    // ---------------------------------------------------------------- DSQs

    /** sjl_dsq_insert_vtime (vtime-ordered DSQs) and sjl_dsq_insert (FIFO ones: key 0). */
    private void insert(int t, int dsq, long slice, long key) {
        long seq = ++dsqSeqNext;
        dsqSeq[t] = seq;
        dsqSlice[t] = slice;
        dsqOf[t] = dsq;
        dsqs[dsq].push(key, seq, t);
        live[dsq]++;
    }

    private void insertVtime(int t, int dsq, long slice, long vtime) {
        dsqVtime[t] = vtime;
        insert(t, dsq, slice, vtime);
    }

    private void insertFifo(int t, int dsq, long slice) {
        insert(t, dsq, slice, 0);
    }

    private void removeFromDsq(int t) {
        live[dsqOf[t]]--;
        dsqOf[t] = NO_DSQ;
        dsqSeq[t] = 0;
    }

    private boolean valid(int dsq, int t, long seq) {
        return dsqOf[t] == dsq && dsqSeq[t] == seq;
    }

    /**
     * sjl_dsq_move_to_local: the first task of the DSQ that may run on this CPU (the others
     * stay, in order), or -1.
     */
    private int moveToLocal(int dsq, int cpu) {
        if (live[dsq] == 0) {
            return -1;
        }
        MinHeap h = dsqs[dsq];
        int skipped = 0;
        int found = -1;
        while (!h.isEmpty()) {
            int t = h.peekValue();
            long seq = h.peekTie();
            long key = h.peekKey();
            h.pop();
            if (!valid(dsq, t, seq)) {
                continue;
            }
            if (host.isAllowed(t, cpu)) {
                found = t;
                live[dsq]--;
                dsqOf[t] = NO_DSQ;
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
            h.push(skipKey[i], skipTie[i], skipTask[i]);
        }
        return found;
    }

    /** @return true if task t sits in a DSQ (placed, not running yet) */
    boolean inDsq(int t) {
        return dsqOf[t] != NO_DSQ;
    }

    /** @return true if task t is in user space's hands */
    boolean inUser(int t) {
        return inUser[t];
    }

    /** @return the slice the task was placed with (p->scx.slice when it starts) */
    long sliceOf(int t) {
        return dsqSlice[t];
    }

    // ---------------------------------------------------------------- idle CPUs

    /** The kernel marks a CPU idle when ops.dispatch found nothing for it. */
    void setIdle(int cpu, boolean on) {
        idle[cpu] = on;
    }

    /** scx_bpf_pick_idle_cpu with prev first: claims (clears) the idle bit it returns. */
    private int pickIdleCpu(int t, int prev) {
        if (prev >= 0 && prev < nrCpus && host.isAllowed(t, prev) && idle[prev] && host.cpuFree(prev)) {
            idle[prev] = false;
            return prev;
        }
        for (int i = 0; i < nrCpus; i++) {
            int c = (pickCursor + i) % nrCpus;
            if (host.isAllowed(t, c) && idle[c] && host.cpuFree(c)) {
                idle[c] = false;
                pickCursor = (c + 1) % nrCpus;
                return c;
            }
        }
        return -1;
    }

    /**
     * sjl_select_cpu with built-in idle selection: an idle CPU the task may use; with nothing
     * queued there or in SHARED, the task goes straight to that CPU's local DSQ.
     *
     * @return the CPU picked, or -1 (the task stays where it was)
     */
    int selectCpu(int t, int prevCpu) {
        int cpu = pickIdleCpu(t, prevCpu);
        if (cpu >= 0 && live[sharedDsq] == 0 && live[cpu] == 0) {
            insertFifo(t, localDsq(cpu), sliceNs);
            nrKernel++;
        }
        return cpu;
    }

    /** sjl_select_cpu_prog: prev if idle and allowed, else any idle CPU the task may use. */
    int selectCpuForUser(int t, int prevCpu) {
        return pickIdleCpu(t, prevCpu);
    }

    // ---------------------------------------------------------------- enqueue

    /** sjl_enqueue for a policy task (no SELF, no kernel threads in the simulator). */
    void enqueue(int t, long flags) {
        nrEnqueues++;
        queuedAt[t] = host.now();
        if (userStalled) {
            insertVtime(t, sharedDsq, sliceNs, dsqVtime[t]);
            nrStallFallbacks++;
            nrKernel++;
            return;
        }
        queueToUser(t, flags);
    }

    /** queue_to_user: a record in the ring, or the shared DSQ when the ring is full. */
    private void queueToUser(int t, long flags) {
        if (ringCount == ringCapacity) {
            insertVtime(t, sharedDsq, sliceNs, dsqVtime[t]);
            nrCongested++;
            nrKernel++;
            return;
        }
        int r = ringHead + ringCount;
        if (r >= ringCapacity) {
            r -= ringCapacity;
        }
        ringCount++;
        ringTask[r] = t;
        ringCpu[r] = host.taskCpu(t);
        ringFlags[r] = flags;
        ringStart[r] = startTs[t];
        ringStop[r] = stopTs[t];
        ringExec[r] = execRuntime[t];
        ringWeight[r] = host.weight(t);
        ringVtime[r] = dsqVtime[t];
        ringEnqCnt[r] = ++enqCnt[t];
        ringNrAllowed[r] = host.nrAllowed(t);
        inUser[t] = true;
        // The first task user space holds sets the age floor; a rescue walk refines it.
        if (nrInUser++ == 0) {
            oldestInUserAt = queuedAt[t];
        }
        nrUserQueued++;
        wakeUsersched();
    }

    /** @return records in the ring not read yet */
    int ringCount() {
        return ringCount;
    }

    /** User space reads the oldest record of the ring into {@code b} at {@code base}. */
    void readRecord(ByteBuffer b, int base) {
        int r = ringHead;
        int t = ringTask[r];
        b.putInt(base + CoreAccess.Q_PID, host.pid(t));
        b.putInt(base + CoreAccess.Q_CPU, ringCpu[r]);
        b.putLong(base + CoreAccess.Q_NR_CPUS_ALLOWED, ringNrAllowed[r]);
        b.putLong(base + CoreAccess.Q_FLAGS, ringFlags[r]);
        b.putLong(base + CoreAccess.Q_START_TS, ringStart[r]);
        b.putLong(base + CoreAccess.Q_STOP_TS, ringStop[r]);
        b.putLong(base + CoreAccess.Q_EXEC_RUNTIME, ringExec[r]);
        b.putLong(base + CoreAccess.Q_WEIGHT, ringWeight[r]);
        b.putLong(base + CoreAccess.Q_VTIME, ringVtime[r]);
        b.putLong(base + CoreAccess.Q_ENQ_CNT, ringEnqCnt[r]);
        b.put(base + CoreAccess.Q_COMM, host.comm(t), 0, CoreAccess.COMM_LEN);
        for (int w = 0, words = (nrCpus + 63) >>> 6; w < words; w++) {
            b.putLong(base + CoreAccess.Q_CPUS_ALLOWED + w * Long.BYTES, host.allowedWord(t, w));
        }
        ringHead = r + 1 == ringCapacity ? 0 : r + 1;
        ringCount--;
    }

    // ---------------------------------------------------------------- apply_decision

    /**
     * apply_decision: one record of the dispatched ring. Every record ends in exactly one
     * counter: user, bounce, cancel or failed.
     */
    void applyDecision(int pid, int cpu, long slice, long vtime, long cnt, long flags) {
        if (pid == CoreAccess.KICK_PID) {
            // apply_kick: the simulated CPUs look at their queues whenever they could run, so
            // only a preempting kick changes anything.
            if (cpu < 0 || cpu >= nrCpus) {
                nrFailed++;
            } else {
                if ((flags & CoreAccess.KICK_PREEMPT) != 0) {
                    host.cut(cpu);
                }
                nrUserKicks++;
            }
            return;
        }
        int t = host.taskOf(pid);
        if (t < 0) {
            nrFailed++;
            return;
        }
        if (cnt != enqCnt[t] || !leaveUser(t)) {
            // Dequeued and re-enqueued (or already decided) while user space held it.
            nrCancel++;
            return;
        }
        lastDecisionAt = host.now();
        long s = clampSlice(slice);
        if (cpu == DispatchedTask.RL_CPU_ANY) {
            insertVtime(t, sharedDsq, s, vtime);
            nrUser++;
        } else if (cpu < 0 || cpu >= nrCpus || !host.isAllowed(t, cpu)) {
            insertVtime(t, sharedDsq, s, vtime);
            nrBounce++;
        } else {
            insertVtime(t, cpu, s, vtime);
            if ((flags & DispatchedTask.PREEMPT) != 0 && host.cut(cpu)) {
                nrPreemptDispatches++;
            }
            nrUser++;
        }
    }

    // ---------------------------------------------------------------- rescue_user_tasks

    /**
     * rescue_user_tasks: takes back the tasks user space holds (all of them on a stall, the
     * ones held for the wait bound otherwise) by walking every task; a decision for one of them
     * arriving later is a cancel. Refreshes oldestInUserAt. The BPF side runs it in the
     * ops.dispatch of the CPU the heartbeat kicks; here that happens in the heartbeat's instant.
     */
    private void rescueUserTasks(int mode) {
        long now = host.now();
        long oldest = now;
        for (int t = 0, n = host.nrTasks(); t < n; t++) {
            if (!inUser[t]) {
                continue;
            }
            if (mode == RESCUE_AGED && now - queuedAt[t] < BpfConstants.MAX_WAIT_NS) {
                oldest = Math.min(oldest, queuedAt[t]);
                continue;
            }
            leaveUser(t);
            if (mode == RESCUE_AGED) {
                insertFifo(t, urgentDsq, sliceNs);
                nrAgedUser++;
            } else {
                insertVtime(t, sharedDsq, sliceNs, dsqVtime[t]);
                nrStallFallbacks++;
                nrStallRescues++;
            }
            nrKernel++;
        }
        oldestInUserAt = oldest;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * The kernel's balance for a CPU: a task in its local DSQ runs without ops.dispatch;
     * otherwise {@link #dispatch}.
     *
     * @param prev the task whose slice ended and that is still runnable, or -1
     * @return the task to run, {@link #KEEP} or {@link #NONE}
     */
    int pickNext(int cpu, int prev) {
        int t = moveToLocal(localDsq(cpu), cpu);
        return t >= 0 ? t : dispatch(cpu, prev);
    }

    /**
     * sjl_dispatch, in its order: URGENT; the scheduling thread if it has news; the CPU's own
     * DSQ; SHARED; the scheduling thread if user space holds tasks. With nothing found, prev
     * goes on only while user space holds nothing. Decisions were applied when they were sent
     * (no ring to drain here), and rescues in the heartbeat's instant. SELF is never served:
     * the simulated scheduler has no threads of its own.
     */
    private int dispatch(int cpu, int prev) {
        int t = moveToLocal(urgentDsq, cpu);
        if (t >= 0) {
            return t;
        }
        if (userschedHasNews()) {
            host.wakeScheduler();
            return NONE;
        }
        if ((t = moveToLocal(cpu, cpu)) >= 0) {
            return t;
        }
        if ((t = moveToLocal(sharedDsq, cpu)) >= 0) {
            return t;
        }
        // It holds tasks back but has nothing new: it may spin here, where nothing else waits.
        if (nrInUser > 0) {
            host.wakeScheduler();
            return NONE;
        }
        if (prev < 0) {
            return NONE;
        }
        // Nothing else to run: prev goes on without a round trip, unless user space has work.
        if (!userschedHasWork()) {
            nrKeptRunning++;
            return KEEP;
        }
        return NONE;
    }

    /** The scheduling thread ran a round (sjl_running for it: the heartbeat's call is answered). */
    void userschedRan() {
        userschedLastRunAt = host.now();
        userschedNeeded = false;
    }

    // ---------------------------------------------------------------- tick

    /**
     * sjl_tick for a CPU running policy task t: cut it (slice 0) when something must not wait
     * behind it: a task in URGENT or in this CPU's local DSQ. (SELF and a starved scheduling
     * thread, the other two reasons in BPF, do not exist here.)
     *
     * @return true if the running task is cut
     */
    boolean tick(int cpu, int t) {
        if (live[urgentDsq] > 0 || live[localDsq(cpu)] > 0) {
            nrTickPreempts++;
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- dequeue, runnable, running, stopping

    /**
     * sjl_dequeue (the task left the BPF side's custody: an affinity or weight change), plus the
     * kernel taking it off the DSQ it sat in.
     */
    void dequeue(int t) {
        if (leaveUser(t)) {
            nrUserDequeued++;
        }
        if (dsqOf[t] != NO_DSQ) {
            removeFromDsq(t);
        }
    }

    /** sjl_runnable: the task woke up. */
    void runnable(int t) {
        execRuntime[t] = 0;
        queuedAt[t] = host.now();
    }

    /** sjl_running: records its wait (runnable or re-enqueued until now). */
    void running(int t) {
        long now = host.now();
        if (queuedAt[t] != NOT_QUEUED) {
            maxWaitNs = Math.max(maxWaitNs, now - queuedAt[t]);
            queuedAt[t] = NOT_QUEUED;
        }
        startTs[t] = now;
        nrRunning++;
    }

    /** sjl_stopping. */
    void stopping(int t) {
        long now = host.now();
        nrRunning--;
        stopTs[t] = now;
        execRuntime[t] += now - startTs[t];
    }

    // ---------------------------------------------------------------- heartbeat

    /**
     * heartbeat_fn: decide whether user space stalled (holds tasks and applied no decision for
     * stall_ns), take back what it held too long, age the DSQs, and call the scheduling thread
     * when it has not run for a beat.
     */
    void heartbeat() {
        long now = host.now();
        long since = Math.max(lastDecisionAt, lastEmptyAt);
        if (nrInUser == 0) {
            lastEmptyAt = now;
            userStalled = false;
        } else if (stallNs == 0 || now - since <= stallNs) {
            userStalled = false;
        } else {
            userStalled = true;
            rescueUserTasks(RESCUE_STALLED);
        }
        // Still answering, but holding some task too long: take back just those.
        if (!userStalled && nrInUser > 0 && now - oldestInUserAt > BpfConstants.MAX_WAIT_NS) {
            rescueUserTasks(RESCUE_AGED);
        }
        ageDsqs(now);
        if (now - userschedLastRunAt > heartbeatNs) {
            userschedNeeded = true;
            host.wakeScheduler();
            nrHeartbeatKicks++;
        }
    }

    /**
     * age_dsqs / age_dsq: moves the tasks that waited the wait bound in a per-CPU DSQ or SHARED
     * to URGENT, each DSQ walked in its heap's order (deterministic, not vtime order).
     */
    private void ageDsqs(long now) {
        for (int d = 0; d <= sharedDsq; d++) {
            if (live[d] == 0) {
                continue;
            }
            MinHeap h = dsqs[d];
            for (int i = 0; i < h.size(); i++) {
                int t = h.valueAt(i);
                if (!valid(d, t, h.tieAt(i)) || queuedAt[t] == NOT_QUEUED
                        || now - queuedAt[t] < BpfConstants.MAX_WAIT_NS) {
                    continue;
                }
                long slice = dsqSlice[t];
                removeFromDsq(t);
                insertFifo(t, urgentDsq, slice);
                nrAgedDsq++;
            }
        }
    }

    /** @return true if URGENT holds a task (the heartbeat then kicks a CPU) */
    boolean urgentWaiting() {
        return live[urgentDsq] > 0;
    }

    // ---------------------------------------------------------------- counters

    /** @return tasks in user space's hands now (nr_in_user) */
    long nrInUser() {
        return nrInUser;
    }

    /** @return slice ends where the running task went on (nr_kept_running) */
    long nrKeptRunning() {
        return nrKeptRunning;
    }

    /**
     * @param nrScheduled what user space last published with notifyComplete
     * @return struct sjl_counters as user space reads it
     */
    SchedulerStats stats(long nrScheduled) {
        return new SchedulerStats(ringCount, nrScheduled, nrRunning, nrCpus, nrUser, nrKernel, nrCancel, nrBounce,
                nrFailed, nrCongested, 0, nrStallFallbacks, nrHeartbeatKicks, nrEnqueues, nrUserQueued,
                nrKeptRunning, nrAgedDsq, nrAgedUser, nrTickPreempts, maxWaitNs, 0, nrInUser, nrUserDequeued,
                nrStallRescues, nrPreemptDispatches, nrUserKicks, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        return String.format("u=%d k=%d c=%d b=%d f=%d cg=%d", nrUser, nrKernel, nrCancel, nrBounce, nrFailed,
                nrCongested);
    }
}
