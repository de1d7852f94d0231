// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTasks;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * The one place the simulator reaches into {@code io.github.scxjavaland}'s package-private
 * batch plumbing: the heap-backed batch factories, the queued batch's buffer and size, the
 * dispatch batch's partial-send bookkeeping, the record layout, and the argument checks (so a
 * policy meets the same errors here as on the kernel). Both packages are in the
 * same module, so a private lookup is allowed without opening anything; it keeps the batch
 * classes free of a public "fill me" API that kernel users must never call.
 *
 * <p>Everything is resolved once, into static finals, so the hot path pays a direct call.
 * A renamed member fails here, at class initialisation, with the member's name.
 */
final class CoreAccess {
    static final int Q_SIZE;
    static final int Q_PID;
    static final int Q_CPU;
    static final int Q_NR_CPUS_ALLOWED;
    static final int Q_FLAGS;
    static final int Q_START_TS;
    static final int Q_STOP_TS;
    static final int Q_EXEC_RUNTIME;
    static final int Q_WEIGHT;
    static final int Q_VTIME;
    static final int Q_ENQ_CNT;
    static final int Q_COMM;
    static final int Q_CPUS_ALLOWED;
    static final int KICK_PID;
    static final long KICK_PREEMPT;
    static final int COMM_LEN;
    static final long SLICE_MIN_NS;
    static final long SLICE_MAX_NS;

    private static final MethodHandle QUEUED_ON_HEAP;
    private static final MethodHandle QUEUED_PUT_RECORD;
    private static final MethodHandle QUEUED_SET_SIZE;
    private static final MethodHandle DISPATCHED_ON_HEAP;
    private static final MethodHandle DISPATCHED_CONSUMED;
    private static final MethodHandle ARGS_CPU;
    private static final MethodHandle ARGS_CPU_OR_ANY;
    private static final MethodHandle ARGS_PID;

