// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import io.github.scxjavaland.ExitInfo;
import io.github.scxjavaland.PolicyFailedException;
import io.github.scxjavaland.SchedulerConfig;
import io.github.scxjavaland.SchedulerException;
import io.github.scxjavaland.SchedulerRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;

/**
 * The command line of {@link DeadlineScheduler}: parsing (a pure function, so it is testable
 * without exiting the JVM), usage, version, and the run itself. {@link #run} returns the exit
 * status instead of exiting.
 */
final class DeadlineCli {
    static final String PROG = "DeadlineScheduler";
    private static final String POM_PROPERTIES = "/META-INF/maven/io.github.scxjavaland/scx-javaland/pom.properties";

    private DeadlineCli() {}

    /** What the command line asked for. Built only by {@link #parse}. */
    static final class Options {
        long sliceUsMax = DeadlineScheduler.DEFAULT_SLICE_MAX_NS / 1000;
        long sliceUsMin = DeadlineScheduler.DEFAULT_SLICE_MIN_NS / 1000;
        boolean percpuLocal;
        boolean preempt;
        boolean partial;
        boolean verbose;
        boolean jmx;
        boolean help;
        boolean version;
        int exitDumpLen = SchedulerConfig.defaults().exitDumpLen();
        double statsSeconds;
        double monitorSeconds;
        double durationSeconds;
        String name = "deadline";
        SchedulerConfig config;
        DeadlineScheduler.Builder policy;
    }

