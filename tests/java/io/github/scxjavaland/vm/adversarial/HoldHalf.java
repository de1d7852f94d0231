// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** Keeps every second task it reads forever: never dispatches it, and says it holds it. */
final class HoldHalf extends FifoBase {
    private long seen;

    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return (seen++ & 1) == 0 ? HOLD : DispatchedTask.RL_CPU_ANY;
    }
}
