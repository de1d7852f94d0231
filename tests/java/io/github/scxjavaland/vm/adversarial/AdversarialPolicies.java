// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.SchedulingPolicy;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The adversarial policies by name, for the VM driver and for tests in other packages (the
 * simulator's guarantee tests); the policies themselves stay package-private.
 */
public final class AdversarialPolicies {
    /** Policies that block the calling thread in real time, which a virtual clock cannot see. */
    public static final Set<String> REAL_TIME = Set.of("sleep-50ms");

    private static final Map<String, Supplier<SchedulingPolicy>> BY_NAME = Map.of(
            "cpu0", AllToCpuZero::new,
            "rr-pinned", RoundRobinPinned::new,
            "hold-half", HoldHalf::new,
            "slice-1s", () -> new FixedSlice(1_000_000_000L),
            "slice-10us", () -> new FixedSlice(10_000L),
            "sleep-50ms", SleepEveryRound::new,
            "throw", () -> new ThrowEveryN(50),
            "random", RandomDecisions::new,
            "pause-10s", PauseThenResume::new,
            "preempt-all", PreemptEverything::new);

    private AdversarialPolicies() {}

    /** @return every policy's factory by its name (tests/vm/60-adversarial.sh uses the names) */
    public static Map<String, Supplier<SchedulingPolicy>> byName() {
        return BY_NAME;
    }
}
