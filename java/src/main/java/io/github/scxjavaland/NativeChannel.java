// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch machinery shared by {@link BpfScheduler} and {@link RingLoopback}: the native handle,
 * the batches (Java arrays the native side fills or reads while a call pins them), and a close
 * guard so a handle is never used while or after it is freed (zstd-jni's shared-lock pattern:
 * two atomics per crossing, not per task).
 */
final class NativeChannel {
    private final AtomicInteger users = new AtomicInteger();
    private final String what;
    final long handle;
    final QueuedTasks queued;
    final DispatchedTasks dispatched;
    private final QueuedTasks oneIn;
    private final DispatchedTasks oneOut;
    // The current round's figures, for the JFR round event (JfrEvents.round); the scheduling
    // thread's own plain fields: a few adds per crossing, timing only while a recording wants it.
    private boolean timeCrossings;
    int roundDequeued;
    int roundDispatched;
    int roundCrossings;
    long roundCrossingNs;

    NativeChannel(long handle, String what, Object owner, int capacity) {
        this.handle = handle;
        this.what = what;
        this.queued = new QueuedTasks(capacity, owner);
        this.dispatched = new DispatchedTasks(capacity, owner);
        this.oneIn = new QueuedTasks(1, owner);
        this.oneOut = new DispatchedTasks(1, owner);
    }

    /** The scheduler's CPU ids are known (after attach): decisions must name one of them. */
    void limitCpus(int nrCpus) {
        queued.limitCpus(nrCpus);
        oneIn.limitCpus(nrCpus);
        dispatched.limitCpus(nrCpus);
        oneOut.limitCpus(nrCpus);
    }

    void enter() {
        for (;;) {
            int u = users.get();
            if (u < 0) {
                throw new IllegalStateException(what + " is closed");
            }
            if (users.compareAndSet(u, u + 1)) {
                return;
            }
        }
    }

    void exit() {
        users.decrementAndGet();
    }

    boolean isClosed() {
        return users.get() < 0;
    }

    /** Waits for calls in flight, then marks closed. Returns false if it already was. */
    boolean beginClose() {
        for (;;) {
            int u = users.get();
            if (u < 0) {
                return false;
            }
            if (u == 0 && users.compareAndSet(0, -1)) {
                return true;
            }
            Thread.onSpinWait();
        }
    }

    int dequeueTasks(QueuedTasks batch) {
        checkOwner(batch.owner, queued.owner);
        enter();
        long t0 = crossing();
        try {
            int n = Native.dequeue(handle, batch.columns(), batch.stride(), batch.capacity());
            if (n < 0) {
                throw new IllegalStateException("dequeue failed: errno " + -n);
            }
            batch.setSize(n);
            roundDequeued += n;
            return n;
        } finally {
            crossed(t0);
            exit();
        }
    }

    int dispatchTasks(DispatchedTasks batch) {
        checkOwner(batch.owner, dispatched.owner);
        int n = batch.size();
        if (n == 0) {
            // No crossing needed, but a closed channel must still say so (one volatile read).
            if (isClosed()) {
                throw new IllegalStateException(what + " is closed");
            }
            return 0;
        }
        enter();
        try {
            long t0 = crossing();
            int sent = Native.dispatch(handle, batch.columns(), batch.stride(), n);
            crossed(t0);
            if (sent < 0) {
                throw new IllegalStateException("dispatch failed: errno " + -sent);
            }
            batch.consumed(sent);
            roundDispatched += sent;
            return sent;
        } finally {
            exit();
        }
    }

    boolean dequeueTask(QueuedTask into) {
        enter();
        try {
            int n = Native.dequeue(handle, oneIn.columns(), oneIn.stride(), 1);
            if (n <= 0) {
                return false;
            }
            oneIn.setSize(1);
            oneIn.copyTo(0, into);
            return true;
        } finally {
            exit();
        }
    }

    boolean dispatchTask(DispatchedTask t) {
        enter();
        try {
            oneOut.clear();
            oneOut.add(t);
            return Native.dispatch(handle, oneOut.columns(), oneOut.stride(), 1) == 1;
        } finally {
            exit();
        }
    }

    int waitForWork(int timeoutMs) {
        enter();
        long t0 = crossing();
        try {
            return Native.waitForWork(handle, timeoutMs);
        } finally {
            crossed(t0);
            exit();
        }
    }

    /** Starts a timed round: its counts from zero, its crossings timed until {@link #endRound}. */
    void beginRound() {
        timeCrossings = true;
        roundDequeued = 0;
        roundDispatched = 0;
        roundCrossings = 0;
        roundCrossingNs = 0;
    }

    /** Stops timing crossings (the counts stay readable). */
    void endRound() {
        timeCrossings = false;
    }

    /** The end of a crossing that started at {@code t0} (0 unless timed): counted for the round. */
    void crossed(long t0) {
        roundCrossings++;
        if (timeCrossings) {
            roundCrossingNs += System.nanoTime() - t0;
        }
    }

    /** @return the start of a crossing, for {@link #crossed}: 0 unless the round times its crossings */
    long crossing() {
        return timeCrossings ? System.nanoTime() : 0;
    }

    private static void checkOwner(Object batchOwner, Object mine) {
        if (batchOwner != mine) {
            throw new IllegalArgumentException("batch belongs to another channel: use this channel's"
                    + " queuedTasks() / dispatchedTasks()");
        }
    }
}
