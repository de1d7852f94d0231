// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerRunner;
import io.github.scxjavaland.SchedulingPolicy;
import java.time.Duration;

/**
 * A round-robin policy as a new user writes it from the Javadoc (tests/vm/32-affinity.sh): every
 * task goes to a concrete CPU, the next one in turn that its affinity allows, never to "any CPU".
 * Prints the counters every second ({@code stats: ...}), after the detach ({@code final: ...})
 * and its own tally ({@code rr: decided=N concrete=N read=N}). Exit 0 after a clean detach.
 */
public final class AffinityRoundRobin implements SchedulingPolicy {
    private int next;
    private long decided;
    private long concrete;
    private long read;

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            read += n;
            for (int i = 0; i < n; i++) {
                int cpu = in.nextAllowedCpu(i, next);
                next = cpu + 1 == ch.nrCpus() ? 0 : cpu + 1;
                out.decide(in, i).cpu(cpu);
                decided++;
                if (in.mayRunOn(i, cpu)) {
                    concrete++;
                }
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size());
    }

    /** @param args none */
    public static void main(String[] args) {
        SchedulerConfig config = SchedulerConfig.builder().opsName("affinity_rr").build();
        SchedulerRunner runner = SchedulerRunner.builder(config, AffinityRoundRobin::new)
                .onStats(Duration.ofSeconds(1), r -> {
                    System.out.println((r.isFinal() ? "final: " : "stats: ") + r.stats().keyValues());
                    if (r.isFinal()) {
                        AffinityRoundRobin p = r.policyAs(AffinityRoundRobin.class);
                        System.out.println("rr: decided=" + p.decided + " concrete=" + p.concrete + " read=" + p.read);
                    }
                })
                .build();
        ExitInfo info = runner.run();
        System.out.println("exit kind " + info.kind());
        System.exit(info.kind() == ExitInfo.UNREG ? 0 : 1);
    }
}
