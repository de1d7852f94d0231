// SPDX-License-Identifier: GPL-2.0-only
/**
 * Linux sched_ext CPU schedulers written in Java. {@link io.github.scxjavaland.BpfScheduler}
 * registers a small BPF scheduler that forwards every task needing a CPU to this JVM; a policy
 * reads them in batches ({@link io.github.scxjavaland.QueuedTasks}) and answers with decisions
 * ({@link io.github.scxjavaland.DispatchedTasks}). {@link io.github.scxjavaland.Topology}
 * describes the machine. Policies are written against
 * {@link io.github.scxjavaland.SchedulerChannel}, so they also run on a simulated machine.
 */
package io.github.scxjavaland;
