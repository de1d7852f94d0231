// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** One slice for everything, at an extreme: 1 s (hogs the CPUs) or 10 us (a storm of round trips). */
final class FixedSlice extends FifoBase {
    private final long sliceNs;

    FixedSlice(long sliceNs) {
        this.sliceNs = sliceNs;
    }

    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return DispatchedTask.RL_CPU_ANY;
    }

    @Override
    long sliceNs() {
        return sliceNs;
    }
}
