// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import io.github.scxjavaland.BpfScheduler;
import io.github.scxjavaland.CpuSet;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.Topology;
import java.util.Arrays;

/**
 * tests/vm/34-idle-topology.sh: on a 4-CPU VM with SMT (CPUs 0+1 and 2+3 are siblings), hogs
 * pinned to CPUs 0 and 2 and this JVM pinned to CPU 2, a FIFO loop schedules while another
 * thread samples {@link BpfScheduler#idleCpus} 300 times and picks a CPU for a task from CPU 0
 * with {@link Topology#pickIdleCpu}. Checks: the topology read in the VM has the siblings qemu
 * was given; CPUs 1 and 3 (nothing pinned there) are seen idle together; whenever CPU 1 is,
 * the pick for CPU 0's task is CPU 1, its sibling, over CPU 3 of the other core; a pick never
 * returns a CPU outside the sample or the task's affinity. Prints how often each CPU looked
 * idle. Exit 0 if every check held.
 */
public final class IdleTopologyCheck {
    private IdleTopologyCheck() {}

    /** @param args none */
    public static void main(String[] args) throws InterruptedException {
        Topology topo = Topology.host();
        System.out.println("topology: " + topo + "; siblings of 0: " + Arrays.toString(topo.siblingsOf(0))
                + ", of 2: " + Arrays.toString(topo.siblingsOf(2)));
        boolean ok = Arrays.equals(topo.siblingsOf(0), new int[] {0, 1})
                && Arrays.equals(topo.siblingsOf(2), new int[] {2, 3});
        if (!ok) {
            System.out.println("FAIL: the VM's SMT siblings are not 0+1 and 2+3");
        }
        try (BpfScheduler sched = BpfScheduler.open(SchedulerConfig.builder().opsName("idle_topo").build())) {
            int[] seenIdle = new int[sched.nrCpus()];
            int[] result = new int[3]; // samples with CPU 1 idle, of those also CPU 3, bad picks
            Thread sampler = new Thread(() -> sample(sched, topo, seenIdle, result), "sampler");
            sampler.start();
            QueuedTasks in = sched.queuedTasks();
            DispatchedTasks out = sched.dispatchedTasks();
            while (sampler.isAlive()) {
                if (out.isEmpty()) {
                    int n = sched.dequeueTasks(in);
                    for (int i = 0; i < n; i++) {
                        out.add(in, i);
                    }
                }
                sched.dispatchTasks(out);
                sched.notifyComplete(out.size());
            }
            sampler.join();
            System.out.println("idle in 300 samples, per CPU: " + Arrays.toString(seenIdle));
            System.out.println("CPU 1 idle: " + result[0] + " samples (CPU 3 too: " + result[1] + "); bad picks: "
                    + result[2]);
            if (result[1] == 0) {
                System.out.println("FAIL: CPUs 1 and 3 were never seen idle together");
                ok = false;
            }
            if (result[2] != 0) {
                System.out.println("FAIL: " + result[2] + " picks broke the order or the sets");
                ok = false;
            }
            System.out.println("exit kind " + sched.shutdownAndReport().kind());
        }
        System.out.println(ok ? "ok: idle CPUs picked by topology" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    private static void sample(BpfScheduler sched, Topology topo, int[] seenIdle, int[] result) {
        CpuSet idle = new CpuSet();
        CpuSet any = new CpuSet();
        CpuSet notSibling = new CpuSet().add(2).add(3);
        for (int c = 0; c < sched.nrCpus(); c++) {
            any.add(c);
        }
        try {
            Thread.sleep(3000); // the hogs and the loop settle
            for (int k = 0; k < 300; k++) {
                sched.idleCpus(idle);
                for (int c = idle.next(0); c >= 0; c = idle.next(c + 1)) {
                    seenIdle[c]++;
                }
                boolean one = idle.contains(1);
                boolean three = idle.contains(3);
                CpuSet copy = new CpuSet().copyFrom(idle);
                int pick = topo.pickIdleCpu(copy, 0, any);
                if (one) {
                    result[0]++;
                    if (three) {
                        result[1]++;
                    }
                    if (pick != 1 && !idle.contains(0)) {
                        result[2]++; // the sibling was idle and the CPU itself was not: 1 it must be
                    }
                }
                if (pick >= 0 && (!idle.contains(pick) || copy.contains(pick))) {
                    result[2]++; // a pick comes from the sample and leaves it
                }
                int far = topo.pickIdleCpu(new CpuSet().copyFrom(idle), 0, notSibling);
                if (far >= 0 && !notSibling.contains(far)) {
                    result[2]++; // never outside the affinity
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
