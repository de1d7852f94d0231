// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import io.github.scxjavaland.BpfScheduler;
import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerException;
import io.github.scxjavaland.SchedulerRunner;
import io.github.scxjavaland.SchedulerStats;
import io.github.scxjavaland.SchedulingPolicy;
import io.github.scxjavaland.examples.FifoScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scheduler processes for the VM fault suite (tests/vm/5x-*.sh). Each mode prints what it saw
 * as {@code key=value} lines and exits non-zero when its own checks fail.
 *
 * <ul>
 *   <li>{@code gc-storm SECONDS}: the FIFO policy plus heavy allocation every round and a
 *       thread forcing full GCs; passes if the kernel never stops the scheduler.</li>
 *   <li>{@code bad-decisions SECONDS}: the FIFO policy plus every kind of bad decision; passes
 *       if each is counted as the right kind and nothing crashes.</li>
 *   <li>{@code expect-refusal REASON}: opening must fail with that {@link SchedulerException.Reason}.</li>
 * </ul>
 */
public final class FaultDriver {
    private FaultDriver() {}

    /** @param args mode and its argument */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gc-storm":
                System.exit(gcStorm(Integer.parseInt(args[1])));
                break;
            case "bad-decisions":
                System.exit(badDecisions(Integer.parseInt(args[1])));
                break;
            case "expect-refusal":
                System.exit(expectRefusal(SchedulerException.Reason.valueOf(args[1])));
                break;
            default:
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
        }
    }

    private static SchedulerConfig config(String name) {
        return SchedulerConfig.builder().opsName(name).build();
    }

    private static void print(String tag, SchedulerStats s) {
        System.out.println(tag + ": " + s.keyValues());
    }

    /** FIFO, but every round allocates and keeps garbage, and a thread forces full GCs. */
    static int gcStorm(int seconds) {
        AtomicBoolean running = new AtomicBoolean(true);
        long[] gcs = new long[1];
        Thread gc = new Thread(() -> {
            while (running.get()) {
                System.gc();
                gcs[0]++;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-storm");
        gc.setDaemon(true);
        gc.start();
        FifoScheduler fifo = new FifoScheduler();
        ArrayDeque<byte[]> survivors = new ArrayDeque<>();
        long[] allocated = new long[1];
        SchedulingPolicy storm = ch -> {
            // Some garbage dies young, some survives long enough to be promoted.
            for (int i = 0; i < 16; i++) {
                byte[] b = new byte[16 * 1024];
                allocated[0] += b.length;
                if ((i & 3) == 0) {
                    survivors.addLast(b);
                }
            }
            while (survivors.size() > 4096) {
                survivors.removeFirst();
            }
            fifo.schedule(ch);
        };
        ExitInfo info = SchedulerRunner.builder(config("gcstorm"), () -> storm)
                .duration(Duration.ofSeconds(seconds))
                .stats(Duration.ofSeconds(5), s -> print("stats", s))
                .build().run();
        running.set(false);
        System.out.println("gc-storm: forced_gcs=" + gcs[0] + " allocated_mb=" + allocated[0] / (1 << 20)
                + " exit_kind=" + info.kind());
        return info.kind() == ExitInfo.UNREG ? 0 : 1;
    }

    /** FIFO plus one of each bad decision, injected at steady intervals. */
    static int badDecisions(int seconds) throws Exception {
        int deadPid = deadPid();
        BadPolicy policy = new BadPolicy(deadPid);
        BpfScheduler[] current = new BpfScheduler[1];
        long[] ringFull = new long[1];
        SchedulerStats[] last = new SchedulerStats[1];
        SchedulingPolicy p = ch -> {
            policy.schedule(ch);
            if (current[0] == null && ch instanceof BpfScheduler) {
                current[0] = (BpfScheduler) ch;
            }
            if (current[0] != null) {
                ringFull[0] = current[0].nrDispatchRingFull();
            }
        };
        // A batch twice the dispatch ring (8192 records): one crossing must overflow it.
        SchedulerConfig cfg = SchedulerConfig.builder().opsName("baddecide").batchCapacity(16_384).build();
        ExitInfo info = SchedulerRunner.builder(cfg, () -> p)
                .duration(Duration.ofSeconds(seconds))
                .stats(Duration.ofSeconds(2), s -> last[0] = s)
                .build().run();
        SchedulerStats s = last[0];
        print("final", s);
        System.out.println("injected: dead_pid=" + policy.deadSent + " stale=" + policy.staleSent + " out_of_range="
                + policy.outOfRangeSent + " not_allowed=" + policy.notAllowedSent + " slice0=" + policy.slice0Sent
                + " huge_slice=" + policy.hugeSliceSent + " flood=" + policy.floodSent + " ring_full="
                + ringFull[0]);
        int bad = 0;
        bad += check("exit kind 64", info.kind() == ExitInfo.UNREG);
        bad += check("dead pids counted as failed", s.nrFailedDispatches() >= policy.deadSent + policy.floodSent);
        bad += check("stale enq_cnt counted as cancel", s.nrCancelDispatches() >= policy.staleSent);
        // A CPU outside the affinity is a bounce unless its task left user space first (taken
        // back at the wait bound, or dequeued by the kernel): then it is a cancel.
        long takenBack = s.nrAgedUser() + s.nrStallRescues() + s.nrUserDequeued();
        bad += check("CPUs outside the affinity counted as bounce (" + takenBack + " tasks taken back first)",
                s.nrBounceDispatches() + takenBack >= policy.notAllowedSent);
        bad += check("CPU ids the machine lacks refused at the call by every method ("
                + policy.outOfRangeRefused + " of " + policy.outOfRangeSent + ")",
                policy.outOfRangeRefused == policy.outOfRangeSent);
        bad += check("some of each injected", policy.deadSent > 0 && policy.staleSent > 0
                && policy.outOfRangeSent > 0 && policy.notAllowedSent > 0 && policy.slice0Sent > 0
                && policy.hugeSliceSent > 0);
        // Whether the ring fills depends on how fast CPUs drain it meanwhile (the host suite
        // fills it deterministically); what must hold is that no decision vanished.
        bad += check("the flood was sent or left in the batch (ring full " + ringFull[0] + " times)",
                policy.floodSent + policy.floodLeft == policy.floodSize && policy.floodSize > 0);
        return bad == 0 ? 0 : 1;
    }

    private static int check(String what, boolean ok) {
        System.out.println((ok ? "ok: " : "FAIL: ") + what);
        return ok ? 0 : 1;
    }

    /** A pid that existed a moment ago and is gone now. */
    private static int deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return (int) p.pid();
    }

    /** The FIFO policy, with a bad decision of each kind every so many rounds. */
    static final class BadPolicy implements SchedulingPolicy {
        private final int deadPid;
        private long round;
        long deadSent;
        long staleSent;
        long outOfRangeSent;
        long outOfRangeRefused;
        long notAllowedSent;
        long slice0Sent;
        long hugeSliceSent;
        long floodSent;
        long floodSize;
        long floodLeft;
        private boolean flooded;

        BadPolicy(int deadPid) {
            this.deadPid = deadPid;
        }

        @Override
        public void schedule(SchedulerChannel ch) {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            if (!flooded && round > 200 && out.isEmpty()) {
                flood(ch, out);
            }
            if (out.isEmpty()) {
                int n = ch.dequeueTasks(in);
                for (int i = 0; i < n; i++) {
                    decide(ch, in, i, out);
                }
            }
            ch.dispatchTasks(out);
            ch.notifyComplete(out.size());
            round++;
        }

        private void decide(SchedulerChannel ch, QueuedTasks in, int i, DispatchedTasks out) {
            int pid = in.pid(i);
            long enq = in.enqCnt(i);
            int nrCpus = ch.nrCpus();
            int kind = (int) (round % 64);
            if (out.remaining() < 4) {
                out.add(pid, DispatchedTask.RL_CPU_ANY, 0, 0, enq);
                return;
            }
            if (in.nrCpusAllowed(i) < nrCpus && nrCpus > 1) {
                // A pinned task: first to a CPU it may not use (bounce), it still runs elsewhere.
                out.add(pid, (in.cpu(i) + 1) % nrCpus, 0, 0, enq);
                notAllowedSent++;
                return;
            }
            switch (kind) {
                case 1:
                    out.add(deadPid, 0, 0, 0, 1);
                    deadSent++;
                    break;
                case 2:
                    out.add(pid, DispatchedTask.RL_CPU_ANY, 0, 0, enq - 1);
                    staleSent++;
                    break;
                case 3:
                    tryCpu(ch, out, pid, nrCpus + 7, enq);
                    break;
                case 4:
                    tryCpu(ch, out, pid, -5, enq);
                    break;
                case 5:
                    out.add(pid, DispatchedTask.RL_CPU_ANY, 0, 0, enq);
                    slice0Sent++;
                    return;
                case 6:
                    out.add(pid, DispatchedTask.RL_CPU_ANY, Long.MAX_VALUE, 0, enq);
                    hugeSliceSent++;
                    return;
                default:
                    break;
            }
            out.add(pid, DispatchedTask.RL_CPU_ANY, 0, 0, enq);
        }

        /**
         * A CPU id the machine does not have, offered to every method that takes one: each must
         * refuse it at the call and change nothing (the task is then sent to any CPU).
         */
        private void tryCpu(SchedulerChannel ch, DispatchedTasks out, int pid, int cpu, long enq) {
            outOfRangeSent++;
            int size = out.size();
            boolean all = refuses(() -> out.add(pid, cpu, 0, 0, enq))
                    && refuses(() -> ch.dispatchTask(new DispatchedTask().pid(pid).cpu(cpu).enqCnt(enq)))
                    && refuses(() -> ch.selectCpu(pid, cpu, 0))
                    && refuses(() -> ch.getCpuPid(cpu))
                    && (size == 0 || refuses(() -> out.cpu(0, cpu)));
            if (all && out.size() == size) {
                outOfRangeRefused++;
            }
        }

        private static boolean refuses(Runnable call) {
            try {
                call.run();
                return false;
            } catch (IllegalArgumentException expected) {
                return expected.getMessage().contains("is not a CPU id") || expected.getMessage().contains("is neither");
            }
        }

        /**
         * One batch of decisions for a dead pid twice the size of the dispatch ring (8192
         * records), sent in one crossing: the ring refuses the part that does not fit, which
         * stays in the batch (dropped here on purpose).
         */
        private void flood(SchedulerChannel ch, DispatchedTasks out) {
            flooded = true;
            while (!out.isFull()) {
                out.add(deadPid, 0, 0, 0, 1);
            }
            floodSize = out.size();
            floodSent += ch.dispatchTasks(out);
            floodLeft = out.size();
            out.clear();
        }
    }

    /** Opening must be refused with the given reason, and nothing may be left attached. */
    static int expectRefusal(SchedulerException.Reason expected) {
        try (BpfScheduler s = BpfScheduler.open(config("refused"))) {
            System.out.println("FAIL: opened although " + expected + " was expected");
            return 1;
        } catch (SchedulerException e) {
            System.out.println("refused: reason=" + e.reason() + " errno=" + e.errno());
            System.out.println("message: " + e.getMessage());
            return e.reason() == expected ? 0 : 1;
        }
    }
}
