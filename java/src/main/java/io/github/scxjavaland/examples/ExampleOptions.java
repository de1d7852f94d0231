// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerStats;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Command-line options the example schedulers share. Unknown or malformed options throw
 * {@link IllegalArgumentException} with a one-line message (the caller exits with status 2).
 */
final class ExampleOptions {
    private final String name;
    private SchedulerConfig.Builder config;
    private double statsSeconds;
    private double durationSeconds;
    private final Set<String> flags = new HashSet<>();
    private boolean verbose;

    private ExampleOptions(String opsName) {
        this.name = opsName;
        this.config = SchedulerConfig.builder().opsName(opsName);
    }

    /**
     * One line per log record ("WARNING: message") instead of java.util.logging's two, unless
     * the user chose a format. Must run before anything logs: the formatter reads it once.
     */
    static void oneLineLogs() {
        String key = "java.util.logging.SimpleFormatter.format";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "%4$s: %5$s%6$s%n");
        }
    }

    /** Returns null after printing help to {@code out}; a bad option throws IllegalArgumentException. */
    static ExampleOptions parse(String prog, String opsName, String about, String[] args, PrintStream out) {
        ExampleOptions o = new ExampleOptions(opsName);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                case "--help":
                    out.print(usage(prog, about));
                    return null;
                case "--stats": o.statsSeconds = positive(a, value(args, ++i, a)); break;
                case "--duration": o.durationSeconds = positive(a, value(args, ++i, a)); break;
                case "--slice-us": o.config.sliceNs(1000L * (long) positive(a, value(args, ++i, a))); break;
                case "--exit-dump-len": o.config.exitDumpLen((int) positive(a, value(args, ++i, a))); break;
                case "--name": o.config.opsName(value(args, ++i, a)); break;
                case "--partial": o.config.partial(true); break;
                case "-v":
                case "--verbose": o.config.debug(true); o.verbose = true; break;
                case "--any-cpu": o.flags.add(a); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        o.config.build();
        return o;
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    private static double positive(String opt, String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + ": not a number: " + v);
        }
        if (!(d >= 0)) {
            throw new IllegalArgumentException(opt + " must not be negative: " + v);
        }
        return d;
    }

    static String usage(String prog, String about) {
        return "Usage: " + prog + " [options]\n" + about + "\n"
                + "  --stats SECONDS      print counters this often\n"
                + "  --duration SECONDS   stop after this long (default: until SIGINT/SIGTERM)\n"
                + "  --slice-us US        slice of tasks the BPF side places itself (default 5000)\n"
                + "  --exit-dump-len N    bytes of debug dump kept on an error exit\n"
                + "  --name NAME          ops name (shown in /sys/kernel/sched_ext/root/ops)\n"
                + "  --partial            only schedule tasks with the SCHED_EXT policy\n"
                + "  --any-cpu            no selectCpu: every task goes to the first free CPU\n"
                + "  -v, --verbose        libbpf debug output, and a setup error's stack trace\n"
                + "  -h, --help           this help\n"
                + "Exit status: 0 clean stop, 1 the scheduler failed, 2 bad arguments.\n";
    }

    SchedulerConfig config() {
        return config.build();
    }

    double statsSeconds() {
        return statsSeconds;
    }

    double durationSeconds() {
        return durationSeconds;
    }

    boolean verbose() {
        return verbose;
    }

    boolean flag(String f) {
        return flags.contains(f);
    }

    /** key=value form, the same as the C FIFO's, so scripts parse both alike. */
    String statsLine(SchedulerStats s) {
        return "stats: " + s.keyValues() + " [" + name + "]";
    }
}
