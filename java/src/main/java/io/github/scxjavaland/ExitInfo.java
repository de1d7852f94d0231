// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * Why a scheduler stopped, as the kernel reported it.
 *
 * @param kind the sched_ext exit kind: 64 unregistered from user space, 1026 watchdog stall, ...
 * @param exitCode the exit code; bit 48 asks user space to restart
 * @param reason the kernel's one-line reason
 * @param message details (e.g. which task stalled)
 * @param dump the debug dump (empty unless the exit was an error)
 */
public record ExitInfo(int kind, long exitCode, String reason, String message, String dump) {
    /** No exit yet. */
    public static final int NONE = 0;
    /** Unregistered from user space: a clean detach. */
    public static final int UNREG = 64;
    /** Unregistered by the kernel (e.g. CPU hotplug with a restart request). */
    public static final int UNREG_KERN = 66;
    /** The first error kind; everything at or above is an error. */
    public static final int ERROR = 1024;
    /** Watchdog: a runnable task did not run within the timeout. */
    public static final int ERROR_STALL = 1026;

    private static final long ACT_RESTART = 1L << 48;
    private static final long RSN_HOTPLUG = 1L << 32;

    /** @return true if the kernel asked user space to start the scheduler again */
    public boolean shouldRestart() {
        return (exitCode & ACT_RESTART) != 0;
    }

    /** @return true if the restart request came from CPU hotplug */
    public boolean isHotplug() {
        return (exitCode & RSN_HOTPLUG) != 0;
    }

    /** @return true for error kinds (BPF error, watchdog stall, ...) */
    public boolean isError() {
        return kind >= ERROR;
    }

    /** @return a readable name for {@link #kind()} */
    public String kindName() {
        switch (kind) {
            case NONE: return "none";
            case 1: return "done";
            case UNREG: return "unregistered from user space";
            case 65: return "unregistered from BPF";
            case UNREG_KERN: return "unregistered by the kernel";
            case 67: return "disabled by sysrq-S";
            case ERROR: return "runtime error";
            case 1025: return "error in the BPF scheduler";
            case ERROR_STALL: return "watchdog: runnable task stall";
            default: return "kind " + kind;
        }
    }

    /** @return a multi-line report for people */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("exit kind ").append(kind).append(" (").append(kindName()).append(")");
        sb.append(", code 0x").append(Long.toHexString(exitCode));
        if (shouldRestart()) {
            sb.append(" (restart requested").append(isHotplug() ? ": CPU hotplug" : "").append(")");
        }
        if (!reason.isEmpty()) {
            sb.append("\nreason: ").append(reason);
        }
        if (!message.isEmpty()) {
            sb.append("\nmessage: ").append(message);
        }
        if (!dump.isEmpty()) {
            sb.append("\ndump:\n").append(dump);
        }
        return sb.toString();
    }
}
