// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;

/**
 * A concrete CPU for every task that may use all of them: the one after the CPU it last ran
 * on. Restricted tasks go to any CPU. (The policy that got a 4-CPU VM ejected once.)
 */
final class RoundRobinPinned extends FifoBase {
    @Override
    int cpuFor(SchedulerChannel ch, QueuedTasks in, int i) {
        if (in.nrCpusAllowed(i) < ch.nrCpus()) {
            return DispatchedTask.RL_CPU_ANY;
        }
        return (Math.max(0, in.cpu(i)) + 1) % ch.nrCpus();
    }
}
