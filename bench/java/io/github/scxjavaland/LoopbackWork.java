// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The work every Java hot-path benchmark measures, over the loopback rings (real kernel ring
 * buffers fed and drained by BPF_PROG_TEST_RUN; see tests/native/ring_bench.c for the C twin).
 * One round of N tasks: BPF produces N queued records, user space drains them, builds N FIFO
 * decisions (same pid, its CPU, its enqueue generation, default slice) and submits them, BPF
 * consumes them. Every count is checked, so a broken transport fails instead of looking fast.
 *
 * <p>Two user-space variants: the batch API ({@code dequeueTasks} / {@code dispatchTasks}, one
 * JNI crossing per batch) and the single-task API ({@code dequeueTask} / {@code dispatchTask},
 * one crossing per task each way).
 */
final class LoopbackWork implements AutoCloseable {
    /** Tasks per timed chunk by default: a multiple of every batch size, small enough for L2. */
    static final int CHUNK = 2048;
    static final int QUEUED_BYTES = 1 << 20;
    static final int DISPATCHED_BYTES = 1 << 19;

    final int batch;
    final int chunk;
    private final RingLoopback ring;
    private final QueuedTasks in;
    private final DispatchedTasks out;
    private final QueuedTask one = new QueuedTask();
    private final DispatchedTask decision = new DispatchedTask();
    private int nextPid = 1;

    LoopbackWork(int batch, int chunk) {
        if (batch < 1 || chunk < batch || chunk % batch != 0 || chunk > 8192) {
            throw new IllegalArgumentException("batch " + batch + " must divide the chunk " + chunk + " (<= 8192)");
        }
        this.batch = batch;
        this.chunk = chunk;
        this.ring = RingLoopback.open(QUEUED_BYTES, DISPATCHED_BYTES, batch);
        this.in = ring.queuedTasks();
        this.out = ring.dispatchedTasks();
        if (in.capacity() != batch || out.capacity() != batch) {
            throw new IllegalStateException("batch capacity " + in.capacity() + "/" + out.capacity());
        }
    }

    /** BPF side: n queued records (untimed in the user-side figures). */
    void produce(int n) {
        int got = ring.produce(n, nextPid, 0);
        if (got != n) {
            throw new IllegalStateException("produce: " + got + " of " + n);
        }
        nextPid = nextPid > (1 << 30) ? 1 : nextPid + n;
    }

    /** BPF side: drains the decisions; exactly n must be there. */
    void consume(int n) {
        int got = ring.consume(false);
        if (got != n) {
            throw new IllegalStateException("consume: " + got + " of " + n);
        }
    }

    /** Batch API: one dequeue crossing, N decisions written in place, one dispatch crossing. */
    int batchStep() {
        int n = ring.dequeueTasks(in);
        if (n != batch) {
            throw new IllegalStateException("dequeueTasks: " + n + " of " + batch);
        }
        for (int i = 0; i < n; i++) {
            out.decide(in, i);
        }
        int sent = ring.dispatchTasks(out);
        if (sent != n) {
            throw new IllegalStateException("dispatchTasks: " + sent + " of " + n);
        }
        return sent;
    }

    /** Single-task API: two crossings per task. */
    int perTaskStep() {
        for (int i = 0; i < batch; i++) {
            if (!ring.dequeueTask(one)) {
                throw new IllegalStateException("dequeueTask: ring empty after " + i + " of " + batch);
            }
            if (!ring.dispatchTask(decision.from(one))) {
                throw new IllegalStateException("dispatchTask: ring full");
            }
        }
        return batch;
    }

    /** chunk / batch full rounds (produce, user step, consume); returns the tasks moved. */
    int rounds(boolean perTask) {
        int moved = 0;
        for (int r = chunk / batch; r > 0; r--) {
            produce(batch);
            moved += perTask ? perTaskStep() : batchStep();
            consume(batch);
        }
        return moved;
    }

    /** The user-side part alone for the chunk of tasks {@link #produce} already queued. */
    int userChunk(boolean perTask) {
        int moved = 0;
        for (int r = chunk / batch; r > 0; r--) {
            moved += perTask ? perTaskStep() : batchStep();
        }
        return moved;
    }

    /** Fills the batch once (a real dequeue) so {@link #decideChunk} has records to read. */
    void prepareDecide() {
        produce(batch);
        if (ring.dequeueTasks(in) != batch) {
            throw new IllegalStateException("dequeueTasks came back short");
        }
        produce(batch);
        if (ring.coreFill(batch) != batch) {
            throw new IllegalStateException("the C reference's drain came back short");
        }
    }

    /**
     * The reference in the same JVM: the C core's user side for the chunk {@link #produce}
     * queued (one crossing for the whole chunk, then C all the way, as in ring_bench "user").
     */
    int userChunkCore() {
        int moved = ring.coreUser(batch, chunk);
        if (moved != chunk) {
            throw new IllegalStateException("C user pass: " + moved + " of " + chunk);
        }
        return moved;
    }

    /** The reference for {@link #decideChunk}: the C decision loop, chunk / batch passes over one batch. */
    int decideChunkCore() {
        return ring.coreDecide(batch, chunk / batch);
    }

    /**
     * The decision loop alone, chunk / batch times over the same dequeued batch: no crossing,
     * no ring; what the Java API adds per task on top of the C transport.
     */
    int decideChunk() {
        int made = 0;
        for (int r = chunk / batch; r > 0; r--) {
            out.clear();
            int n = in.size();
            for (int i = 0; i < n; i++) {
                out.decide(in, i);
            }
            made += out.size();
        }
        out.clear();
        return made;
    }

    /** The loopback itself, for benchmarks that run a policy on it. */
    RingLoopback ring() {
        return ring;
    }

    @Override
    public void close() {
        ring.close();
    }
}
