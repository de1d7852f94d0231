// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulingPolicy;
import java.util.SplittableRandom;

/**
 * Random CPUs (negative, out of range, outside the affinity, any), random slices, and for
 * some tasks a duplicate decision and one with a stale enqueue count. The API rejects a CPU id
 * the machine does not have at the call ({@link IllegalArgumentException}, nothing added): the
 * policy counts that and sends the task to any CPU instead, as a careful caller would.
 */
final class RandomDecisions implements SchedulingPolicy {
    private final SplittableRandom rnd = new SplittableRandom(42);
    /** Decisions the API refused at the call because their CPU id does not exist. */
    long rejected;

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n && out.remaining() >= 3; i++) {
                add(out, in.pid(i), cpu(ch.nrCpus()), rnd.nextLong(2_000_000_000L), rnd.nextLong(), in.enqCnt(i));
                int r = rnd.nextInt(8);
                if (r == 0) {
                    add(out, in.pid(i), cpu(ch.nrCpus()), 0, 0, in.enqCnt(i)); // duplicate
                } else if (r == 1) {
                    out.add(in.pid(i), DispatchedTask.RL_CPU_ANY, 0, 0, in.enqCnt(i) - 1); // stale
                }
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size());
    }

    private void add(DispatchedTasks out, int pid, int cpu, long slice, long vtime, long enqCnt) {
        try {
            out.add(pid, cpu, slice, vtime, enqCnt);
        } catch (IllegalArgumentException noSuchCpu) {
            rejected++;
            out.add(pid, DispatchedTask.RL_CPU_ANY, slice, vtime, enqCnt);
        }
    }

    private int cpu(int nrCpus) {
        switch (rnd.nextInt(6)) {
            case 0: return -1 - rnd.nextInt(1000);
            case 1: return nrCpus + rnd.nextInt(5000);
            case 2: return DispatchedTask.RL_CPU_ANY;
            case 3: return rnd.nextInt();
            default: return rnd.nextInt(nrCpus);
        }
    }
}
