// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * A scheduler could not be set up or run. {@link #reason()} says why in a form a program can act
 * on; the message says it in a form a person can act on (for a verifier rejection it carries
 * the relevant lines of the verifier log).
 */
public final class SchedulerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The running kernel has no sched_ext (needs CONFIG_SCHED_CLASS_EXT=y). */
        NO_SCHED_EXT,
        /**
         * The kernel has sched_ext but cannot run this scheduler (for example its BTF exports
         * kfuncs no BPF program can call); the message names the kfuncs and kernels that work.
         */
        UNSUPPORTED_KERNEL,
        /** Missing privileges (root, or CAP_SYS_ADMIN and CAP_BPF). */
        NOT_PRIVILEGED,
        /** Another sched_ext scheduler is already enabled; it was left untouched. */
        ANOTHER_SCHEDULER,
        /** The kernel's BPF verifier rejected the scheduler. */
        VERIFIER_REJECTED,
        /** An argument or configuration value was invalid. */
        INVALID_ARGUMENT,
        /** Anything else; see {@link #errno()}. */
        OTHER
    }

    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;
    private static final int EOPNOTSUPP = 95;
    private static final int PHASE_LOAD = 1;
    private static final int PHASE_KERNEL = 3;

    /** The errno behind the failure, 0 if none. */
    private final int errno;
    /** Why it failed. */
    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason what went wrong
     * @param errno the errno behind it, 0 if none
     * @param message a readable explanation
     */
    public SchedulerException(Reason reason, int errno, String message) {
        super(message);
        this.reason = reason;
        this.errno = errno;
    }

    /** Called by the native library: maps an errno and the failing phase to a reason. */
    static SchedulerException fromNative(int errno, int phase, String message) {
        Reason r;
        if (phase == PHASE_KERNEL) {
            r = Reason.UNSUPPORTED_KERNEL;
        } else if (phase == PHASE_LOAD) {
            r = Reason.VERIFIER_REJECTED;
        } else if (errno == EOPNOTSUPP) {
            r = Reason.NO_SCHED_EXT;
        } else if (errno == EPERM || errno == EACCES) {
            r = Reason.NOT_PRIVILEGED;
        } else if (errno == EBUSY) {
            r = Reason.ANOTHER_SCHEDULER;
        } else if (errno == EINVAL) {
            r = Reason.INVALID_ARGUMENT;
        } else {
            r = Reason.OTHER;
        }
        return new SchedulerException(r, errno, message);
    }

    /** @return why it failed */
    public Reason reason() {
        return reason;
    }

    /** @return the errno reported by the kernel or the native core, 0 if none */
    public int errno() {
        return errno;
    }
}
