// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The batch half of {@link SchedulerChannel} over a native handle, shared by
 * {@link BpfScheduler} and {@link RingLoopback}: both move tasks through the same rings and
 * differ only in what sits on the kernel side.
 */
abstract class NativeBatchChannel implements SchedulerChannel {
    final NativeChannel channel;

    NativeBatchChannel(long handle, String what, int capacity) {
        this.channel = new NativeChannel(handle, what, this, capacity);
    }

    @Override
    public QueuedTasks queuedTasks() {
        return channel.queued;
    }

    @Override
    public DispatchedTasks dispatchedTasks() {
        return channel.dispatched;
    }

    @Override
    public int dequeueTasks(QueuedTasks batch) {
        return channel.dequeueTasks(batch);
    }

    @Override
    public int dispatchTasks(DispatchedTasks batch) {
        return channel.dispatchTasks(batch);
    }

    @Override
    public boolean dequeueTask(QueuedTask into) {
        return channel.dequeueTask(into);
    }

    @Override
    public boolean dispatchTask(DispatchedTask task) {
        return channel.dispatchTask(task);
    }
}
