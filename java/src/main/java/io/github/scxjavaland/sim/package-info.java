// SPDX-License-Identifier: GPL-2.0-only
/**
 * An offline harness for scheduling policies: {@link io.github.scxjavaland.sim.SimulatedMachine}
 * implements {@link io.github.scxjavaland.SchedulerChannel} on a virtual clock, playing the BPF
 * side for tasks described by {@link io.github.scxjavaland.sim.TaskSpec}, so a policy written
 * for the kernel can be run, measured and unit-tested without root or sched_ext, in seconds of
 * real time for minutes of simulated time, and deterministically.
 *
 * <pre>{@code
 * SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(42).build();
 * SimTask a = m.addTask(TaskSpec.cpuHog("a"));
 * SimTask b = m.addTask(TaskSpec.cpuHog("b").nice(5));
 * m.run(new FifoScheduler(), Duration.ofSeconds(5));
 * System.out.println(m.stats(a) + "\n" + m.stats(b) + "\n" + m.schedulerStats().line());
 * }</pre>
 */
package io.github.scxjavaland.sim;
