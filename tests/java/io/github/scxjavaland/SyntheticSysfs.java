// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Writes a fake sysfs CPU and NUMA tree under a test's temporary directory, in the same file
 * layout and text format as the kernel (lists as ranges, values ending with a newline).
 */
final class SyntheticSysfs {
    private final Path root;

    SyntheticSysfs(Path root) {
        this.root = root;
    }

    /** The directory to pass to {@link Topology#fromSysfs(Path)}. */
    Path root() {
        return root;
    }

    /** Writes {@code content} to {@code relative}, creating parent directories. */
    SyntheticSysfs write(String relative, String content) {
        Path file = root.resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Removes a file or a whole directory tree, if present. */
    SyntheticSysfs delete(String relative) {
        try (Stream<Path> paths = Files.walk(root.resolve(relative))) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes {@code cpu/possible} and {@code cpu/online}. */
    SyntheticSysfs cpuLists(String possible, String online) {
        return write("devices/system/cpu/possible", possible + "\n").write("devices/system/cpu/online", online + "\n");
    }

    /** Writes the {@code topology} directory of one CPU. */
    SyntheticSysfs cpu(int cpu, int pkg, int coreId, int... siblings) {
        String dir = "devices/system/cpu/cpu" + cpu + "/topology/";
        return write(dir + "core_id", coreId + "\n")
            .write(dir + "physical_package_id", pkg + "\n")
            .write(dir + "thread_siblings_list", list(siblings) + "\n");
    }

    /** Writes one {@code cache/indexK} directory of one CPU. */
    SyntheticSysfs cache(int cpu, int index, int level, String type, int... shared) {
        String dir = "devices/system/cpu/cpu" + cpu + "/cache/index" + index + "/";
        return write(dir + "level", level + "\n").write(dir + "type", type + "\n")
            .write(dir + "shared_cpu_list", list(shared) + "\n");
    }

    /** Writes {@code node/nodeN/cpulist}. */
    SyntheticSysfs node(int node, int... cpus) {
        return write("devices/system/node/node" + node + "/cpulist", list(cpus) + "\n");
    }

    /**
     * A machine numbered like Intel: all first threads, socket by socket, then all second threads,
     * so CPU {@code c}'s sibling is {@code c + sockets * cores}. Each core has private L1d, L1i and
     * L2; each socket one L3 and, if {@code numaPerSocket}, its own NUMA node.
     */
    static SyntheticSysfs smtMachine(Path root, int sockets, int cores, int threads, boolean numaPerSocket) {
        SyntheticSysfs sysfs = new SyntheticSysfs(root);
        int perThread = sockets * cores;
        int nrCpus = perThread * threads;
        sysfs.cpuLists("0-" + (nrCpus - 1), "0-" + (nrCpus - 1));
        for (int socket = 0; socket < sockets; socket++) {
            int thisSocket = socket;
            int[] socketCpus = IntStream.range(0, nrCpus).filter(c -> c % perThread / cores == thisSocket).toArray();
            for (int core = 0; core < cores; core++) {
                int first = socket * cores + core;
                int[] siblings = IntStream.range(0, threads).map(t -> first + t * perThread).toArray();
                for (int cpu : siblings) {
                    sysfs.cpu(cpu, socket, core, siblings)
                        .cache(cpu, 0, 1, "Data", siblings)
                        .cache(cpu, 1, 1, "Instruction", siblings)
                        .cache(cpu, 2, 2, "Unified", siblings)
                        .cache(cpu, 3, 3, "Unified", socketCpus);
                }
            }
            if (numaPerSocket) {
                sysfs.node(socket, socketCpus);
            }
        }
        return sysfs;
    }

    /** Formats CPU ids the way the kernel does: sorted, with runs as ranges, e.g. {@code 0-3,8}. */
    static String list(int... cpus) {
        int[] sorted = IntStream.of(cpus).sorted().distinct().toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sorted.length; i++) {
            int start = i;
            while (i + 1 < sorted.length && sorted[i + 1] == sorted[i] + 1) {
                i++;
            }
            text.append(text.length() == 0 ? "" : ",").append(sorted[start]);
            if (i > start) {
                text.append('-').append(sorted[i]);
            }
        }
        return text.toString();
    }
}
