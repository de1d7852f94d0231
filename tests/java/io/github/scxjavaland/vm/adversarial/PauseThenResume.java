// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** A FIFO that, from its fifth second on, reads tasks but dispatches nothing for 10 s. */
final class PauseThenResume extends FifoBase {
    private static final long START_NS = 5_000_000_000L;
    private static final long PAUSE_NS = 10_000_000_000L;
    private long firstNs;
    private final java.util.ArrayDeque<long[]> held = new java.util.ArrayDeque<>();

    @Override
    public void schedule(SchedulerChannel ch) {
        long now = ch.nowNs();
        if (firstNs == 0) {
            firstNs = now;
        }
        long t = now - firstNs;
        if (t >= START_NS && t < START_NS + PAUSE_NS) {
            QueuedTasks in = ch.queuedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                held.add(new long[] {in.pid(i), in.enqCnt(i)}); // allocation is fine in a test
            }
            ch.notifyComplete(held.size());
            return;
        }
        while (!held.isEmpty() && ch.dispatchedTasks().remaining() > 0) {
            long[] h = held.poll();
            ch.dispatchedTasks().add((int) h[0], DispatchedTask.RL_CPU_ANY, 0, 0, h[1]);
        }
        super.schedule(ch);
    }

    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return DispatchedTask.RL_CPU_ANY;
    }
}
