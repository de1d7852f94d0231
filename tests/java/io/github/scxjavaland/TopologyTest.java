// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopologyTest {
    @TempDir
    Path root;

    private static int[] range(int from, int toInclusive) {
        return IntStream.rangeClosed(from, toInclusive).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    /** Writes CPUs that are their own core and have no cache directory. */
    private SyntheticSysfs plainCpus(String possible, String online, int... cpus) {
        SyntheticSysfs sysfs = new SyntheticSysfs(root).cpuLists(possible, online);
        for (int cpu : cpus) {
            sysfs.cpu(cpu, 0, cpu, cpu);
        }
        return sysfs;
    }

    @Test
    void shouldDescribeSingleSocketSmtMachine() {
        Topology topo = Topology.fromSysfs(SyntheticSysfs.smtMachine(root, 1, 4, 2, false).root());

        assertEquals(8, topo.nrCpus());
        assertEquals(8, topo.nrOnlineCpus());
        assertEquals(4, topo.nrCores());
        assertTrue(topo.smtEnabled());
        assertArrayEquals(new int[] {1, 5}, topo.siblingsOf(1));
        assertArrayEquals(new int[] {3, 7}, topo.siblingsOf(7));
        assertEquals(topo.coreOf(2), topo.coreOf(6));
        assertEquals(1, topo.nrLlcs());
        assertArrayEquals(range(0, 7), topo.cpusOfLlc(0));
        assertEquals(1, topo.nrNodes());
        assertArrayEquals(range(0, 7), topo.cpusOfNode(0));
        assertEquals("8 CPUs (8 online), 4 cores, SMT on, 1 LLC, 1 node", topo.toString());
    }

    @Test
    void shouldSplitTwoSocketMachineIntoLlcsAndNodes() {
        Topology topo = Topology.fromSysfs(SyntheticSysfs.smtMachine(root, 2, 8, 2, true).root());
        int[] socket0 = concat(range(0, 7), range(16, 23));
        int[] socket1 = concat(range(8, 15), range(24, 31));

        assertEquals(32, topo.nrCpus());
        assertEquals(16, topo.nrCores());
        assertArrayEquals(new int[] {8, 24}, topo.siblingsOf(24));
        assertEquals(2, topo.nrLlcs());
        assertArrayEquals(socket0, topo.cpusOfLlc(topo.llcOf(0)));
        assertArrayEquals(socket1, topo.cpusOfLlc(topo.llcOf(31)));
        assertEquals(2, topo.nrNodes());
        for (int cpu : socket0) {
            assertEquals(0, topo.nodeOf(cpu), "cpu " + cpu);
        }
        for (int cpu : socket1) {
            assertEquals(1, topo.nodeOf(cpu), "cpu " + cpu);
        }
        assertArrayEquals(socket0, topo.cpusOfNode(0));
        assertArrayEquals(socket1, topo.cpusOfNode(1));
        assertEquals("32 CPUs (32 online), 16 cores, SMT on, 2 LLCs, 2 nodes", topo.toString());
    }

    @Test
    void shouldReportOfflineCpusAsPossibleButNotOnline() {
        // The kernel removes an offline CPU's topology directory, and drops it from every list.
        SyntheticSysfs sysfs = SyntheticSysfs.smtMachine(root, 1, 4, 2, false)
            .cpuLists("0-7", "0-5")
            .delete("devices/system/cpu/cpu6")
            .delete("devices/system/cpu/cpu7");
        Topology topo = Topology.fromSysfs(sysfs.root());

        assertEquals(8, topo.nrCpus());
        assertEquals(6, topo.nrOnlineCpus());
        assertArrayEquals(range(0, 7), topo.possibleCpus());
        assertArrayEquals(range(0, 5), topo.onlineCpus());
        assertTrue(topo.isOnline(5));
        assertFalse(topo.isOnline(7));
        assertArrayEquals(new int[] {2}, topo.siblingsOf(2));
        assertArrayEquals(range(0, 5), topo.cpusOfLlc(0));
        assertArrayEquals(range(0, 5), topo.cpusOfNode(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> topo.siblingsOf(7));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> topo.llcOf(6));
        assertThrows(IllegalArgumentException.class, () -> topo.nodeOf(6));
    }

    @Test
    void shouldSizeByHighestPossibleIdWhenListHasGaps() {
        int[] cpus = concat(range(0, 3), range(8, 11));
        Topology topo = Topology.fromSysfs(plainCpus("0-3,8-11", "0-3,8-11", cpus).root());

        assertEquals(12, topo.nrCpus());
        assertEquals(8, topo.nrOnlineCpus());
        assertArrayEquals(cpus, topo.onlineCpus());
        assertArrayEquals(cpus, topo.possibleCpus());
        assertFalse(topo.isOnline(5));
        assertThrows(IllegalArgumentException.class, () -> topo.coreOf(5));
    }

    @Test
    void shouldGiveEachCpuItsOwnLlcWithoutSmtOrCaches() {
        Topology topo = Topology.fromSysfs(plainCpus("0-3", "0-3", range(0, 3)).root());

        assertFalse(topo.smtEnabled());
        assertEquals(4, topo.nrCores());
        assertEquals(4, topo.nrLlcs());
        for (int cpu = 0; cpu < 4; cpu++) {
            assertArrayEquals(new int[] {cpu}, topo.cpusOfLlc(topo.llcOf(cpu)));
            assertEquals(cpu, topo.coreOf(cpu));
        }
        assertEquals("4 CPUs (4 online), 4 cores, SMT off, 4 LLCs, 1 node", topo.toString());
    }

    @Test
    void shouldIgnoreInstructionCachesWhenChoosingLastLevel() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1", 0, 1);
        for (int cpu = 0; cpu < 2; cpu++) {
            sysfs.cache(cpu, 0, 2, "Unified", cpu).cache(cpu, 1, 3, "Instruction", 0, 1);
        }
        Topology topo = Topology.fromSysfs(sysfs.root());

        assertEquals(2, topo.nrLlcs());
    }

    @Test
    void shouldAcceptAlternativeFileNames() {
        SyntheticSysfs sysfs = new SyntheticSysfs(root).cpuLists("0-1", "0-1");
        for (int cpu = 0; cpu < 2; cpu++) {
            String dir = "devices/system/cpu/cpu" + cpu + "/topology/";
            sysfs.write(dir + "core_id", "0\n").write(dir + "package_id", "0\n").write(dir + "core_cpus_list", "0-1\n");
        }
        Topology topo = Topology.fromSysfs(sysfs.root());

        assertEquals(1, topo.nrCores());
        assertArrayEquals(new int[] {0, 1}, topo.siblingsOf(0));
    }

    @Test
    void shouldKeepKernelNodeIdsWhenSparse() {
        SyntheticSysfs sysfs = plainCpus("0-3", "0-3", range(0, 3)).node(0, 0, 1).node(2, 2, 3);
        Topology topo = Topology.fromSysfs(sysfs.root());

        assertEquals(3, topo.nrNodes());
        assertEquals(2, topo.nodeOf(3));
        assertArrayEquals(new int[0], topo.cpusOfNode(1));
        assertThrows(IllegalArgumentException.class, () -> topo.cpusOfNode(3));
    }

    @Test
    void shouldReturnDefensiveCopies() {
        Topology topo = Topology.fromSysfs(SyntheticSysfs.smtMachine(root, 1, 2, 2, false).root());

        topo.onlineCpus()[0] = 99;
        topo.siblingsOf(0)[0] = 99;
        topo.cpusOfLlc(0)[0] = 99;
        topo.cpusOfNode(0)[0] = 99;

        assertEquals(0, topo.onlineCpus()[0]);
        assertEquals(0, topo.siblingsOf(0)[0]);
        assertEquals(0, topo.cpusOfLlc(0)[0]);
        assertEquals(0, topo.cpusOfNode(0)[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 4, Integer.MAX_VALUE})
    void shouldRejectOutOfRangeCpuNamingTheValue(int cpu) {
        Topology topo = Topology.fromSysfs(plainCpus("0-3", "0-3", range(0, 3)).root());

        for (IntConsumer lookup : new IntConsumer[] {
            topo::isOnline, topo::coreOf, topo::siblingsOf, topo::llcOf, topo::nodeOf}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lookup.accept(cpu));
            assertTrue(e.getMessage().contains(Integer.toString(cpu)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> topo.cpusOfLlc(cpu));
    }

    @Test
    void shouldParseSingleCpu() {
        assertArrayEquals(new int[] {0}, Topology.parseCpuList("0", "test"));
    }

    @Test
    void shouldParseRange() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, Topology.parseCpuList("0-3", "test"));
    }

    @Test
    void shouldParseMixedListWithTrailingNewline() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 5, 7, 8}, Topology.parseCpuList("0-3,5,7-8\n", "test"));
    }

    @Test
    void shouldParseEmptyListAsEmpty() {
        assertArrayEquals(new int[0], Topology.parseCpuList("", "test"));
        assertArrayEquals(new int[0], Topology.parseCpuList("\n", "test"));
    }

    @Test
    void shouldSortAndDeduplicate() {
        assertArrayEquals(new int[] {1, 2, 3, 9}, Topology.parseCpuList("9,2-3,1-2", "test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-", "-3", "3-1", "a", "0,,1", "0,", ",0", "1-2-3", "0 1", "0-3:2/4", "+1",
        "65536", "99999999999"})
    void shouldRejectMalformedCpuListNamingTheSource(String text) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Topology.parseCpuList(text, "/sys/some/file"));
        assertTrue(e.getMessage().contains("/sys/some/file"), e.getMessage());
        assertTrue(e.getMessage().contains(text.strip()), e.getMessage());
    }

    @Test
    void shouldNameThePathWhenOnlineFileIsMissing() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1", 0, 1).delete("devices/system/cpu/online");

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains(root.resolve("devices/system/cpu/online").toString()), e.getMessage());
    }

    @Test
    void shouldRejectEmptyOnlineFile() {
        SyntheticSysfs sysfs = plainCpus("0-1", "", 0, 1);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains("online"), e.getMessage());
    }

    @Test
    void shouldRejectMalformedOnlineListNamingTheFile() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-", 0, 1);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains(root.resolve("devices/system/cpu/online").toString()), e.getMessage());
    }

    @Test
    void shouldRejectOnlineCpuThatIsNotPossible() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-2", 0, 1, 2);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains("cpu 2"), e.getMessage());
    }

    @Test
    void shouldRejectGarbageCoreId() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1", 0, 1).write("devices/system/cpu/cpu1/topology/core_id", "x1\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains(root.resolve("devices/system/cpu/cpu1/topology/core_id").toString()),
            e.getMessage());
        assertTrue(e.getMessage().contains("x1"), e.getMessage());
    }

    @Test
    void shouldRejectOnlineCpuWithoutTopologyDirectory() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1", 0, 1).delete("devices/system/cpu/cpu1/topology");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains(root.resolve("devices/system/cpu/cpu1/topology").toString()),
            e.getMessage());
    }

    @Test
    void shouldRejectSiblingListWithoutTheCpuItself() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1", 0, 1).cpu(1, 0, 1, 0);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
        assertTrue(e.getMessage().contains("thread_siblings_list"), e.getMessage());
    }

    @Test
    void shouldRejectSiblingsInDifferentPackages() {
        SyntheticSysfs sysfs = plainCpus("0-1", "0-1").cpu(0, 0, 0, 0, 1).cpu(1, 1, 0, 0, 1);

        assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(sysfs.root()));
    }

    @Test
    void shouldRejectCpuInTwoNodesOrNone() {
        SyntheticSysfs twice = plainCpus("0-1", "0-1", 0, 1).node(0, 0, 1).node(1, 1);
        assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(twice.root()));

        SyntheticSysfs none = twice.node(1);
        none.node(0, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.fromSysfs(none.root()));
        assertTrue(e.getMessage().contains("cpu 1"), e.getMessage());
    }

    @Test
    void shouldReadHostSysfs() throws Exception {
        Path online = Path.of("/sys/devices/system/cpu/online");
        assumeTrue(Files.isReadable(online), "no sysfs on this machine");
        // Compare with the file, not availableProcessors(), which a cgroup or affinity mask can lower.
        int expected = Topology.parseCpuList(Files.readString(online), online.toString()).length;

        Topology topo = Topology.host();

        assertEquals(expected, topo.nrOnlineCpus());
        assertTrue(topo.nrCores() >= 1 && topo.nrCores() <= expected, topo.toString());
        assertTrue(topo.nrLlcs() >= 1 && topo.nrLlcs() <= expected, topo.toString());
        int inLlcs = IntStream.range(0, topo.nrLlcs()).map(llc -> topo.cpusOfLlc(llc).length).sum();
        assertEquals(expected, inLlcs);
    }
}
