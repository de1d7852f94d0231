// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExitInfoTest {
    private static final long ACT_RESTART = 1L << 48;
    private static final long RSN_HOTPLUG = 1L << 32;

    private static ExitInfo exit(int kind, long code) {
        return new ExitInfo(kind, code, "", "", "");
    }

    @Test
    void restartIsRequestedOnlyByBit48() {
        assertTrue(exit(ExitInfo.UNREG_KERN, ACT_RESTART).shouldRestart());
        assertTrue(exit(ExitInfo.UNREG_KERN, ACT_RESTART | RSN_HOTPLUG | 0xff).shouldRestart());
        assertFalse(exit(ExitInfo.UNREG_KERN, RSN_HOTPLUG).shouldRestart());
        assertFalse(exit(ExitInfo.UNREG, 0).shouldRestart());
        assertFalse(exit(ExitInfo.UNREG, ACT_RESTART << 1).shouldRestart());
        assertFalse(exit(ExitInfo.UNREG, ACT_RESTART >>> 1).shouldRestart());
    }

    @Test
    void hotplugIsBit32() {
        assertTrue(exit(ExitInfo.UNREG_KERN, ACT_RESTART | RSN_HOTPLUG).isHotplug());
        assertTrue(exit(ExitInfo.UNREG_KERN, RSN_HOTPLUG).isHotplug());
        assertFalse(exit(ExitInfo.UNREG_KERN, ACT_RESTART).isHotplug());
        assertFalse(exit(ExitInfo.UNREG_KERN, RSN_HOTPLUG << 1).isHotplug());
    }

    @ParameterizedTest
    @ValueSource(ints = {ExitInfo.ERROR, 1025, ExitInfo.ERROR_STALL, 1027, Integer.MAX_VALUE})
    void kindsFrom1024AreErrors(int kind) {
        assertTrue(exit(kind, 0).isError());
    }

    @ParameterizedTest
    @ValueSource(ints = {ExitInfo.NONE, 1, ExitInfo.UNREG, 65, ExitInfo.UNREG_KERN, 67, 1023, -1})
    void kindsBelow1024AreNotErrors(int kind) {
        assertFalse(exit(kind, 0).isError());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|none",
        "1|done",
        "64|unregistered from user space",
        "65|unregistered from BPF",
        "66|unregistered by the kernel",
        "67|disabled by sysrq-S",
        "1024|runtime error",
        "1025|error in the BPF scheduler",
        "1026|watchdog: runnable task stall",
        "999|kind 999",
        "-3|kind -3"})
    void everyKindHasAReadableName(int kind, String name) {
        assertEquals(name, exit(kind, 0).kindName());
    }

    @Test
    void constantsAreTheKernelExitKinds() {
        assertEquals(0, ExitInfo.NONE);
        assertEquals(64, ExitInfo.UNREG);
        assertEquals(66, ExitInfo.UNREG_KERN);
        assertEquals(1024, ExitInfo.ERROR);
        assertEquals(1026, ExitInfo.ERROR_STALL);
    }

    @Test
    void reportOfACleanDetachIsOneLine() {
        assertEquals("exit kind 64 (unregistered from user space), code 0x0", exit(ExitInfo.UNREG, 0).report());
    }

    @Test
    void reportSaysWhenAndWhyARestartWasRequested() {
        assertEquals("exit kind 66 (unregistered by the kernel), code 0x1000100000000 (restart requested: CPU hotplug)",
                exit(ExitInfo.UNREG_KERN, ACT_RESTART | RSN_HOTPLUG).report());
        assertEquals("exit kind 66 (unregistered by the kernel), code 0x1000000000000 (restart requested)",
                exit(ExitInfo.UNREG_KERN, ACT_RESTART).report());
        assertFalse(exit(ExitInfo.UNREG_KERN, RSN_HOTPLUG).report().contains("restart"));
    }

    @Test
    void reportAddsReasonMessageAndDumpOnlyWhenPresent() {
        ExitInfo stall = new ExitInfo(ExitInfo.ERROR_STALL, 0, "runnable task stall",
                "kworker/0:1[42] failed to run for 5.0s", "CPU 0: ...\nCPU 1: ...");
        assertEquals("exit kind 1026 (watchdog: runnable task stall), code 0x0"
                + "\nreason: runnable task stall"
                + "\nmessage: kworker/0:1[42] failed to run for 5.0s"
                + "\ndump:\nCPU 0: ...\nCPU 1: ...", stall.report());
        String onlyMessage = new ExitInfo(ExitInfo.ERROR, 0, "", "oops", "").report();
        assertTrue(onlyMessage.endsWith("\nmessage: oops"), onlyMessage);
        assertFalse(onlyMessage.contains("reason:"), onlyMessage);
        assertFalse(onlyMessage.contains("dump:"), onlyMessage);
    }

    @Test
    void negativeExitCodesPrintAsUnsignedHex() {
        assertTrue(exit(ExitInfo.ERROR, -1).report().contains("code 0xffffffffffffffff"));
    }

    @Test
    void equalReportsAreEqualRecords() {
        assertEquals(new ExitInfo(64, 0, "r", "m", "d"), new ExitInfo(64, 0, "r", "m", "d"));
        assertEquals(new ExitInfo(64, 0, "r", "m", "d").hashCode(), new ExitInfo(64, 0, "r", "m", "d").hashCode());
    }
}
