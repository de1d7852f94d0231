// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a {@link SchedulingPolicy} on the kernel the way a scheduler daemon should: opens the
 * scheduler, calls the policy round after round, reports stats on request
 * ({@link Builder#onStats}), stops cleanly on SIGINT / SIGTERM (or {@link #stop()}), reopens when
 * the kernel asks for a restart (CPU hotplug), and returns the final {@link ExitInfo}.
 *
 * <pre>{@code
 * ExitInfo info = SchedulerRunner.builder(config, FifoScheduler::new)
 *         .onStats(Duration.ofSeconds(1), r -> System.out.println((r.isFinal() ? "final " : "") + r.stats().line()))
 *         .build()
 *         .run();
 * }</pre>
 */
public final class SchedulerRunner {
    private final SchedulerConfig config;
    private final Supplier<? extends SchedulingPolicy> policies;
    private final Duration statsInterval;
    private final Consumer<StatsReport> statsSink;
    private final Duration duration;
    private final boolean handleSignals;
    private final PrintStream log;
    private final boolean jmx;
    private volatile boolean stopRequested;
    private long deadline;
    private volatile BpfScheduler current;
    private volatile SchedulerStats lastStats = new SchedulerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private SchedulerRunner(Builder b) {
        this.config = b.config;
        this.policies = b.policies;
        this.statsInterval = b.statsInterval;
        this.statsSink = b.statsSink;
        this.duration = b.duration;
        this.handleSignals = b.handleSignals;
        this.log = b.log;
        this.jmx = b.jmx;
    }

    /**
     * @param config the scheduler settings
     * @param policies makes a fresh policy for each (re)start
     * @return a builder
     */
    public static Builder builder(SchedulerConfig config, Supplier<? extends SchedulingPolicy> policies) {
        return new Builder(config, policies);
    }

    /** Asks the loop to stop after the current round; safe from any thread or a signal handler. */
    public void stop() {
        stopRequested = true;
    }

    /** @return the scheduler running now, or null between runs */
    public BpfScheduler current() {
        return current;
    }

    /**
     * Runs until stopped, until the kernel stops the scheduler without asking for a restart, or
     * until the duration passes.
     *
     * @return why the last run ended (kind 64 after a clean stop)
     * @throws SchedulerException if the scheduler cannot be opened
     * @throws PolicyFailedException if the policy threw a {@code RuntimeException}: the
     *     scheduler was first detached cleanly (the kernel's scheduler runs every task again),
     *     and a policy that fails once is not restarted
     */
    public ExitInfo run() {
        if (handleSignals) {
            Signals.onTermination(this::stop);
        }
        deadline = Long.MAX_VALUE; // the duration counts from the first attach (see runOnce)
        // One bean for the whole run: it survives restarts and goes when run() returns.
        SchedulerStatsMXBeanImpl bean = jmx ? registerJmx() : null;
        try {
            for (;;) {
                ExitInfo info = runOnce();
                if (info.shouldRestart() && !stopRequested && System.nanoTime() < deadline) {
                    log.println(config.opsName() + ": the kernel asked for a restart ("
                            + (info.isHotplug() ? "CPU hotplug" : info.reason()) + "), restarting");
                    continue;
                }
                return info;
            }
        } finally {
            if (bean != null) {
                bean.close();
            }
        }
    }

    private SchedulerStatsMXBeanImpl registerJmx() {
        try {
            return SchedulerStatsMXBeanImpl.register(config.opsName(), this::currentStats);
        } catch (IllegalStateException e) {
            log.println(config.opsName() + ": no JMX bean: " + e.getMessage());
            return null;
        }
    }

    /** The running scheduler's counters; between restarts, the last ones seen. */
    private SchedulerStats currentStats() {
        BpfScheduler s = current;
        if (s != null) {
            try {
                SchedulerStats st = s.stats();
                lastStats = st;
                return st;
            } catch (IllegalStateException closing) {
                // closed under us; fall back to the last snapshot
            }
        }
        return lastStats;
    }

    private ExitInfo runOnce() {
        SchedulingPolicy policy = Objects.requireNonNull(policies.get(), "policy");
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // A JVM exit not caused by a signal we handle: stop the loop, let it detach.
            stop();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            BpfScheduler s = current;
            if (s != null) {
                s.close();
            }
        }, "scx-javaland-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (BpfScheduler sched = BpfScheduler.open(config)) {
            current = sched;
            log.println(config.opsName() + ": attached (" + sched.nrCpus() + " CPUs)");
            if (duration != null && deadline == Long.MAX_VALUE) {
                deadline = System.nanoTime() + duration.toNanos();
            }
            boolean[] finalSent = {false}; // guarded by itself: no periodic report after the final one
            Thread stats = startStats(sched, policy, finalSent);
            RuntimeException failure = null;
            try {
                while (!stopRequested && !sched.exited() && System.nanoTime() < deadline) {
                    if (JfrGate.on) {
                        JfrEvents.round(sched, policy);
                    } else {
                        policy.schedule(sched);
                    }
                }
            } catch (RuntimeException e) {
                failure = e; // a policy bug: detach cleanly first, then tell the caller
            } finally {
                if (stats != null) {
                    stats.interrupt();
                }
            }
            ExitInfo info = sched.shutdownAndReport();
            if (statsSink != null) {
                synchronized (finalSent) {
                    finalSent[0] = true;
                    statsSink.accept(new StatsReport(sched.stats(), policy, true));
                }
            }
            if (failure != null) {
                PolicyFailedException e = new PolicyFailedException(config.opsName(), info, failure);
                log.println(e.getMessage());
                throw e;
            }
            log.println(config.opsName() + ": " + info.report());
            return info;
        } finally {
            current = null;
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it will find nothing left to do
            }
        }
    }

    private Thread startStats(BpfScheduler sched, SchedulingPolicy policy, boolean[] finalSent) {
        if (statsSink == null || statsInterval == null) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(statsInterval.toMillis());
                    synchronized (finalSent) { // a snapshot taken before the final one never lands after it
                        if (finalSent[0] || sched.exited()) {
                            return;
                        }
                        statsSink.accept(new StatsReport(sched.stats(), policy, false));
                    }
                }
            } catch (InterruptedException | IllegalStateException done) {
                // stopped, or the scheduler closed under us
            }
        }, "scx-javaland-stats");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Settings of a {@link SchedulerRunner}. */
    public static final class Builder {
        private final SchedulerConfig config;
        private final Supplier<? extends SchedulingPolicy> policies;
        private Duration statsInterval;
        private Consumer<StatsReport> statsSink;
        private Duration duration;
        private boolean handleSignals = true;
        private PrintStream log = System.out;
        private boolean jmx;

        private Builder(SchedulerConfig config, Supplier<? extends SchedulingPolicy> policies) {
            this.config = Objects.requireNonNull(config, "config");
            this.policies = Objects.requireNonNull(policies, "policies");
        }

        /**
         * The counters alone; {@link #onStats} also gives the policy and tells the last report
         * from the periodic ones.
         *
         * @param interval how often
         * @param sink receives a snapshot each interval (on its own thread) and once after each
         *     run ends
         * @return this
         */
        public Builder stats(Duration interval, Consumer<SchedulerStats> sink) {
            Objects.requireNonNull(sink, "sink");
            return onStats(interval, r -> sink.accept(r.stats()));
        }

        /**
         * @param interval how often
         * @param sink receives a report each interval, on a thread of its own, and one with
         *     {@link StatsReport#isFinal()} true after each run ends (on the thread that called
         *     {@link #run()}, after the scheduler detached); replaces a sink set before
         * @return this
         * @throws IllegalArgumentException if the interval is not positive
         */
        public Builder onStats(Duration interval, Consumer<StatsReport> sink) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("stats interval must be positive: " + interval);
            }
            this.statsInterval = interval;
            this.statsSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param d stop after this long (default: run until stopped)
         * @return this
         */
        public Builder duration(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative: " + d);
            }
            this.duration = d;
            return this;
        }

        /**
         * @param handle stop cleanly on SIGINT and SIGTERM (default true)
         * @return this
         */
        public Builder handleSignals(boolean handle) {
            this.handleSignals = handle;
            return this;
        }

        /**
         * @param out where progress lines and the exit report go (default System.out)
         * @return this
         */
        public Builder log(PrintStream out) {
            this.log = Objects.requireNonNull(out, "log");
            return this;
        }

        /**
         * @param on publish the counters as a {@link SchedulerStatsMXBean} named
         *     {@code io.github.scxjavaland:type=Scheduler,name=<opsName>} while {@link #run()} runs
         *     (default false); a name already taken is reported on the log and skipped
         * @return this
         */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /** @return the runner */
        public SchedulerRunner build() {
            return new SchedulerRunner(this);
        }
    }
}
