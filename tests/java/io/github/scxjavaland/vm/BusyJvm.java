// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import java.util.ArrayList;
import java.util.List;

/** A workload JVM for the VM tests: allocates and computes for N seconds, then says so. */
public final class BusyJvm {
    private BusyJvm() {}

    /** @param args seconds to run */
    public static void main(String[] args) throws InterruptedException {
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        Thread[] workers = new Thread[2];
        long[] sums = new long[workers.length];
        for (int w = 0; w < workers.length; w++) {
            int id = w;
            workers[w] = new Thread(() -> {
                long sum = 0;
                while (System.nanoTime() < end) {
                    List<long[]> garbage = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        long[] a = new long[64];
                        a[i % 64] = i;
                        sum += a[i % 64];
                        garbage.add(a);
                    }
                    sum += garbage.size();
                }
                sums[id] = sum;
            });
            workers[w].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println("busy: done " + (sums[0] + sums[1]));
    }
}
