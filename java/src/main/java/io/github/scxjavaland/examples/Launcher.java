// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The jar's entry point: {@code java -jar scx-javaland-VERSION.jar COMMAND [options]}, one
 * command per example program, in the manner of the scx tools.
 *
 * <ul>
 *   <li>{@code fifo}: the FIFO scheduler ({@link FifoScheduler});
 *   <li>{@code deadline}: the deadline scheduler ({@link DeadlineScheduler});
 *   <li>{@code monitor}: the counters of the scheduler running now, from another process;
 *   <li>{@code help [COMMAND]}, {@code --version}.
 * </ul>
 *
 * Every command takes {@code --help}. Exit status: 0 done, 1 a runtime failure (a setup error is
 * one line naming the cause and the fix; {@code -v} adds its stack trace), 2 bad usage (with
 * the usage line).
 */
public final class Launcher {
    static final String PROG = "scx-javaland";

    private Launcher() {}

    /**
     * Runs a command.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static String usage() {
        return "Usage: java -jar scx-javaland.jar COMMAND [options]\n"
                + "Linux sched_ext schedulers written in Java (needs root and a kernel with sched_ext).\n\n"
                + "Commands:\n"
                + "  fifo       the FIFO example scheduler\n"
                + "  deadline   the deadline example scheduler (weighted virtual runtime)\n"
                + "  monitor    print the counters of the scheduler running now\n"
                + "  help [COMMAND]  this help, or a command's (the same as COMMAND --help)\n\n"
                + "  -V, --version   print the version\n\n"
                + "Exit status: 0 done, 1 a runtime failure, 2 bad usage.\n";
    }

    /** The command line: see the class comment for the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "fifo":
                return FifoScheduler.run(rest, out, err);
            case "deadline":
                return DeadlineCli.run(rest, out, err);
            case "monitor":
                return MonitorCli.run(rest, out, err);
            case "help": case "-h": case "--help":
                return rest.length == 0 ? help(out) : run(new String[] {rest[0], "--help"}, out, err);
            case "-V": case "--version":
                out.println(PROG + " " + DeadlineCli.version());
                return 0;
            default:
                err.println(PROG + ": unknown command " + args[0]);
                err.print(usage());
                return 2;
        }
    }

    private static int help(PrintStream out) {
        out.print(usage());
        return 0;
    }
}
