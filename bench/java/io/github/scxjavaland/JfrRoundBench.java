// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
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
 * JMH: what the Flight Recorder round event costs. SchedulerRunner's round (a FIFO policy:
 * dequeue, decide, dispatch over the loopback rings), as the runner makes it ({@code
 * if (JfrGate.on) JfrEvents.round(...) else policy.schedule(...)}, the gate read every round):
 * {@code none}, the policy called with no gate at all (the floor); {@code off}, no recording in
 * the JVM; {@code on}, a recording with the Round event on (crossings timed, one event committed
 * per round). Scores are ns per chunk of {@code chunk} tasks, as in {@link HotPathBench};
 * ci/bench divides by the chunk.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JfrRoundBench {

    /** The FIFO decision of {@link LoopbackWork}, as a policy. */
    static final class Fifo implements SchedulingPolicy {
        @Override
        public void schedule(SchedulerChannel ch) {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                out.decide(in, i);
            }
            ch.dispatchTasks(out);
        }
    }

    /** A loopback with the chunk queued before each call and drained after it. */
    @State(Scope.Thread)
    public static class Rounds {
        @Param({"32", "512"})
        public int batch;

        @Param({"2048"})
        public int chunk;

        @Param({"none", "off", "on"})
        public String jfr;

        LoopbackWork work;
        RingLoopback ring;
        final Fifo policy = new Fifo();
        Recording recording;

        @Setup(Level.Trial)
        public void open() {
            work = new LoopbackWork(batch, chunk);
            ring = work.ring();
            if (jfr.equals("on")) {
                recording = new Recording();
                recording.enable("io.github.scxjavaland.Round").withoutStackTrace().withThreshold(java.time.Duration.ZERO);
                recording.start();
                JfrGate.on = true;
            }
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
            if (recording != null) {
                recording.close();
            }
            work.close();
        }
    }

    @Benchmark
    public int round(Rounds s) {
        boolean gate = !s.jfr.equals("none");
        for (int r = s.chunk / s.batch; r > 0; r--) {
            if (gate && JfrGate.on) { // SchedulerRunner's loop, the volatile read included
                JfrEvents.round(s.ring, s.policy);
            } else {
                s.policy.schedule(s.ring);
            }
        }
        return s.chunk;
    }
}
