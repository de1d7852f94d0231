// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a simulated task does: a fluent, mutable description that
 * {@link SimulatedMachine#addTask(TaskSpec)} copies (changing a spec afterwards does not affect
 * tasks already added, so one spec can be a template).
 *
 * <p>A task alternates CPU bursts and sleeps: it wakes, needs {@link #runNs} of CPU time (in as
 * many slices as the policy gives it), then sleeps {@link #sleepNs} and wakes again. A CPU hog
 * has an endless burst. {@link #jitter} varies each burst and sleep uniformly by up to that
 * fraction, from a random stream of the task's own (seeded by the machine), so two policies on
 * machines with the same seed see exactly the same workload.
 *
 * <pre>{@code
 * machine.addTask(TaskSpec.cpuHog("hog").nice(5).affinity(1));
 * machine.addTask(TaskSpec.periodic("ui").runNs(200_000).sleepNs(10_000_000).jitter(0.1));
 * machine.addTask(TaskSpec.oneShot("job").runNs(3_000_000).startAtNs(1_000_000));
 * }</pre>
 */
public final class TaskSpec {
    /** sched_ext weight of each nice level -20..19: the CFS weight scaled so nice 0 is 100. */
    private static final int[] NICE_TO_WEIGHT = niceTable();

    /** A burst that never ends (CPU hog). */
    static final long FOREVER = Long.MAX_VALUE;

    String name;
    long weight = 100;
    int[] affinity; // null: every CPU
    long runNs;
    long sleepNs;
    double jitter;
    long startNs;
    long bursts; // 0: forever

    private TaskSpec(String name, long runNs, long sleepNs) {
        this.name = Objects.requireNonNull(name, "name");
        this.runNs = runNs;
        this.sleepNs = sleepNs;
    }

    /**
     * A task that always wants the CPU (it never sleeps).
     *
     * @param name its name (the command name the policy sees is the first 15 bytes)
     * @return a spec with weight 100 (nice 0), every CPU allowed, starting at time 0
     */
    public static TaskSpec cpuHog(String name) {
        return new TaskSpec(name, FOREVER, 0);
    }

    /**
     * A task that runs {@link #runNs} then sleeps {@link #sleepNs}, over and over: an interactive
     * or periodic task. Defaults: 1 ms of CPU, then 10 ms asleep.
     *
     * @param name its name
     * @return the spec
     */
    public static TaskSpec periodic(String name) {
        return new TaskSpec(name, 1_000_000L, 10_000_000L);
    }

    /**
     * A task that runs once for {@link #runNs} (default 1 ms) and exits.
     *
     * @param name its name
     * @return the spec
     */
    public static TaskSpec oneShot(String name) {
        return new TaskSpec(name, 1_000_000L, 0).bursts(1);
    }

    /** @return a copy of this spec */
    public TaskSpec copy() {
        TaskSpec c = new TaskSpec(name, runNs, sleepNs);
        c.weight = weight;
        c.affinity = affinity == null ? null : affinity.clone();
        c.jitter = jitter;
        c.startNs = startNs;
        c.bursts = bursts;
        return c;
    }

    /**
     * @param name a new name
     * @return this
     */
    public TaskSpec name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param weight the sched_ext weight, 1..10000; 100 is nice 0
     * @return this
     */
    public TaskSpec weight(long weight) {
        if (weight < 1 || weight > 10_000) {
            throw new IllegalArgumentException("weight " + weight + " outside [1, 10000]");
        }
        this.weight = weight;
        return this;
    }

    /**
     * Sets the weight the kernel gives a nice level: the CFS weight scaled so nice 0 is 100
     * (nice 5 is 33, nice -5 is 305).
     *
     * @param nice -20..19
     * @return this
     */
    public TaskSpec nice(int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice " + nice + " outside [-20, 19]");
        }
        this.weight = NICE_TO_WEIGHT[nice + 20];
        return this;
    }

    /**
     * @param nice -20..19
     * @return the sched_ext weight the kernel gives that nice level
     */
    public static long weightOfNice(int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice " + nice + " outside [-20, 19]");
        }
        return NICE_TO_WEIGHT[nice + 20];
    }

    /**
     * @param cpus the CPUs it may run on (checked against the machine when added); none given
     *     means every CPU
     * @return this
     */
    public TaskSpec affinity(int... cpus) {
        if (cpus.length == 0) {
            this.affinity = null;
            return this;
        }
        for (int c : cpus) {
            if (c < 0) {
                throw new IllegalArgumentException("negative CPU " + c + " in affinity " + Arrays.toString(cpus));
            }
        }
        this.affinity = cpus.clone();
        return this;
    }

    /**
     * @param ns CPU time per burst, > 0
     * @return this
     */
    public TaskSpec runNs(long ns) {
        if (ns <= 0) {
            throw new IllegalArgumentException("runNs must be positive: " + ns);
        }
        this.runNs = ns;
        return this;
    }

    /**
     * @param d CPU time per burst
     * @return this
     */
    public TaskSpec run(Duration d) {
        return runNs(d.toNanos());
    }

    /**
     * @param ns sleep after each burst, >= 0 (0: wakes again at once)
     * @return this
     */
    public TaskSpec sleepNs(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("sleepNs must not be negative: " + ns);
        }
        this.sleepNs = ns;
        return this;
    }

    /**
     * @param d sleep after each burst
     * @return this
     */
    public TaskSpec sleep(Duration d) {
        return sleepNs(d.toNanos());
    }

    /**
     * @param fraction 0..1: each burst and sleep is drawn uniformly from {@code value × (1 ± fraction)}
     * @return this
     */
    public TaskSpec jitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("jitter " + fraction + " outside [0, 1]");
        }
        this.jitter = fraction;
        return this;
    }

    /**
     * @param ns virtual time of its first wakeup (default 0)
     * @return this
     */
    public TaskSpec startAtNs(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("startAtNs must not be negative: " + ns);
        }
        this.startNs = ns;
        return this;
    }

    /**
     * @param d virtual time of its first wakeup
     * @return this
     */
    public TaskSpec startAt(Duration d) {
        return startAtNs(d.toNanos());
    }

    /**
     * @param n exit after this many bursts; 0 = never
     * @return this
     */
    public TaskSpec bursts(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("bursts must not be negative: " + n);
        }
        this.bursts = n;
        return this;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the sched_ext weight */
    public long weight() {
        return weight;
    }

    /** @return true for a task whose burst never ends */
    public boolean isCpuHog() {
        return runNs == FOREVER;
    }

    @Override
    public String toString() {
        return "TaskSpec[" + name + ", weight=" + weight + (affinity == null ? "" : ", cpus=" + Arrays.toString(affinity))
                + (isCpuHog() ? ", hog" : ", run=" + runNs + "ns, sleep=" + sleepNs + "ns")
                + (jitter > 0 ? ", jitter=" + jitter : "") + (startNs > 0 ? ", start=" + startNs + "ns" : "")
                + (bursts > 0 ? ", bursts=" + bursts : "") + "]";
    }

    private static int[] niceTable() {
        // The kernel's sched_prio_to_weight (nice -20..19), a fact of its ABI.
        int[] cfs = {88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100,
            4904, 3906, 3121, 2501, 1991, 1586, 1277, 1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110,
            87, 70, 56, 45, 36, 29, 23, 18, 15};
        int[] w = new int[cfs.length];
        for (int i = 0; i < cfs.length; i++) {
            // sched_ext: weight = round(cfs_weight * 100 / 1024), at least 1
            w[i] = Math.max(1, (int) ((cfs[i] * 100L + 512) / 1024));
        }
        return w;
    }
}
