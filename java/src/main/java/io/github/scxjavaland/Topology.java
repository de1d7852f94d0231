// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An immutable snapshot of the host CPU topology, read once from sysfs.
 *
 * <p>CPU ids and NUMA node ids are the kernel's own, so they can be passed to and compared with
 * values seen by the BPF side. Cores and last-level-cache (LLC) domains have no stable kernel id,
 * so they get dense indexes {@code 0..n-1}, numbered in the order of their lowest CPU.
 *
 * <p>Only online CPUs belong to cores, LLCs and nodes. Offline CPUs (possible but not online) are
 * reported by {@link #possibleCpus()} and {@link #nrCpus()} only, because the kernel removes their
 * {@code topology} directory. The snapshot does not follow CPU hotplug; read a new one instead.
 *
 * <p>Every query that takes a CPU throws {@link IllegalArgumentException}, naming the value, if the
 * CPU is out of range or offline. Arrays returned are fresh copies; none of these queries is meant
 * for the scheduling hot path, which should copy what it needs into its own arrays once.
 */
public final class Topology {
    /**
     * Highest CPU id accepted from sysfs. Far above any kernel's {@code NR_CPUS}, yet small enough
     * that arrays sized by {@link #nrCpus()} cannot blow up on a corrupt file.
     */
    static final int MAX_CPU_ID = 65_535;

    /** Highest NUMA node id accepted, for the same reason ({@code MAX_NUMNODES} is at most 1024). */
    static final int MAX_NODE_ID = 65_535;

    private static final Path HOST_SYSFS = Path.of("/sys");
    private static final String CPU_DIR = "devices/system/cpu";
    private static final String NODE_DIR = "devices/system/node";

    private final int[] possible;
    private final int[] online;
    // Per CPU id; -1 for ids that are not online.
    private final int[] coreOfCpu;
    private final int[] llcOfCpu;
    private final int[] nodeOfCpu;
    private final int[][] coreCpus;
    private final int[][] llcCpus;
    private final int[][] nodeCpus;
    private final boolean smt;

    private Topology(int[] possible, int[] online, int[] coreOfCpu, int[][] coreCpus,
                     int[] llcOfCpu, int[][] llcCpus, int[] nodeOfCpu, int[][] nodeCpus) {
        this.possible = possible;
        this.online = online;
        this.coreOfCpu = coreOfCpu;
        this.coreCpus = coreCpus;
        this.llcOfCpu = llcOfCpu;
        this.llcCpus = llcCpus;
        this.nodeOfCpu = nodeOfCpu;
        this.nodeCpus = nodeCpus;
        this.smt = Arrays.stream(coreCpus).anyMatch(core -> core.length > 1);
    }

    /**
     * Reads the topology of this machine from {@code /sys}.
     *
     * @return the host topology.
     * @throws UncheckedIOException if a sysfs file cannot be read.
     * @throws IllegalStateException if a sysfs file is malformed or contradicts another.
     */
    public static Topology host() {
        return fromSysfs(HOST_SYSFS);
    }

    /**
     * Reads a topology from a sysfs tree rooted somewhere other than {@code /sys}, e.g. a synthetic
     * machine written by a test.
     *
     * @param sysfsRoot the directory that contains {@code devices/system/cpu} and, on NUMA
     *                  machines, {@code devices/system/node}.
     * @return the topology described by that tree.
     * @throws UncheckedIOException if a required file cannot be read.
     * @throws IllegalStateException if a file is malformed or contradicts another.
     */
    public static Topology fromSysfs(Path sysfsRoot) {
        Path cpuDir = sysfsRoot.resolve(CPU_DIR);
        int[] possible = readCpuList(cpuDir.resolve("possible"));
        int[] online = readCpuList(cpuDir.resolve("online"));
        if (possible.length == 0 || online.length == 0) {
            // Every running kernel has at least the boot CPU, so an empty list means a broken tree.
            Path empty = cpuDir.resolve(possible.length == 0 ? "possible" : "online");
            throw new IllegalStateException("no CPUs listed in " + empty);
        }
        int nrCpus = possible[possible.length - 1] + 1;
        boolean[] isOnline = onlineMask(nrCpus, possible, online, cpuDir);

        int[] coreOfCpu = new int[nrCpus];
        int[][] coreCpus = groups(readCores(cpuDir, online, isOnline), online, coreOfCpu);
        int[] llcOfCpu = new int[nrCpus];
        int[][] llcCpus = groups(readLlcs(cpuDir, online, isOnline), online, llcOfCpu);
        int[] nodeOfCpu = new int[nrCpus];
        int[][] nodeCpus = readNodes(sysfsRoot.resolve(NODE_DIR), online, isOnline, nodeOfCpu);
        return new Topology(possible, online, coreOfCpu, coreCpus, llcOfCpu, llcCpus, nodeOfCpu, nodeCpus);
    }

    /**
     * Number of CPU ids, i.e. the highest possible CPU id plus one. Size per-CPU arrays by this,
     * not by {@link #nrOnlineCpus()}, since ids may have gaps and offline CPUs may come online.
     *
     * @return the highest possible CPU id plus one.
     */
    public int nrCpus() {
        return coreOfCpu.length;
    }

    /**
     * Number of CPUs that were online when the snapshot was read.
     *
     * @return the number of online CPUs, at least 1.
     */
    public int nrOnlineCpus() {
        return online.length;
    }

    /**
     * Whether a CPU was online when the snapshot was read.
     *
     * @param cpu a CPU id in {@code [0, nrCpus())}.
     * @return true if online; false if offline or not a possible CPU (a gap in the id space).
     * @throws IllegalArgumentException if {@code cpu} is out of range.
     */
    public boolean isOnline(int cpu) {
        return coreOfCpu[checkRange(cpu)] >= 0;
    }

    /**
     * The possible CPU ids, online or not.
     *
     * @return a sorted copy of the possible CPU ids.
     */
    public int[] possibleCpus() {
        return possible.clone();
    }

    /**
     * The online CPU ids.
     *
     * @return a sorted copy of the online CPU ids.
     */
    public int[] onlineCpus() {
        return online.clone();
    }

    /**
     * Number of physical cores that have at least one online CPU.
     *
     * @return the number of cores.
     */
    public int nrCores() {
        return coreCpus.length;
    }

    /**
     * The dense index of the core an online CPU belongs to.
     *
     * @param cpu an online CPU id.
     * @return a core index in {@code [0, nrCores())}.
     * @throws IllegalArgumentException if {@code cpu} is out of range or offline.
     */
    public int coreOf(int cpu) {
        return coreOfCpu[checkOnline(cpu)];
    }

    /**
     * The online SMT siblings of a CPU, i.e. the online CPUs of its core, including itself.
     *
     * @param cpu an online CPU id.
     * @return a sorted copy of the sibling CPU ids.
     * @throws IllegalArgumentException if {@code cpu} is out of range or offline.
     */
    public int[] siblingsOf(int cpu) {
        return coreCpus[coreOf(cpu)].clone();
    }

    /**
     * Whether SMT is in use, i.e. some core has more than one online CPU. Turning SMT off at run
     * time takes the extra threads offline, so this reads false then.
     *
     * @return true if any core has more than one online CPU.
     */
    public boolean smtEnabled() {
        return smt;
    }

    /**
     * Number of last-level-cache domains that have at least one online CPU.
     *
     * @return the number of LLC domains.
     */
    public int nrLlcs() {
        return llcCpus.length;
    }

    /**
     * The dense index of the last-level-cache domain of an online CPU. A CPU with no cache
     * information in sysfs forms a domain of its own.
     *
     * @param cpu an online CPU id.
     * @return an LLC index in {@code [0, nrLlcs())}.
     * @throws IllegalArgumentException if {@code cpu} is out of range or offline.
     */
    public int llcOf(int cpu) {
        return llcOfCpu[checkOnline(cpu)];
    }

    /**
     * The online CPUs sharing a last-level cache.
     *
     * @param llc an LLC index in {@code [0, nrLlcs())}.
     * @return a sorted copy of the CPU ids in that domain.
     * @throws IllegalArgumentException if {@code llc} is out of range.
     */
    public int[] cpusOfLlc(int llc) {
        if (llc < 0 || llc >= llcCpus.length) {
            throw new IllegalArgumentException("llc " + llc + " out of range [0, " + llcCpus.length + ")");
        }
        return llcCpus[llc].clone();
    }

    /**
     * Number of NUMA node ids, i.e. the highest node id plus one; a kernel without NUMA support
     * counts as the single node 0. Nodes without CPUs, such as memory-only nodes, are counted, so
     * per-node arrays indexed by kernel node id fit.
     *
     * @return the highest NUMA node id plus one.
     */
    public int nrNodes() {
        return nodeCpus.length;
    }

    /**
     * The kernel NUMA node id of an online CPU.
     *
     * @param cpu an online CPU id.
     * @return a node id in {@code [0, nrNodes())}.
     * @throws IllegalArgumentException if {@code cpu} is out of range or offline.
     */
    public int nodeOf(int cpu) {
        return nodeOfCpu[checkOnline(cpu)];
    }

    /**
     * The online CPUs of a NUMA node.
     *
     * @param node a kernel node id in {@code [0, nrNodes())}.
     * @return a sorted copy of the CPU ids of that node; empty for a node without online CPUs.
     * @throws IllegalArgumentException if {@code node} is out of range.
     */
    public int[] cpusOfNode(int node) {
        if (node < 0 || node >= nodeCpus.length) {
            throw new IllegalArgumentException("node " + node + " out of range [0, " + nodeCpus.length + ")");
        }
        return nodeCpus[node].clone();
    }

    /**
     * A one-line summary, e.g. {@code 8 CPUs (8 online), 4 cores, SMT on, 1 LLC, 1 node}.
     *
     * @return the summary.
     */
    @Override
    public String toString() {
        return plural(nrCpus(), "CPU") + " (" + nrOnlineCpus() + " online), " + plural(nrCores(), "core")
            + ", SMT " + (smt ? "on" : "off") + ", " + plural(nrLlcs(), "LLC") + ", " + plural(nrNodes(), "node");
    }

    /**
     * Parses a kernel CPU list such as {@code 0-3,5,7-8}, as found in sysfs.
     *
     * @param text   the list; surrounding whitespace (sysfs ends it with a newline) is ignored.
     * @param source where the text came from, for error messages.
     * @return the CPU ids, sorted and without duplicates; empty for an empty list.
     * @throws IllegalStateException if the text is not a valid CPU list.
     */
    static int[] parseCpuList(String text, String source) {
        String body = text.strip();
        if (body.isEmpty()) {
            return new int[0];
        }
        BitSet cpus = new BitSet();
        // Limit -1 keeps trailing empty items, so "0," is rejected rather than read as "0".
        for (String item : body.split(",", -1)) {
            int dash = item.indexOf('-');
            int first = parseCpuId(dash < 0 ? item : item.substring(0, dash), body, source);
            int last = dash < 0 ? first : parseCpuId(item.substring(dash + 1), body, source);
            if (last < first) {
                throw malformedList(body, source, "descending range '" + item + "'");
            }
            cpus.set(first, last + 1);
        }
        return cpus.stream().toArray();
    }

    private static int parseCpuId(String digits, String body, String source) {
        // Nine digits cannot overflow an int, and the bound check below rejects anything longer anyway.
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformedList(body, source, "bad CPU id '" + digits + "'");
        }
        int id = Integer.parseInt(digits);
        if (id > MAX_CPU_ID) {
            throw malformedList(body, source, "CPU id " + id + " above " + MAX_CPU_ID);
        }
        return id;
    }

    private static IllegalStateException malformedList(String body, String source, String why) {
        return new IllegalStateException("malformed CPU list in " + source + ": '" + body + "' (" + why + ")");
    }

    /**
     * Picks an idle CPU for a task that last ran on {@code prevCpu}, nearest first: {@code
     * prevCpu} itself, then an SMT sibling of it, a CPU sharing its last-level cache, one on
     * its NUMA node, any other (the lowest id at each distance); and removes it from {@code
     * idle}, so the next pick of the same round does not choose it again. One pass over the
     * idle CPUs, no allocation: with {@link SchedulerChannel#idleCpus} read once per round, a
     * whole batch is placed without a crossing into the kernel.
     *
     * <pre>{@code
     * ch.idleCpus(idle);
     * for (int i = 0; i < n; i++) {
     *     int cpu = topology.pickIdleCpu(idle, in, i);
     *     out.decide(in, i).cpu(cpu >= 0 ? cpu : DispatchedTask.RL_CPU_ANY);
     * }
     * }</pre>
     *
     * @param idle the CPUs idle now; the one returned is removed
     * @param prevCpu the CPU the task last ran on (one this topology does not know, or an
     *     offline one, just gives up the locality)
     * @param allowed the CPUs the task may use ({@link QueuedTasks#cpusAllowed})
     * @return a CPU of {@code idle} that {@code allowed} holds, or -1 if there is none
     */
    public int pickIdleCpu(CpuSet idle, int prevCpu, CpuSet allowed) {
        return pick(idle, prevCpu, allowed, null, 0, Integer.MAX_VALUE);
    }

    /**
     * {@link #pickIdleCpu(CpuSet, int, CpuSet)} for queued task {@code i}: from the CPU it last
     * ran on, among the CPUs its affinity allows, reading the batch in place.
     *
     * @param idle the CPUs idle now; the one returned is removed
     * @param tasks a batch from a dequeue
     * @param i index in that batch
     * @return a CPU of {@code idle} the task may run on, or -1 if there is none
     */
    public int pickIdleCpu(CpuSet idle, QueuedTasks tasks, int i) {
        return pick(idle, tasks.cpu(i), null, tasks, i, tasks.nrCpuIds());
    }

    /** The one loop of both: the allowed CPUs come from {@code allowed}, else from the batch. */
    private int pick(CpuSet idle, int prevCpu, CpuSet allowed, QueuedTasks tasks, int i, int nrIds) {
        int best = -1;
        int bestScore = -1;
        for (int c = idle.next(0); c >= 0 && c < nrIds; c = idle.next(c + 1)) {
            if (allowed != null ? !allowed.contains(c) : !tasks.mayRunOn(i, c)) {
                continue;
            }
            int score = closeness(prevCpu, c);
            if (score > bestScore) {
                best = c;
                bestScore = score;
                if (score == SAME_CPU) {
                    break;
                }
            }
        }
        idle.remove(best);
        return best;
    }

    private static final int SAME_CPU = 4;

    /** 4 same CPU, 3 SMT sibling, 2 same LLC, 1 same node, 0 otherwise (or prev unknown). */
    private int closeness(int prev, int cpu) {
        if (prev == cpu) {
            return SAME_CPU;
        }
        if (prev < 0 || prev >= coreOfCpu.length || cpu >= coreOfCpu.length || coreOfCpu[prev] < 0
                || coreOfCpu[cpu] < 0) {
            return 0;
        }
        if (coreOfCpu[prev] == coreOfCpu[cpu]) {
            return 3;
        }
        if (llcOfCpu[prev] == llcOfCpu[cpu]) {
            return 2;
        }
        return nodeOfCpu[prev] == nodeOfCpu[cpu] ? 1 : 0;
    }

    private int checkRange(int cpu) {
        if (cpu < 0 || cpu >= coreOfCpu.length) {
            throw new IllegalArgumentException("cpu " + cpu + " out of range [0, " + coreOfCpu.length + ")");
        }
        return cpu;
    }

    private int checkOnline(int cpu) {
        if (coreOfCpu[checkRange(cpu)] < 0) {
            throw new IllegalArgumentException("cpu " + cpu + " is not online");
        }
        return cpu;
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static boolean[] onlineMask(int nrCpus, int[] possible, int[] online, Path cpuDir) {
        boolean[] isPossible = new boolean[nrCpus];
        for (int cpu : possible) {
            isPossible[cpu] = true;
        }
        boolean[] isOnline = new boolean[nrCpus];
        for (int cpu : online) {
            if (cpu >= nrCpus || !isPossible[cpu]) {
                throw new IllegalStateException("cpu " + cpu + " is listed in " + cpuDir.resolve("online")
                    + " but not in " + cpuDir.resolve("possible"));
            }
            isOnline[cpu] = true;
        }
        return isOnline;
    }

    /** Joins each online CPU with its online SMT siblings. */
    private static DisjointSets readCores(Path cpuDir, int[] online, boolean[] isOnline) {
        DisjointSets cores = new DisjointSets(isOnline.length);
        int[] packageOf = new int[isOnline.length];
        // Fallback key when a kernel exposes neither siblings file: (package, core_id) -> first CPU.
        Map<Long, Integer> byCoreId = new HashMap<>();
        for (int cpu : online) {
            Path topo = cpuDir.resolve("cpu" + cpu).resolve("topology");
            if (!Files.isDirectory(topo)) {
                throw new IllegalStateException("cpu " + cpu + " is online but has no directory " + topo);
            }
            // Read even when the siblings list is present, so a corrupt file is reported, not ignored.
            int coreId = readInt(topo.resolve("core_id"));
            packageOf[cpu] = readInt(requireEither(topo, "physical_package_id", "package_id"));
            Path siblingsFile = either(topo, "thread_siblings_list", "core_cpus_list");
            if (siblingsFile == null) {
                long key = ((long) packageOf[cpu] << 32) | (coreId & 0xffff_ffffL);
                cores.union(cpu, byCoreId.computeIfAbsent(key, k -> cpu));
                continue;
            }
            for (int sibling : readCpuListContaining(siblingsFile, cpu)) {
                if (sibling < isOnline.length && isOnline[sibling]) {
                    cores.union(cpu, sibling);
                }
            }
        }
        // Threads of one core always share a package; anything else means the tree is inconsistent.
        for (int cpu : online) {
            int first = cores.find(cpu);
            if (packageOf[cpu] != packageOf[first]) {
                throw new IllegalStateException("cpus " + first + " and " + cpu + " are SMT siblings but report"
                    + " packages " + packageOf[first] + " and " + packageOf[cpu] + " under " + cpuDir);
            }
        }
        return cores;
    }

    /** Joins each online CPU with the online CPUs that share its last-level cache. */
    private static DisjointSets readLlcs(Path cpuDir, int[] online, boolean[] isOnline) {
        DisjointSets llcs = new DisjointSets(isOnline.length);
        for (int cpu : online) {
            Path cacheDir = lastLevelCache(cpuDir.resolve("cpu" + cpu).resolve("cache"));
            if (cacheDir == null) {
                continue; // No cache information: the CPU stays a domain of its own.
            }
            for (int other : readCpuListContaining(cacheDir.resolve("shared_cpu_list"), cpu)) {
                if (other < isOnline.length && isOnline[other]) {
                    llcs.union(cpu, other);
                }
            }
        }
        return llcs;
    }

    /**
     * Picks the highest-level cache that holds data (Unified or Data; instruction caches do not
     * decide which CPUs share a working set). Ties go to the lowest index.
     *
     * @return the chosen {@code indexK} directory, or null if there is none.
     */
    private static Path lastLevelCache(Path cacheDir) {
        if (!Files.isDirectory(cacheDir)) {
            return null;
        }
        Path best = null;
        int bestLevel = Integer.MIN_VALUE;
        for (Path index : numberedChildren(cacheDir, "index").values()) {
            String type = read(index.resolve("type")).strip();
            if (!type.equals("Unified") && !type.equals("Data")) {
                continue;
            }
            int level = readInt(index.resolve("level"));
            if (level > bestLevel) {
                bestLevel = level;
                best = index;
            }
        }
        return best;
    }

    /**
     * Fills {@code nodeOfCpu} with kernel node ids and returns the online CPUs of each node id. A
     * kernel without NUMA support has no node directory; then everything is node 0.
     */
    private static int[][] readNodes(Path nodeDir, int[] online, boolean[] isOnline, int[] nodeOfCpu) {
        Arrays.fill(nodeOfCpu, -1);
        TreeMap<Integer, Path> nodes = Files.isDirectory(nodeDir) ? numberedChildren(nodeDir, "node") : new TreeMap<>();
        if (nodes.isEmpty()) {
            for (int cpu : online) {
                nodeOfCpu[cpu] = 0;
            }
            return new int[][] {online.clone()};
        }
        int nrNodes = nodes.lastKey() + 1;
        if (nrNodes - 1 > MAX_NODE_ID) {
            throw new IllegalStateException("NUMA node id " + (nrNodes - 1) + " above " + MAX_NODE_ID + " in " + nodeDir);
        }
        int[][] nodeCpus = new int[nrNodes][0];
        for (Map.Entry<Integer, Path> entry : nodes.entrySet()) {
            int node = entry.getKey();
            Path cpulist = entry.getValue().resolve("cpulist");
            // The list may name offline CPUs; only online ones belong to a node here.
            int[] cpus = Arrays.stream(readCpuList(cpulist)).filter(c -> c < isOnline.length && isOnline[c]).toArray();
            for (int cpu : cpus) {
                if (nodeOfCpu[cpu] >= 0) {
                    throw new IllegalStateException("cpu " + cpu + " is listed in both node" + nodeOfCpu[cpu]
                        + " and node" + node + " under " + nodeDir);
                }
                nodeOfCpu[cpu] = node;
            }
            nodeCpus[node] = cpus;
        }
        for (int cpu : online) {
            if (nodeOfCpu[cpu] < 0) {
                throw new IllegalStateException("cpu " + cpu + " is online but in no NUMA node under " + nodeDir);
            }
        }
        return nodeCpus;
    }

    /**
     * Numbers the groups in the order of their lowest online CPU, fills {@code indexOfCpu} (-1 for
     * CPUs that are not online) and returns the sorted members of each group.
     */
    private static int[][] groups(DisjointSets sets, int[] online, int[] indexOfCpu) {
        Arrays.fill(indexOfCpu, -1);
        int[] indexOfRoot = new int[indexOfCpu.length];
        Arrays.fill(indexOfRoot, -1);
        List<List<Integer>> members = new ArrayList<>();
        for (int cpu : online) {
            int root = sets.find(cpu);
            if (indexOfRoot[root] < 0) {
                indexOfRoot[root] = members.size();
                members.add(new ArrayList<>());
            }
            indexOfCpu[cpu] = indexOfRoot[root];
            members.get(indexOfRoot[root]).add(cpu);
        }
        // online is sorted, so each member list already is.
        return members.stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** Children of {@code dir} named {@code prefix} followed by a number, keyed by that number. */
    private static TreeMap<Integer, Path> numberedChildren(Path dir, String prefix) {
        TreeMap<Integer, Path> children = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(child -> {
                String name = child.getFileName().toString();
                String digits = name.substring(Math.min(prefix.length(), name.length()));
                // Length cap keeps parseInt from overflowing; such ids would be rejected anyway.
                if (name.startsWith(prefix) && !digits.isEmpty() && digits.length() <= 9
                    && digits.chars().allMatch(c -> c >= '0' && c <= '9') && Files.isDirectory(child)) {
                    children.put(Integer.parseInt(digits), child);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return children;
    }

    private static Path either(Path dir, String name, String alternative) {
        if (Files.exists(dir.resolve(name))) {
            return dir.resolve(name);
        }
        return Files.exists(dir.resolve(alternative)) ? dir.resolve(alternative) : null;
    }

    private static Path requireEither(Path dir, String name, String alternative) {
        Path file = either(dir, name, alternative);
        if (file == null) {
            String missing = dir.resolve(name).toString();
            throw new UncheckedIOException("cannot read " + missing + " (nor " + alternative + ")",
                new NoSuchFileException(missing));
        }
        return file;
    }

    private static String read(Path file) {
        try {
            // sysfs is ASCII; ISO-8859-1 decodes any byte, so garbage reaches the parser's message.
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static int readInt(Path file) {
        String text = read(file).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("malformed integer in " + file + ": '" + text + "'", e);
        }
    }

    private static int[] readCpuList(Path file) {
        return parseCpuList(read(file), file.toString());
    }

    /** Reads a list that the kernel always writes with {@code cpu} itself in it. */
    private static int[] readCpuListContaining(Path file, int cpu) {
        int[] cpus = readCpuList(file);
        if (Arrays.binarySearch(cpus, cpu) < 0) {
            throw new IllegalStateException("CPU list in " + file + " does not include cpu " + cpu + " itself");
        }
        return cpus;
    }

    /**
     * Union-find over CPU ids. Overlapping sibling or cache lists are merged, so cores and LLC
     * domains always partition the online CPUs even if the kernel's lists disagree slightly.
     */
    private static final class DisjointSets {
        private final int[] parent;

        DisjointSets(int size) {
            parent = new int[size];
            Arrays.setAll(parent, i -> i);
        }

        int find(int x) {
            while (parent[x] != x) {
                parent[x] = parent[parent[x]]; // Path halving keeps later finds short.
                x = parent[x];
            }
            return x;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            // The lower id becomes the root, so find() returns the group's lowest CPU.
            if (ra < rb) {
                parent[rb] = ra;
            } else {
                parent[ra] = rb;
            }
        }
    }
}
