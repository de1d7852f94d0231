// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.PolicyFailedException;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerException;
import io.github.scxjavaland.SchedulerRunner;
import io.github.scxjavaland.SchedulingPolicy;
import java.time.Duration;

/**
 * The seed's FIFO scheduler in Java: every round takes all queued tasks, in arrival order, puts
 * each on the idle CPU {@code selectCpu} claims for it (any CPU otherwise) and reports how many
 * are still waiting to be sent. No allocation per task.
 *
 * <p>Run: {@code java -cp scx-javaland.jar io.github.scxjavaland.examples.FifoScheduler --help}
 */
public final class FifoScheduler implements SchedulingPolicy {
    private final boolean useSelectCpu;

    /** A FIFO policy that asks {@code selectCpu} for an idle CPU for each task. */
    public FifoScheduler() {
        this(true);
    }

    /**
     * @param useSelectCpu false: send every task to whichever CPU frees up first
     */
    public FifoScheduler(boolean useSelectCpu) {
        this.useSelectCpu = useSelectCpu;
    }

    @Override
    public void schedule(SchedulerChannel ch) {
        QueuedTasks in = ch.queuedTasks();
        DispatchedTasks out = ch.dispatchedTasks();
        // Decisions the ring could not take last round go first, before reading more.
        if (out.isEmpty()) {
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                int cpu = useSelectCpu ? ch.selectCpu(in.pid(i), in.cpu(i), in.flags(i)) : -1;
                out.decide(in, i).cpu(cpu >= 0 ? cpu : DispatchedTask.RL_CPU_ANY);
            }
        }
        ch.dispatchTasks(out);
        ch.notifyComplete(out.size());
    }

    /**
     * Runs the FIFO scheduler until SIGINT / SIGTERM.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        ExampleOptions.oneLineLogs();
        ExampleOptions o = ExampleOptions.parse("FifoScheduler", "fifo",
                "The seed's FIFO scheduler: every task in arrival order on an idle CPU.", args);
        if (o == null) {
            return;
        }
        boolean select = !o.flag("--any-cpu");
        SchedulerConfig config = o.config();
        SchedulerRunner.Builder b = SchedulerRunner.builder(config, () -> new FifoScheduler(select));
        if (o.statsSeconds() > 0) {
            b.stats(Duration.ofMillis((long) (o.statsSeconds() * 1000)), s -> System.out.println(o.statsLine(s)));
        }
        if (o.durationSeconds() > 0) {
            b.duration(Duration.ofMillis((long) (o.durationSeconds() * 1000)));
        }
        ExitInfo info;
        try {
            info = b.build().run();
        } catch (SchedulerException e) {
            System.err.println("FifoScheduler: " + e.getMessage()); // a setup error: one line, no trace
            System.exit(1);
            return;
        } catch (PolicyFailedException e) {
            System.exit(1); // the runner has printed what failed
            return;
        }
        System.exit(info.isError() ? 1 : 0);
    }
}
