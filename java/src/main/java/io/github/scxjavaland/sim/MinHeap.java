// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import java.util.Arrays;

/**
 * A binary min-heap of (key, tie, value) entries over parallel primitive arrays, ordered by key
 * then tie. No allocation except when it grows (doubling, so rarely). Used for the simulated
 * DSQs (key = vtime, tie = insertion sequence: equal vtimes stay FIFO, as in the kernel's
 * rb-tree) and for the timer queue (key = time, tie = task index: same-time events run in a
 * fixed order).
 */
final class MinHeap {
    private long[] keys;
    private long[] ties;
    private int[] values;
    private int size;

    MinHeap(int capacity) {
        int c = Math.max(4, capacity);
        keys = new long[c];
        ties = new long[c];
        values = new int[c];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void push(long key, long tie, int value) {
        if (size == keys.length) {
            int c = keys.length * 2;
            keys = Arrays.copyOf(keys, c);
            ties = Arrays.copyOf(ties, c);
            values = Arrays.copyOf(values, c);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(key, tie, keys[parent], ties[parent])) {
                break;
            }
            set(i, keys[parent], ties[parent], values[parent]);
            i = parent;
        }
        set(i, key, tie, value);
    }

    long peekKey() {
        return keys[0];
    }

    long peekTie() {
        return ties[0];
    }

    int peekValue() {
        return values[0];
    }

    /** Removes the smallest entry; read it first with the peek methods. */
    void pop() {
        int last = --size;
        if (last > 0) {
            siftDown(0, keys[last], ties[last], values[last]);
        }
    }

    /** @return entry {@code i} in heap (not sorted) order, for scans */
    long keyAt(int i) {
        return keys[i];
    }

    long tieAt(int i) {
        return ties[i];
    }

    int valueAt(int i) {
        return values[i];
    }

    private void siftDown(int i, long key, long tie, int value) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(keys[right], ties[right], keys[child], ties[child])) {
                child = right;
            }
            if (!less(keys[child], ties[child], key, tie)) {
                break;
            }
            set(i, keys[child], ties[child], values[child]);
            i = child;
        }
        set(i, key, tie, value);
    }

    private void set(int i, long key, long tie, int value) {
        keys[i] = key;
        ties[i] = tie;
        values[i] = value;
    }

    // Signed difference, like the kernel's time_before(): keys that wrap still order correctly.
    private static boolean less(long k1, long t1, long k2, long t2) {
        long d = k1 - k2;
        return d < 0 || (d == 0 && t1 < t2);
    }
}
