// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scxjavaland.SchedulerException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The native side reports errno + phase; fromNative turns them into a reason a program can act on. */
class SchedulerExceptionTest {
    // enum sjl_phase in jni/core.h
    private static final int PHASE_SETUP = 0;
    private static final int PHASE_LOAD = 1;
    private static final int PHASE_ATTACH = 2;
    private static final int PHASE_KERNEL = 3;

    @ParameterizedTest
    @CsvSource({
        "95, NO_SCHED_EXT",
        "1, NOT_PRIVILEGED",
        "13, NOT_PRIVILEGED",
        "16, ANOTHER_SCHEDULER",
        "22, INVALID_ARGUMENT",
        "12, OTHER",
        "2, OTHER",
        "0, OTHER"})
    void errnoOutsideTheLoadPhaseMapsToAReason(int errno, Reason reason) {
        for (int phase : new int[] {PHASE_SETUP, PHASE_ATTACH}) {
            SchedulerException e = SchedulerException.fromNative(errno, phase, "msg " + errno);
            assertEquals(reason, e.reason(), "errno " + errno + " phase " + phase);
            assertEquals(errno, e.errno());
            assertEquals("msg " + errno, e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"22", "13", "1", "7", "95"})
    void anyFailureWhileLoadingIsAVerifierRejection(int errno) {
        SchedulerException e = SchedulerException.fromNative(errno, PHASE_LOAD, "verifier log");
        assertEquals(Reason.VERIFIER_REJECTED, e.reason());
        assertEquals(errno, e.errno());
    }

    @Test
    void aBrokenKernelBtfFoundBeforeLoadIsAnUnsupportedKernel() {
        SchedulerException e = SchedulerException.fromNative(95, PHASE_KERNEL, "kernel 7.2.12 ... scx_bpf_kick_cpu");
        assertEquals(Reason.UNSUPPORTED_KERNEL, e.reason());
        assertEquals(95, e.errno());
    }

    @Test
    void constructorKeepsReasonErrnoAndMessage() {
        SchedulerException e = new SchedulerException(Reason.ANOTHER_SCHEDULER, 16, "scx_rusty is enabled");
        assertEquals(Reason.ANOTHER_SCHEDULER, e.reason());
        assertEquals(16, e.errno());
        assertEquals("scx_rusty is enabled", e.getMessage());
    }
}
