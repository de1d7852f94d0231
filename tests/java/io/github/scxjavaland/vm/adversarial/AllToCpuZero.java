// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/** Every task to CPU 0, whatever its affinity: one CPU serves the machine, the rest bounce. */
final class AllToCpuZero extends FifoBase {
    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        return 0;
    }
}
