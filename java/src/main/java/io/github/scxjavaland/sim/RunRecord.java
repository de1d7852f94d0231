// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

/**
 * One time a task got a CPU, from {@link SimulatedMachine#runLog()}.
 *
 * @param task the task
 * @param cpu the CPU
 * @param startNs virtual time it started running
 */
public record RunRecord(SimTask task, int cpu, long startNs) {}
