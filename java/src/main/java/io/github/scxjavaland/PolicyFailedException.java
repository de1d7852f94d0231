// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The policy threw from {@link SchedulingPolicy#schedule}; {@link SchedulerRunner} then detached
 * the scheduler cleanly (the kernel's own scheduler took every task back, nothing was lost)
 * before throwing this. The policy's exception is the {@linkplain #getCause() cause}.
 */
public final class PolicyFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ExitInfo exitInfo;

    PolicyFailedException(String opsName, ExitInfo exitInfo, Throwable cause) {
        super(opsName + ": the policy threw " + cause + "; detached (" + exitInfo.report() + ")", cause);
        this.exitInfo = exitInfo;
    }

    /** @return how the detach ended (kind {@value ExitInfo#UNREG} when it was clean) */
    public ExitInfo exitInfo() {
        return exitInfo;
    }
}