    /**
     * @param args the command line
     * @return the options, validated (config and policy settings built)
     * @throws IllegalArgumentException with a message for people, on any bad argument
     */
    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String opt = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                opt = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            String v = null;
            switch (opt) {
                case "-s": case "--slice-us-max": case "-S": case "--slice-us-min": case "--exit-dump-len":
                case "--stats": case "--monitor": case "--duration": case "--name":
                    if (inline != null) {
                        v = inline;
                    } else if (i + 1 < args.length) {
                        v = args[++i];
                    } else {
                        throw new IllegalArgumentException(opt + " needs a value");
                    }
                    break;
                default:
                    if (inline != null) {
                        throw new IllegalArgumentException(opt + " takes no value");
                    }
            }
            switch (opt) {
                case "-s": case "--slice-us-max": o.sliceUsMax = longValue(opt, v, 10, 1_000_000); break;
                case "-S": case "--slice-us-min": o.sliceUsMin = longValue(opt, v, 10, 1_000_000); break;
                case "--exit-dump-len": o.exitDumpLen = (int) longValue(opt, v, 0, 1 << 24); break;
                case "--stats": o.statsSeconds = seconds(opt, v); break;
                case "--monitor": o.monitorSeconds = seconds(opt, v); break;
                case "--duration": o.durationSeconds = seconds(opt, v); break;
                case "--name": o.name = v; break;
                case "-l": case "--percpu-local": o.percpuLocal = true; break;
                case "--preempt": o.preempt = true; break;
                case "-p": case "--partial": o.partial = true; break;
                case "-v": case "--verbose": o.verbose = true; break;
                case "--jmx": o.jmx = true; break;
                case "-h": case "--help": o.help = true; break;
                case "-V": case "--version": o.version = true; break;
                default:
                    throw new IllegalArgumentException(arg.startsWith("-") ? "unknown option " + arg
                            : "unexpected argument " + arg);
            }
        }
        if (o.help || o.version) {
            return o;
        }
        if (o.monitorSeconds > 0 && o.statsSeconds > 0) {
            throw new IllegalArgumentException("--monitor watches a running scheduler; it cannot be combined with --stats");
        }
        o.policy = DeadlineScheduler.builder().sliceMinNs(o.sliceUsMin * 1000).sliceMaxNs(o.sliceUsMax * 1000)
                .percpuLocal(o.percpuLocal).preempt(o.preempt);
        o.policy.build(); // validates the slices together
        // BPF places tasks itself (idle CPUs, congestion) with the base slice, as scx_rustland does.
        o.config = SchedulerConfig.builder().opsName(o.name).sliceNs(o.sliceUsMin * 1000).partial(o.partial)
                .debug(o.verbose).exitDumpLen(o.exitDumpLen).build();
        return o;
    }

    private static long longValue(String opt, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + ": not a whole number: '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(opt + " " + n + " outside [" + min + ", " + max + "]");
        }
        return n;
    }

    private static double seconds(String opt, String v) {
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + ": not a number of seconds: '" + v + "'");
        }
        if (!(d > 0) || d > 1e6) {
            throw new IllegalArgumentException(opt + " must be a positive number of seconds: '" + v + "'");
        }
        return d;
    }

    static String usage() {
        return "Usage: " + PROG + " [options]\n"
                + "A deadline scheduler on weighted virtual runtime, in the spirit of scx_rustland:\n"
                + "CPU-bound tasks share in proportion to their weight, tasks that sleep often run first.\n"
                + "Runs until SIGINT/SIGTERM; needs root and a kernel with sched_ext.\n\n"
                + "Options:\n"
                + "  -s, --slice-us-max US  maximum slice; also bounds sleep credit and the runtime\n"
                + "                         penalty of the deadline (default 20000)\n"
                + "  -S, --slice-us-min US  base slice of a nice-0 task, scaled by weight; also the\n"
                + "                         slice of tasks BPF places itself (default 1000)\n"
                + "  -l, --percpu-local     keep each task on the CPU it last ran on (no idle search)\n"
                + "      --preempt          a waking task with an earlier deadline cuts a running\n"
                + "                         task of this policy's when no CPU is idle\n"
                + "  -p, --partial          only schedule tasks with the SCHED_EXT policy\n"
                + "      --exit-dump-len N  bytes of the kernel's debug dump kept on an error exit\n"
                + "                         (default " + SchedulerConfig.defaults().exitDumpLen() + ")\n"
                + "  -v, --verbose          libbpf debug output, and a setup error's stack trace\n"
                + "      --stats SECONDS    print a stats line this often: r running/CPUs, w queued/\n"
                + "                         scheduled, pf page faults of this process since start,\n"
                + "                         dispatches per interval (u user, k kernel, c cancelled,\n"
                + "                         b bounced, f failed), cg congestion; totals at exit\n"
                + "      --monitor SECONDS  do not schedule: print the stats of the scx_javaland\n"
                + "                         scheduler running now, this often\n"
                + "      --duration SECONDS stop after this long (default: until SIGINT/SIGTERM)\n"
                + "      --name NAME        ops name in /sys/kernel/sched_ext/root/ops (default deadline)\n"
                + "      --jmx              publish the counters as the MXBean\n"
                + "                         io.github.scxjavaland:type=Scheduler,name=NAME\n"
                + "  -V, --version          print the version and exit\n"
                + "  -h, --help             print this help and exit\n\n"
                + "Exit status: 0 clean stop, 1 the scheduler failed, 2 bad arguments.\n"
                + "How it works and where it is weak: the javadoc of\n"
                + "io.github.scxjavaland.examples.DeadlineScheduler.\n";
    }

    /** @return the jar's Implementation-Version, else its Maven version, else "dev" */
    static String version() {
        Package p = DeadlineCli.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        if (v != null && !v.isEmpty()) {
            return v;
        }
        try (InputStream in = DeadlineCli.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                v = props.getProperty("version");
                if (v != null && !v.isEmpty()) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "dev";
    }

    /**
     * Runs the command line.
     *
     * @return the exit status: 0 done, 1 the scheduler failed, 2 bad arguments
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(PROG + ": " + e.getMessage() + " (see --help)");
            err.println(usage().lines().findFirst().orElse(""));
            return 2;
        }
        if (o.help) {
            out.print(usage());
            return 0;
        }
        if (o.version) {
            out.println(PROG + " (scx_javaland) " + version());
            return 0;
        }
        if (o.monitorSeconds > 0) {
            return monitor(o, out, err);
        }
        return schedule(o, out, err);
    }

    /** @return the policy's own totals, for the final line */
    static String figures(DeadlineScheduler p) {
        return "held=" + p.nrHeld() + " dispatched=" + p.nrDispatched() + " idle_claims=" + p.nrIdleClaims()
                + " merged=" + p.nrMerged() + " tracked=" + p.nrTracked();
    }

    private static Duration duration(double seconds) {
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    private static int schedule(Options o, PrintStream out, PrintStream err) {
        DeadlineScheduler.Builder policy = o.policy;
        SchedulerRunner.Builder b = SchedulerRunner.builder(o.config, policy::build).jmx(o.jmx).log(out);
        StatsLine line = new StatsLine(o.name, true);
        if (o.statsSeconds > 0) {
            b.onStats(duration(o.statsSeconds), r -> {
                DeadlineScheduler p = r.policyAs(DeadlineScheduler.class);
                out.println(r.isFinal() ? line.totals(r.stats(), figures(p)) : line.format(r.stats()));
            });
        }
        if (o.durationSeconds > 0) {
            b.duration(duration(o.durationSeconds));
        }
        out.println(o.name + ": slice " + o.sliceUsMin + ".." + o.sliceUsMax + " us"
                + (o.percpuLocal ? ", per-CPU local" : ", idle-CPU placement") + (o.preempt ? ", preemption" : "")
                + (o.partial ? ", partial" : ""));
        ExitInfo info;
        try {
            info = b.build().run();
        } catch (SchedulerException e) {
            err.println(PROG + ": " + e.getMessage());
            if (o.verbose) {
                e.printStackTrace(err);
            }
            return 1;
        } catch (PolicyFailedException e) {
            return 1; // the runner has printed what failed, and the scheduler detached
        }
        return info.isError() ? 1 : 0;
    }

    /** Watches the scheduler running now (ours or another process's) until it stops or we are killed. */
    private static int monitor(Options o, PrintStream out, PrintStream err) {
        return MonitorCli.watch(PROG + ": --monitor", o.monitorSeconds, 0, out, err);
    }
}
