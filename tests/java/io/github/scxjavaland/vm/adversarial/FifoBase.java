// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulingPolicy;

/** A FIFO whose one decision per task (CPU, slice, or none) a subclass chooses. */
abstract class FifoBase implements SchedulingPolicy {
    /** Return value of {@link #cpuFor}: keep the task, decide nothing. */
    static final int HOLD = Integer.MIN_VALUE;

    int nrHeld;

    /** @return the CPU to send task i to, or {@link #HOLD} */
    abstract int cpuFor(SchedulerChannel ch, QueuedTasks in, int i);

    /** @return the slice of every decision, ns (0: the default) */
    long sliceNs() {
        return 0;
    }

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                int cpu = cpuFor(ch, in, i);
                if (cpu == HOLD) {
                    nrHeld++;
                } else {
                    out.add(in.pid(i), cpu, sliceNs(), 0, in.enqCnt(i));
                }
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size() + nrHeld);
    }
}
