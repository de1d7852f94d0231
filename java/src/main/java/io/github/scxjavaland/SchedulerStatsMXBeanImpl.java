// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;

/**
 * A {@link SchedulerStatsMXBean} over any source of {@link SchedulerStats}: a running
 * {@link BpfScheduler} ({@code sched::stats}), a {@code SchedulerMonitor}, or a simulated
 * machine. Each attribute read takes one snapshot from the supplier (on the JMX thread; the
 * scheduling loop is never involved). Close it to unregister.
 *
 * <pre>{@code
 * try (SchedulerStatsMXBeanImpl bean = SchedulerStatsMXBeanImpl.register("fifo", sched::stats)) {
 *     ... // io.github.scxjavaland:type=Scheduler,name=fifo is visible to JMX clients
 * }
 * }</pre>
 */
public final class SchedulerStatsMXBeanImpl implements SchedulerStatsMXBean, AutoCloseable {
    /** The JMX domain of the beans. */
    public static final String DOMAIN = "io.github.scxjavaland";

    private final String opsName;
    private final Supplier<SchedulerStats> stats;
    private final ObjectName objectName;
    private MBeanServer server;

    /**
     * An unregistered bean (see {@link #register(String, Supplier)}).
     *
     * @param opsName the scheduler's ops name, also the bean's {@code name} key
     * @param stats the source of each snapshot; must not return null
     */
    public SchedulerStatsMXBeanImpl(String opsName, Supplier<SchedulerStats> stats) {
        this.opsName = Objects.requireNonNull(opsName, "opsName");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.objectName = objectName(opsName);
    }

    /**
     * @param opsName an ops name
     * @return {@code io.github.scxjavaland:type=Scheduler,name=<opsName>} (the name quoted if
     *     it holds characters JMX reserves)
     */
    public static ObjectName objectName(String opsName) {
        String value = opsName.matches("[A-Za-z0-9_.-]+") ? opsName : ObjectName.quote(opsName);
        try {
            return new ObjectName(DOMAIN + ":type=Scheduler,name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("ops name " + opsName + " makes no JMX name: " + e.getMessage(), e);
        }
    }

    /**
     * Creates a bean and registers it with the platform MBean server.
     *
     * @param opsName the scheduler's ops name
     * @param stats the source of snapshots
     * @return the registered bean; close it to unregister
     * @throws IllegalStateException if a bean of that name is already registered
     */
    public static SchedulerStatsMXBeanImpl register(String opsName, Supplier<SchedulerStats> stats) {
        SchedulerStatsMXBeanImpl bean = new SchedulerStatsMXBeanImpl(opsName, stats);
        bean.registerWith(ManagementFactory.getPlatformMBeanServer());
        return bean;
    }

    /**
     * @param mbs the server to register with
     * @throws IllegalStateException if already registered, or a bean of that name exists
     */
    public synchronized void registerWith(MBeanServer mbs) {
        if (server != null) {
            throw new IllegalStateException(objectName + " is already registered");
        }
        try {
            mbs.registerMBean(this, objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("a JMX bean " + objectName + " already exists (another scheduler"
                    + " with the same ops name in this JVM?)", e);
        } catch (MBeanRegistrationException | NotCompliantMBeanException e) {
            throw new IllegalStateException("cannot register " + objectName + ": " + e.getMessage(), e);
        }
        server = mbs;
    }

    /** @return the name it is (or would be) registered under */
    public ObjectName getObjectName() {
        return objectName;
    }

    /** @return true while registered */
    public synchronized boolean isRegistered() {
        return server != null;
    }

    /** Unregisters the bean; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.unregisterMBean(objectName);
        } catch (InstanceNotFoundException | MBeanRegistrationException ignored) {
            // someone else removed it; nothing left to do
        }
        server = null;
    }

    private SchedulerStats s() {
        return Objects.requireNonNull(stats.get(), "stats supplier returned null");
    }

    @Override
    public String getOpsName() {
        return opsName;
    }

    @Override
    public long getNrQueued() {
        return s().nrQueued();
    }

    @Override
    public long getNrScheduled() {
        return s().nrScheduled();
    }

    @Override
    public long getNrRunning() {
        return s().nrRunning();
    }

    @Override
    public long getNrOnlineCpus() {
        return s().nrOnlineCpus();
    }

    @Override
    public long getNrUserDispatches() {
        return s().nrUserDispatches();
    }

    @Override
    public long getNrKernelDispatches() {
        return s().nrKernelDispatches();
    }

    @Override
    public long getNrCancelDispatches() {
        return s().nrCancelDispatches();
    }

    @Override
    public long getNrBounceDispatches() {
        return s().nrBounceDispatches();
    }

    @Override
    public long getNrFailedDispatches() {
        return s().nrFailedDispatches();
    }

    @Override
    public long getNrSchedCongested() {
        return s().nrSchedCongested();
    }

    @Override
    public long getNrSelfDispatches() {
        return s().nrSelfDispatches();
    }

    @Override
    public long getNrStallFallbacks() {
        return s().nrStallFallbacks();
    }

    @Override
    public long getNrHeartbeatKicks() {
        return s().nrHeartbeatKicks();
    }

    @Override
    public long getNrEnqueues() {
        return s().nrEnqueues();
    }

    @Override
    public long getNrUserQueued() {
        return s().nrUserQueued();
    }

    @Override
    public long getNrKeptRunning() {
        return s().nrKeptRunning();
    }

    @Override
    public long getNrAgedDsq() {
        return s().nrAgedDsq();
    }

    @Override
    public long getNrAgedUser() {
        return s().nrAgedUser();
    }

    @Override
    public long getNrTickPreempts() {
        return s().nrTickPreempts();
    }

    @Override
    public long getMaxWaitNs() {
        return s().maxWaitNs();
    }

    @Override
    public long getMaxKthreadWaitNs() {
        return s().maxKthreadWaitNs();
    }

    @Override
    public long getNrInUser() {
        return s().nrInUser();
    }

    @Override
    public long getNrUserDequeued() {
        return s().nrUserDequeued();
    }

    @Override
    public long getNrStallRescues() {
        return s().nrStallRescues();
    }

    @Override
    public long getNrPreemptDispatches() {
        return s().nrPreemptDispatches();
    }

    @Override
    public long getNrUserKicks() {
        return s().nrUserKicks();
    }

    @Override
    public long getNrUserschedCuts() {
        return s().nrUserschedCuts();
    }
}
