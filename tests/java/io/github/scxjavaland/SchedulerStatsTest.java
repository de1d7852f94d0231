// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class SchedulerStatsTest {

    /** Every counter a distinct value, so a swapped field shows. */
    private static SchedulerStats distinct() {
        return new SchedulerStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void decisionsAreUserCancelBounceAndFailedDispatches() {
        SchedulerStats s = distinct();
        assertEquals(5 + 7 + 8 + 9, s.nrDecisions());
    }

    @Test
    void decisionsLeaveOutWhatTheKernelPlacedItself() {
        SchedulerStats onlyKernel = new SchedulerStats(0, 0, 0, 0, 0, 1000, 0, 0, 0, 50, 20, 30, 5, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(0, onlyKernel.nrDecisions());
    }

    @Test
    void decisionsDoNotOverflowBeforeLong() {
        SchedulerStats big = new SchedulerStats(0, 0, 0, 0, 1L << 40, 0, 1L << 40, 1L << 40, 1L << 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(1L << 42, big.nrDecisions());
    }

    @Test
    void lineShowsEachCounterInItsPlace() {
        assertEquals("tasks r: 3/4 q: 1 s: 2 | dispatch u: 5 k: 6 c: 7 b: 8 f: 9 | cg: 10 self: 11 stall: 12",
                distinct().line());
    }

    @Test
    void lineUsesAsciiDigitsWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault(Locale.Category.FORMAT);
        try {
            // Thai digits are the locale's own zero digit here; scripts parse this line.
            Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("th-TH-u-nu-thai"));
            assertEquals("tasks r: 3/4 q: 1 s: 2 | dispatch u: 5 k: 6 c: 7 b: 8 f: 9 | cg: 10 self: 11 stall: 12",
                    distinct().line());
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, saved);
        }
    }

    @Test
    void recordAccessorsReturnTheirOwnCounter() {
        SchedulerStats s = distinct();
        long[] got = {s.nrQueued(), s.nrScheduled(), s.nrRunning(), s.nrOnlineCpus(), s.nrUserDispatches(),
            s.nrKernelDispatches(), s.nrCancelDispatches(), s.nrBounceDispatches(), s.nrFailedDispatches(),
            s.nrSchedCongested(), s.nrSelfDispatches(), s.nrStallFallbacks(), s.nrHeartbeatKicks(),
            s.nrEnqueues(), s.nrUserQueued()};
        for (int i = 0; i < got.length; i++) {
            assertEquals(i + 1, got[i], "component " + i);
        }
    }
}
