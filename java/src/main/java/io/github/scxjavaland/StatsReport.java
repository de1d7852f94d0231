// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.Objects;

/**
 * What a {@link SchedulerRunner} hands its stats callback ({@link SchedulerRunner.Builder#onStats}):
 * the counters, the policy instance that is running (so its own figures can be shown next to
 * them), and whether this is the last report of a run, taken after the scheduler detached.
 *
 * <pre>{@code
 * SchedulerRunner.builder(config, DeadlineScheduler::new)
 *         .onStats(Duration.ofSeconds(1), r -> System.out.println((r.isFinal() ? "final: " : "")
 *                 + r.stats().line() + " held=" + r.policyAs(DeadlineScheduler.class).nrHeld()))
 *         .build()
 *         .run();
 * }</pre>
 *
 * @param stats the counters at this moment
 * @param policy the policy of the current run (a restart after CPU hotplug makes a new one)
 * @param isFinal true for the one report after the run ended; the periodic ones are false
 */
public record StatsReport(SchedulerStats stats, SchedulingPolicy policy, boolean isFinal) {
    /**
     * @param stats the counters
     * @param policy the policy of the current run
     * @param isFinal whether the run has ended
     */
    public StatsReport {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param <P> the policy's class
     * @param type the class the caller knows the policy has
     * @return the policy as that class
     * @throws ClassCastException naming both classes if the policy is not a {@code type}
     */
    public <P extends SchedulingPolicy> P policyAs(Class<P> type) {
        if (!type.isInstance(policy)) {
            throw new ClassCastException("the running policy is a " + policy.getClass().getName() + ", not a "
                    + type.getName());
        }
        return type.cast(policy);
    }
}
