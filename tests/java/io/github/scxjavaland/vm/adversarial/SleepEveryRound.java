// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** A FIFO that sleeps 50 ms in every round: decisions arrive late, in bursts. */
final class SleepEveryRound extends FifoBase {
    @Override
    public void schedule(SchedulerChannel ch) {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.schedule(ch);
    }

    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return DispatchedTask.RL_CPU_ANY;
    }
}
