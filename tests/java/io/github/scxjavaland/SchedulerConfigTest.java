// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulerConfigTest {

    /** Builds from the defaults with one change, expecting a rejection; returns its message. */
    private static String rejected(UnaryOperator<SchedulerConfig.Builder> change) {
        return assertThrows(IllegalArgumentException.class,
                () -> change.apply(SchedulerConfig.builder()).build()).getMessage();
    }

    private static void assertRejectedNaming(String field, String value,
            UnaryOperator<SchedulerConfig.Builder> change) {
        String msg = rejected(change);
        assertTrue(msg.contains(field), () -> "message does not name " + field + ": " + msg);
        assertTrue(msg.contains(value), () -> "message does not name the value " + value + ": " + msg);
    }

    private static void assertSameSettings(SchedulerConfig a, SchedulerConfig b) {
        assertAll(
                () -> assertEquals(a.opsName(), b.opsName()),
                () -> assertEquals(a.sliceNs(), b.sliceNs()),
                () -> assertEquals(a.watchdogTimeoutMs(), b.watchdogTimeoutMs()),
                () -> assertEquals(a.exitDumpLen(), b.exitDumpLen()),
                () -> assertEquals(a.stallTimeoutNs(), b.stallTimeoutNs()),
                () -> assertEquals(a.partial(), b.partial()),
                () -> assertEquals(a.debug(), b.debug()),
                () -> assertEquals(a.builtinIdle(), b.builtinIdle()),
                () -> assertEquals(a.batchCapacity(), b.batchCapacity()),
                () -> assertEquals(a.lockMemory(), b.lockMemory()),
                () -> assertEquals(a.toString(), b.toString()));
    }

    /** Every setting away from its default, all still valid. */
    private static SchedulerConfig everythingChanged() {
        return SchedulerConfig.builder()
                .opsName("my.sched-2_x")
                .sliceNs(20_000_000L)
                .watchdogTimeoutMs(10_000)
                .exitDumpLen(4096)
                .stallTimeoutNs(250_000_000L)
                .partial(true)
                .debug(true)
                .builtinIdle(false)
                .batchCapacity(64)
                .lockMemory(false)
                .build();
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        SchedulerConfig c = SchedulerConfig.defaults();
        assertAll(
                () -> assertEquals("javaland", c.opsName()),
                () -> assertEquals(5_000_000L, c.sliceNs()),
                () -> assertEquals(5_000, c.watchdogTimeoutMs()),
                () -> assertEquals(32_768, c.exitDumpLen()),
                () -> assertEquals(1_000_000_000L, c.stallTimeoutNs()),
                () -> assertFalse(c.partial()),
                () -> assertFalse(c.debug()),
                () -> assertTrue(c.builtinIdle()),
                () -> assertEquals(512, c.batchCapacity()),
                () -> assertTrue(c.lockMemory()));
        assertSameSettings(c, SchedulerConfig.builder().build());
    }

    @Test
    void toStringNamesEverySetting() {
        String s = everythingChanged().toString();
        for (String part : new String[] {"opsName=my.sched-2_x", "sliceNs=20000000", "watchdogTimeoutMs=10000",
                "exitDumpLen=4096", "stallTimeoutNs=250000000", "partial=true", "debug=true",
                "builtinIdle=false", "batchCapacity=64", "lockMemory=false"}) {
            assertTrue(s.contains(part), () -> s + " lacks " + part);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "fifo", "A-Z_a.z-0.9", "0", "scx_rustland.v2"})
    void opsNameAcceptsOneTo63CharactersOfTheAllowedSet(String name) {
        assertEquals(name, SchedulerConfig.builder().opsName(name).build().opsName());
    }

    @Test
    void opsNameOf63CharactersIsTheLongestAccepted() {
        String longest = "n".repeat(63);
        assertEquals(longest, SchedulerConfig.builder().opsName(longest).build().opsName());
        String tooLong = "n".repeat(64);
        assertRejectedNaming("opsName", "\"" + tooLong + "\"", b -> b.opsName(tooLong));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "with space", "slash/name", "quote\"", "new\nline", "caf\u00e9", "semi;colon",
            "tab\t", "nul\u0000"})
    void opsNameOutsideTheCharsetIsRejectedByName(String name) {
        assertRejectedNaming("opsName", "\"" + name + "\"", b -> b.opsName(name));
    }

    @Test
    void opsNameNullIsRejectedAtOnce() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> SchedulerConfig.builder().opsName(null));
        assertTrue(e.getMessage().contains("opsName"));
    }

    @Test
    void sliceAcceptsItsInclusiveBounds() {
        assertEquals(10_000L, SchedulerConfig.builder().sliceNs(10_000L).build().sliceNs());
        assertEquals(1_000_000_000L, SchedulerConfig.builder().sliceNs(1_000_000_000L).build().sliceNs());
        assertEquals(3_000_000L, SchedulerConfig.builder().slice(Duration.ofMillis(3)).build().sliceNs());
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -1, 0, 9_999, 1_000_000_001L, Long.MAX_VALUE})
    void sliceOutside10UsTo1SIsRejectedByName(long ns) {
        assertRejectedNaming("sliceNs", Long.toString(ns), b -> b.sliceNs(ns));
    }

    @Test
    void sliceGivenAsDurationIsCheckedTheSameWay() {
        assertRejectedNaming("sliceNs", "9000", b -> b.slice(Duration.ofNanos(9_000)));
        assertRejectedNaming("sliceNs", "2000000000", b -> b.slice(Duration.ofSeconds(2)));
    }

    @Test
    void watchdogAcceptsItsInclusiveBounds() {
        // A stall timeout must stay below the watchdog, so the lowest watchdog needs a smaller one.
        assertEquals(100, SchedulerConfig.builder().watchdogTimeoutMs(100).stallTimeoutNs(0).build()
                .watchdogTimeoutMs());
        assertEquals(30_000, SchedulerConfig.builder().watchdogTimeoutMs(30_000).build().watchdogTimeoutMs());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 99, 30_001, Integer.MAX_VALUE})
    void watchdogOutside100To30000MsIsRejectedByName(int ms) {
        assertRejectedNaming("watchdogTimeoutMs", Integer.toString(ms), b -> b.watchdogTimeoutMs(ms).stallTimeoutNs(0));
    }

    @Test
    void exitDumpAcceptsZeroTo16MiB() {
        assertEquals(0, SchedulerConfig.builder().exitDumpLen(0).build().exitDumpLen());
        assertEquals(1 << 24, SchedulerConfig.builder().exitDumpLen(1 << 24).build().exitDumpLen());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, (1 << 24) + 1, Integer.MAX_VALUE})
    void exitDumpOutside0To16MiBIsRejectedByName(int bytes) {
        assertRejectedNaming("exitDumpLen", Integer.toString(bytes), b -> b.exitDumpLen(bytes));
    }

    @Test
    void stallTimeoutZeroMeansNeverAndIsAccepted() {
        assertEquals(0L, SchedulerConfig.builder().stallTimeoutNs(0).build().stallTimeoutNs());
    }

    @Test
    void stallTimeoutMustBeBelowTheWatchdog() {
        long watchdogNs = 2_000 * 1_000_000L;
        assertEquals(watchdogNs - 1, SchedulerConfig.builder().watchdogTimeoutMs(2_000)
                .stallTimeoutNs(watchdogNs - 1).build().stallTimeoutNs());
        assertRejectedNaming("stallTimeoutNs", Long.toString(watchdogNs),
                b -> b.watchdogTimeoutMs(2_000).stallTimeoutNs(watchdogNs));
        assertRejectedNaming("stallTimeoutNs", Long.toString(watchdogNs + 1),
                b -> b.watchdogTimeoutMs(2_000).stallTimeoutNs(watchdogNs + 1));
        // The default stall (1 s) is too long for a 1 s watchdog: the message names both.
        String msg = rejected(b -> b.watchdogTimeoutMs(1_000));
        assertTrue(msg.contains("stallTimeoutNs 1000000000") && msg.contains("1000 ms"), msg);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void negativeStallTimeoutIsRejectedByName(long ns) {
        assertRejectedNaming("stallTimeoutNs", Long.toString(ns), b -> b.stallTimeoutNs(ns));
    }

    @Test
    void batchCapacityAcceptsOneTo65536() {
        assertEquals(1, SchedulerConfig.builder().batchCapacity(1).build().batchCapacity());
        assertEquals(65_536, SchedulerConfig.builder().batchCapacity(65_536).build().batchCapacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 65_537, Integer.MAX_VALUE})
    void batchCapacityOutside1To65536IsRejectedByName(int n) {
        assertRejectedNaming("batchCapacity", Integer.toString(n), b -> b.batchCapacity(n));
    }

    @Test
    void toBuilderRoundTripKeepsEverySetting() {
        SchedulerConfig c = everythingChanged();
        assertSameSettings(c, c.toBuilder().build());
        assertSameSettings(SchedulerConfig.defaults(), SchedulerConfig.defaults().toBuilder().build());
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        SchedulerConfig c = everythingChanged();
        SchedulerConfig d = c.toBuilder().batchCapacity(128).build();
        assertEquals(128, d.batchCapacity());
        assertSameSettings(c, d.toBuilder().batchCapacity(c.batchCapacity()).build());
    }

    @Test
    void builtConfigurationIsNotAffectedByLaterBuilderChanges() {
        SchedulerConfig.Builder b = SchedulerConfig.builder().opsName("first").batchCapacity(8);
        SchedulerConfig first = b.build();
        b.opsName("second").batchCapacity(16).partial(true);
        SchedulerConfig second = b.build();
        assertNotSame(first, second);
        assertEquals("first", first.opsName());
        assertEquals(8, first.batchCapacity());
        assertFalse(first.partial());
        assertEquals("second", second.opsName());

        SchedulerConfig c = everythingChanged();
        String before = c.toString();
        c.toBuilder().opsName("other").sliceNs(10_000).lockMemory(true);
        assertEquals(before, c.toString());
    }

    @Test
    void aFailedBuildLeavesTheBuilderUsable() {
        SchedulerConfig.Builder b = SchedulerConfig.builder().batchCapacity(0);
        assertThrows(IllegalArgumentException.class, b::build);
        assertEquals(32, b.batchCapacity(32).build().batchCapacity());
    }

    @Test
    void classIsFinalWithOnlyFinalFields() {
        assertTrue(Modifier.isFinal(SchedulerConfig.class.getModifiers()));
        for (Field f : SchedulerConfig.class.getDeclaredFields()) {
            assertTrue(Modifier.isFinal(f.getModifiers()), () -> f + " is not final");
        }
    }
}
