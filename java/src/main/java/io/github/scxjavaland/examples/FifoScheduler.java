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
import java.io.PrintStream;
import java.time.Duration;

/**
 * The seed's FIFO scheduler in Java: every round takes all queued tasks, in arrival order, puts
 * each on the idle CPU {@code selectCpu} claims for it (any CPU otherwise) and reports how many
 * are still waiting to be sent. No allocation per task.
 *
 * <p>Run: {@code java -jar scx-javaland.jar fifo --help} (see {@link Launcher}).
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

    static final String PROG = "FifoScheduler";
    static final String ABOUT = "The seed's FIFO scheduler: every task in arrival order on an idle CPU.";

    /**
     * Runs the FIFO scheduler until SIGINT / SIGTERM.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line: 0 clean stop, 1 the scheduler failed, 2 bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ExampleOptions.oneLineLogs();
        ExampleOptions o;
        try {
            o = ExampleOptions.parse(PROG, "fifo", ABOUT, args, out);
        } catch (IllegalArgumentException e) {
            err.println(PROG + ": " + e.getMessage() + " (see --help)");
            err.println(ExampleOptions.usage(PROG, ABOUT).lines().findFirst().orElse(""));
            return 2;
        }
        if (o == null) {
            return 0;
        }
        boolean select = !o.flag("--any-cpu");
        SchedulerConfig config = o.config();
        SchedulerRunner.Builder b = SchedulerRunner.builder(config, () -> new FifoScheduler(select));
        if (o.statsSeconds() > 0) {
            b.stats(Duration.ofMillis((long) (o.statsSeconds() * 1000)), s -> out.println(o.statsLine(s)));
        }
        if (o.durationSeconds() > 0) {
            b.duration(Duration.ofMillis((long) (o.durationSeconds() * 1000)));
        }
        ExitInfo info;
        try {
            info = b.build().run();
        } catch (SchedulerException e) {
            err.println(PROG + ": " + e.getMessage()); // a setup error: one line, no trace
            if (o.verbose()) {
                e.printStackTrace(err);
            }
            return 1;
        } catch (PolicyFailedException e) {
            return 1; // the runner has printed what failed
        }
        return info.isError() ? 1 : 0;
    }
}
