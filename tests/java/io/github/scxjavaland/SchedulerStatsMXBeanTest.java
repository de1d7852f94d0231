// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scxjavaland.examples.FifoScheduler;
import io.github.scxjavaland.sim.SimulatedMachine;
import io.github.scxjavaland.sim.TaskSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class SchedulerStatsMXBeanTest {
    private final MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();

    private static SchedulerStats stats(long base) {
        return new SchedulerStats(base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7,
                base + 8, base + 9, base + 10, base + 11, base + 12, base + 13, base + 14, base + 15, base + 16,
                base + 17, base + 18, base + 19, base + 20, base + 21, base + 22, base + 23, base + 24, base + 25, base + 26, base + 27, base + 28, base + 29, base + 30, base + 31);
    }

    @Test
    void exposesEveryCounterUnderItsName() throws Exception {
        AtomicReference<SchedulerStats> now = new AtomicReference<>(stats(100));
        try (SchedulerStatsMXBeanImpl bean = SchedulerStatsMXBeanImpl.register("jmx-test", now::get)) {
            ObjectName name = new ObjectName("io.github.scxjavaland:type=Scheduler,name=jmx-test");
            assertEquals(name, bean.getObjectName());
            assertTrue(mbs.isRegistered(name));
            assertEquals("jmx-test", mbs.getAttribute(name, "OpsName"));
            String[] attrs = {"NrQueued", "NrScheduled", "NrRunning", "NrOnlineCpus", "NrUserDispatches",
                "NrKernelDispatches", "NrCancelDispatches", "NrBounceDispatches", "NrFailedDispatches",
                "NrSchedCongested", "NrSelfDispatches", "NrStallFallbacks", "NrHeartbeatKicks", "NrEnqueues",
                "NrUserQueued"};
            for (int i = 0; i < attrs.length; i++) {
                assertEquals(100L + i, mbs.getAttribute(name, attrs[i]), attrs[i]);
            }
            // Read fresh on every access, through a typed proxy as a JMX client would.
            SchedulerStatsMXBean proxy = JMX.newMXBeanProxy(mbs, name, SchedulerStatsMXBean.class);
            now.set(stats(7));
            assertEquals(11, proxy.getNrUserDispatches());
            assertEquals(21, proxy.getNrUserQueued());
            assertThrows(IllegalStateException.class, () -> SchedulerStatsMXBeanImpl.register("jmx-test", now::get));
        }
        assertFalse(mbs.isRegistered(SchedulerStatsMXBeanImpl.objectName("jmx-test")));
    }

    @Test
    void closeIsIdempotentAndNamesAreQuotedWhenNeeded() {
        SchedulerStatsMXBeanImpl bean = SchedulerStatsMXBeanImpl.register("twice", () -> stats(0));
        assertTrue(bean.isRegistered());
        bean.close();
        bean.close();
        assertFalse(bean.isRegistered());
        assertEquals("\"a,b=c\"", SchedulerStatsMXBeanImpl.objectName("a,b=c").getKeyProperty("name"));
    }

    @Test
    void worksOverASimulatedMachine() throws Exception {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).build();
        for (int i = 0; i < 4; i++) {
            m.addTask(TaskSpec.cpuHog("h" + i));
        }
        m.run(new FifoScheduler(), Duration.ofMillis(200));
        try (SchedulerStatsMXBeanImpl bean = SchedulerStatsMXBeanImpl.register("sim", m::schedulerStats)) {
            SchedulerStats s = m.schedulerStats();
            assertTrue(s.nrUserDispatches() > 10);
            assertEquals(s.nrUserDispatches(), mbs.getAttribute(bean.getObjectName(), "NrUserDispatches"));
            assertEquals(2L, mbs.getAttribute(bean.getObjectName(), "NrOnlineCpus"));
        }
    }

    @Test
    void runnerBuilderTakesTheJmxOption() {
        // Running needs a sched_ext kernel; here only the option itself is checked.
        SchedulerRunner r = SchedulerRunner.builder(SchedulerConfig.defaults(), FifoScheduler::new).jmx(true)
                .build();
        assertTrue(r.current() == null);
    }
}
