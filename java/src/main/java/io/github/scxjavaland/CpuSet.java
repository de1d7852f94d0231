// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.Arrays;

/**
 * A set of CPU ids, as a reusable bitmap: filled by {@link QueuedTasks#cpusAllowed} (a task's
 * affinity) or {@link SchedulerChannel#idleCpus} (the CPUs idle now), read and edited without
 * allocating. Keep one per use and refill it; it is not thread-safe.
 *
 * <pre>{@code
 * CpuSet allowed = new CpuSet();
 * for (int i = 0; i < n; i++) {
 *     in.cpusAllowed(i, allowed);
 *     for (int cpu = allowed.next(0); cpu >= 0; cpu = allowed.next(cpu + 1)) {
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class CpuSet {
    private final long[] words = new long[Layout.MASK_WORDS];

    /** Creates an empty set (room for every CPU id the library supports). */
    public CpuSet() {}

    /**
     * @param cpu a CPU id
     * @return true if the set holds it; false for any id outside the set, negative ones included
     */
    public boolean contains(int cpu) {
        return cpu >= 0 && cpu < Layout.MAX_CPUS && (words[cpu >>> 6] & (1L << cpu)) != 0;
    }

    /**
     * @param from the first CPU id to look at (negative means 0)
     * @return the lowest CPU id in the set at or above {@code from}, or -1 if there is none
     */
    public int next(int from) {
        int c = Math.max(from, 0);
        if (c >= Layout.MAX_CPUS) {
            return -1;
        }
        int w = c >>> 6;
        long bits = words[w] & (-1L << c);
        while (bits == 0) {
            if (++w == words.length) {
                return -1;
            }
            bits = words[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(bits);
    }

    /**
     * The next CPU id in the set in round-robin order: the lowest at or above {@code from},
     * else the lowest of all.
     *
     * @param from where to start looking
     * @return a CPU id of the set, or -1 if the set is empty
     */
    public int nextWrapping(int from) {
        int c = next(from);
        return c >= 0 ? c : next(0);
    }

    /** @return how many CPU ids the set holds */
    public int size() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** @return true if the set holds no CPU */
    public boolean isEmpty() {
        for (long w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param cpu a CPU id to add
     * @return this
     * @throws IllegalArgumentException if {@code cpu} is negative or not below the most CPU ids
     *     the library supports
     */
    public CpuSet add(int cpu) {
        Args.cpu(cpu, Layout.MAX_CPUS);
        words[cpu >>> 6] |= 1L << cpu;
        return this;
    }

    /**
     * @param cpu a CPU id to remove (one outside the set changes nothing)
     * @return this
     */
    public CpuSet remove(int cpu) {
        if (cpu >= 0 && cpu < Layout.MAX_CPUS) {
            words[cpu >>> 6] &= ~(1L << cpu);
        }
        return this;
    }

    /**
     * Keeps only the CPUs that {@code other} holds too.
     *
     * @param other the set to intersect with
     * @return this
     */
    public CpuSet retainAll(CpuSet other) {
        for (int w = 0; w < words.length; w++) {
            words[w] &= other.words[w];
        }
        return this;
    }

    /**
     * @param other the set to copy
     * @return this, now holding exactly the CPUs of {@code other}
     */
    public CpuSet copyFrom(CpuSet other) {
        System.arraycopy(other.words, 0, words, 0, words.length);
        return this;
    }

    /**
     * @return this, empty
     */
    public CpuSet clear() {
        Arrays.fill(words, 0);
        return this;
    }

    /** Sets word {@code w}, dropping the bits of CPU ids at or above {@code nrCpus}. */
    void setWord(int w, long bits, int nrCpus) {
        int above = nrCpus - (w << 6);
        words[w] = above >= 64 ? bits : above <= 0 ? 0 : bits & ((1L << above) - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet && Arrays.equals(words, ((CpuSet) o).words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** @return the set as a CPU list, the kernel's format: {@code "0-3,6"} (allocates) */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int c = next(0); c >= 0;) {
            int end = c;
            while (end + 1 < Layout.MAX_CPUS && contains(end + 1)) {
                end++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(c);
            if (end > c) {
                sb.append('-').append(end);
            }
            c = next(end + 1);
        }
        return sb.toString();
    }
}
