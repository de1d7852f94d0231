// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import io.github.scxjavaland.SchedulerException;
import io.github.scxjavaland.SchedulerMonitor;
import java.io.PrintStream;

/**
 * {@code monitor}: prints the counters of the scx_javaland scheduler running now (in any
 * process), one stats line per interval, without scheduling anything itself; the {@code
 * --stats} line of the schedulers, with the same counter names as {@code SchedulerStats} and the
 * MXBean.
 */
final class MonitorCli {
    static final String PROG = "monitor";

    private MonitorCli() {}

    static String usage() {
        return "Usage: " + PROG + " [--interval SECONDS] [--count N]\n"
                + "Prints the counters of the scx_javaland scheduler running now (any process), one\n"
                + "line per interval, until it stops. Reads shared memory only: needs root, and\n"
                + "schedules nothing.\n"
                + "  --interval SECONDS  time between lines (default 1)\n"
                + "  --count N           stop after N lines (default: until the scheduler stops)\n"
                + "  -h, --help          this help\n"
                + "Exit status: 0 the scheduler stopped or N lines were printed, 1 none is running\n"
                + "(or it cannot be read), 2 bad arguments.\n";
    }

    /** The command line: 0, 1 or 2 as {@link #usage} says. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        double interval = 1;
        long count = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-h": case "--help":
                        out.print(usage());
                        return 0;
                    case "--interval": interval = number(args, ++i, "--interval"); break;
                    case "--count": count = (long) number(args, ++i, "--count"); break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!(interval > 0)) {
                throw new IllegalArgumentException("--interval must be positive");
            }
        } catch (IllegalArgumentException e) {
            err.println(PROG + ": " + e.getMessage() + " (see --help)");
            err.println(usage().lines().findFirst().orElse(""));
            return 2;
        }
        return watch(PROG, interval, count, out, err);
    }

    /**
     * Prints a stats line every {@code seconds} until the scheduler stops or {@code count} lines
     * (0: no limit) were printed.
     */
    static int watch(String prog, double seconds, long count, PrintStream out, PrintStream err) {
        try (SchedulerMonitor m = SchedulerMonitor.attach()) {
            String name = m.opsName();
            StatsLine line = new StatsLine(name.isEmpty() ? "?" : name, false);
            long sleepMs = Math.max(1, (long) (seconds * 1000));
            for (long n = 0; count == 0 || n < count; n++) {
                Thread.sleep(sleepMs);
                if (!m.isRunning()) {
                    out.println(prog + ": no sched_ext scheduler is running any more");
                    return 0;
                }
                out.println(line.format(m.stats()));
            }
            return 0;
        } catch (SchedulerException e) {
            err.println(prog + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static double number(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        try {
            return Double.parseDouble(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + ": not a number: " + args[i]);
        }
    }
}
