// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import io.github.scxjavaland.BpfScheduler;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerConfig;

/**
 * The scheduling loop of {@link BpfScheduler}'s Javadoc, written by hand without the runner:
 * SIGINT or SIGTERM must end it through {@link BpfScheduler#stopOnSignals()}, detach cleanly
 * and let {@code main} return, so the JVM exits 0 (tests/vm/53-fault-signals.sh).
 */
public final class HandLoop {
    private HandLoop() {}

    /** @param args the ops name */
    public static void main(String[] args) {
        try (BpfScheduler sched = BpfScheduler.open(SchedulerConfig.builder().opsName(args[0]).build())) {
            sched.stopOnSignals();
            QueuedTasks in = sched.queuedTasks();
            DispatchedTasks out = sched.dispatchedTasks();
            System.out.println("hand loop: attached");
            while (sched.isRunning()) {
                if (out.isEmpty()) {
                    int n = sched.dequeueTasks(in);
                    for (int i = 0; i < n; i++) {
                        out.add(in, i);
                    }
                }
                sched.dispatchTasks(out);
                sched.notifyComplete(out.size());
            }
            ExitInfo info = sched.shutdownAndReport();
            System.out.println("hand loop: exit kind " + info.kind() + " (" + info.kindName() + ")");
        }
    }
}
