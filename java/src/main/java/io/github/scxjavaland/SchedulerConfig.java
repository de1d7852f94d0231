// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable, validated settings of a {@link BpfScheduler}. Build with {@link #builder()}; every
 * value has a sensible default, and {@link Builder#build()} rejects bad ones with an
 * {@link IllegalArgumentException} that names the value.
 */
public final class SchedulerConfig {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");
    /** Bounds the BPF side applies to slices (bpf/intf.h). */
    static final long MIN_SLICE_NS = 10_000L;
    static final long MAX_SLICE_NS = 1_000_000_000L;

    private final String opsName;
    private final long sliceNs;
    private final int watchdogTimeoutMs;
    private final int exitDumpLen;
    private final long stallTimeoutNs;
    private final boolean partial;
    private final boolean debug;
    private final boolean builtinIdle;
    private final int batchCapacity;
    private final boolean lockMemory;

    private SchedulerConfig(Builder b) {
        this.opsName = b.opsName;
        this.sliceNs = b.sliceNs;
        this.watchdogTimeoutMs = b.watchdogTimeoutMs;
        this.exitDumpLen = b.exitDumpLen;
        this.stallTimeoutNs = b.stallTimeoutNs;
        this.partial = b.partial;
        this.debug = b.debug;
        this.builtinIdle = b.builtinIdle;
        this.batchCapacity = b.batchCapacity;
        this.lockMemory = b.lockMemory;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a configuration with every default */
    public static SchedulerConfig defaults() {
        return builder().build();
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.opsName = opsName;
        b.sliceNs = sliceNs;
        b.watchdogTimeoutMs = watchdogTimeoutMs;
        b.exitDumpLen = exitDumpLen;
        b.stallTimeoutNs = stallTimeoutNs;
        b.partial = partial;
        b.debug = debug;
        b.builtinIdle = builtinIdle;
        b.batchCapacity = batchCapacity;
        b.lockMemory = lockMemory;
        return b;
    }

    /** @return the ops name shown in /sys/kernel/sched_ext/root/ops */
    public String opsName() {
        return opsName;
    }

    /** @return slice in ns of tasks the BPF side places itself */
    public long sliceNs() {
        return sliceNs;
    }

    /** @return the kernel watchdog timeout in ms */
    public int watchdogTimeoutMs() {
        return watchdogTimeoutMs;
    }

    /** @return bytes of the debug dump kept when the scheduler exits */
    public int exitDumpLen() {
        return exitDumpLen;
    }

    /** @return ns without user space reading its ring before BPF places tasks itself; 0 = never */
    public long stallTimeoutNs() {
        return stallTimeoutNs;
    }

    /** @return true if only tasks with the SCHED_EXT policy are scheduled */
    public boolean partial() {
        return partial;
    }

    /** @return true for libbpf debug output */
    public boolean debug() {
        return debug;
    }

    /** @return true if BPF puts a waking task on an idle CPU directly */
    public boolean builtinIdle() {
        return builtinIdle;
    }

    /** @return the most tasks one crossing moves */
    public int batchCapacity() {
        return batchCapacity;
    }

    /** @return true if the process locks its memory (on first touch) when the scheduler opens */
    public boolean lockMemory() {
        return lockMemory;
    }

    @Override
    public String toString() {
        return "SchedulerConfig[opsName=" + opsName + ", sliceNs=" + sliceNs + ", watchdogTimeoutMs="
                + watchdogTimeoutMs + ", exitDumpLen=" + exitDumpLen + ", stallTimeoutNs=" + stallTimeoutNs
                + ", partial=" + partial + ", debug=" + debug + ", builtinIdle=" + builtinIdle
                + ", batchCapacity=" + batchCapacity + ", lockMemory=" + lockMemory + "]";
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder {
        private String opsName = "javaland";
        private long sliceNs = 5_000_000L;
        private int watchdogTimeoutMs = 5_000;
        private int exitDumpLen = 32_768;
        private long stallTimeoutNs = 1_000_000_000L;
        private boolean partial;
        private boolean debug;
        private boolean builtinIdle = true;
        private int batchCapacity = 512;
        private boolean lockMemory = true;

        private Builder() {}

        /**
         * @param name ops name, [A-Za-z0-9_.-], 1..63 characters
         * @return this
         */
        public Builder opsName(String name) {
            this.opsName = Objects.requireNonNull(name, "opsName");
            return this;
        }

        /**
         * @param ns slice of tasks the BPF side places itself, and of decisions sent with slice 0;
         *     10 us .. 1 s
         * @return this
         */
        public Builder sliceNs(long ns) {
            this.sliceNs = ns;
            return this;
        }

        /**
         * @param slice slice of BPF-placed tasks
         * @return this
         */
        public Builder slice(Duration slice) {
            return sliceNs(slice.toNanos());
        }

        /**
         * @param ms kernel watchdog timeout, 100 .. 30000 ms
         * @return this
         */
        public Builder watchdogTimeoutMs(int ms) {
            this.watchdogTimeoutMs = ms;
            return this;
        }

        /**
         * @param bytes exit debug dump size, 0 .. 16 MiB
         * @return this
         */
        public Builder exitDumpLen(int bytes) {
            this.exitDumpLen = bytes;
            return this;
        }

        /**
         * @param ns user-space stall before BPF takes over placing tasks; 0 = never
         * @return this
         */
        public Builder stallTimeoutNs(long ns) {
            this.stallTimeoutNs = ns;
            return this;
        }

        /**
         * @param partial schedule only SCHED_EXT tasks
         * @return this
         */
        public Builder partial(boolean partial) {
            this.partial = partial;
            return this;
        }

        /**
         * @param debug libbpf debug output
         * @return this
         */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /**
         * @param builtinIdle BPF places waking tasks on idle CPUs directly
         * @return this
         */
        public Builder builtinIdle(boolean builtinIdle) {
            this.builtinIdle = builtinIdle;
            return this;
        }

        /**
         * @param tasks most tasks per crossing, 1 .. 65536
         * @return this
         */
        public Builder batchCapacity(int tasks) {
            this.batchCapacity = tasks;
            return this;
        }

        /**
         * @param lock lock the process's memory on first touch (recommended)
         * @return this
         */
        public Builder lockMemory(boolean lock) {
            this.lockMemory = lock;
            return this;
        }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException naming the first bad value
         */
        public SchedulerConfig build() {
            if (!NAME.matcher(opsName).matches()) {
                throw new IllegalArgumentException("opsName \"" + opsName
                        + "\" must be 1..63 characters of [A-Za-z0-9_.-]");
            }
            if (sliceNs < MIN_SLICE_NS || sliceNs > MAX_SLICE_NS) {
                throw new IllegalArgumentException("sliceNs " + sliceNs + " outside [" + MIN_SLICE_NS + ", "
                        + MAX_SLICE_NS + "]");
            }
            if (watchdogTimeoutMs < 100 || watchdogTimeoutMs > 30_000) {
                throw new IllegalArgumentException("watchdogTimeoutMs " + watchdogTimeoutMs
                        + " outside [100, 30000] (the kernel's maximum is 30 s)");
            }
            if (exitDumpLen < 0 || exitDumpLen > (1 << 24)) {
                throw new IllegalArgumentException("exitDumpLen " + exitDumpLen + " outside [0, 16777216]");
            }
            if (stallTimeoutNs < 0) {
                throw new IllegalArgumentException("stallTimeoutNs " + stallTimeoutNs + " is negative");
            }
            if (stallTimeoutNs > 0 && stallTimeoutNs >= watchdogTimeoutMs * 1_000_000L) {
                throw new IllegalArgumentException("stallTimeoutNs " + stallTimeoutNs
                        + " must be below the watchdog timeout (" + watchdogTimeoutMs + " ms), or 0");
            }
            if (batchCapacity < 1 || batchCapacity > 65_536) {
                throw new IllegalArgumentException("batchCapacity " + batchCapacity + " outside [1, 65536]");
            }
            return new SchedulerConfig(this);
        }
    }
}
