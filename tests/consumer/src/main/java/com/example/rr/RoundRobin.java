// SPDX-License-Identifier: GPL-2.0-only
package com.example.rr;

import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerException;
import io.github.scxjavaland.SchedulerRunner;
import io.github.scxjavaland.SchedulingPolicy;
import java.time.Duration;

/**
 * Round robin over the CPUs: each task goes to the next CPU its affinity allows, with a 2 ms
 * slice. Written from the README and the Javadoc only, as a user of the library would.
 */
public final class RoundRobin implements SchedulingPolicy {
    private static final long SLICE_NS = 2_000_000;
    private int next;

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                int cpu = in.nextAllowedCpu(i, next);
                next = cpu + 1 < ch.nrCpus() ? cpu + 1 : 0;
                out.decide(in, i).cpu(cpu).sliceNs(SLICE_NS);
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size());
    }

    /**
     * Runs for the given seconds (default 10) and prints the counters at the end.
     *
     * @param args optional duration in seconds
     */
    public static void main(String[] args) {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
        SchedulerConfig config = SchedulerConfig.builder().opsName("rr_consumer").build();
        try {
            ExitInfo info = SchedulerRunner.builder(config, RoundRobin::new)
                    .duration(Duration.ofSeconds(seconds))
                    .stats(Duration.ofSeconds(1), s -> System.out.println("stats: " + s.keyValues()))
                    .build().run();
            System.out.println("rr_consumer: " + info.report());
            System.exit(info.isError() ? 1 : 0);
        } catch (SchedulerException e) {
            System.err.println("rr_consumer: " + e.getMessage());
            System.exit(1);
        }
    }
}
