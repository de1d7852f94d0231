// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm.adversarial;

import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.PolicyFailedException;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerRunner;
import io.github.scxjavaland.SchedulingPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one adversarial policy (tests/vm/60-adversarial.sh) until SIGINT, printing the
 * counters every second ({@code stats: key=value ...}) and at the end ({@code final: ...}).
 * Exit status: 0 after a clean detach (kind 64), 1 otherwise.
 */
public final class AdversarialDriver {
    static final Map<String, Supplier<SchedulingPolicy>> POLICIES = AdversarialPolicies.byName();

    private AdversarialDriver() {}

    /** @param args the policy's name (see {@link #POLICIES}) */
    public static void main(String[] args) {
        Supplier<SchedulingPolicy> policy = POLICIES.get(args[0]);
        if (policy == null) {
            System.err.println("unknown policy " + args[0] + "; known: " + POLICIES.keySet());
            System.exit(2);
        }
        SchedulerConfig config = SchedulerConfig.builder().opsName("adv_" + args[0].replace('-', '_')).build();
        SchedulerRunner runner = SchedulerRunner.builder(config, policy)
                .stats(Duration.ofSeconds(1), s -> System.out.println("stats: " + s.keyValues()))
                .build();
        ExitInfo info;
        try {
            info = runner.run();
        } catch (PolicyFailedException e) {
            // The documented outcome for a throwing policy: a clean detach, then this.
            System.out.println("policy failed: " + e.getCause());
            info = e.exitInfo();
        }
        System.out.println("exit kind " + info.kind());
        System.exit(info.kind() == ExitInfo.UNREG ? 0 : 1);
    }
}
