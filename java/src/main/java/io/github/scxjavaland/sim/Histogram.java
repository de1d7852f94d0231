// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

/**
 * A log-linear histogram of nanosecond values: exact below 32 ns, then 16 buckets per power of
 * two (a bucket spans at most 1/16 of its value; quantiles report the bucket's middle, so they
 * are within about 3 %). Values above 2^36 ns (68 s) share the top bucket. Count, sum and max
 * are exact. Fixed size, so recording never allocates.
 */
final class Histogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB; // values below this are their own bucket
    private static final int MAX_EXP = 36;
    private static final int BUCKETS = LINEAR + (MAX_EXP - SUB_BITS - 1) * SUB + 1; // + the top bucket

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sum;
    private long max;

    void record(long v) {
        if (v < 0) {
            v = 0;
        }
        counts[index(v)]++;
        count++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
        if (exp >= MAX_EXP) {
            return BUCKETS - 1;
        }
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return LINEAR + (exp - SUB_BITS - 1) * SUB + sub;
    }

    /** The middle of bucket {@code i}. */
    static long middle(int i) {
        if (i < LINEAR) {
            return i;
        }
        int exp = (i - LINEAR) / SUB + SUB_BITS + 1;
        int sub = (i - LINEAR) % SUB;
        long width = 1L << (exp - SUB_BITS);
        long low = (1L << exp) + sub * width;
        return low + width / 2;
    }

    long count() {
        return count;
    }

    /**
     * @param q in (0, 1]
     * @return the value at that quantile, 0 when empty
     */
    long quantile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * count);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(middle(i), max);
            }
        }
        return max;
    }

    LatencyStats snapshot() {
        if (count == 0) {
            return LatencyStats.EMPTY;
        }
        return new LatencyStats(count, sum / count, quantile(0.5), quantile(0.99), max);
    }
}
