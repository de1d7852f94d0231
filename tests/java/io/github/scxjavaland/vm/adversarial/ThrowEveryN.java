// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** A FIFO that throws from the middle of a round (tasks read, not decided) every N rounds. */
final class ThrowEveryN extends FifoBase {
    private final long every;
    private long rounds;

    ThrowEveryN(long every) {
        this.every = every;
    }

    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return DispatchedTask.RL_CPU_ANY;
    }

    @Override
    public void schedule(SchedulerChannel ch) {
        if (++rounds % every == 0) {
            int n = ch.dequeueTasks(ch.queuedTasks());
            throw new IllegalStateException("policy bug in round " + rounds + " (" + n + " tasks read)");
        }
        super.schedule(ch);
    }
}
