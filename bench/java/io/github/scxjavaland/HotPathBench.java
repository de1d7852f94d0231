// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: dequeue, decide, dispatch over the loopback rings, for the batch API and the
 * one-crossing-per-task API (see {@link LoopbackWork}). Every invocation moves one chunk of
 * {@code chunk} tasks ({@code chunk / batch} batches); scores are in ns per chunk, and ci/bench
 * divides them by {@code chunk}. Sample mode times every invocation, and ci/bench reports the
 * median: a chunk another process preempted is an outlier, not a shift, so the median holds
 * on a busy machine. The C twin (tests/native/ring_bench.c) uses the same chunks and statistic.
 *
 * <ul>
 *   <li>{@code round*}: whole rounds, BPF produce and consume included (ring_bench "round");
 *   <li>{@code user*}: the user-side part alone; the chunk is produced before and consumed after
 *       each invocation, outside the timed region (ring_bench "user");
 *   <li>{@code decideBatch}: the Java decision loop alone over one dequeued batch (ring_bench
 *       "decide");
 *   <li>{@code userCore}, {@code decideCore}: the C core doing the same work on the same rings
 *       in this JVM (one JNI call per chunk): the reference the Java figures are divided by, so
 *       the ratio compares runs of one process on one machine state.
 * </ul>
 * Run by ci/bench; by hand: {@code java -cp target/classes:target/bench-classes:$(cat
 * target/bench.classpath) org.openjdk.jmh.Main HotPathBench -prof gc}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotPathBench {

    /** An open loopback whose batch capacity is the batch size under test. */
    @State(Scope.Thread)
    public static class Rings {
        @Param({"1", "8", "32", "128", "512"})
        public int batch;

        @Param({"2048"})
        public int chunk;

        LoopbackWork work;

        @Setup(Level.Trial)
        public void open() {
            work = new LoopbackWork(batch, chunk);
        }

        @TearDown(Level.Trial)
        public void close() {
            work.close();
        }
    }

    /** Like {@link Rings}, with the chunk queued before and its decisions drained after each call. */
    @State(Scope.Thread)
    public static class Queued {
        @Param({"1", "8", "32", "128", "512"})
        public int batch;

        @Param({"2048"})
        public int chunk;

        LoopbackWork work;

        @Setup(Level.Trial)
        public void open() {
            work = new LoopbackWork(batch, chunk);
        }

        @Setup(Level.Invocation)
        public void fill() {
            work.produce(chunk);
        }

        @TearDown(Level.Invocation)
        public void drain() {
            work.consume(chunk);
        }

        @TearDown(Level.Trial)
        public void close() {
            work.close();
        }
    }

    /** Like {@link Rings}, with one batch dequeued once for the decision loop to read. */
    @State(Scope.Thread)
    public static class Dequeued {
        @Param({"1", "8", "32", "128", "512"})
        public int batch;

        @Param({"2048"})
        public int chunk;

        LoopbackWork work;

        @Setup(Level.Trial)
        public void open() {
            work = new LoopbackWork(batch, chunk);
            work.prepareDecide();
        }

        @TearDown(Level.Trial)
        public void close() {
            work.close();
        }
    }

    @Benchmark
    public int roundBatch(Rings s) {
        return s.work.rounds(false);
    }

    @Benchmark
    public int roundPerTask(Rings s) {
        return s.work.rounds(true);
    }

    @Benchmark
    public int userBatch(Queued s) {
        return s.work.userChunk(false);
    }

    @Benchmark
    public int userPerTask(Queued s) {
        return s.work.userChunk(true);
    }

    @Benchmark
    public int decideBatch(Dequeued s) {
        return s.work.decideChunk();
    }

    /** The C core's user side on the same rings, in this JVM: the reference for {@link #userBatch}. */
    @Benchmark
    public int userCore(Queued s) {
        return s.work.userChunkCore();
    }

    /** The C decision loop in this JVM: the reference for {@link #decideBatch}. */
    @Benchmark
    public int decideCore(Dequeued s) {
        return s.work.decideChunkCore();
    }
}
