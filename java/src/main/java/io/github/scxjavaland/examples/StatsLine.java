// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import io.github.scxjavaland.SchedulerStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one-line stats of the deadline scheduler, in the style scx users know from scx_rustland:
 * {@code [deadline] tasks -> r: 2/4 w: 0/3 | pf: 0 | dispatch -> u: 812 k: 40 c: 0 b: 0 f: 0 | cg: 0}.
 * r = running / CPUs, w = queued (not read yet) / scheduled (held by the policy), pf = page faults
 * of this process since the line was created, then dispatches and congestion during the last
 * interval: u user, k kernel (placed by BPF), c cancelled (stale), b bounced (CPU not allowed),
 * f failed, cg queued ring full. {@link #totals} gives the totals as key=value pairs, the form
 * tests/vm scripts parse. Called from the stats thread and the main thread, hence synchronized.
 */
final class StatsLine {
    private static final Path SELF_STAT = Path.of("/proc/self/stat");

    private final String name;
    private final boolean pageFaults;
    private final long pageFaultsAtStart;
    private SchedulerStats previous;

    /**
     * @param name shown in brackets
     * @param pageFaults count this process's page faults (false when watching another process)
     */
    StatsLine(String name, boolean pageFaults) {
        this.name = name;
        this.pageFaults = pageFaults;
        this.pageFaultsAtStart = pageFaults ? pageFaults() : 0;
    }

    synchronized String format(SchedulerStats s) {
        SchedulerStats p = previous;
        previous = s;
        String pf = pageFaults ? String.valueOf(Math.max(0, pageFaults() - pageFaultsAtStart)) : "-";
        return String.format("[%s] tasks -> r: %d/%d w: %d/%d | pf: %s | dispatch -> u: %d k: %d c: %d b: %d f: %d"
                + " | cg: %d", name, s.nrRunning(), s.nrOnlineCpus(), s.nrQueued(), s.nrScheduled(), pf,
                s.nrUserDispatches() - (p == null ? 0 : p.nrUserDispatches()),
                s.nrKernelDispatches() - (p == null ? 0 : p.nrKernelDispatches()),
                s.nrCancelDispatches() - (p == null ? 0 : p.nrCancelDispatches()),
                s.nrBounceDispatches() - (p == null ? 0 : p.nrBounceDispatches()),
                s.nrFailedDispatches() - (p == null ? 0 : p.nrFailedDispatches()),
                s.nrSchedCongested() - (p == null ? 0 : p.nrSchedCongested()));
    }

    /**
     * @param s the final counters
     * @param policyFigures the policy's own key=value pairs, space-separated ("" for none)
     * @return the totals line: {@code final: key=value ... [name]}
     */
    synchronized String totals(SchedulerStats s, String policyFigures) {
        return "final: " + s.keyValues()
                + (pageFaults ? " pf=" + Math.max(0, pageFaults() - pageFaultsAtStart) : "")
                + (policyFigures.isEmpty() ? "" : " " + policyFigures) + " [" + name + "]";
    }

    /** @return minflt + majflt of this process from /proc/self/stat, or 0 if unreadable */
    static long pageFaults() {
        try {
            return parsePageFaults(Files.readString(SELF_STAT));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Fields after the command name (which may hold spaces and parentheses): minflt is the 10th, majflt the 12th. */
    static long parsePageFaults(String stat) {
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state): field k is f[k - 3].
        return Long.parseLong(f[10 - 3]) + Long.parseLong(f[12 - 3]);
    }
}
