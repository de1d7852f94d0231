// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * A scheduling policy: one call is one round of the scheduling loop. A round reads what is
 * queued, decides, dispatches, and ends with {@link SchedulerChannel#notifyComplete}. Written
 * against {@link SchedulerChannel}, a policy runs on the kernel ({@link SchedulerRunner}) and on
 * a simulated machine alike. A policy object belongs to one scheduling thread.
 */
@FunctionalInterface
public interface SchedulingPolicy {
    /**
     * Runs one round.
     *
     * @param channel where tasks come from and decisions go
     */
    void schedule(SchedulerChannel channel);
}