    static {
        try {
            MethodHandles.Lookup self = MethodHandles.lookup();
            Class<?> layoutClass = Class.forName("io.github.scxjavaland.Layout", true,
                    QueuedTasks.class.getClassLoader());
            MethodHandles.Lookup layout = MethodHandles.privateLookupIn(layoutClass, self);
            Q_SIZE = layoutInt(layout, layoutClass, "Q_SIZE");
            Q_PID = layoutInt(layout, layoutClass, "Q_PID");
            Q_CPU = layoutInt(layout, layoutClass, "Q_CPU");
            Q_NR_CPUS_ALLOWED = layoutInt(layout, layoutClass, "Q_NR_CPUS_ALLOWED");
            Q_FLAGS = layoutInt(layout, layoutClass, "Q_FLAGS");
            Q_START_TS = layoutInt(layout, layoutClass, "Q_START_TS");
            Q_STOP_TS = layoutInt(layout, layoutClass, "Q_STOP_TS");
            Q_EXEC_RUNTIME = layoutInt(layout, layoutClass, "Q_EXEC_RUNTIME");
            Q_WEIGHT = layoutInt(layout, layoutClass, "Q_WEIGHT");
            Q_VTIME = layoutInt(layout, layoutClass, "Q_VTIME");
            Q_ENQ_CNT = layoutInt(layout, layoutClass, "Q_ENQ_CNT");
            Q_COMM = layoutInt(layout, layoutClass, "Q_COMM");
            Q_CPUS_ALLOWED = layoutInt(layout, layoutClass, "Q_CPUS_ALLOWED");
            KICK_PID = layoutInt(layout, layoutClass, "KICK_PID");
            KICK_PREEMPT = (long) layout.findStaticVarHandle(layoutClass, "KICK_PREEMPT", long.class).get();
            COMM_LEN = layoutInt(layout, layoutClass, "COMM_LEN");
            SLICE_MIN_NS = (long) layout.findStaticVarHandle(layoutClass, "SLICE_MIN_NS", long.class).get();
            SLICE_MAX_NS = (long) layout.findStaticVarHandle(layoutClass, "SLICE_MAX_NS", long.class).get();

            MethodHandles.Lookup q = MethodHandles.privateLookupIn(QueuedTasks.class, self);
            QUEUED_ON_HEAP = q.findStatic(QueuedTasks.class, "onHeap",
                    MethodType.methodType(QueuedTasks.class, int.class, int.class, Object.class));
            QUEUED_PUT_RECORD = q.findVirtual(QueuedTasks.class, "putRecord",
                    MethodType.methodType(void.class, int.class, ByteBuffer.class, int.class));
            QUEUED_SET_SIZE = q.findVirtual(QueuedTasks.class, "setSize",
                    MethodType.methodType(void.class, int.class));
            MethodHandles.Lookup d = MethodHandles.privateLookupIn(DispatchedTasks.class, self);
            DISPATCHED_ON_HEAP = d.findStatic(DispatchedTasks.class, "onHeap",
                    MethodType.methodType(DispatchedTasks.class, int.class, int.class, Object.class));
            DISPATCHED_CONSUMED = d.findVirtual(DispatchedTasks.class, "consumed",
                    MethodType.methodType(void.class, int.class));
            Class<?> argsClass = Class.forName("io.github.scxjavaland.Args", true, QueuedTasks.class.getClassLoader());
            MethodHandles.Lookup a = MethodHandles.privateLookupIn(argsClass, self);
            MethodType cpuCheck = MethodType.methodType(int.class, int.class, int.class);
            ARGS_CPU = a.findStatic(argsClass, "cpu", cpuCheck);
            ARGS_CPU_OR_ANY = a.findStatic(argsClass, "cpuOrAny", cpuCheck);
            ARGS_PID = a.findStatic(argsClass, "pid", MethodType.methodType(int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("the simulator does not match io.github.scxjavaland's batch"
                    + " classes (" + e + "); were the two built from different sources?");
        }
    }

    private CoreAccess() {}

    private static int layoutInt(MethodHandles.Lookup l, Class<?> c, String name) throws ReflectiveOperationException {
        return (int) l.findStaticVarHandle(c, name, int.class).get();
    }

    static QueuedTasks newQueuedTasks(int capacity, int nrCpus, Object owner) {
        try {
            return (QueuedTasks) QUEUED_ON_HEAP.invokeExact(capacity, nrCpus, owner);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static DispatchedTasks newDispatchedTasks(int capacity, int nrCpus, Object owner) {
        try {
            return (DispatchedTasks) DISPATCHED_ON_HEAP.invokeExact(capacity, nrCpus, owner);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** Row {@code i} of {@code batch} from one record in the kernel's layout (at offset 0). */
    static void putRecord(QueuedTasks batch, int i, ByteBuffer record) {
        try {
            QUEUED_PUT_RECORD.invokeExact(batch, i, record, 0);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setSize(QueuedTasks batch, int size) {
        try {
            QUEUED_SET_SIZE.invokeExact(batch, size);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** Drops the first {@code sent} decisions and moves the rest to the front. */
    static void consumed(DispatchedTasks batch, int sent) {
        try {
            DISPATCHED_CONSUMED.invokeExact(batch, sent);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The kernel channels' rule: a CPU id below {@code nrCpus}, else IllegalArgumentException. */
    static int checkCpu(int cpu, int nrCpus) {
        return check(ARGS_CPU, cpu, nrCpus);
    }

    /** The same, also allowing DispatchedTask.RL_CPU_ANY. */
    static int checkCpuOrAny(int cpu, int nrCpus) {
        return check(ARGS_CPU_OR_ANY, cpu, nrCpus);
    }

    /** A positive pid, else IllegalArgumentException. */
    static int checkPid(int pid) {
        return check(ARGS_PID, pid, 0);
    }

    /** Runs one of the Args checks; its IllegalArgumentException reaches the caller as is. */
    private static int check(MethodHandle h, int value, int nrCpus) {
        try {
            return h == ARGS_PID ? (int) h.invokeExact(value) : (int) h.invokeExact(value, nrCpus);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    private static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException(e);
    }
}
