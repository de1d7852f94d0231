// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

/**
 * A summary of one task's waits on the simulated machine, in virtual nanoseconds. Count, mean
 * and max are exact; the median and the 99th percentile come from a log-linear histogram and
 * are within about 3 %.
 *
 * @param count how many waits
 * @param meanNs mean wait
 * @param p50Ns median wait
 * @param p99Ns 99th percentile
 * @param maxNs longest wait
 */
public record LatencyStats(long count, long meanNs, long p50Ns, long p99Ns, long maxNs) {
    /** No waits recorded. */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0);

    @Override
    public String toString() {
        return String.format("n=%d mean=%.3fms p50=%.3fms p99=%.3fms max=%.3fms", count, meanNs / 1e6,
                p50Ns / 1e6, p99Ns / 1e6, maxNs / 1e6);
    }
}
