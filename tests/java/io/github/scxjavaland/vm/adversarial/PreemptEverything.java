// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulingPolicy;

/**
 * Every decision preempts (to the next CPU the task may use, round robin), and every round
 * also kicks every CPU with a preempt: the most churn the preemption API allows. Kernel
 * threads and the JVM are never cut, so the machine must keep running.
 */
final class PreemptEverything implements SchedulingPolicy {
    private int next;

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                int cpu = in.nextAllowedCpu(i, next);
                next = cpu + 1 == ch.nrCpus() ? 0 : cpu + 1;
                out.decide(in, i).cpu(cpu).preempt();
            }
            for (int c = 0; c < ch.nrCpus() && out.remaining() > 0; c++) {
                out.kickPreempt(c);
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size());
    }
}
