// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch machinery shared by {@link BpfScheduler} and {@link RingLoopback}: the native handle,
 * the column buffers the native side owns, and a close guard so a handle is never used while or
 * after it is freed (zstd-jni's shared-lock pattern: two atomics per crossing, not per task).
 */
final class NativeChannel {
    /** Frees batch buffers once no batch view can reach them (they may outlive close()). */
    private static final Cleaner CLEANER = Cleaner.create();

    private final AtomicInteger users = new AtomicInteger();
    private final String what;
    final long handle;
    final QueuedTasks queued;
    final DispatchedTasks dispatched;
    private final QueuedTasks oneIn;
    private final DispatchedTasks oneOut;

    NativeChannel(long handle, String what, Object owner, int capacity) {
        this.handle = handle;
        this.what = what;
        Object memory = new Object(); // reachable from every batch; its cleanup frees the buffers
        long batch = Native.batchHandle(handle);
        CLEANER.register(memory, () -> Native.freeBatch(batch));
        this.queued = new QueuedTasks(Native.buffer(handle, Native.BUF_IN), capacity, owner, memory);
        this.dispatched = new DispatchedTasks(Native.buffer(handle, Native.BUF_OUT), capacity, owner, memory);
        this.oneIn = new QueuedTasks(Native.buffer(handle, Native.BUF_ONE_IN), 1, owner, memory);
        this.oneOut = new DispatchedTasks(Native.buffer(handle, Native.BUF_ONE_OUT), 1, owner, memory);
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
        try {
            int n = Native.dequeue(handle, batch.capacity());
            if (n < 0) {
                throw new IllegalStateException("dequeue failed: errno " + -n);
            }
            batch.setSize(n);
            return n;
        } finally {
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
            int sent = Native.dispatch(handle, n);
            if (sent < 0) {
                throw new IllegalStateException("dispatch failed: errno " + -sent);
            }
            batch.consumed(sent);
            return sent;
        } finally {
            exit();
        }
    }

    boolean dequeueTask(QueuedTask into) {
        enter();
        try {
            int n = Native.dequeueOne(handle);
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
            return Native.dispatchOne(handle) == 1;
        } finally {
            exit();
        }
    }

    int waitForWork(int timeoutMs) {
        enter();
        try {
            return Native.waitForWork(handle, timeoutMs);
        } finally {
            exit();
        }
    }

    private static void checkOwner(Object batchOwner, Object mine) {
        if (batchOwner != mine) {
            throw new IllegalArgumentException("batch belongs to another channel: use this channel's"
                    + " queuedTasks() / dispatchedTasks()");
        }
    }
}
