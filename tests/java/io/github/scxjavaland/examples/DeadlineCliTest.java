// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scxjavaland.SchedulerStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadlineCliTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        return DeadlineCli.run(args, out, err);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpExitsZeroAndListsEveryOption() {
        assertEquals(0, run("--help"));
        String help = out();
        for (String opt : new String[] {"-s, --slice-us-max", "-S, --slice-us-min", "-l, --percpu-local",
            "-p, --partial", "--exit-dump-len", "-v, --verbose", "--stats SECONDS", "--monitor SECONDS",
            "--duration", "--name", "--jmx", "-V, --version", "-h, --help"}) {
            assertTrue(help.contains(opt), opt + " missing from:\n" + help);
        }
        assertEquals("", err());
        assertEquals(0, new DeadlineCliTest().run("-h"));
    }

    @Test
    void helpWinsOverOtherwiseBadValues() {
        assertEquals(0, run("-S", "50000", "-s", "1000", "--help"));
    }

    @Test
    void versionExitsZero() {
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("DeadlineScheduler (scx_javaland) "), out());
        assertFalse(out().trim().endsWith(" "), out());
        assertEquals(0, new DeadlineCliTest().run("-V"));
    }

    @Test
    void badArgumentsExitTwoWithAMessage() {
        assertBad("unknown option --bogus", "--bogus");
        assertBad("unexpected argument extra", "extra");
        assertBad("-s needs a value", "-s");
        assertBad("--slice-us-max: not a whole number: 'fast'", "--slice-us-max", "fast");
        assertBad("-S 5 outside [10, 1000000]", "-S", "5");
        assertBad("exceeds slice max", "-S", "30000", "-s", "20000");
        assertBad("--stats must be a positive number of seconds", "--stats", "0");
        assertBad("--stats: not a number of seconds", "--stats", "soon");
        assertBad("--percpu-local takes no value", "--percpu-local=yes");
        assertBad("opsName", "--name", "bad name");
        assertBad("cannot be combined", "--monitor", "1", "--stats", "1");
    }

    private void assertBad(String message, String... args) {
        DeadlineCliTest t = new DeadlineCliTest();
        assertEquals(2, t.run(args), String.join(" ", args));
        assertTrue(t.err().startsWith("DeadlineScheduler: "), t.err());
        assertTrue(t.err().contains(message), "expected '" + message + "' in: " + t.err());
        assertTrue(t.err().contains("--help"), t.err());
        assertEquals("", t.out());
    }

    @Test
    void parsesEveryOption() {
        DeadlineCli.Options o = DeadlineCli.parse(new String[] {"-s", "5000", "-S", "500", "-l", "-p", "-v",
            "--stats", "2.5", "--exit-dump-len=0", "--name=dl", "--duration", "30", "--jmx"});
        assertEquals(5000, o.sliceUsMax);
        assertEquals(500, o.sliceUsMin);
        assertTrue(o.percpuLocal && o.partial && o.verbose && o.jmx);
        assertEquals(2.5, o.statsSeconds);
        assertEquals(30, o.durationSeconds);
        assertEquals("dl", o.config.opsName());
        assertEquals(500_000, o.config.sliceNs());
        assertEquals(0, o.config.exitDumpLen());
        assertTrue(o.config.partial() && o.config.debug());
        DeadlineScheduler d = o.policy.build();
        assertEquals(500_000, d.sliceMinNs());
        assertEquals(5_000_000, d.sliceMaxNs());
        assertTrue(d.percpuLocal());

        DeadlineCli.Options defaults = DeadlineCli.parse(new String[0]);
        assertEquals("deadline", defaults.config.opsName());
        assertEquals(DeadlineScheduler.DEFAULT_SLICE_MIN_NS, defaults.config.sliceNs());
        assertFalse(defaults.percpuLocal || defaults.partial || defaults.jmx);
        assertEquals(0, defaults.statsSeconds);
        assertThrows(IllegalArgumentException.class, () -> DeadlineCli.parse(new String[] {"--slice-us-min"}));
    }

    @Test
    void statsLineShowsIntervalDeltasAndTotals() {
        StatsLine line = new StatsLine("dl", false);
        SchedulerStats a = new SchedulerStats(1, 2, 3, 4, 100, 10, 1, 0, 0, 5, 7, 0, 0, 200, 150, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        SchedulerStats b = new SchedulerStats(0, 3, 4, 4, 160, 12, 1, 2, 0, 5, 9, 0, 0, 300, 220, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("[dl] tasks -> r: 3/4 w: 1/2 | pf: - | dispatch -> u: 100 k: 10 c: 1 b: 0 f: 0 | cg: 5",
                line.format(a));
        assertEquals("[dl] tasks -> r: 4/4 w: 0/3 | pf: - | dispatch -> u: 60 k: 2 c: 0 b: 2 f: 0 | cg: 0",
                line.format(b));
        assertEquals("final: queued=0 scheduled=3 running=4 cpus=4 user=160 kernel=12 cancel=1 bounce=2 failed=0"
                + " congested=5 self=9 stall=0 enqueues=300 user_queued=220 kept=0 aged_dsq=0 aged_user=0"
                + " tick_preempts=0 max_wait_us=0 max_kthread_wait_us=0 in_user=0"
                + " user_dequeued=0 stall_rescues=0 preempts=0 kicks=0 usersched_cuts=0 to_decision_us=0.0 decision_to_run_us=0.0 usersched_wait_us=0.0 held=0 dispatched=0 idle_claims=0 merged=0 tracked=0 [dl]",
                line.totals(b, DeadlineCli.figures(new DeadlineScheduler())));
        assertTrue(new StatsLine("x", true).format(a).contains("pf: "));
    }

    @Test
    void pageFaultsComeFromProcSelfStat() {
        // The command name may hold spaces and parentheses; minflt is field 10, majflt field 12.
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1500 0 25 0 90 10 0 0 20 0 30 0";
        assertEquals(1525, StatsLine.parsePageFaults(stat));
        assertTrue(StatsLine.pageFaults() > 0);
    }
}
