// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes the Java hot path allocates per task in steady state, read from
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes} around a long run of
 * {@link LoopbackWork} chunks (BPF produce and consume included, so the JNI calls that play the
 * kernel count too). Each configuration first runs untimed so the JIT has compiled the loop,
 * then is measured in {@value #WINDOWS} consecutive windows: the steady-state figure is the
 * median window, and the total over all windows is reported too, so a one-off (a JIT
 * deoptimisation re-materialising an object, say) shows without passing for a per-task cost.
 * A probe that allocates one known array per chunk checks that the accounting sees it.
 *
 * <p>Usage: {@code AllocationCheck [--tasks N] [--warmup-ms MS] [--batches 1,8,...] [--csv FILE]}
 */
public final class AllocationCheck {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WINDOWS = 5;
    private static long[] sink;

    private AllocationCheck() {}

    public static void main(String[] args) throws IOException {
        long tasks = 4_000_000;
        long warmupMs = 1500;
        String batches = "1,8,32,128,512";
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks": tasks = Long.parseLong(args[++i]); break;
                case "--warmup-ms": warmupMs = Long.parseLong(args[++i]); break;
                case "--batches": batches = args[++i]; break;
                case "--csv": csv = Path.of(args[++i]); break;
                default:
                    System.err.println("usage: AllocationCheck [--tasks N] [--warmup-ms MS] [--batches LIST] [--csv FILE]");
                    System.exit(2);
            }
        }
        if (!MX.isThreadAllocatedMemorySupported() || !MX.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("thread allocation accounting is not available");
        }
        StringBuilder rows = new StringBuilder(
                "impl,path,metric,batch,bytes_per_million_tasks,total_bytes,total_tasks,windows_with_allocation\n");
        System.out.printf("Java hot path, bytes allocated per million tasks: median of %d windows of %d tasks"
                + " [all windows]%n", WINDOWS, tasks / WINDOWS);
        System.out.printf("%6s %22s %22s %22s%n", "batch", "batch API", "per-task API", "probe");
        for (String b : batches.split(",")) {
            int batch = Integer.parseInt(b.trim());
            String line = String.format("%6d", batch);
            for (int p = 0; p < 3; p++) {
                String path = p == 0 ? "batch" : p == 1 ? "pertask" : "probe";
                long[][] w = measure(batch, p, tasks / WINDOWS, warmupMs);
                double[] perMillion = new double[WINDOWS];
                long bytes = 0;
                long moved = 0;
                int nonzero = 0;
                for (int k = 0; k < WINDOWS; k++) {
                    perMillion[k] = w[k][0] * 1e6 / w[k][1];
                    bytes += w[k][0];
                    moved += w[k][1];
                    nonzero += w[k][0] > 0 ? 1 : 0;
                }
                java.util.Arrays.sort(perMillion);
                double median = perMillion[WINDOWS / 2];
                rows.append(String.format("java,%s,alloc,%d,%.3f,%d,%d,%d%n", path, batch, median, bytes, moved, nonzero));
                line += String.format(" %10.1f [%9.1f]", median, bytes * 1e6 / moved);
            }
            System.out.println(line);
        }
        System.out.printf("(probe: the batch API plus one long[16] (144 bytes) per %d-task chunk, i.e. %.0f"
                + " bytes per million tasks expected)%n", LoopbackWork.CHUNK, 144e6 / LoopbackWork.CHUNK);
        if (csv != null) {
            Files.writeString(csv, rows);
        }
    }

    /** Per window {bytes allocated, tasks moved} for one path (0 batch, 1 per task, 2 probe). */
    private static long[][] measure(int batch, int path, long tasksPerWindow, long warmupMs) {
        try (LoopbackWork w = new LoopbackWork(batch, LoopbackWork.CHUNK)) {
            long end = System.nanoTime() + warmupMs * 1_000_000;
            while (System.nanoTime() < end) {
                chunk(w, path);
            }
            long chunks = Math.max(1, tasksPerWindow / LoopbackWork.CHUNK);
            long overhead = MX.getCurrentThreadAllocatedBytes();
            overhead = MX.getCurrentThreadAllocatedBytes() - overhead;
            long[][] result = new long[WINDOWS][];
            for (int k = 0; k < WINDOWS; k++) {
                long before = MX.getCurrentThreadAllocatedBytes();
                long moved = 0;
                for (long c = 0; c < chunks; c++) {
                    moved += chunk(w, path);
                }
                long bytes = Math.max(0, MX.getCurrentThreadAllocatedBytes() - before - overhead);
                result[k] = new long[] {bytes, moved};
            }
            return result;
        }
    }

    private static int chunk(LoopbackWork w, int path) {
        w.produce(LoopbackWork.CHUNK);
        int n = w.userChunk(path == 1);
        if (path == 2) {
            sink = new long[16];
        }
        w.consume(LoopbackWork.CHUNK);
        return n;
    }
}
